"""kotaku.exports, and list exports holding exactly the filtered rows."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import Http404
from django.urls import reverse

from kotaku.exports import Column, export_response
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

COLUMNS = [
    Column("Nama", "nama"),
    Column("Desa", "desa.nama"),
    Column("Rencana (Rp)", "rp", "rupiah"),
    Column("Progres (%)", "persen", "percent"),
    Column("Volume", "volume", "decimal"),
    Column("Jumlah", "n", "int"),
    Column("Tanggal", "tanggal", "date"),
    Column("Hitung", lambda r: r["n"] * 2, "int"),
]
ROWS = [
    {"nama": "Paving, jalan \"lele\"", "desa": {"nama": "Bibrik"}, "rp": Decimal(100_000_000),
     "persen": Decimal("72.50"), "volume": Decimal("170.25"), "n": 3,
     "tanggal": datetime.date(2018, 9, 1)},
    {"nama": "=HYPERLINK(\"http://jahat\")", "desa": None, "rp": None, "persen": None,
     "volume": None, "n": 0, "tanggal": None},
    {"nama": "teks\x00dengan\x07kontrol", "desa": {"nama": "Sukolilo"}, "rp": 5, "persen": 0,
     "volume": 1, "n": 1, "tanggal": None},
]


def read_csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response):
    raw = b"".join(response.streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    return wb.worksheets[0]


def test_csv_is_streamed_with_bom_header_and_plain_numbers():
    response = export_response("csv", "Kegiatan Penanganan", COLUMNS, iter(ROWS))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="kegiatan-penanganan.csv"' == response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [c.label for c in COLUMNS]
    assert rows[1] == ['Paving, jalan "lele"', "Bibrik", "100000000", "72.50", "170.25", "3",
                       "2018-09-01", "6"]
    # Formula injection is neutralised; missing values are empty; control characters dropped.
    assert rows[2] == ["'=HYPERLINK(\"http://jahat\")", "", "", "", "", "0", "", "0"]
    assert rows[3][0] == "teksdengankontrol"


def test_xlsx_has_types_formats_frozen_header_and_widths():
    response = export_response("xlsx", "kegiatan", COLUMNS, ROWS, title="Kegiatan")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "kegiatan.xlsx" in response["Content-Disposition"]
    ws = read_xlsx(response)
    assert ws.title == "Kegiatan"
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [c.label for c in COLUMNS]
    assert ws[1][0].font.bold
    row = ws[2]
    assert row[0].value == 'Paving, jalan "lele"'
    assert row[2].value == 100_000_000 and row[2].number_format == "#,##0"
    assert row[3].value == 72.5 and row[3].number_format == "0.00"
    assert row[4].value == 170.25 and row[4].number_format == "#,##0.00"
    assert row[5].value == 3
    assert row[6].value.date() == datetime.date(2018, 9, 1)
    # A formula typed by a user stays text (a string cell, never a formula).
    assert ws[3][0].value == "=HYPERLINK(\"http://jahat\")"
    assert ws[3][0].data_type == "s"
    assert ws[3][2].value is None
    assert ws.column_dimensions["A"].width >= 10


def test_unknown_format_is_404():
    for fmt in ("pdf", "", None, "CSV"):
        with pytest.raises(Http404):
            export_response(fmt, "x", COLUMNS, ROWS)


def test_unknown_column_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        Column("x", "x", "money")


# ----------------------------------------------------------------------- through the lists


@pytest.fixture
def data(desa_a, desa_b):
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a)
    target = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000, 100_000_000)])
    # Same desa, other source; other year; other desa: none of them match the filter.
    buat_kegiatan(desa_a, nama="Paving lanjutan (Dana Desa)", tahun=2018,
                  lines=[(pemdes, "dana-desa", 60_000_000)])
    buat_kegiatan(desa_a, nama="Paving 2019", tahun=2019,
                  lines=[(dinas, "apbd-kab", 10_000_000)])
    buat_kegiatan(desa_b, nama="Drainase Sukolilo", tahun=2018,
                  lines=[(dinas, "apbn", 1_000_000_000)])
    return target


FILTER = {"sumber": "apbd-kab", "tahun_anggaran": "2018"}


def test_kegiatan_list_filtered_by_source_and_year(client, data):
    response = client.get(reverse("anggaran:kegiatan_list"), FILTER)
    assert [k.pk for k in response.context["page"]] == [data.pk]
    body = response.content.decode()
    assert "Bibrik" in body and "Rp 100.000.000" in body
    assert "?sumber=apbd-kab&amp;tahun_anggaran=2018&amp;format=csv" in body
    assert "?sumber=apbd-kab&amp;tahun_anggaran=2018&amp;format=xlsx" in body


def test_kegiatan_csv_export_holds_exactly_the_filtered_rows(client, data):
    response = client.get(reverse("anggaran:kegiatan_list"), {**FILTER, "format": "csv"})
    assert response.status_code == 200
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    record = dict(zip(header, body[0], strict=True))
    assert record["Desa"] == "Bibrik"
    assert record["Nama kegiatan"] == "Paving jalan akses kolam lele"
    assert record["Tahun anggaran"] == "2018"
    assert record["Rencana (Rp)"] == "100000000"
    assert record["Rencana sesuai filter (Rp)"] == "100000000"
    assert record["Kode kriteria"] == "2b"


def test_kegiatan_xlsx_export_holds_exactly_the_filtered_rows(client, data):
    response = client.get(reverse("anggaran:kegiatan_list"), {**FILTER, "format": "xlsx"})
    assert response.status_code == 200
    ws = read_xlsx(response)
    rows = list(ws.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    record = dict(zip(header, body[0], strict=True))
    assert record["Desa"] == "Bibrik"
    assert record["Rencana (Rp)"] == 100_000_000
    assert ws.cell(row=2, column=header.index("Rencana (Rp)") + 1).number_format == "#,##0"


def test_unfiltered_export_holds_every_row_not_just_one_page(client, data, desa_a):
    dinas = buat_pemangku("Dinas lain", "opd")
    for i in range(55):
        buat_kegiatan(desa_a, nama=f"Massal {i}", tahun=2020, lines=[(dinas, "apbd-kab", 1)])
    rows = read_csv(client.get(reverse("anggaran:kegiatan_list"),
                               {"format": "csv", "halaman": "2"}))
    assert len(rows) == 1 + 4 + 55


def test_export_unknown_format_404(client, data):
    assert client.get(reverse("anggaran:kegiatan_list"), {"format": "pdf"}).status_code == 404
