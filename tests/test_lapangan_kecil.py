"""Issue 17, the smaller points: resubmissions marked, old comment labelled, the stakeholder
profile's share column, sort label, counts without decimals, budget-year default."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, kriteria
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

pytestmark = pytest.mark.django_db


def test_a_resubmitted_assessment_is_marked_in_the_queue(client, desa_a, fasilitator_a,
                                                         verifikator):
    p = buat_penilaian(buat_lokasi(desa_a), 2024, status="diajukan", user=fasilitator_a)
    client.force_login(verifikator)
    queue = reverse("desa:antrian_verifikasi")
    assert "diajukan ulang" not in client.get(queue).content.decode()
    client.post(reverse("desa:penilaian_kembalikan", args=[p.pk]),
                {"catatan": "Ukur ulang drainase."})
    client.force_login(fasilitator_a)
    client.post(reverse("desa:penilaian_ajukan", args=[p.pk]))
    client.force_login(verifikator)
    assert "diajukan ulang" in client.get(queue).content.decode()
    detail = client.get(p.get_absolute_url()).content.decode()
    assert "catatan pengembalian sebelumnya" in detail
    assert re.search(r"\d\d-\d\d-\d{4} \d\d\.\d\d", client.get(queue).content.decode())


def test_stakeholder_profile_fills_the_share_column(client, desa_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    lain = buat_pemangku("CSR Pabrik Gula", "swasta")
    buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 75_000_000), (lain, "csr", 25_000_000)])
    html = client.get(reverse("kolaborasi:pemangku_detail", args=[dinas.pk])).content.decode()
    row = re.search(r"Menurut desa.*?<tbody>(.*?)</tbody>", html, re.S).group(1)
    assert "75,0 %" in row
    assert row.count("<td") == 5


def test_desa_list_sort_has_a_readable_empty_choice(client, jiwan):
    html = client.get(reverse("desa:list")).content.decode()
    assert "Urutan bawaan" in html and "---------" not in html


def test_counts_in_units_show_without_decimals(client, desa_a):
    k = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab", 1_000)],
                      kode_kriteria="6a")
    k.volume, k.satuan = 4, "unit"
    k.save()
    html = client.get(k.get_absolute_url()).content.decode()
    assert "4 unit" in html and "4,00 unit" not in html


def test_budget_year_defaults_to_this_year(client, desa_a, fasilitator_a):
    client.force_login(fasilitator_a)
    form = client.get(reverse("anggaran:kegiatan_baru")
                      + f"?desa={desa_a.kode_wilayah}").context["form"]
    assert form["tahun_anggaran"].value() == datetime.date.today().year
    assert kriteria("6a")  # the reference data is there


def test_admin_shows_polygon_area_with_a_decimal_comma(client, admin_user, desa_a):
    from decimal import Decimal

    desa_a.luas_poligon_km2 = Decimal("3.25")
    desa_a.save()
    client.force_login(admin_user)
    html = client.get(reverse("admin:desa_desa_changelist") + "?q=" + desa_a.nama).content
    assert "3,250" in html.decode()


def test_kawasan_name_is_not_doubled(client, desa_a, fasilitator_a):
    from tests.penilaian_helpers import buat_kawasan

    kawasan = buat_kawasan(desa_a, nama="Kawasan Bibrik")
    p = buat_penilaian(buat_lokasi(desa_a, kawasan=kawasan), 2024, user=fasilitator_a)
    client.force_login(fasilitator_a)
    html = client.get(p.get_absolute_url()).content.decode()
    assert "Kawasan Bibrik" in html and "Kawasan Kawasan" not in html
