"""Issue 14: the slum condition per location over time (baseline, terukur, proyeksi), hectares
by level, and the aggregates, checked against hand-computed values.

The data (Permen PUPR 14/2018, scores: ≥76 → 5, ≥51 → 3, ≥25 → 1):

Bibrik, kawasan SK 4.0000 ha, two locations (areas 1.2345 + 2.5000 = 3.7345 ha: they do not
add up to the SK area). Every location: 100 buildings, 100 KK, 1000 m road, 1000 m drain.

- loc 1, 2019 baseline: 1a 30 (30% → 1), 2b 800 (80% → 5), 4b 600 (60% → 3),
  5b 80 (80% → 5), 6a 90 (90% → 5): total 19, kumuh ringan.
- loc 2, 2019 baseline: 1c 80 (→ 5), 2b 500 (50% → 1), 3a 80 (→ 5), 4b 900 (→ 5),
  6b 60 (→ 3), 7a 30 (→ 1): total 20, kumuh ringan.
- loc 2, 2022 verified: 1c 10 (→ 0), 4b 200 (→ 0), the rest as in 2019: total 10, tidak kumuh.
- a 2022 draft at loc 1 (never counts).

Activities (completed): 2018 at loc 1, 2b 170 m (before the baseline: changes nothing);
2020 at loc 1, 2b 1000 m (more than loc 1's 800: capped at 0 there, loc 2 keeps its 500);
2021 at loc 2, 3a 80 KK (before loc 2's 2022 measurement: not subtracted from it in 2023);
2021 without location, 4b 500 m (Bibrik has two locations: listed, counted nowhere).

Sukolilo, one location (1.0000 ha, same denominators), 2019: 1c 90 (→ 5), 2a 300 (→ 1),
4b 800 (→ 5), 6a 80 (→ 5): total 16, kumuh ringan; an activity without location in 2020,
4b 300 m, counts at its only location: 4b 500 (50% → 1), proyeksi total 12, tidak kumuh.
"""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from anggaran import kondisi as sel
from anggaran.models import Kegiatan
from desa import kondisi, scoring
from desa.models import Lokasi
from tests.anggaran_helpers import kriteria
from tests.penilaian_helpers import buat_kawasan, buat_penilaian

RULES = scoring.PERMEN_14_2018
HEADER = {"jumlah_bangunan": 100, "jumlah_kk": 100, "panjang_jalan_ideal_m": D(1000),
          "panjang_drainase_ideal_m": D(1000)}
ALL_ZERO = {c.code: D(0) for c in RULES.criteria}


def vols(**v):
    return ALL_ZERO | {k: D(x) for k, x in v.items()}


LOC1_2019 = vols(**{"1a": 30, "2b": 800, "4b": 600, "5b": 80, "6a": 90})
LOC2_2019 = vols(**{"1c": 80, "2b": 500, "3a": 80, "4b": 900, "6b": 60, "7a": 30})
LOC2_2022 = LOC2_2019 | {"1c": D(10), "4b": D(200)}
LOC3_2019 = vols(**{"1c": 90, "2a": 300, "4b": 800, "6a": 80})


def _kegiatan(desa, kode, tahun, volume, lokasi=None, status="selesai", satuan=None):
    return Kegiatan.objects.create(
        desa=desa, lokasi=lokasi, kriteria=kriteria(kode), nama=f"Uji {kode} {tahun}",
        volume=D(volume), satuan=satuan or kriteria(kode).satuan, tahun_anggaran=tahun,
        status=status)


@pytest.fixture
def data(jiwan):
    bibrik, suko = jiwan.get(nama="Bibrik"), jiwan.get(nama="Sukolilo")
    kw = buat_kawasan(bibrik, nama="Kawasan lele", luas="4.0000")
    loc1 = Lokasi.objects.create(desa=bibrik, kawasan=kw, nama="RT 01")
    loc2 = Lokasi.objects.create(desa=bibrik, kawasan=kw, nama="RT 02")
    loc3 = Lokasi.objects.create(desa=suko, nama="RT 24")
    buat_penilaian(loc1, 2019, HEADER | {"luas_ha": D("1.2345")}, LOC1_2019, "diverifikasi")
    buat_penilaian(loc2, 2019, HEADER | {"luas_ha": D("2.5000")}, LOC2_2019, "diverifikasi")
    buat_penilaian(loc2, 2022, HEADER | {"luas_ha": D("2.5000")}, LOC2_2022, "diverifikasi")
    buat_penilaian(loc1, 2022, HEADER | {"luas_ha": D("1.2345")}, ALL_ZERO, "draft")
    buat_penilaian(loc3, 2019, HEADER | {"luas_ha": D("1.0000")}, LOC3_2019, "diverifikasi")
    _kegiatan(bibrik, "2b", 2018, 170, loc1)
    _kegiatan(bibrik, "2b", 2020, 1000, loc1)
    _kegiatan(bibrik, "3a", 2021, 80, loc2)
    tanpa = _kegiatan(bibrik, "4b", 2021, 500)
    _kegiatan(bibrik, "2b", 2021, 300, loc2, status="berjalan")  # not completed: ignored
    _kegiatan(suko, "4b", 2020, 300)
    return {"bibrik": bibrik, "suko": suko, "loc1": loc1, "loc2": loc2, "loc3": loc3,
            "kawasan": kw, "tanpa": tanpa}


@pytest.mark.django_db
def test_condition_per_location_desa_and_total(data):
    h = sel.kondisi(2023)
    l1, l2, l3 = (h.lokasi[data[k].pk] for k in ("loc1", "loc2", "loc3"))

    # loc 1: baseline = terukur (2019), 19 ringan; the 2018 paving changes nothing; the
    # 2020 paving (1000 m) clears 2b (800 m) and no more: 19 − 5 = 14, tidak kumuh.
    assert (l1.baseline.tahun, l1.baseline.total, l1.baseline.tingkat) == (2019, 19,
                                                                           "kumuh_ringan")
    assert (l1.terukur.tahun, l1.terukur.total) == (2019, 19)
    assert l1.proyeksi.volumes["2b"] == 0
    assert (l1.proyeksi.total, l1.proyeksi.tingkat) == (14, "tidak_kumuh")
    assert l1.tertangani == {"2b": D(1000)}

    # loc 2: the 2022 measurement replaces the baseline as terukur; nothing from loc 1 and
    # nothing from before 2022 is subtracted.
    assert (l2.baseline.tahun, l2.baseline.total) == (2019, 20)
    assert (l2.terukur.tahun, l2.terukur.total, l2.terukur.tingkat) == (2022, 10,
                                                                        "tidak_kumuh")
    assert l2.proyeksi.volumes["2b"] == D(500) and l2.proyeksi.volumes["3a"] == D(80)
    assert l2.proyeksi.total == 10 and l2.tertangani == {}
    assert l2.keluar_dari_kumuh and not l1.keluar_dari_kumuh

    # Sukolilo's activity without location counts at its only location.
    assert (l3.terukur.total, l3.proyeksi.total) == (16, 12)
    assert l3.proyeksi.volumes["4b"] == D(500)

    # The activity without location in two-location Bibrik: listed, counted nowhere.
    assert [r["pk"] for r in h.belum_dipetakan] == [data["tanpa"].pk]
    assert "4b" not in l1.tertangani and "4b" not in l2.tertangani

    # Bibrik (sums of 2 locations: 200 buildings/KK, 2000 m road and drain):
    # baseline 1a 30 (15% → 0), 1c 80 (40% → 1), 2b 1300 (65% → 3), 3a 80 (→ 1),
    # 4b 1500 (75% → 3), 5b 80 (→ 1), 6a 90 (45% → 1), 6b 60 (30% → 1), 7a 30 (→ 0) = 11.
    b = h.desa[data["bibrik"].pk]
    assert b.baseline.total == 11 and b.baseline.tingkat == "tidak_kumuh"
    # terukur: 1c 10 (→ 0), 4b 800 (40% → 1): 11 − 1 − 2 = 8
    assert b.terukur.total == 8 and b.tahun_terukur == (2019, 2022)
    # proyeksi: 2b 0 + 500 = 500 (25% → 1): 8 − 3 + 1 = 6 (pooling the 1000 m over both
    # locations would have cleared all 1300 m of 2b and given 5)
    assert b.proyeksi.volumes["2b"] == D(500)
    assert b.proyeksi.total == 6
    assert b.jumlah_lokasi == 2

    # All three locations (300 buildings/KK, 3000 m): baseline 14, terukur 10, proyeksi 7.
    t = h.total
    assert (t.baseline.total, t.terukur.total, t.proyeksi.total) == (14, 10, 7)
    assert t.terukur.header["luas_ha"] == D("4.7345")
    assert t.jumlah_lokasi == 3


@pytest.mark.django_db
def test_hectares_by_level_per_year(data):
    h = sel.kondisi(2023)
    t = h.total
    assert t.luas["baseline"]["kumuh_ringan"] == D("4.7345")
    # 2023: loc 2 measured out of slum in 2022; loc 1 and Sukolilo still ringan.
    assert t.luas["terukur"] == {"kumuh_berat": 0, "kumuh_sedang": 0,
                                 "kumuh_ringan": D("2.2345"), "tidak_kumuh": D("2.5000")}
    assert t.penurunan_ha == D("2.5000")
    assert t.penurunan_persen == D("52.80")  # 2.5 / 4.7345 = 52.804 %
    # Projected: every location below 16.
    assert t.luas_kumuh("proyeksi") == 0
    assert [r["nama"] for r in h.keluar_dari_kumuh()] == ["RT 02"]

    # The kawasan's locations (3.7345 ha) do not add up to its SK area (4.0000 ha).
    assert [(r["nama"], r["luas_lokasi"], r["selisih"]) for r in h.kawasan_selisih] == [
        ("Kawasan lele", D("3.7345"), D("-0.2655"))]

    per_tahun = dict(sel.kondisi_per_tahun(sampai=2023))
    assert list(per_tahun) == [2019, 2020, 2021, 2022, 2023]
    assert per_tahun[2021].luas_kumuh("terukur") == D("4.7345")
    # 2021 projection: loc 1 cleared 2b (14), loc 2's 2021 water connections clear 3a
    # (20 − 5 = 15), Sukolilo 12: no slum projected.
    assert per_tahun[2021].luas_kumuh("proyeksi") == 0
    assert per_tahun[2022].luas_kumuh("terukur") == D("2.2345")
    assert per_tahun[2019].luas_kumuh("proyeksi") == D("4.7345")


@pytest.mark.django_db
def test_condition_queries_are_fixed(data, django_assert_num_queries):
    # rule set (3), desa, assessments, volumes, locations, activities, kawasan
    with django_assert_num_queries(9):
        sel.hitung_kondisi(2023, None, None)


def test_pure_projection_caps_per_location_and_respects_years():
    p = [kondisi.Pengukuran(2019, HEADER | {"luas_ha": D(1)}, vols(**{"2b": 800}))]
    a = [kondisi.Penanganan(2018, "2b", D(170)), kondisi.Penanganan(2020, "2b", D(1000)),
         kondisi.Penanganan(2020, "2b", None)]
    assert kondisi.kondisi_lokasi(p, a, 2018, rules=RULES) is None
    k19 = kondisi.kondisi_lokasi(p, a, 2019, rules=RULES)
    assert k19.proyeksi.volumes["2b"] == D(800)
    k20 = kondisi.kondisi_lokasi(p, a, 2020, rules=RULES)
    assert k20.proyeksi.volumes["2b"] == 0 and k20.tertangani == {"2b": D(1000)}


def test_services_and_unit_costs():
    hasil = scoring.score_assessment(HEADER | {"luas_ha": D(1)}, LOC1_2019, rules=RULES)
    lay = kondisi.layanan(hasil)
    assert lay["jalan"] == D(60)  # 100 − mean(0, 80)
    assert lay["air_limbah"] == D(60)  # 100 − mean(0, 80)
    assert lay["air_minum"] == D(100)
    assert kondisi.akses(hasil, "5b") == D(20)
    costs = kondisi.biaya_satuan([("2b", D(170), D(100_000_000)),
                                  ("2b", D(100), D(30_000_000)),
                                  ("2b", D(200), D(80_000_000)), ("4b", D(0), D(5))])
    assert costs["2b"]["median"] == D(400_000)
    assert costs["2b"]["min"] == D(300_000) and costs["2b"]["max"] == D(588_235)
    assert "4b" not in costs


@pytest.mark.django_db
def test_permen_2016_drainage_letters_follow_the_regulation():
    from desa.models import Kriteria

    names = {c.code: c.name for c in scoring.PERMEN_02_2016.criteria}
    assert names["4c"].startswith("Drainase lingkungan tidak terhubung")
    assert names["4d"].startswith("Drainase lingkungan tidak dipelihara")
    assert names["4e"] == "Kualitas konstruksi drainase lingkungan buruk"
    assert scoring.PERMEN_14_2018.criterion("4c").name.startswith("Kualitas konstruksi")
    stored = dict(Kriteria.objects.filter(aturan__kode="permen_02_2016",
                                          kode__in=["4c", "4d", "4e"])
                  .values_list("kode", "nama"))
    assert stored == {k: names[k] for k in ("4c", "4d", "4e")}
    order = list(Kriteria.objects.filter(aturan__kode="permen_02_2016", aspek__kode="4")
                 .order_by("urutan").values_list("kode", flat=True))
    assert order == ["4a", "4b", "4c", "4d", "4e"]


@pytest.mark.django_db
def test_kincang_wetan_has_its_one_word_alias(jiwan):
    assert jiwan.get(nama="Kincang Wetan").nama_alias == "Kincangwetan"
    assert jiwan.get(nama="Klagen Serut").nama_alias == "Klagenserut"


@pytest.mark.django_db
def test_desa_page_says_when_locations_do_not_add_up_to_the_kawasan(client, data):
    body = client.get(reverse("desa:detail", args=[data["bibrik"].kode_wilayah])).content.decode()
    assert "lokasi: 3,7345 ha, tidak sama dengan luas SK" in body
    assert "4,0000" in body
