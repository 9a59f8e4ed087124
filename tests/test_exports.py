"""inti.exports, and list exports holding exactly the filtered rows."""

import csv
import datetime
import io
import re
import tracemalloc
from decimal import Decimal, InvalidOperation
from itertools import count
from operator import itemgetter

import openpyxl
import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from anggaran import views_ekspor
from anggaran.models import Pendanaan, StatusKegiatan
from inti import exports
from inti.exports import Column, export_response
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


# ------------------------------------------- the fast CSV path against the previous one
#
# The CSV writer formats each column with a formatter chosen once per column, with fast paths
# for common exact types. Its output must stay byte for byte what the straightforward per-cell
# implementation wrote; that implementation is kept here, verbatim, as the reference.

_PREV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PREV_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _prev_raw(column, row):
    if callable(column.accessor):
        return column.accessor(row)
    value = row
    for part in re.split(r"\.|__", column.accessor):
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    return value() if callable(value) and not isinstance(value, type) else value


def _prev_clean_text(value):
    return _PREV_ILLEGAL_CHARS.sub("", force_str(value))


def _prev_defuse(text):
    # Issue 18: a formula may also start after a separator a spreadsheet splits on (";" ","
    # tab, line break), after optional spaces; written out character by character.
    out, at_start = [], True
    for ch in text:
        if at_start and ch in _PREV_FORMULA_PREFIXES:
            out.append("'")
        out.append(ch)
        if ch in ";,\t\r\n":
            at_start = True
        elif ch not in " \u00a0":
            at_start = False
    return "".join(out)


def _prev_number(value, kind):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return int(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if kind in ("rupiah", "int"):
        return int(number.to_integral_value())
    if kind == "percent":
        return number.quantize(Decimal("0.01"))
    return number


def _prev_typed(kind, value):
    if kind == "text":
        return None if value is None else _prev_clean_text(value)
    if kind == "date":
        return value if isinstance(value, datetime.date) else (
            None if value is None else _prev_clean_text(value))
    return _prev_number(value, kind)


def _prev_csv_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _prev_cell(kind, value):
    text = _prev_csv_text(_prev_typed(kind, value))
    return _prev_defuse(text) if kind in ("text", "date") else text


class _Echo:
    def write(self, value):
        return value


def previous_csv(columns, rows) -> bytes:
    """The whole file as the previous implementation wrote it (BOM, header, one row a line)."""
    writer = csv.writer(_Echo())
    out = ["\ufeff".encode(),
           writer.writerow([_prev_defuse(_prev_clean_text(c.label)) for c in columns]).encode()]
    for row in rows:
        out.append(writer.writerow(
            [_prev_cell(c.kind, _prev_raw(c, row)) for c in columns]).encode("utf-8"))
    return b"".join(out)


def new_csv(columns, rows) -> bytes:
    return b"".join(exports.iter_csv(columns, rows))


class _Evil:
    def __str__(self):
        return "=EVIL()"


AWARE = datetime.datetime(2018, 9, 1, 7, 30, 59, tzinfo=datetime.timezone(
    datetime.timedelta(hours=7)))

HOSTILE = [
    None, "", " ", "'", "=", "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://jahat\")", "+1", "-1",
    "@x", "@SUM(A1:A9)", "\tTAB di depan", "\rCR di depan", "\nLF di depan", " =spasi dulu",
    "\x00=cmd", "\x07\x08-1", "\x0b+1", "\x1f@x", "a\x00b\x1fc\x0bd\x0ce\x7ff",
    "teks, dengan \"kutip\"\r\nbaris baru", "Désa Kalibaru – ꦗꦮ – 😀", "\u200b=lebar nol",
    "\u2028=pemisah baris", "\x85nel", "\xa0=nbsp", "=" * 3, "-" * 5, "1.218", "12,5", "abc",
    mark_safe("=aman?"), gettext_lazy("Desa"), StatusKegiatan.SELESAI, _Evil(),
    0, 1, -1, -5, 10**20, -(10**20), True, False, 2.5, -0.1, 1e-7, float("nan"), float("inf"),
    Decimal("12.50"), Decimal("-3.14159"), Decimal("0.005"), Decimal("0.015"),
    Decimal("2.5"), Decimal("3.5"), Decimal("-2.5"), Decimal("-0"), Decimal("-0.4"),
    Decimal("1E+3"), Decimal("1E-10"), Decimal("100000000"), Decimal("-100000000"),
    Decimal("123456789012345"), Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"),
    Decimal("-Infinity"), "12", "-12", "1e3",
    datetime.date(2018, 9, 1), datetime.date(1, 1, 1), datetime.datetime(2018, 9, 1, 7, 30, 59),
    AWARE, datetime.time(7, 30),
]


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - the same failure is part of "identical"
        return type(exc)


@pytest.mark.parametrize("kind", exports.KINDS)
def test_every_csv_formatter_writes_what_the_previous_code_wrote(kind):
    fast = exports._CSV_FORMATTERS[kind]
    for value in HOSTILE:
        expected = _outcome(_prev_cell, kind, value)
        assert _outcome(fast, value) == expected, (kind, value)
        assert _outcome(exports.csv_cell, kind, value) == expected, (kind, value)


def test_hostile_text_is_defused_and_cleaned_in_csv():
    cell = exports._CSV_FORMATTERS["text"]
    assert [cell(v) for v in ("=cmd|", "+1", "-1", "@x", "\tx", "\rx")] == [
        "'=cmd|", "'+1", "'-1", "'@x", "'\tx", "'\rx"]
    assert cell("\x00=cmd") == "'=cmd"  # cleaned first, then defused
    assert cell("a\x00b\x1fc") == "abc" and cell(None) == "" and cell("Désa 😀") == "Désa 😀"
    # Numbers are never defused: a negative amount stays a number.
    assert exports._CSV_FORMATTERS["rupiah"](Decimal("-2.5")) == "-2"
    assert exports._CSV_FORMATTERS["int"](-1) == "-1"


ALL_KINDS = [Column(f"{kind} {i}", itemgetter(i), kind) for i, kind in enumerate(exports.KINDS)]


def test_whole_csv_file_is_byte_identical_to_the_previous_implementation():
    # Every hostile value in every kind of column, in tuple rows (as values_list gives them).
    rows = [tuple([value] * len(ALL_KINDS)) for value in HOSTILE
            if all(not isinstance(_outcome(_prev_cell, k, value), type) for k in exports.KINDS)]
    assert len(rows) > 60
    columns = [*ALL_KINDS, Column("=label, \"kutip\"\x00", itemgetter(0))]
    assert new_csv(columns, rows) == previous_csv(columns, rows)
    # Dict and object rows through attribute paths, "__" paths, methods and callables.
    assert new_csv(COLUMNS, ROWS) == previous_csv(COLUMNS, ROWS)
    assert new_csv(COLUMNS, []) == previous_csv(COLUMNS, []) == (
        "\ufeffNama,Desa,Rencana (Rp),Progres (%),Volume,Jumlah,Tanggal,Hitung\r\n".encode())


class _Obj:
    def __init__(self, **kw):
        self.__dict__.update(kw)

    def sapa(self):
        return "=halo"


@pytest.mark.parametrize("accessor", [
    "a", "a.b", "a__b", "a.b.c", "sapa", "kelas", "d.k", "d.x.y", "none.x", lambda r: r.a,
])
def test_column_accessors_resolve_as_before(accessor):
    row = _Obj(a=_Obj(b=_Obj(c=3)), kelas=int, d={"k": "v"}, none=None)
    column = Column("x", accessor)
    try:
        expected = _prev_raw(column, row)
    except AttributeError:
        with pytest.raises(AttributeError):
            column.raw(row)
        return
    assert column.raw(row) == expected
    assert column.raw(row) == column.getter(row)


def _endless(consumed):
    for i in count():
        consumed.append(i)
        yield (i, f"=baris {i}", Decimal(i) / 4, datetime.date(2020, 1, 1 + i % 28))


STREAM_COLUMNS = [Column("ID", itemgetter(0), "int"), Column("Nama", itemgetter(1)),
                  Column("Rp", itemgetter(2), "rupiah"), Column("Tanggal", itemgetter(3), "date")]


def test_csv_is_written_in_bounded_chunks_reading_rows_lazily():
    consumed = []
    chunks = exports.iter_csv(STREAM_COLUMNS, _endless(consumed))
    first = next(chunks)
    # The first chunk comes after about CSV_CHUNK_CHARS of text, not after the rows ran out.
    assert exports.CSV_CHUNK_CHARS <= len(first) < exports.CSV_CHUNK_CHARS + 200
    assert len(consumed) < exports.CSV_CHUNK_CHARS / 20
    for _ in range(5):
        assert exports.CSV_CHUNK_CHARS <= len(next(chunks)) < exports.CSV_CHUNK_CHARS + 200
    assert len(consumed) < 7 * exports.CSV_CHUNK_CHARS / 20
    chunks.close()
    # Cut into chunks or not, the file is the same.
    rows = [next(_endless([])) for _ in range(1)] + list(zip(
        range(10_000), (f"-{i}" for i in range(10_000)), map(Decimal, range(10_000)),
        [datetime.date(2020, 1, 1)] * 10_000, strict=True))
    pieces = list(exports.iter_csv(STREAM_COLUMNS, rows))
    assert len(pieces) > 3 and all(pieces)
    assert b"".join(pieces) == previous_csv(STREAM_COLUMNS, rows)


def test_csv_streaming_holds_constant_memory():
    # ~3 MB of CSV, while the writer holds at most one chunk (64 K characters, its encoded
    # copy and the row being written): the peak of Python allocations stays well below 1 MB.
    rows = 80_000
    tracemalloc.start()
    try:
        size = 0
        for chunk in exports.iter_csv(STREAM_COLUMNS, (
                (i, f"=baris {i}", Decimal(i), datetime.date(2020, 1, 1)) for i in range(rows))):
            size += len(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 3_000_000
    assert peak < 1_000_000, peak


@pytest.mark.django_db
def test_open_data_export_is_identical_and_costs_one_select(client, desa_a, desa_b):
    jahat = buat_pemangku("=cmd|' /C calc'!A0", "opd")
    lain = buat_pemangku("@SUM(1+1)*cmd|' /C calc'!A0, \"kutip\"", "lsm")
    buat_kegiatan(desa_a, nama="-1 paving\ttab", lines=[(jahat, "apbd-kab", 100_000_000, 5)])
    buat_kegiatan(desa_b, nama="\x07+drainase ꦗꦮ 😀", tahun=2019,
                  lines=[(lain, "apbn", 1, 0), (jahat, "dana-desa", 999_999_999_999_999)])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("ekspor_pendanaan"))
        body = b"".join(response.streaming_content)
    # One query, however many lines: on SQLite the streamed SELECT; on PostgreSQL one COPY
    # statement, which the driver runs outside Django's query log (tests/test_ekspor_copy.py).
    # Before it, the lookup of a prebuilt file (kotaku/ekspor_latar.py; none here).
    selects = [q["sql"] for q in ctx.captured_queries
               if q["sql"].lstrip().startswith(("SELECT", "DECLARE"))]
    assert "kotaku_eksporsiap" in selects.pop(0)
    assert len(selects) == (0 if connection.vendor == "postgresql" else 1), \
        ctx.captured_queries
    rows = list(Pendanaan.objects.order_by().values_list(
        *(f for f, _l, _k in views_ekspor.FIELDS)))
    assert len(rows) == 3
    # The export has no ORDER BY (a sort of a million rows costs more than the export): the
    # same bytes, row order aside.
    expected = previous_csv(views_ekspor.COLUMNS, rows)
    assert body.splitlines()[0] == expected.splitlines()[0]
    assert sorted(body.splitlines()) == sorted(expected.splitlines())
    text = body.decode("utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "'-1 paving\ttab" in text
    assert "'+drainase ꦗꦮ 😀" in text and ",999999999999999," in text
