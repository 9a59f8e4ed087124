"""Dashboards: who funds what where, from which source, and what it changed."""

import csv
import io
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran import ringkasan
from anggaran.models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana
from desa import scoring
from desa.models import AturanPenilaian, Kriteria, Penilaian
from desa.penilaian import jumlah_masukan, ruleset_of
from kolaborasi.models import JenisPemangku, PemangkuKepentingan
from tests.demo_cepat import muat_demo

PUBLIC = ["beranda", "matriks", "dampak", "duplikasi"]


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


def _more_activities(n: int, seed: int = 1) -> None:
    """Random co-financed activities across the desa (for scale and sum checks)."""
    rng = random.Random(seed)
    desa = list(PemangkuKepentingan.objects.filter(jenis=JenisPemangku.PEMDES)
                .select_related("desa"))
    funders = list(PemangkuKepentingan.objects.all())
    sources = list(SumberDana.objects.all())
    kriteria = list(Kriteria.objects.filter(aturan__bawaan=True))
    activities = Kegiatan.objects.bulk_create([
        Kegiatan(desa=rng.choice(desa).desa, kriteria=rng.choice(kriteria),
                 nama=f"Kegiatan uji {i}", volume=Decimal(rng.randint(1, 50)), satuan="m",
                 tahun_anggaran=rng.choice([2018, 2020, 2022]),
                 status=rng.choice(StatusKegiatan.values))
        for i in range(n)
    ])
    lines = []
    for k in activities:
        for _ in range(rng.randint(1, 4)):
            rencana = Decimal(rng.randint(1, 5000) * 1000)
            lines.append(Pendanaan(kegiatan=k, pemangku=rng.choice(funders),
                                   sumber=rng.choice(sources), rencana_rp=rencana,
                                   realisasi_rp=rencana // 2))
    Pendanaan.objects.bulk_create(lines)
    # bulk_create sends no signals: a bulk writer keeps the money rollups itself.
    ringkasan.perbarui({k.desa_id for k in activities})


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC)
def test_dashboards_public_200(client, demo, name):
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"baris": "pemangku", "kolom": "desa"}, {"baris": "sumber", "kolom": "desa"},
    {"baris": "sumber", "kolom": "aspek"}, {"baris": "pemangku", "kolom": "aspek",
                                             "nilai": "realisasi"},
    {"tahun": "abc", "sumber": "<script>", "jenis": "x" * 5000, "aspek": "\x00"},
])
def test_matrix_views_and_hostile_filters(client, demo, params):
    assert client.get(reverse("matriks"), params).status_code == 200


@pytest.mark.django_db
def test_matrix_2018_shows_bibrik_apbd_100_juta(client, demo):
    """The source says "APBD Tahun Anggaran 2018" without the level: so does the portal."""
    response = client.get(reverse("matriks"), {"tahun": 2018, "sumber": "apbd"})
    m = response.context["m"]
    assert [label for _k, label in m.columns] == ["Bibrik"]
    (row,) = m.rows
    assert row["label"].startswith("Pemerintah daerah pemberi APBD 2018")
    assert not client.get(reverse("matriks"), {"tahun": 2018, "sumber": "apbd-kab"}
                          ).context["m"].rows
    assert row["cells"] == [Decimal(100_000_000)] and m.total == Decimal(100_000_000)
    assert "Rp 100.000.000" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("baris,kolom", [("pemangku", "desa"), ("sumber", "desa"),
                                         ("sumber", "aspek"), ("pemangku", "aspek")])
def test_matrix_cells_equal_independent_sums(demo, baris, kolom):
    _more_activities(40)
    f = dash.Filter(tahun=2022)
    m = dash.matriks(f, baris, kolom)
    expected: dict = {}
    for p in Pendanaan.objects.select_related("kegiatan__kriteria__aspek"):
        if p.kegiatan.status == StatusKegiatan.BATAL or p.kegiatan.tahun_anggaran != 2022:
            continue
        r = p.pemangku_id if baris == "pemangku" else p.sumber_id
        c = p.kegiatan.desa_id if kolom == "desa" else p.kegiatan.kriteria.aspek.kode
        expected[(r, c)] = expected.get((r, c), Decimal(0)) + p.rencana_rp
    got = {(row["key"], m.columns[i][0]): v for row in m.rows
           for i, v in enumerate(row["cells"]) if v is not None}
    assert got == expected
    assert m.total == sum(expected.values())
    assert sum(row["total"] for row in m.rows) == m.total


@pytest.mark.django_db
def test_matrix_export_matches_page(client, demo):
    page = client.get(reverse("matriks"), {"tahun": 2018})
    export = client.get(reverse("matriks"), {"tahun": 2018, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    m = page.context["m"]
    assert rows[0][0] == "Pemangku kepentingan" and rows[0][-1] == "Total (Rp)"
    assert [r[0] for r in rows[1:-1]] == [row["label"] for row in m.rows]
    assert Decimal(rows[-1][-1]) == m.total


@pytest.mark.django_db
def test_cell_links_lead_to_the_activities_behind_them(client, demo):
    page = client.get(reverse("matriks"), {"tahun": 2018})
    url = page.context["rows"][0]["cells"][0][1]
    listing = client.get(url)
    assert listing.status_code == 200
    assert "Jalan paving akses kawasan budidaya lele" in listing.content.decode()


@pytest.mark.django_db
def test_beranda_headline_numbers(client, demo):
    response = client.get(reverse("beranda"))
    r = response.context["r"]
    lines = Pendanaan.objects.exclude(kegiatan__status=StatusKegiatan.BATAL)
    assert r.rencana == sum(p.rencana_rp for p in lines)
    non_bpm = sum(p.rencana_rp for p in lines if not p.sumber.adalah_bpm)
    assert r.non_bpm == non_bpm
    assert r.jumlah_pendana == len({p.pemangku_id for p in lines})
    assert r.jumlah_desa == 14 and sum(n for _c, _l, n in r.desa_per_tingkat) == 14
    assert len(response.context["peta"]["features"]) == 14


@pytest.mark.django_db
@pytest.mark.parametrize("tabel", ["sumber", "jenis", "desa"])
def test_beranda_table_exports(client, demo, tabel):
    response = client.get(reverse("beranda"), {"tabel": tabel, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")


@pytest.mark.django_db
def test_unknown_export_table_404(client, demo):
    assert client.get(reverse("beranda"), {"tabel": "x", "format": "csv"}).status_code == 404
    assert client.get(reverse("dampak"), {"format": "pdfx"}).status_code == 404


def _terukur_desa(desa_pk, rules):
    """Bibrik's latest verified volumes and denominators summed over its locations."""
    return jumlah_masukan(Penilaian.objects.terkini().filter(lokasi__desa_id=desa_pk),
                          "lokasi__desa", rules.code)[desa_pk]


@pytest.mark.django_db
def test_impact_terukur_is_the_latest_verified_aggregate(demo):
    """Dampak's terukur is what Beranda and the desa page show (latest verified, summed)."""
    from desa.tingkat import skor_desa

    rules = ruleset_of(AturanPenilaian.objects.bawaan())
    bibrik = demo.get(nama="Bibrik")
    rows, total = dash.dampak()
    row = next(d for d in rows if d.key == bibrik.pk)
    header, volumes = _terukur_desa(bibrik.pk, rules)
    assert row.terukur.hasil == scoring.score_assessment(header, volumes, rules)
    assert (row.terukur.total, row.terukur.tingkat) == skor_desa()[bibrik.pk]
    assert row.agregat.tahun_terukur == (2023, 2023)
    # Projection: nothing completed at Bibrik since 2023 in the demo set except what the
    # engine counts per location; it is never above the measurement.
    assert row.proyeksi.total <= row.terukur.total
    assert not [c for c in ("per_100jt", "kontribusi") if hasattr(row, c)]


@pytest.mark.django_db
def test_impact_counts_an_activity_in_another_unit_only_with_its_criterion_volume(demo):
    """4 waste carts (unit) for criterion 6a (households) at a location: no reduction until the
    facilitator says how many households they serve; then exactly that many, there."""
    from anggaran.kondisi import kondisi
    from desa.models import Lokasi

    h = kondisi()
    lok_pk, target = next((pk, kl) for pk, kl in h.lokasi.items()
                          if kl.terukur.hasil.criteria["6a"].score)
    lokasi = Lokasi.objects.get(pk=lok_pk)
    before = target.proyeksi
    gerobak = Kegiatan.objects.create(
        desa=lokasi.desa, lokasi=lokasi,
        kriteria=Kriteria.objects.get(aturan__bawaan=True, kode="6a"),
        nama="Gerobak sampah uji", volume=4, satuan="unit", tahun_anggaran=2025,
        status=StatusKegiatan.SELESAI)
    assert gerobak.volume_tertangani is None
    assert kondisi().lokasi[lok_pk].proyeksi == before
    gerobak.volume_kriteria = target.terukur.volumes["6a"]
    gerobak.save()
    after = kondisi().lokasi[lok_pk]
    assert after.proyeksi.hasil.criteria["6a"].score == 0
    assert after.tertangani["6a"] >= target.terukur.volumes["6a"]


@pytest.mark.django_db
def test_location_measured_out_of_slum_is_shown(client, demo):
    """A verified measurement below 16 takes the location out of slum on Dampak; completed
    activities alone only change the projection."""
    from desa.models import VolumePenilaian

    p = (Penilaian.objects.terkini().filter(total_skor__gte=16).select_related("lokasi")
         .order_by("lokasi__desa__nama").first())
    VolumePenilaian.objects.filter(penilaian=p).update(volume=0)
    from desa.penilaian import hitung_ulang

    hitung_ulang(p)
    p.save()
    response = client.get(reverse("dampak"))
    assert p.lokasi.nama in [r["nama"] for r in response.context["lokasi_keluar"]]
    assert "keluar dari kumuh" in response.content.decode()


@pytest.mark.django_db
def test_duplicate_funding_flagged(demo):
    flagged = list(dash.duplikasi())
    assert {k.nama for k in flagged} == {"Sambungan air minum (CSR) (demo)",
                                         "Sambungan air minum (Dana Desa) (demo)"}


@pytest.mark.django_db
def test_no_personal_data_on_public_dashboards(client, demo):
    contacts = PemangkuKepentingan.objects.exclude(kontak_telepon="")
    assert contacts.exists()
    for name in PUBLIC:
        body = client.get(reverse(name)).content.decode()
        for p in PemangkuKepentingan.objects.all():
            for secret in (p.kontak_telepon, p.kontak_email, p.kontak_nama):
                if secret:
                    assert secret not in body, (name, secret)
        assert "fasil.bibrik" not in body and "@contoh.invalid" not in body


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name,params", [
    ("beranda", {}), ("beranda", {"tahun": 2022}), ("matriks", {}),
    ("matriks", {"baris": "sumber", "kolom": "aspek", "tahun": 2022}), ("dampak", {}),
    ("duplikasi", {}),
])
def test_dashboard_query_counts_do_not_grow_with_data(client, demo, name, params):
    url = reverse(name)
    small = _count(client, url, params)
    _more_activities(9 * Kegiatan.objects.count())
    assert _count(client, url, params) == small


@pytest.mark.django_db
def test_every_desa_and_stakeholder_profile_is_public_and_leaks_no_contacts(client, demo):
    secrets = [s for p in PemangkuKepentingan.objects.all()
               for s in (p.kontak_telepon, p.kontak_email, p.kontak_nama) if s]
    assert secrets
    urls = [d.get_absolute_url() for d in demo] + [
        p.get_absolute_url() for p in PemangkuKepentingan.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not [s for s in secrets if s in body], url


@pytest.mark.django_db
def test_desa_profile_funding_section(client, demo):
    bibrik = demo.get(nama="Bibrik")
    response = client.get(bibrik.get_absolute_url())
    dana = response.context["dana"]
    lines = Pendanaan.objects.filter(kegiatan__desa=bibrik).exclude(
        kegiatan__status=StatusKegiatan.BATAL)
    assert dana["sums"]["rencana"] == sum(p.rencana_rp for p in lines)
    assert {r["pemangku__nama"] for r in dana["per_pemangku"]} == {
        p.pemangku.nama for p in lines}
    assert "Jalan paving akses kawasan budidaya lele" in response.content.decode()
    assert any(lembaga.nama == "LKM Desa Bibrik" for lembaga in dana["lembaga"])
    # Funding gap: criteria scoring 3/5 in the latest verified aggregate with no planned or
    # running activity addressing them.
    terkini = response.context["riwayat"]["terkini"]
    active = set(Kegiatan.objects.filter(
        desa=bibrik, status__in=[StatusKegiatan.RENCANA, StatusKegiatan.BERJALAN])
        .values_list("kriteria__kode", flat=True))
    assert [c.code for c in dana["celah"]] == [
        c.code for c in terkini.criterion_results if c.score >= 3 and c.code not in active]
    gap = dana["celah"][0].code
    Kegiatan.objects.create(desa=bibrik, kriteria=Kriteria.objects.get(
        aturan__bawaan=True, kode=gap), nama="Menutup celah", volume=1, satuan="m",
        tahun_anggaran=2026, status=StatusKegiatan.RENCANA)
    again = client.get(bibrik.get_absolute_url()).context["dana"]["celah"]
    assert gap not in [c.code for c in again]


@pytest.mark.django_db
def test_desa_profile_query_count_does_not_grow(client, demo):
    url = demo.get(nama="Bibrik").get_absolute_url()
    small = _count(client, url)
    _more_activities(9 * Kegiatan.objects.count())
    assert _count(client, url) == small


@pytest.mark.django_db
def test_duplicate_list_equals_the_rule_on_random_activities(desa_a, desa_b):
    """The list checks only the activities sharing criterion and year with another one in
    their desa or at their location (a window prefilter, issue 16); the result equals the
    rule applied to every pair."""
    import random

    from anggaran.models import Kegiatan
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
    from tests.penilaian_helpers import buat_lokasi

    rng = random.Random(5)
    dinas = buat_pemangku("Dinas PKP", "opd")
    lokasi = {d.pk: [None, buat_lokasi(d, "Krajan"), buat_lokasi(d, "Kidul")]
              for d in (desa_a, desa_b)}
    for i in range(60):
        desa = rng.choice([desa_a, desa_b])
        buat_kegiatan(desa, nama=f"K{i}", tahun=rng.choice([2018, 2019]),
                      kode_kriteria=rng.choice(["2b", "3a"]), lokasi=rng.choice(lokasi[desa.pk]),
                      status=rng.choice(["rencana", "selesai", "batal"]),
                      lines=[(dinas, "apbd-kab", rng.choice([10, 11, 20, 50]) * 1_000_000)])
    aktif = [(k, sum(p.rencana_rp for p in k.pendanaan.all()))
             for k in Kegiatan.objects.exclude(status="batal").prefetch_related("pendanaan")]

    def mirip(a, ta, b, tb):
        return a.desa_id == b.desa_id and ta * Decimal("0.9") <= tb <= ta * Decimal("1.1")

    def ganda(a, ta):
        for b, tb in aktif:
            if b.pk == a.pk or (b.kriteria_id, b.tahun_anggaran) != (a.kriteria_id,
                                                                     a.tahun_anggaran):
                continue
            if a.lokasi_id and b.lokasi_id == a.lokasi_id:
                return True
            if mirip(a, ta, b, tb) and (b.lokasi_id is None or a.lokasi_id is None):
                return True
        return False

    for f in (dash.Filter(), dash.Filter(tahun=2019)):
        harus = {a.pk for a, ta in aktif if ganda(a, ta)
                 and (f.tahun is None or a.tahun_anggaran == f.tahun)}
        assert harus and {k.pk for k in dash.duplikasi(f)} == harus, f


@pytest.mark.django_db
def test_duplicate_without_location_flagged_by_desa_criterion_year_and_similar_amount(desa_a):
    """Issue 17: a double entry typed twice has no location; it is flagged when another
    activity of the same desa, criterion and year plans a similar amount (within 10 %)."""
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

    dinas = buat_pemangku("Dinas PKP", "opd")
    a = buat_kegiatan(desa_a, nama="Paving A", lines=[(dinas, "apbd-kab", 24_000_000)])
    b = buat_kegiatan(desa_a, nama="Paving A lagi", lines=[(dinas, "apbd-kab", 24_000_000)])
    c = buat_kegiatan(desa_a, nama="Paving kecil", lines=[(dinas, "apbd-kab", 5_000_000)])
    d = buat_kegiatan(desa_a, nama="Tahun lain", tahun=2019,
                      lines=[(dinas, "apbd-kab", 24_000_000)])
    e = buat_kegiatan(desa_a, nama="Hampir sama", lines=[(dinas, "apbd-kab", 22_500_000)])
    flagged = {k.pk for k in dash.duplikasi()}
    assert {a.pk, b.pk, e.pk} <= flagged
    assert c.pk not in flagged and d.pk not in flagged
