"""Open data: JSON and CSV keyed by Kemendagri code, matching the dashboards."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anggaran import dashboard as dash
from anggaran.models import Kegiatan, StatusKegiatan
from desa.models import Desa
from desa.selectors import riwayat_desa
from desa.tingkat import tingkat_per_desa
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.demo_cepat import muat_demo
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

pytestmark = pytest.mark.django_db

BIBRIK = "35.19.09.2014"
JIWAN = "35.19.09"


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


def get_json(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def read_csv(response) -> list[dict]:
    raw = b"".join(response.streaming_content)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_kecamatan_json_is_keyed_by_kemendagri_code_and_matches_the_dashboard(client, demo):
    data = get_json(client, "data_terbuka_kecamatan", JIWAN, "json")
    codes = list(Desa.objects.order_by("kode_wilayah").values_list("kode_wilayah", flat=True))
    assert list(data["desa"]) == codes and len(codes) == 14
    # Beranda: score and level per desa, planned money per desa.
    levels = tingkat_per_desa()
    kolab = {r["pk"]: r for r in dash.per_wilayah(dash.Filter(), tingkat="desa")["rows"]}
    for d in Desa.objects.all():
        record = data["desa"][d.kode_wilayah]
        assert record["kode_kemendagri"] == d.kode_wilayah and record["nama"] == d.nama
        hasil = levels.get(d.pk)
        assert record["kekumuhan"]["total_skor"] == hasil.total
        assert record["kekumuhan"]["tingkat"] == hasil.level
        assert len(record["kekumuhan"]["kriteria"]) == 16
        assert Decimal(str(record["pendanaan"]["rencana_rp"])) == (
            kolab.get(d.pk, {}).get("rencana") or 0)
    # Beranda: money per source and in total.
    kec = data["kecamatan"]
    r = dash.ringkasan()
    assert kec["jumlah_desa"] == r.jumlah_desa
    assert Decimal(kec["pendanaan"]["rencana_rp"]) == r.rencana
    assert Decimal(kec["pendanaan"]["realisasi_rp"]) == r.realisasi
    for s in dash.per_sumber():
        assert Decimal(kec["pendanaan"]["per_sumber"][s["kode"]]["rencana_rp"]) == s["rencana"]
        assert Decimal(kec["pendanaan"]["per_sumber"][s["kode"]]["realisasi_rp"]) == (
            s["realisasi"])
    counts = {code: n for code, _label, n in r.desa_per_tingkat if n and code != "belum"}
    assert kec["desa_per_tingkat"] == counts
    assert kec["kekumuhan"]["skor_maksimum"] == 80
    assert kec["berisi_data_demo"] is True
    assert data["metadata"]["aturan_penilaian"]["kode"]


def test_desa_json_matches_the_desa_page(client, demo):
    desa = Desa.objects.get(kode_wilayah=BIBRIK)
    data = get_json(client, "data_terbuka_desa", BIBRIK, "json")
    (record,) = data["desa"].values()
    assert list(data["desa"]) == [BIBRIK]
    terkini = riwayat_desa(desa)["terkini"]
    assert record["kekumuhan"]["total_skor"] == terkini.total
    for code, c in record["kekumuhan"]["kriteria"].items():
        expected = terkini.criteria[code]
        assert Decimal(str(c["volume"])) == expected.volume
        assert Decimal(str(c["persen"])) == expected.percent
        assert c["skor"] == expected.score
    per_sumber = {s["kode"]: s for s in dash.per_sumber(dash.Filter(desa_id=desa.pk))}
    for kode, s in record["pendanaan"]["per_sumber"].items():
        assert Decimal(str(s["rencana_rp"])) == per_sumber[kode]["rencana"]
    assert record["pendanaan"]["per_sumber"]["apbd-kab"]["rencana_rp"] >= 100_000_000


@pytest.mark.parametrize("scope,code,rows", [("kecamatan", JIWAN, 14), ("desa", BIBRIK, 1)])
def test_csv_has_one_row_per_desa_with_code_score_and_sources(client, demo, scope, code, rows):
    response = client.get(reverse(f"data_terbuka_{scope}", args=[code, "csv"]))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    records = read_csv(response)
    assert len(records) == rows
    levels = tingkat_per_desa()
    by_code = {d.kode_wilayah: d for d in Desa.objects.all()}
    for row in records:
        d = by_code[row["kode_kemendagri"]]
        assert int(row["total_skor"]) == levels[d.pk].total
        assert {"volume_2b", "persen_2b", "skor_2b", "rencana_rp_apbn"} <= set(row)
    xlsx = client.get(reverse(f"data_terbuka_{scope}", args=[code, "xlsx"]))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert ws.max_row == rows + 1 and ws["A1"].value == "kode_kemendagri"


def test_only_verified_assessments_and_no_personal_data(client, jiwan, desa_a):
    lokasi = buat_lokasi(desa_a)
    buat_penilaian(lokasi, tahun=2024, status="draft")
    pemangku = buat_pemangku("Dinas Uji", "opd", kontak_telepon="0812-9876-5432",
                             kontak_email="rahasia.kontak@example.org")
    buat_kegiatan(desa_a, lines=[(pemangku, "apbd-kab", 100_000_000)])
    buat_kegiatan(desa_a, nama="Batal", status=StatusKegiatan.BATAL,
                  lines=[(pemangku, "apbn", 5_000_000)])
    data = get_json(client, "data_terbuka_desa", desa_a.kode_wilayah, "json")
    record = data["desa"][desa_a.kode_wilayah]
    assert record["kekumuhan"] is None  # the draft is not public
    assert record["pendanaan"]["rencana_rp"] == 100_000_000  # cancelled excluded
    text = client.get(reverse("data_terbuka_kecamatan", args=[JIWAN, "json"])).content.decode()
    assert "0812-9876-5432" not in text and "rahasia.kontak" not in text


def test_unknown_codes_and_formats_are_404(client, jiwan):
    assert client.get(reverse("data_terbuka_desa", args=["35.19.09.9999", "json"])
                      ).status_code == 404
    assert client.get(reverse("data_terbuka_kecamatan", args=["35.19.99", "csv"])
                      ).status_code == 404
    assert client.get("/data-terbuka/desa/35.19.09.2014.xml").status_code == 404
    assert client.post(reverse("data_terbuka_desa", args=[BIBRIK, "json"])).status_code == 405


def test_index_lists_every_desa_and_kecamatan(client, jiwan):
    data = get_json(client, "data_terbuka")
    assert len(data["desa"]) == 14 and list(data["kecamatan"]) == [JIWAN]
    assert data["desa"][BIBRIK]["json"].endswith(f"/data-terbuka/desa/{BIBRIK}.json")


def test_kecamatan_export_costs_a_constant_number_of_queries(client, demo):
    url = reverse("data_terbuka_kecamatan", args=[JIWAN, "json"])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    before = measure()
    pemangku = buat_pemangku("Dinas Uji", "opd")
    for d in Desa.objects.all()[:5]:
        buat_kegiatan(d, nama=f"Tambahan {d.nama}", lines=[(pemangku, "csr", 1000)])
    assert Kegiatan.objects.filter(nama__startswith="Tambahan").count() == 5
    assert measure() == before


@pytest.mark.django_db
def test_open_data_index_is_a_page_for_people_and_json_for_programs(client, jiwan):
    """Issue 17: a browser gets a page (content, formats, licence, links); ?format=json and
    clients that do not ask for HTML keep the JSON."""
    page = client.get(reverse("data_terbuka"), HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    body = page.content.decode()
    assert "Lisensi dan atribusi" in body and "docs/OPEN_DATA.md" not in body
    assert "/data-terbuka/desa/35.19.09.2014.csv" in body
    assert "Accept" in page["Vary"]
    as_json = client.get(reverse("data_terbuka") + "?format=json",
                         HTTP_ACCEPT="text/html")
    assert as_json["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.django_db
def test_open_data_index_page_of_a_wide_scope_lists_regions(client, jiwan, monkeypatch):
    """Nationally (83,762 desa: a 4 s, 25 MB page) the page lists the regions one level down
    with their desa, each a link to its own list; a scope within the limit lists its files;
    the JSON index always lists every desa of its scope, with the same URLs as before."""
    from kotaku import views_opendata

    html = {"HTTP_ACCEPT": "text/html"}
    url = reverse("data_terbuka")
    semua = client.get(url + "?format=json").json()
    assert len(semua["desa"]) == 14 and len(semua["kecamatan"]) == 1
    assert semua["desa"]["35.19.09.2014"]["csv"] == "http://testserver" + reverse(
        "data_terbuka_desa", args=["35.19.09.2014", "csv"])
    assert semua["kecamatan"]["35.19.09"]["json"] == "http://testserver" + reverse(
        "data_terbuka_kecamatan", args=["35.19.09", "json"])
    monkeypatch.setattr(views_opendata, "MAKS_INDEKS", 10)
    for params, turun in (({}, "35"), ({"wilayah": "35"}, "35.19"),
                          ({"wilayah": "35.19"}, "35.19.09")):
        page = client.get(url, params, **html)
        body = page.content.decode()
        assert page.context["terlalu_banyak"] == 14
        assert [(w["kode"], w["jumlah"]) for w in page.context["wilayah_bawah"]] == [(turun, 14)]
        assert f'href="?wilayah={turun}"' in body and "35.19.09.2014.csv" not in body
    body = client.get(url, {"wilayah": "35.19.09"}, **html).content.decode()
    assert "/data-terbuka/desa/35.19.09.2014.csv" in body  # a kecamatan: always listed
    assert client.get(url, {"wilayah": "35.19", "format": "json"}).json()["desa"] == semua["desa"]
    assert client.get(url, {"wilayah": "11", "format": "json"}).json()["desa"] == {}
    assert "Kode wilayah Kemendagri" in client.get(url, {"wilayah": "x"}, **html).content.decode()
