"""Dashboards read the money rollups (issue 16): every figure equals the reference computed
from the raw funding lines (``tests/_dasbor_mentah``, the computation before the rollups),
for every filter; and a write shows on the page at once, with the dashboard cache on and off."""

from __future__ import annotations

import io
from dataclasses import asdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.models import Kegiatan, Pendanaan
from anggaran.services import simpan_kegiatan
from desa.models import Desa
from tests import _dasbor_mentah as mentah
from tests.anggaran_helpers import buat_pemangku, sumber

MATRIKS = [(b, k, n) for b in ("pemangku", "sumber") for k in ("desa", "aspek")
           for n in ("rencana", "realisasi")]


@pytest.fixture
def data(jiwan):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("bangkitkan_data_nasional", stdout=io.StringIO(), stderr=io.StringIO(),
                 seed=7, lines=400, desa=30, provinsi="31", verbosity=0)
    return jiwan


def filters():
    line = Pendanaan.objects.select_related("kegiatan__desa", "pemangku").order_by("pk").first()
    desa = line.kegiatan.desa
    return [
        dash.Filter(), dash.Filter(tahun=line.kegiatan.tahun_anggaran),
        dash.Filter(sumber="apbd-kab"), dash.Filter(jenis="lkm"), dash.Filter(aspek="2"),
        dash.Filter(wilayah="35.19"), dash.Filter(wilayah="31"), dash.Filter(wilayah="35.19.09"),
        dash.Filter(desa_id=desa.pk), dash.Filter(pemangku_id=line.pemangku_id),
        dash.Filter(pemangku_id=line.pemangku_id, sumber="apbd-kab"),
        dash.Filter(tahun=line.kegiatan.tahun_anggaran, jenis="opd", aspek="2", wilayah="35"),
        dash.Filter(tahun=1999),
    ]


def test_every_money_figure_equals_the_raw_computation(data, settings):
    settings.DASHBOARD_CACHE = False
    assert Kegiatan.objects.filter(status="batal").exists()  # they must stay out
    for f in filters():
        assert dash._ringkasan_dana(f)["sums"] == mentah._sums(mentah.pendanaan(f)), f
        assert dash.per_sumber(f) == mentah.per_sumber(f), f
        assert dash.kolaborasi_per_tingkat(f) == mentah.kolaborasi_per_tingkat(f), f
        assert dash.per_jenis_pemangku(f) == mentah.per_jenis_pemangku(f), f
        assert {r["pk"]: (r["sumber"], r["pendana"], r["rencana"], r["realisasi"])
                for r in dash.per_wilayah(f)["rows"] if r["rencana"] or r["sumber"]
                } == mentah.per_wilayah_uang(f), f
        assert dash.aliran(f) == mentah.aliran(f), f
        for baris, kolom, nilai in MATRIKS:
            # Two Matriks classes (product, reference): compare their fields.
            assert asdict(dash.matriks(f, baris, kolom, nilai)) == asdict(mentah.matriks(
                f, baris, kolom, nilai)), (f, baris, kolom, nilai)
    for desa in Desa.objects.filter(kegiatan__isnull=False).distinct()[:5]:
        got, want = dash.profil_desa(desa, None), mentah.profil_desa(desa, None)
        for key in ("sums", "per_sumber", "per_pemangku"):
            assert got[key] == want[key], (desa, key)


@pytest.mark.parametrize("cache", [False, True])
def test_a_save_shows_at_once_with_the_cache_on_and_off(client, jiwan, desa_a, settings,
                                                        cache, fasilitator_a,
                                                        django_capture_on_commit_callbacks):
    settings.DASHBOARD_CACHE = cache
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"ringkasan-{cache}"}}
    dinas = buat_pemangku("Dinas PKP Kab. Madiun", "opd")
    url = reverse("matriks") + "?baris=sumber&kolom=desa"
    client.get(url)  # warm whatever is cached
    from tests.anggaran_helpers import buat_kegiatan

    k = buat_kegiatan(desa_a, lines=[])
    with django_capture_on_commit_callbacks(execute=True):  # the cache's version bump
        simpan_kegiatan(k, [{"pk": None, "pemangku": dinas, "sumber": sumber("csr"),
                             "rencana_rp": Decimal(123_456_789), "realisasi_rp": Decimal(0),
                             "natura": False, "uraian_natura": "", "alasan_lebih": ""}],
                        fasilitator_a, k.versi)
    matriks = client.get(url).context["m"]
    assert matriks.total == Decimal(123_456_789)
    assert dash.ringkasan().rencana == Decimal(123_456_789)
