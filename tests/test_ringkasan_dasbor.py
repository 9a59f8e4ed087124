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
from tests.demo_cepat import muat_demo

MATRIKS = [(b, k, n) for b in ("pemangku", "sumber") for k in ("desa", "aspek")
           for n in ("rencana", "realisasi")]


@pytest.fixture
def data(jiwan):
    muat_demo()
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
        assert dash.aliran(f) == {**mentah.aliran(f), "tingkat": "desa"}, f
        for baris, kolom, nilai in MATRIKS:
            # Two Matriks classes (product, reference): compare their fields.
            assert asdict(dash.matriks(f, baris, kolom, nilai)) == asdict(mentah.matriks(
                f, baris, kolom, nilai)), (f, baris, kolom, nilai)
    for desa in Desa.objects.filter(kegiatan__isnull=False).distinct()[:5]:
        got, want = dash.profil_desa(desa, None), mentah.profil_desa(desa, None)
        for key in ("sums", "per_sumber", "per_pemangku"):
            assert got[key] == want[key], (desa, key)


def test_wide_scopes_read_the_kabupaten_rollups_with_the_same_figures(data, settings,
                                                                    monkeypatch):
    """With regions as columns (a province, the nation), the kabupaten rollups answer the
    region tables, the matrices and the flows: the same money as the raw lines."""
    from anggaran.models import RingkasanDanaKabupaten, RingkasanPendanaKabupaten
    from desa import wilayah

    settings.DASHBOARD_CACHE = False
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 0)  # every scope shows provinsi or kabupaten
    assert RingkasanDanaKabupaten.objects.exists() and RingkasanPendanaKabupaten.objects.exists()
    kunci_jenis = dash.Filter(jenis="lkm")
    for f in (dash.Filter(), dash.Filter(wilayah="35"), dash.Filter(wilayah="35.19"),
              kunci_jenis, dash.Filter(tahun=2022)):
        assert dash._per_kabupaten(f, "provinsi")
        assert dash._ringkasan_dana(f)["sums"] == mentah._sums(mentah.pendanaan(f)), f
        assert dash.per_sumber(f) == mentah.per_sumber(f), f
        assert dash.per_jenis_pemangku(f) == mentah.per_jenis_pemangku(f), f
        assert {r["pk"]: (r["sumber"], r["pendana"], r["rencana"], r["realisasi"])
                for r in dash.per_wilayah(f)["rows"] if r["rencana"] or r["sumber"]
                } == mentah.per_wilayah_uang(f), f
        for baris, kolom, nilai in MATRIKS:
            assert asdict(dash.matriks(f, baris, kolom, nilai)) == asdict(mentah.matriks(
                f, baris, kolom, nilai)), (f, baris, kolom, nilai)
        # The flows of a wide scope: source → funder type → region, every rupiah once.
        a = dash.aliran(f)
        level = wilayah.tingkat_rincian(f)
        assert a["tingkat"] == level[0]
        raw = mentah.pendanaan(f)
        path = "kegiatan__desa__" + level[1]
        want_sp, want_pd = {}, {}
        for r in raw.values("sumber_id", "pemangku__jenis", path).annotate(
                v=dash.Sum("rencana_rp")):
            sp = (f"s:{r['sumber_id']}", f"p:{r['pemangku__jenis']}")
            want_sp[sp] = want_sp.get(sp, 0) + r["v"]
            pd = (f"p:{r['pemangku__jenis']}", f"d:{r[path]}")
            want_pd[pd] = want_pd.get(pd, 0) + r["v"]
        got = {(x["from"], x["to"]): Decimal(str(x["flow"])) for x in a["flows"]}
        assert {k: v for k, v in got.items() if k[0].startswith("s:")} == \
            {k: v for k, v in want_sp.items() if v}, f
        assert {k: v for k, v in got.items() if k[0].startswith("p:")} == \
            {k: v for k, v in want_pd.items() if v}, f


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
