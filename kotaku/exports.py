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
numbers plain (``100000000``, ``12.50``) so that any spreadsheet reads them as numbers.
XLSX: real numbers with formats (``#,##0`` for rupiah, ``0.00`` for percentages), a frozen,
bold header row and column widths.

Text typed by users never runs as a spreadsheet formula (CSV/formula injection): in CSV a text
cell starting with ``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe; in XLSX text cells are
stored as strings, never formulas.
"""

from __future__ import annotations

import csv
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django.utils.http import content_disposition_header
from django.utils.text import slugify

__all__ = [
    "CHUNK_SIZE",
    "FORMATS",
    "KINDS",
    "Column",
    "cell_value",
    "csv_response",
    "export_response",
    "requested_format",
    "xlsx_response",
]

FORMATS = ("csv", "xlsx")
KINDS = ("text", "rupiah", "decimal", "percent", "int", "date")
CHUNK_SIZE = 2000

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
        if callable(self.accessor):
            return self.accessor(row)
        value = row
        for part in re.split(r"\.|__", self.accessor):
            if value is None:
                return None
            value = value.get(part) if isinstance(value, dict) else getattr(value, part)
        return value() if callable(value) and not isinstance(value, type) else value


def _clean_text(value: Any) -> str:
    return _ILLEGAL_CHARS.sub("", force_str(value))


def _defuse(text: str) -> str:
    """Make a CSV cell that a spreadsheet would run as a formula read as text."""
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


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


def cell_value(column: Column, row: Any) -> Any:
    """The typed value of ``column`` for ``row``: str, int, Decimal, date or None."""
    value = column.raw(row)
    if column.kind == "text":
        return None if value is None else _clean_text(value)
    if column.kind == "date":
        return value if isinstance(value, datetime.date) else (
            None if value is None else _clean_text(value))
    return _number(value, column.kind)


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def _filename(filename: str, ext: str) -> str:
    stem = slugify(filename) or "ekspor"
    return f"{stem}.{ext}"


# -------------------------------------------------------------------------------------- CSV


class _Echo:
    """A write-only file object whose ``write`` returns the text (for csv.writer streaming)."""

    def write(self, value: str) -> str:
        return value


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


def iter_csv(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[bytes]:
    """The CSV file as byte chunks: BOM, header, one line per row."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([_defuse(_clean_text(c.label)) for c in columns]).encode("utf-8")
    for row in _rows(rows):
        cells = []
        for column in columns:
            text = _csv_text(cell_value(column, row))
            cells.append(_defuse(text) if column.kind in ("text", "date") else text)
        yield writer.writerow(cells).encode("utf-8")


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Any]):
    response = StreamingHttpResponse(iter_csv(columns, rows),
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
