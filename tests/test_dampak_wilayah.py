"""Issue 16: Dampak of a scope wider than 50 desa answers per region from the stored condition
rows (no location rescored per request), with the engine's figures; a scope of at most 50
desa keeps the per-desa, per-location page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.kondisi import hitung_kondisi, tahun_sekarang
from desa import wilayah
from desa.kondisi import layanan
from desa.models import Tingkat
from tests.demo_cepat import muat_demo


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


@pytest.fixture
def lebar(monkeypatch):
    """Jiwan's 14 desa counted as a wide scope: regions (the kecamatan) instead of desa."""
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 5)


def test_wide_scope_answers_per_region_with_the_engine_figures(client, demo, lebar,
                                                               django_assert_max_num_queries):
    engine = hitung_kondisi(tahun_sekarang(), None, None)
    rows, _total = dash.dampak()
    with django_assert_max_num_queries(16):
        response = client.get(reverse("dampak"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "dashboard/dampak_wilayah.html"
    [jiwan] = response.context["rows"]
    total = response.context["total"]
    assert jiwan["nama"] == "Jiwan" and jiwan["desa"] == len(engine.desa) == total["desa"]
    a = engine.total
    for tahap in ("baseline", "terukur", "proyeksi"):
        assert total[tahap] == a.luas_kumuh(tahap)
    assert total["lokasi"] == a.jumlah_lokasi and total["lokasi_demo"] == a.jumlah_demo
    per_tingkat = {c: sum(1 for d in rows if d.terukur.tingkat == c) for c, _l in Tingkat.choices}
    assert {c: n for c, n in total["per_tingkat"].items() if n} == \
        {c: n for c, n in per_tingkat.items() if n}
    # The pooled services: the stored inputs summed and scored once equal the engine's pooled
    # aggregate of every location.
    g = response.context["gabungan"]
    for tahap in ("baseline", "terukur", "proyeksi"):
        assert g["layanan"][tahap] == layanan(getattr(a, tahap).hasil)
        assert g["skor"][tahap].total == getattr(a, tahap).total
    assert response.context["lokasi_keluar"] == len(engine.keluar_dari_kumuh())
    body = response.content.decode()
    assert "Per Kecamatan" in body and "?wilayah=35.19.09" in body
    assert "data demo" in body or "demo" in body  # demo locations marked


def test_wide_scope_export_lists_the_regions(client, demo, lebar):
    response = client.get(reverse("dampak"), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming
                    else [response.content]).decode("utf-8-sig")
    header, *lines = [line for line in text.splitlines() if line]
    assert header.startswith("Kode Kemendagri,Wilayah,Desa dinilai")
    assert len(lines) == 1 and lines[0].startswith("35.19.09,Jiwan,14")


@pytest.mark.parametrize("wide", [True, False])
def test_export_skips_the_page_only_chart(client, demo, monkeypatch, wide):
    """A download needs the table, not the page's yearly hectares chart (a grouped query)."""
    from desa import kondisi_tersimpan

    if wide:
        monkeypatch.setattr(wilayah, "MAKS_KOLOM", 5)

    def tidak(**kwargs):
        raise AssertionError("luas_per_tahun computed for an export")

    monkeypatch.setattr(kondisi_tersimpan, "luas_per_tahun", tidak)
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("dampak"), {"format": fmt}).status_code == 200


def test_narrow_scope_keeps_desa_and_locations(client, demo):
    response = client.get(reverse("dampak"), {"wilayah": "35.19.09"})
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "dashboard/dampak.html"
    assert len(response.context["rows"]) == 14
    assert response.context["biaya"] is not None


def test_wide_scope_without_assessments(client, jiwan, lebar):
    response = client.get(reverse("dampak"))
    assert response.status_code == 200
    assert "Belum ada penilaian terverifikasi di cakupan ini." in response.content.decode()
    assert response.context["gabungan"] is None


def test_region_rows_sum_to_totals_hectares(client, demo, lebar):
    response = client.get(reverse("dampak"))
    rows, total = response.context["rows"], response.context["total"]
    for key in ("baseline", "terukur", "proyeksi", "luas"):
        assert sum((r[key] for r in rows), Decimal(0)) == total[key]


def test_funder_in_many_desa_is_shown_per_region(client, jiwan, desa_a, desa_b, monkeypatch):
    """A funder present in more desa than a table holds: its money per region (here the
    kecamatan, with at most one desa allowed per table), its share of all planned money
    there, and a link to its activities in that region."""
    from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

    pupr = buat_pemangku("Kementerian PUPR", "kementerian")
    lain = buat_pemangku("Pemda uji")
    buat_kegiatan(desa_a, lines=[(pupr, "apbn", 600), (lain, "apbd-kab", 400)])
    buat_kegiatan(desa_b, lines=[(pupr, "apbn", 1000)])
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 1)
    response = client.get(reverse("kolaborasi:pemangku_detail", args=[pupr.pk]))
    assert response.context["tingkat"] == "kecamatan"
    [row] = response.context["per_desa"]
    assert (row["nama"], row["rencana"], row["kegiatan"]) == ("Jiwan", Decimal(1600), 2)
    assert row["porsi"] == Decimal("80.0")  # 1,600 of 2,000 planned in Jiwan
    assert "wilayah=35.19.09" in row["url"] and f"pemangku={pupr.pk}" in row["url"]
    assert "Menurut kecamatan" in response.content.decode()
    # By source: each source's part of the funder's plan (the column had no header or value).
    assert [r["porsi"] for r in response.context["per_sumber"]] == [Decimal("100.0")]
    assert client.get(row["url"]).status_code == 200
    # Per province: from the funder's kabupaten rows (money, distinct activities).
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 0)
    response = client.get(reverse("kolaborasi:pemangku_detail", args=[pupr.pk]))
    assert response.context["tingkat"] == "provinsi"
    [row] = response.context["per_desa"]
    assert (row["nama"], row["rencana"], row["kegiatan"], row["porsi"]) == (
        "Jawa Timur", Decimal(1600), 2, Decimal("80.0"))
    # The headline: planned, activities and desa from the per-funder rollup.
    p = response.context["pemangku"]
    assert (p.total_rencana, p.jumlah_kegiatan, p.jumlah_desa) == (Decimal(1600), 2, 2)
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 50)
    response = client.get(reverse("kolaborasi:pemangku_detail", args=[pupr.pk]))
    assert response.context["tingkat"] == "desa"
    assert sorted(r["rencana"] for r in response.context["per_desa"]) == [600, 1000]


def test_region_table_counts_desa_per_level_like_the_desa_table(demo, monkeypatch, settings):
    """Beranda's per-region table counts desa per stored level in SQL; the same numbers as
    summing its per-desa table (every desa, assessed or not, counted once)."""
    settings.DASHBOARD_CACHE = False
    per_desa = dash.per_wilayah(dash.Filter(), tingkat="desa")
    monkeypatch.setattr(wilayah, "MAKS_KOLOM", 0)
    for tingkat in ("kecamatan", "kabupaten", "provinsi"):
        wide = dash.per_wilayah(dash.Filter(), tingkat=tingkat)
        [row] = wide["rows"]
        assert row["jumlah_desa"] == len(per_desa["rows"]) == 14
        assert row["per_tingkat"] == per_desa["totals"]["per_tingkat"]
        assert row["belum"] == per_desa["totals"]["belum"]
        assert wide["totals"] == per_desa["totals"]


def test_one_kecamatan_portal_shows_no_empty_filter_form(client, demo):
    """Jiwan alone has no region to choose: Dampak shows no filter form (a lone "Terapkan"
    button with nothing to apply)."""
    body = client.get(reverse("dampak")).content.decode()
    assert "Terapkan" not in body and "Per desa" in body
