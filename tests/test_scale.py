"""National scale (issue 8): the synthetic-data generator, the region loader, the dashboard
cache and its invalidation, the matrix at scale, and query counts that do not grow with data.

Everything here is small (a few hundred funding lines) and runs on SQLite and PostgreSQL;
the real national numbers live in bench/ and docs/PERFORMANCE.md.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana
from desa import scoring
from desa import wilayah as desa_wilayah
from desa.models import Desa, Kabupaten, Kecamatan, Penilaian, Provinsi, VolumePenilaian
from desa.penilaian import jumlah_masukan, ruleset_of
from desa.tingkat import tingkat_per_desa
from desa.wilayah import MAKS_KOLOM
from inti import cache as dash_cache
from kolaborasi.models import PemangkuKepentingan
from sintetis.management.commands.bangkitkan_data_nasional import MARK

# DKI Jakarta: 6 kabupaten/kota, 44 kecamatan, 267 kelurahan; the smallest province.
PROVINSI = "31"
KABUPATEN = "31.71"  # Kota Jakarta Pusat


def generate(**opts) -> str:
    out = io.StringIO()
    args = {"seed": 7, "lines": 300, "desa": 30, "provinsi": PROVINSI, "verbosity": 0}
    args.update(opts)
    call_command("bangkitkan_data_nasional", stdout=out, stderr=io.StringIO(), **args)
    return out.getvalue()


def snapshot() -> dict:
    synthetic = Pendanaan.objects.filter(kegiatan__keterangan=MARK)
    sums = synthetic.aggregate(r=Sum("rencana_rp"), s=Sum("realisasi_rp"))
    return {
        "pendanaan": synthetic.count(),
        "kegiatan": Kegiatan.objects.filter(keterangan=MARK).count(),
        "pemangku": PemangkuKepentingan.objects.filter(keterangan=MARK).count(),
        "penilaian": Penilaian.objects.filter(lokasi__kawasan__keterangan=MARK).count(),
        "volume": VolumePenilaian.objects.filter(
            penilaian__lokasi__kawasan__keterangan=MARK).count(),
        "rencana": sums["r"], "realisasi": sums["s"],
        "per_sumber": dict(synthetic.values_list("sumber__kode").annotate(s=Sum("rencana_rp"))),
        "skor": sorted(Penilaian.objects.filter(lokasi__kawasan__keterangan=MARK)
                       .values_list("lokasi__desa__kode_wilayah", "tahun", "total_skor")),
    }


# ------------------------------------------------------------------------------ generator


@pytest.mark.django_db
def test_generator_is_deterministic_and_exact():
    output = generate()
    first = snapshot()
    assert first["pendanaan"] == 300  # exactly --lines
    assert first["kegiatan"] >= 300 / 6 and first["penilaian"] > 0
    assert first["volume"] == 16 * first["penilaian"]
    assert "baris pendanaan       : 300" in output

    generate(ganti=True)  # same seed, replacing the earlier synthetic data
    assert snapshot() == first
    generate(ganti=True, seed=8)
    assert snapshot()["rencana"] != first["rencana"]


@pytest.mark.django_db
def test_generated_rows_are_valid_and_scored_by_the_engine():
    generate()
    assert not Kegiatan.objects.filter(keterangan=MARK).annotate(
        n=Count("pendanaan")).filter(n=0).exists()
    assert not Pendanaan.objects.filter(natura=True, uraian_natura="").exists()
    assert not Kegiatan.objects.filter(keterangan=MARK, is_demo=False).exists()
    # Stored scores are the engine's: recompute a few from their volumes.
    rules = ruleset_of(Penilaian.objects.first().aturan)
    for p in Penilaian.objects.filter(lokasi__kawasan__keterangan=MARK)[:20]:
        volumes = {v.kriteria.kode: v.volume for v in p.volume.select_related("kriteria")}
        result = scoring.score_assessment(p.header(), volumes, rules=rules)
        assert (p.total_skor, p.tingkat) == (result.total, result.level)
        stored = {v.kriteria.kode: (v.persen, v.skor) for v in p.volume.select_related("kriteria")}
        assert stored == {c.code: (c.percent, c.score) for c in result.criterion_results}


@pytest.mark.django_db
def test_generator_refuses_to_double_up():
    generate()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--ganti"):
        generate()


# ---------------------------------------------------------------------------- region loader


@pytest.mark.django_db
def test_region_loader_is_idempotent_and_keeps_richer_rows(jiwan, tmp_path):
    bukur = jiwan.get(kode_wilayah="35.19.09.2001")
    csv_file = tmp_path / "wilayah.csv"
    csv_file.write_text(
        "kode,nama,level\n35,Jawa Timur,provinsi\n35.19,Kabupaten Madiun,kabupaten\n"
        "35.19.09,Jiwan,kecamatan\n35.19.09.2001,NAMA LAIN,desa\n"
        "35.19.09.2099,Desa Baru,desa\n35.19.09.1001,Kelurahan Baru,kelurahan\n"
        "35.77,Kota Contoh,kota\n35.77.01,Kecamatan Contoh,kecamatan\n"
        "35.77.01.3001,Desa Adat Contoh,desa_adat\n", encoding="utf-8")
    call_command("muat_wilayah_nasional", csv=str(csv_file), stdout=io.StringIO())
    counts = (Provinsi.objects.count(), Kabupaten.objects.count(), Kecamatan.objects.count(),
              Desa.objects.count())
    call_command("muat_wilayah_nasional", csv=str(csv_file), stdout=io.StringIO())
    assert (Provinsi.objects.count(), Kabupaten.objects.count(), Kecamatan.objects.count(),
            Desa.objects.count()) == counts == (1, 2, 2, 14 + 3)
    bukur.refresh_from_db()
    assert bukur.nama == "Bukur" and bukur.batas  # never overwritten
    assert Desa.objects.get(kode_wilayah="35.19.09.1001").tipe == Desa.Tipe.KELURAHAN
    assert Desa.objects.get(kode_wilayah="35.77.01.3001").tipe == Desa.Tipe.DESA
    assert Kabupaten.objects.get(kode_wilayah="35.77").tipe == Kabupaten.Tipe.KOTA
    assert Desa.objects.get(kode_wilayah="35.19.09.2099").kecamatan.kode_wilayah == "35.19.09"


@pytest.mark.django_db
def test_region_loader_loads_one_province_from_the_national_file():
    call_command("muat_wilayah_nasional", provinsi=PROVINSI, stdout=io.StringIO())
    assert Provinsi.objects.get().kode_wilayah == PROVINSI
    assert Desa.objects.count() > 200
    assert not Desa.objects.exclude(kode_wilayah__startswith=PROVINSI + ".").exists()


# -------------------------------------------------------------------- aggregates at scale


def _aliran_reference(f: dash.Filter, top: int = 12) -> dict:
    """The original Python pooling of dash.aliran (before the SQL top-N), kept as oracle."""
    qs = dash.pendanaan(f)
    s_p = list(qs.values("sumber_id", "sumber__nama", "pemangku_id", "pemangku__nama")
               .annotate(v=Sum("rencana_rp")))
    p_d = list(qs.values("pemangku_id", "kegiatan__desa_id").annotate(v=Sum("rencana_rp")))
    d_a = list(qs.values("kegiatan__desa_id", "kegiatan__kriteria__aspek__kode")
               .annotate(v=Sum("rencana_rp")))
    p_tot, d_tot = defaultdict(Decimal), defaultdict(Decimal)
    for r in s_p:
        p_tot[r["pemangku_id"]] += r["v"]
    for r in d_a:
        d_tot[r["kegiatan__desa_id"]] += r["v"]
    top_p = set(sorted(p_tot, key=lambda k: (-p_tot[k], k))[:top])
    top_d = set(sorted(d_tot, key=lambda k: (-d_tot[k], k))[:top])

    def p(pk):
        return f"p:{pk}" if pk in top_p else "p:lain"

    def d(pk):
        return f"d:{pk}" if pk in top_d else "d:lain"

    flows: dict = defaultdict(Decimal)
    for r in s_p:
        flows[(f"s:{r['sumber_id']}", p(r["pemangku_id"]))] += r["v"]
    for r in p_d:
        flows[(p(r["pemangku_id"]), d(r["kegiatan__desa_id"]))] += r["v"]
    for r in d_a:
        flows[(d(r["kegiatan__desa_id"]), f"a:{r['kegiatan__kriteria__aspek__kode']}")] += r["v"]
    return {k: float(v) for k, v in flows.items() if v > 0}


@pytest.mark.django_db
@pytest.mark.parametrize("f", [dash.Filter(), dash.Filter(tahun=2022)])
def test_flows_pooled_in_sql_equal_the_reference(f):
    generate(lines=600)
    got = dash.aliran(f)
    assert {(x["from"], x["to"]): x["flow"] for x in got["flows"]} == _aliran_reference(f)
    assert set(got["labels"]) == {n for x in got["flows"] for n in (x["from"], x["to"])}


@pytest.mark.django_db
def test_latest_and_baseline_assessments_match_the_queryset_definitions():
    generate()
    rules = ruleset_of(Penilaian.objects.first().aturan)
    expected = jumlah_masukan(Penilaian.objects.terkini(), "lokasi__desa", rules.code)
    got = tingkat_per_desa()
    assert set(got) == set(expected)
    for desa_id, (header, volumes) in expected.items():
        assert got[desa_id] == scoring.score_assessment(header, volumes, rules=rules)
    from django.db.models import OuterRef, Subquery

    first = (Penilaian.objects.terverifikasi().filter(lokasi_id=OuterRef("lokasi_id"))
             .order_by("tahun").values("pk")[:1])
    old_baseline = Penilaian.objects.terverifikasi().filter(pk=Subquery(first))
    assert set(Penilaian.objects.baseline().values_list("pk", flat=True)) == set(
        old_baseline.values_list("pk", flat=True))


@pytest.mark.django_db
def test_matrix_aggregates_columns_and_pools_rows_keeping_every_rupiah(monkeypatch):
    generate(lines=600)
    lines = dash.pendanaan(dash.Filter())
    grand = lines.aggregate(s=Sum("rencana_rp"))["s"]
    # 267 desa in 44 kecamatan: desa columns become kecamatan columns.
    m = dash.matriks(dash.Filter(), "sumber", "desa")
    assert m.kolom == "kecamatan" and len(m.columns) <= MAKS_KOLOM
    assert all(key < 0 for key, _label in m.columns)  # never a desa pk
    per_kec = dict(lines.values_list("kegiatan__desa__kecamatan__kode_wilayah")
                   .annotate(s=Sum("rencana_rp")))
    assert {m.kolom_kode[k]: t for (k, _l), t in zip(m.columns, m.col_totals, strict=True)
            } == per_kec
    assert m.total == grand
    with override_settings():
        # 6 kabupaten/kota fit, 44 kecamatan not
        monkeypatch.setattr(desa_wilayah, "MAKS_KOLOM", 10)
        assert dash.matriks(dash.Filter(), "sumber", "desa").kolom == "kabupaten"
        monkeypatch.setattr(desa_wilayah, "MAKS_KOLOM", 3)
        assert dash.matriks(dash.Filter(), "sumber", "desa").kolom == "provinsi"
    monkeypatch.setattr(desa_wilayah, "MAKS_KOLOM", 50)

    # Inside one region the columns are its desa where they fit, else its kecamatan; the
    # total is the region's own.
    per_kab = dict(lines.values_list("kegiatan__desa__kecamatan__kabupaten__kode_wilayah")
                   .annotate(s=Sum("rencana_rp")))
    kab = next(iter(per_kab))
    desa_kab = set(Desa.objects.filter(kecamatan__kabupaten__kode_wilayah=kab)
                   .values_list("pk", flat=True))
    m = dash.matriks(dash.Filter(wilayah=kab), "pemangku", "desa")
    assert m.total == per_kab[kab]
    if len(desa_kab) <= MAKS_KOLOM:
        assert m.kolom == "desa" and {k for k, _l in m.columns} <= desa_kab
    monkeypatch.setattr(desa_wilayah, "MAKS_KOLOM", 2)
    m = dash.matriks(dash.Filter(wilayah=kab), "pemangku", "desa")
    assert m.kolom in ("kecamatan", "kabupaten") and m.total == per_kab[kab]
    kec = Desa.objects.get(pk=next(iter(desa_kab))).kecamatan
    m = dash.matriks(dash.Filter(wilayah=kec.kode_wilayah), "pemangku", "desa")
    assert m.total == sum(
        lines.filter(kegiatan__desa__kecamatan=kec).values_list("rencana_rp", flat=True),
        Decimal(0))
    monkeypatch.setattr(desa_wilayah, "MAKS_KOLOM", 50)

    # Rows beyond the limit are pooled into one last row (key None), totals unchanged.
    monkeypatch.setattr(dash, "MAKS_BARIS", 3)
    m = dash.matriks(dash.Filter(), "pemangku", "aspek")
    assert len(m.rows) == 4 and m.rows[-1]["key"] is None
    assert m.rows[-1]["label"] == "Pemangku lainnya"
    assert sum(r["total"] for r in m.rows) == m.total == grand
    top = [r["total"] for r in m.rows[:3]]
    assert top == sorted(top, reverse=True) and min(top) >= 0


# -------------------------------------------------------------------------------- cache


@pytest.fixture
def shared_cache():
    """Caching on, on a private local-memory cache (emptied before and after)."""
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "test-scale-dasbor"}}
    with override_settings(CACHES=caches, DASHBOARD_CACHE=True):
        cache.clear()
        yield
        cache.clear()


def _rencana(kode="apbd-kab") -> Decimal:
    return next(r["rencana"] for r in dash.per_sumber() if r["kode"] == kode)


@pytest.mark.django_db
def test_cached_aggregates_are_invalidated_on_commit(shared_cache,
                                                     django_capture_on_commit_callbacks):
    generate()
    before = _rencana()
    with CaptureQueriesContext(connection) as ctx:
        assert _rencana() == before  # served from the cache
    assert len(ctx.captured_queries) == 0

    kegiatan = Kegiatan.objects.filter(keterangan=MARK).first()
    with django_capture_on_commit_callbacks(execute=True):
        line = Pendanaan.objects.create(
            kegiatan=kegiatan, pemangku=PemangkuKepentingan.objects.first(),
            sumber=SumberDana.objects.get(kode="apbd-kab"), rencana_rp=Decimal(123_000))
    expected = before + 123_000 if kegiatan.status != StatusKegiatan.BATAL else before
    assert _rencana() == expected

    with django_capture_on_commit_callbacks(execute=True):
        line.delete()
    assert _rencana() == before


@pytest.mark.django_db
def test_no_invalidation_before_commit(shared_cache, django_capture_on_commit_callbacks):
    """The version moves only when the transaction commits (a rollback changes nothing)."""
    generate()
    version = dash_cache.data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Kegiatan.objects.filter(keterangan=MARK).first().save()
    assert dash_cache.data_version() == version and callbacks
    callbacks[0]()
    assert dash_cache.data_version() != version


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Pendanaan, Kegiatan, Penilaian, VolumePenilaian])
def test_every_dashboard_model_bumps_the_version(shared_cache, model,
                                                 django_capture_on_commit_callbacks):
    generate(lines=60, desa=5, porsi_penilaian=1.0)
    version = dash_cache.data_version()
    obj = model.objects.order_by("pk").last()
    with django_capture_on_commit_callbacks(execute=True):
        obj.save()
    assert dash_cache.data_version() != version
    version = dash_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        if model is Penilaian:
            obj.volume.all().delete()
        obj.delete()
    assert dash_cache.data_version() != version


@pytest.mark.django_db
def test_cached_pages_equal_uncached(shared_cache, client):
    generate()
    for name, params in [("beranda", {}), ("matriks", {}), ("matriks", {"kolom": "aspek"})]:
        with override_settings(DASHBOARD_CACHE=False):
            fresh = client.get(reverse(name), params).content
        client.get(reverse(name), params)
        assert client.get(reverse(name), params).content == fresh


@pytest.mark.django_db
def test_cache_outage_falls_back_to_computing(shared_cache, monkeypatch):
    generate()
    expected = dash.per_sumber.uncached()

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(dash_cache, "data_version", down)
    assert dash.per_sumber() == expected


def test_cache_is_off_with_a_per_process_cache():
    with override_settings(DASHBOARD_CACHE=None, CACHES={"default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        assert not dash_cache.enabled()
    with override_settings(DASHBOARD_CACHE=None, CACHES={"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15"}}):
        assert dash_cache.enabled()


# ----------------------------------------------------------------------- query counts


def _desa_with_activities() -> Desa:
    return (Desa.objects.filter(kegiatan__keterangan=MARK, lokasi__kawasan__keterangan=MARK)
            .annotate(n=Count("kegiatan")).order_by("-n", "kode_wilayah").first())


BENCH_PAGES = [
    ("beranda", {}),
    ("matriks", {}),
    ("matriks", {"kolom": "aspek"}),
    ("matriks", {"wilayah": KABUPATEN}),
    ("anggaran:kegiatan_list", {"tahun_anggaran": 2022, "sumber": "apbd-kab"}),
    ("ekspor_pendanaan", {}),
    ("dampak", {}),
    ("dampak", {"wilayah": KABUPATEN}),
]


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if response.streaming:  # the export: read it all (one SELECT, however many rows)
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_benchmarked_pages_cost_the_same_queries_with_10x_data(client):
    generate(lines=300)
    desa = _desa_with_activities()
    urls = [(reverse(name), params) for name, params in BENCH_PAGES]
    urls.append((desa.get_absolute_url(), {}))
    small = [_count(client, url, params) for url, params in urls]
    generate(lines=3000, ganti=True)  # the same desa, 10× the funding lines
    assert Pendanaan.objects.count() >= 3000
    assert Kegiatan.objects.filter(desa=desa).exists()
    big = [_count(client, url, params) for url, params in urls]
    assert big == small, list(zip(urls, small, big, strict=True))


@pytest.mark.django_db
def test_export_streams_every_funding_line(client):
    generate(lines=300)
    response = client.get(reverse("ekspor_pendanaan"))
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(body) == 1 + Pendanaan.objects.count()
    assert body[0].startswith("ID pendanaan,Tahun anggaran,Kode desa")
    assert "kontak" not in body[0].lower()


@pytest.mark.django_db
def test_desa_page_data_is_cached_per_version_and_per_write_right(
        shared_cache, client, desa_a, fasilitator_a, django_capture_on_commit_callbacks):
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
    url = desa_a.get_absolute_url()
    with override_settings(DASHBOARD_CACHE=False):
        fresh = client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:  # (the feedback form's tokens differ)
        assert client.get(url).context["bagian"] == fresh.context["bagian"]
    assert len(ctx.captured_queries) <= 5  # the desa, the feedback; no assessment or money
    fresh = fresh.content
    # The facilitator's "add assessment" button is not served to the public, nor the reverse.
    add = reverse("desa:penilaian_baru", args=[desa_a.kode_wilayah]).encode()
    assert add not in fresh
    staff = type(client)()
    staff.force_login(fasilitator_a)
    assert add in staff.get(url).content
    assert add not in client.get(url).content
    # A committed change shows at once.
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(desa_a, nama="Drainase baru tersimpan",
                      lines=[(buat_pemangku("Dinas PKP"), "apbd-kab", 5_000_000)])
    assert b"Drainase baru tersimpan" in client.get(url).content


@pytest.mark.django_db
def test_activity_list_totals_are_cached_per_filter_and_version(
        shared_cache, client, desa_a, django_capture_on_commit_callbacks):
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

    dinas = buat_pemangku("Dinas PKP")
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(desa_a, nama="A", lines=[(dinas, "apbd-kab", 1_000)])
        buat_kegiatan(desa_a, nama="B", tahun=2019, lines=[(dinas, "apbn", 7_000)])
    url = reverse("anggaran:kegiatan_list")

    def seen(params):
        r = client.get(url, params)
        return r.context["page"].paginator.count, r.context["total"]["rencana"]

    assert seen({}) == (2, 8_000)
    assert seen({"tahun_anggaran": 2019}) == (1, 7_000)  # another filter, another entry
    assert seen({"tahun_anggaran": 2019, "halaman": 1, "urut": "-rencana"}) == (1, 7_000)
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(desa_a, nama="C", tahun=2019, lines=[(dinas, "apbn", 500)])
    assert seen({"tahun_anggaran": 2019}) == (2, 7_500)


@pytest.mark.django_db
def test_moderating_feedback_keeps_the_cached_numbers(shared_cache, desa_a,
                                                      django_capture_on_commit_callbacks):
    from publikasi.models import Masukan, StatusMasukan

    version = dash_cache.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        m = Masukan.objects.create(desa=desa_a, pesan="Saluran tersumbat lagi.")
        m.status = StatusMasukan.DISETUJUI
        m.save()
    assert dash_cache.data_version() == version


@pytest.mark.django_db
def test_warming_fills_the_cache_the_pages_read(shared_cache, client):
    generate(lines=120, desa=10)
    out = io.StringIO()
    call_command("hangatkan_dasbor", stdout=out)
    assert "Dasbor dihangatkan" in out.getvalue() and "matriks sumber × aspek" in out.getvalue()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("matriks"), {"baris": "sumber", "kolom": "aspek"}
                          ).status_code == 200
    # Only what is never cached is left (the filter form's choices), and the data version,
    # read once per request from the database (issue 18).
    assert len(ctx.captured_queries) <= 4
    with override_settings(DASHBOARD_CACHE=False):
        out = io.StringIO()
        call_command("hangatkan_dasbor", stdout=out)
        assert "tidak aktif" in out.getvalue()
