"""Issue 17: "Simpan draf" keeps what is not right yet; the live score never counts an
unreadable field as 0."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from desa.models import Penilaian
from tests.penilaian_helpers import KEBUNAN, buat_lokasi, buat_penilaian, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draf(desa_a, fasilitator_a):
    return buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)


def test_draft_with_an_invalid_field_is_saved_and_lists_it(client, draf, fasilitator_a):
    client.force_login(fasilitator_a)
    url = reverse("desa:penilaian_ubah", args=[draf.pk])
    data = form_data(draf.versi, volumes={**KEBUNAN["volumes"], "1a": "30"})
    data["v_2a"] = "1,2.3"  # unreadable
    data["v_1b"] = "999"  # above its denominator (jumlah bangunan 50)
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()[:3000]
    p = Penilaian.objects.get(pk=draf.pk)
    assert p.versi == draf.versi + 1
    assert set(p.isian_belum_benar) == {"v_2a", "v_1b"}
    assert p.isian_belum_benar["v_2a"]["teks"] == "1,2.3"
    assert p.volume.get(kriteria__kode="1a").volume == Decimal(30)  # the valid ones are saved
    page = client.get(url).content.decode()
    assert "Draf ini disimpan dengan isian yang belum benar" in page
    assert 'value="1,2.3"' in page  # what was typed comes back into the field
    # It cannot be submitted until it is right.
    r = client.post(reverse("desa:penilaian_ajukan", args=[draf.pk]))
    assert Penilaian.objects.get(pk=draf.pk).status == "draft"
    # Saved whole: the list is gone.
    p = Penilaian.objects.get(pk=draf.pk)
    assert client.post(url, form_data(p.versi)).status_code == 302
    assert Penilaian.objects.get(pk=draf.pk).isian_belum_benar == {}


def test_submit_with_an_invalid_field_still_saves_nothing(client, draf, fasilitator_a):
    client.force_login(fasilitator_a)
    data = form_data(draf.versi, aksi="ajukan")
    data["v_2a"] = "abc"
    r = client.post(reverse("desa:penilaian_ubah", args=[draf.pk]), data)
    assert r.status_code == 200
    assert Penilaian.objects.get(pk=draf.pk).versi == draf.versi


def test_live_score_shows_a_dash_and_the_reason_for_an_unreadable_base_field(
        client, draf, fasilitator_a):
    client.force_login(fasilitator_a)
    data = form_data(draf.versi)
    data["jumlah_bangunan"] = "5O"  # a letter O: unreadable
    r = client.post(reverse("desa:penilaian_pratinjau", args=[draf.pk]), data)
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-total="">–' in html
    assert "Skor belum dapat dihitung" in html and "Jumlah bangunan (unit)" in html
    # Criteria over the number of buildings show "–", never "100" or a score.
    assert '<span id="persen-1a" hx-swap-oob="true">–</span>' in html
    assert '<span id="skor-1a" hx-swap-oob="true">–</span>' in html
    # Another criterion (over the road length) is still computed.
    assert '<span id="persen-2a" hx-swap-oob="true">–</span>' not in html


def test_live_score_is_computed_when_every_field_reads(client, draf, fasilitator_a):
    client.force_login(fasilitator_a)
    r = client.post(reverse("desa:penilaian_pratinjau", args=[draf.pk]), form_data(draf.versi))
    html = r.content.decode()
    assert "Skor belum dapat dihitung" not in html
    assert 'data-total="14"' in html
