"""CSV and XLSX downloads of a list page's rows, shared by every list and dashboard.

A page describes its table once as a list of :class:`Column` and hands the rows (a queryset or
any iterable of objects/dicts) to :func:`export_response`::

    COLUMNS = [
        Column(_("Desa"), "desa.nama"),
        Column(_("Rencana (Rp)"), "total_rencana", "rupiah"),
    ]
    return export_response(request.GET.get("format"), "kegiatan", COLUMNS, filterset.qs)

Rows are read lazily (``queryset.iterator(chunk_size=2000)``), so an export of a million funding
lines never holds them all in memory: CSV is streamed as it is written; XLSX is written by
openpyxl's write-only workbook into an anonymous temporary file that is then streamed.

CSV: UTF-8 with a byte-order mark (so Excel opens it with the right encoding), comma separated,
numbers plain (``100000000``, ``12.50``) so that any spreadsheet reads them as numbers. The
open-data export writes a million rows with it, so it is kept lean: each column's accessor and
cell formatter are chosen once, not per cell; a formatter handles the common exact types
(``str``, ``int``, ``bool``, ``Decimal``, ``date``) inline and hands anything else to the general
conversion it must agree with (:func:`csv_cell`); rows go through one ``csv.writer`` into a text
buffer that is encoded and sent in ~64 KB chunks (one socket write each under a WSGI server).
XLSX: real numbers with formats (``#,##0`` for rupiah, ``0.00`` for percentages), a frozen,
bold header row and column widths.

Text typed by users never runs as a spreadsheet formula (CSV/formula injection): in CSV an
apostrophe goes before every ``=``, ``+``, ``-``, ``@``, tab or carriage return that starts
the cell or follows a separator a spreadsheet might split on (``;`` ``,`` tab, line break;
Indonesian Excel splits on ``;``), optionally after spaces; in XLSX text cells are stored as
strings, never formulas.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property, partial
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "KINDS",
    "Column",
    "cell_value",
    "csv_cell",
    "ya_tidak",
    "csv_response",
    "pinned",
    "export_response",
    "requested_format",
    "xlsx_response",
]

FORMATS = ("csv", "xlsx")
KINDS = ("text", "rupiah", "decimal", "percent", "int", "date")
CHUNK_SIZE = 2000
# A streamed CSV is sent in pieces of about this many characters (one socket write each).
CSV_CHUNK_CHARS = 64 * 1024

# Excel number formats per kind (XLSX only).
_NUMBER_FORMATS = {
    "rupiah": "#,##0",
    "decimal": "#,##0.00",
    "percent": "0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
}
_DEFAULT_WIDTHS = {"text": 24, "rupiah": 18, "decimal": 14, "percent": 10, "int": 10, "date": 12}
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (and so XLSX) cannot hold; CSV gets them removed as well, for consistency.
_ILLEGAL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Column:
    """One exported column.

    ``accessor`` is an attribute path (``"desa.nama"``; ``"__"`` works too), a dict key for
    dict rows, or a callable taking the row. ``kind`` decides the cell type and format.
    """

    label: str
    accessor: str | Callable[[Any], Any]
    kind: str = "text"
    width: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}; use one of {KINDS}")

    def raw(self, row: Any) -> Any:
        return self.getter(row)

    @cached_property
    def getter(self) -> Callable[[Any], Any]:
        """``row -> raw value``, with the attribute path split once per column, not per cell."""
        if callable(self.accessor):
            return self.accessor
        parts = tuple(re.split(r"\.|__", self.accessor))

        def get(row: Any) -> Any:
            value = row
            for part in parts:
                if value is None:
                    return None
                value = value.get(part) if isinstance(value, dict) else getattr(value, part)
            return value() if callable(value) and not isinstance(value, type) else value

        return get


def _clean_text(value: Any) -> str:
    return _ILLEGAL_CHARS.sub("", force_str(value))


# A formula can start at the beginning of the cell or after any separator a spreadsheet might
# split the cell on when it opens the file: Indonesian Excel splits CSV on ";", others on ","
# or tab, and a line break starts a new row. Spaces before the sign do not stop Excel.
_FORMULA_ANYWHERE = re.compile(r"(^|[;,\t\r\n])([ \u00a0]*)(?=[=+\-@\t\r])")
_MAYBE_FORMULA = re.compile(r"[=+\-@\t\r]")


def _defuse(text: str) -> str:
    """Make a CSV cell that a spreadsheet would run as a formula read as text: an apostrophe
    before every sign that could start one, at the start or after a separator
    (``a;=HYPERLINK(…)`` → ``a;'=HYPERLINK(…)``, ``=1+1`` → ``'=1+1``)."""
    if not _MAYBE_FORMULA.search(text):
        return text
    return _FORMULA_ANYWHERE.sub(r"\1\2'", text)


def _number(value: Any, kind: str) -> Decimal | int | None:
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


def _typed(kind: str, value: Any) -> Any:
    if kind == "text":
        return None if value is None else _clean_text(value)
    if kind == "date":
        return value if isinstance(value, datetime.date) else (
            None if value is None else _clean_text(value))
    return _number(value, kind)


def ya_tidak(value) -> str:
    """A yes/no cell: "Ya" / "Tidak"."""
    return _("Ya") if value else _("Tidak")


def cell_value(column: Column, row: Any) -> Any:
    """The typed value of ``column`` for ``row``: str, int, Decimal, date or None."""
    return _typed(column.kind, column.raw(row))


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def _filename(filename: str, ext: str) -> str:
    stem = slugify(filename) or "ekspor"
    return f"{stem}.{ext}"


# -------------------------------------------------------------------------------------- CSV


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_cell(kind: str, value: Any) -> str:
    """The CSV text of a raw ``value`` in a column of ``kind``, whatever its type.

    The definition every CSV cell follows (the fast formatters below only short-cut it for
    common types): typed as for XLSX (:func:`cell_value`), written plain, and a text or date
    cell that a spreadsheet would run as a formula defused with a leading apostrophe.
    """
    text = _csv_text(_typed(kind, value))
    return _defuse(text) if kind in ("text", "date") else text


def _csv_formatter(kind: str) -> Callable[[Any], str]:
    """``value -> CSV text`` for one column kind, equal to ``csv_cell(kind, value)``.

    Exact common types are handled inline; every other type (None, bool in a decimal column,
    float, lazy translations, str subclasses, datetimes, NaN, ...) takes the general path.
    Numbers never hold text, so only text and date cells are cleaned and defused.
    """
    general = partial(csv_cell, kind)

    if kind == "text":
        def cell(value: Any) -> str:
            if type(value) is str:
                # Printable text cannot hold a character _ILLEGAL_CHARS removes (all are Cc).
                if not value.isprintable():
                    value = _ILLEGAL_CHARS.sub("", value)
                return _defuse(value)
            return general(value)

    elif kind in ("rupiah", "int"):
        def cell(value: Any) -> str:
            cls = type(value)
            if cls is int:
                return str(value)
            if cls is Decimal and value.is_finite():
                return str(int(value.to_integral_value()))
            if cls is bool:
                return "1" if value else "0"
            return general(value)

    elif kind == "decimal":
        def cell(value: Any) -> str:
            if type(value) is Decimal and value.is_finite():
                return format(value, "f")
            return general(value)

    elif kind == "date":
        def cell(value: Any) -> str:
            # An ISO date starts with its year's digits: nothing to defuse.
            return value.isoformat() if type(value) is datetime.date else general(value)

    else:  # percent: rounded to 0.01 whatever the type, no shorter way
        return general

    return cell


_CSV_FORMATTERS = {kind: _csv_formatter(kind) for kind in KINDS}


def csv_header(columns: Sequence[Column]) -> bytes:
    """The start of every CSV file: the BOM (Excel then reads UTF-8) and the header row."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow([_defuse(_clean_text(c.label)) for c in columns])
    return buffer.getvalue().encode("utf-8")


def iter_csv(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV file as UTF-8 byte chunks of about CSV_CHUNK_CHARS: BOM, header, the rows.

    Memory stays constant: rows are read lazily and at most one chunk is held.
    """
    cells = [(column.getter, _CSV_FORMATTERS[column.kind]) for column in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(csv_header(columns).decode("utf-8"))
    for row in _rows(rows):
        writer.writerow([fmt(get(row)) for get, fmt in cells])
        if buffer.tell() >= CSV_CHUNK_CHARS:
            yield buffer.getvalue().encode("utf-8")
            buffer = io.StringIO()
            writer = csv.writer(buffer)
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def pinned(rows: Iterable[Any]) -> Iterable[Any]:
    """A queryset bound to the database the router picks *now*, inside the request: a
    streamed body is read by the WSGI server after the view returned, when the request's
    routing context (the read replica for anonymous visitors) has been reset."""
    if isinstance(rows, QuerySet):
        return rows.using(rows.db)
    return rows


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any]):
    response = StreamingHttpResponse(iter_csv(columns, pinned(rows)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, _filename(filename, "csv"))
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ------------------------------------------------------------------------------------- XLSX


def write_xlsx(fileobj, columns: Sequence[Column], rows: Iterable[Any], title: str = "Data"):
    """Write the workbook (write-only mode: rows go to disk as they come) into ``fileobj``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Data")
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (
            column.width or max(_DEFAULT_WIDTHS[column.kind], min(len(str(column.label)) + 2, 50)))

    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=_clean_text(column.label))
        cell.font = bold
        header.append(cell)
    ws.append(header)

    for row in _rows(rows):
        cells = []
        for column in columns:
            value = cell_value(column, row)
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.replace(tzinfo=None)  # Excel has no time zones
            cell = WriteOnlyCell(ws, value=value)
            if column.kind == "text" and value is not None:
                cell.data_type = "s"  # never a formula, even when it starts with "="
            elif value is not None and column.kind in _NUMBER_FORMATS:
                cell.number_format = _NUMBER_FORMATS[column.kind]
            cells.append(cell)
        ws.append(cells)
    wb.save(fileobj)


def xlsx_response(filename: str, columns: Sequence[Column], rows: Iterable[Any],
                  title: str = "Data"):
    # An anonymous temporary file: on disk (not memory) for big exports, removed on close,
    # which FileResponse does once the last chunk is sent.
    tmp = tempfile.TemporaryFile()
    try:
        write_xlsx(tmp, columns, rows, title=title)
        tmp.seek(0)
    except BaseException:
        tmp.close()
        raise
    response = FileResponse(
        tmp, as_attachment=True, filename=_filename(filename, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ----------------------------------------------------------------------------------- entry


def requested_format(request, param: str = "format") -> str | None:
    """The export format asked for in the query string, or None for the HTML page."""
    value = request.GET.get(param)
    return value or None


def export_response(fmt: str | None, filename: str, columns: Sequence[Column],
                    rows: Iterable[Any], title: str | None = None) -> HttpResponse:
    """A download of ``rows`` as ``fmt`` ("csv" or "xlsx"); any other format is a 404."""
    if fmt == "csv":
        return csv_response(filename, columns, rows)
    if fmt == "xlsx":
        return xlsx_response(filename, columns, rows, title=title or filename)
    raise Http404("Format ekspor tidak dikenal.")
