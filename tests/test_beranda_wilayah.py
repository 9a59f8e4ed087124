"""Beranda and the district report at any scope: per-region tables instead of one row per desa,
the region filter (``?wilayah=`` provinsi / kabupaten / kecamatan), the trail of regions, and
numbers that add up to independent sums. Synthetic data: DKI Jakarta (6 kabupaten/kota, 44
kecamatan, 267 kelurahan) from ``bangkitkan_data_nasional``, plus Jiwan where a test needs it.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.models import Pendanaan, StatusKegiatan
from desa.models import Desa, Kabupaten, Kecamatan
from desa.tingkat import skor_desa
from kotaku import views_dashboard
from tests.test_scale import KABUPATEN, PROVINSI, generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def jakarta():
    generate(lines=400)


def _lines(**scope):
    return Pendanaan.objects.exclude(kegiatan__status=StatusKegiatan.BATAL).filter(**scope)


def test_national_beranda_lists_regions_not_every_desa(client, jakarta, monkeypatch):
    # 267 desa and 44 kecamatan are more than 10: the table is per kabupaten/kota (6).
    monkeypatch.setattr(dash, "MAKS_KOLOM", 10)
    wilayah = dash.per_wilayah(dash.Filter())
    assert wilayah["tingkat"] == "kabupaten"
    assert [r["kode"] for r in wilayah["rows"]] == list(
        Kabupaten.objects.filter(kecamatan__desa__isnull=False).distinct()
        .order_by("kode_wilayah").values_list("kode_wilayah", flat=True))
    # Every desa counted once, by its latest verified level (or as not assessed).
    assert sum(r["jumlah_desa"] for r in wilayah["rows"]) == Desa.objects.count()
    levels = Counter(level for _total, level in skor_desa().values())
    for i, (code, _label) in enumerate(dash.Tingkat.choices):
        assert sum(r["per_tingkat"][i] for r in wilayah["rows"]) == levels[code]
    assert sum(r["belum"] for r in wilayah["rows"]) == Desa.objects.count() - len(
        skor_desa())
    # Money per region equals an independent sum over its lines.
    for row in wilayah["rows"]:
        expected = _lines(kegiatan__desa__kecamatan__kabupaten__kode_wilayah=row["kode"]
                          ).aggregate(s=Sum("rencana_rp"))["s"] or Decimal(0)
        assert row["rencana"] == expected

    monkeypatch.setattr(views_dashboard, "MAKS_PETA", 100)
    response = client.get(reverse("beranda"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Per Kabupaten/kota" in html
    assert "data-peta-terlalu-besar" in html and 'id="peta-data"' not in html
    assert "KOTAKU Provinsi " in html  # the smallest region holding all loaded desa
    # Each region row drills down into its own scope; no desa is listed one by one.
    assert f"?wilayah={KABUPATEN}" in html
    some_desa = Desa.objects.order_by("kode_wilayah").last()
    assert some_desa.get_absolute_url() not in html


def test_region_scope_narrows_every_number_and_shows_the_trail(client, jakarta):
    r = client.get(reverse("beranda"), {"wilayah": KABUPATEN})
    html = r.content.decode()
    f = r.context["filter"]
    assert f.wilayah == KABUPATEN
    kab = Kabupaten.objects.get(kode_wilayah=KABUPATEN)
    ringkasan = r.context["r"]
    assert ringkasan.jumlah_desa == Desa.objects.filter(kecamatan__kabupaten=kab).count()
    scoped = _lines(kegiatan__desa__kecamatan__kabupaten=kab)
    assert ringkasan.rencana == (scoped.aggregate(s=Sum("rencana_rp"))["s"] or 0)
    assert f"KOTAKU {kab.nama}" in html
    # The trail goes back up to the province (and no further: the data is one province).
    assert f"?wilayah={PROVINSI}" in html
    # Its kecamatan rows (or desa, when few) each link further down.
    wilayah = r.context["wilayah"]
    assert wilayah["tingkat"] in ("kecamatan", "desa")
    assert sum(row["jumlah_desa"] for row in wilayah["rows"]) == ringkasan.jumlah_desa
    kec = Kecamatan.objects.filter(kabupaten=kab).order_by("kode_wilayah").first()
    r = client.get(reverse("beranda"), {"wilayah": kec.kode_wilayah})
    assert r.context["wilayah"]["tingkat"] == "desa"
    assert {row["kode"] for row in r.context["wilayah"]["rows"]} == set(
        Desa.objects.filter(kecamatan=kec).values_list("kode_wilayah", flat=True))
    assert reverse("laporan_kecamatan", args=[kec.kode_wilayah]) in r.content.decode()
    # The matrix takes the same scope; its old ?kabupaten= links still work.
    m = client.get(reverse("matriks"), {"kabupaten": KABUPATEN}).context["m"]
    assert m.total == (scoped.aggregate(s=Sum("rencana_rp"))["s"] or 0)


@pytest.mark.parametrize("kode", ["99.99", "31.7", "abc", "<script>", "1" * 300])
def test_bad_region_code_is_explained_on_the_field_and_ignored(client, jakarta, kode):
    r = client.get(reverse("beranda"), {"wilayah": kode})
    assert r.status_code == 200
    assert r.context["filter"].wilayah is None
    assert r.context["form"].errors["wilayah"]
    assert "<script>" not in r.content.decode().split("<main", 1)[-1].replace(
        "&lt;script&gt;", "")


def test_region_table_exports_what_the_page_shows(client, jakarta, monkeypatch):
    monkeypatch.setattr(dash, "MAKS_KOLOM", 10)
    response = client.get(reverse("beranda"), {"tabel": "desa", "format": "csv"})
    assert response.status_code == 200
    assert "dana-per-kabupaten" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header = body.splitlines()[0]
    assert "Jumlah desa" in header and "Kumuh Berat" in header
    assert len(body.strip().splitlines()) == 1 + len(dash.per_wilayah(dash.Filter())["rows"])


def test_jiwan_beranda_keeps_one_row_and_one_map_feature_per_desa(client, jiwan):
    r = client.get(reverse("beranda"))
    assert r.context["wilayah"]["tingkat"] == "desa"
    assert len(r.context["wilayah"]["rows"]) == 14
    assert len(r.context["peta"]["features"]) == 14
    html = r.content.decode()
    assert "KOTAKU Kecamatan Jiwan" in html
    # A one-kecamatan portal offers no region field and no trail.
    assert 'type="text" name="wilayah"' not in html and 'class="breadcrumb' not in html


def test_activity_list_takes_the_region_scope_the_dashboards_link_with(client, jakarta):
    from anggaran.models import Kegiatan

    r = client.get(reverse("matriks"), {"wilayah": KABUPATEN})
    links = [row["url"] for row in r.context["rows"] if row["url"]]
    assert links and all(f"wilayah={KABUPATEN}" in url for url in links)
    page = client.get(reverse("anggaran:kegiatan_list"), {"wilayah": KABUPATEN})
    assert page.context["page"].paginator.count == Kegiatan.objects.filter(
        desa__kecamatan__kabupaten__kode_wilayah=KABUPATEN).count()
    bad = client.get(reverse("anggaran:kegiatan_list"), {"wilayah": "35.1"})
    assert bad.status_code == 200 and bad.context["filter"].form.errors["wilayah"]
