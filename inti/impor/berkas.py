"""Reading an uploaded spreadsheet into a header and rows of raw cell values.

XLSX goes through openpyxl in read-only mode (rows are streamed, formulas give their cached
values); CSV through the ``csv`` module, with the delimiter taken from the header line (Excel
in an Indonesian locale writes ``;`` because the comma is the decimal separator) and the
encoding UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252.

Anything unreadable raises :class:`BerkasError` with an Indonesian message; a corrupt file,
an empty one, an oversized one, NUL bytes or a decompression bomb never escape as anything
else.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

MAX_BYTES = 2 * 1024 * 1024
MAX_BARIS = 5000
MAX_KOLOM = 100
MAX_SEL = 2000  # characters in one cell
# An XLSX is a zip: refuse one whose sheets would inflate beyond this (decompression bomb).
MAX_UNCOMPRESSED = 60 * 1024 * 1024
# Row and cell elements the chosen sheet may hold, counted in its XML before openpyxl parses
# anything: data rows plus room for the blank, formatted rows Excel writes, and the cells of
# that many rows at a template's width. A 115 KB file of two million empty rows used to take
# 155 s of parsing; the scan refuses it in a fraction of a second (tests/test_kondisi_sulit).
MAX_BARIS_FISIK = 2 * MAX_BARIS + 1000
MAX_SEL_FISIK = MAX_BARIS_FISIK * 40
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br=\"(\d{1,12})\"")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?\"")

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class BerkasError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Tabel:
    """The header row (as typed) and the data rows as ``(row number in the file, cells)``."""

    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    format: str = "csv"


def normalisasi_kolom(text) -> str:
    """Header cell → key: ``"Luas (ha) *"`` → ``"luas"``; ``"Kode desa"`` → ``"kode_desa"``."""
    text = "" if text is None else str(text)
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", text.lower())
    text = re.sub(r"[^0-9a-z]+", "_", text).strip("_")
    return text


def baca(content: bytes, nama: str = "") -> Tabel:
    if not content:
        raise BerkasError("Berkas kosong.")
    if len(content) > MAX_BYTES:
        raise BerkasError("Berkas terlalu besar: paling besar 2 MB. Bagi menjadi beberapa "
                          "berkas.")
    if content.startswith(OLE_MAGIC):
        raise BerkasError("Format .xls lama tidak didukung: simpan sebagai .xlsx (Excel "
                          "Workbook) atau CSV.")
    if content.startswith(XLSX_MAGIC):
        tabel = _baca_xlsx(content)
    elif nama.lower().endswith((".xlsx", ".xlsm")):
        raise BerkasError("Berkas XLSX rusak atau bukan berkas Excel.")
    else:
        tabel = _baca_csv(content)
    tabel.rows = [(n, cells) for n, cells in tabel.rows if any(_isi(c) for c in cells)]
    if not any(_isi(c) for c in tabel.header):
        raise BerkasError("Baris pertama (judul kolom) kosong.")
    return tabel


def _isi(value) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _baca_xlsx(content: bytes) -> Tabel:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise BerkasError("Isi berkas XLSX terlalu besar untuk diimpor.")
            # Before openpyxl opens the workbook: even in read-only mode it scans a sheet
            # without a <dimension> to the end to size it (20 s for 5 million empty rows).
            # Every part is counted, whatever its name (the workbook's relations can point a
            # sheet anywhere in the zip).
            for info in archive.infolist():
                _periksa_ukuran(archive, info.filename)
    except zipfile.BadZipFile:
        raise BerkasError("Berkas XLSX rusak atau bukan berkas Excel.") from None
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except BerkasError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many types on a corrupt file
        raise BerkasError("Berkas XLSX rusak atau tidak dapat dibaca.") from None
    try:
        sheets = wb.worksheets
        if not sheets:
            raise BerkasError("Berkas XLSX tidak berisi lembar kerja.")
        # The templates' data sheet is "Data"; otherwise the first sheet.
        ws = next((s for s in sheets if s.title.lower() == "data"), sheets[0])
        rows = []
        header = None
        for number, values in enumerate(
                ws.iter_rows(max_col=MAX_KOLOM, values_only=True), start=1):
            cells = [_sel_xlsx(v) for v in values]
            if header is None:
                if not any(_isi(c) for c in cells):
                    continue  # leading blank rows
                header = cells
                continue
            if len(rows) >= MAX_BARIS:
                if any(_isi(c) for c in cells):
                    raise BerkasError(f"Terlalu banyak baris: paling banyak {MAX_BARIS} baris "
                                      "data per berkas.")
                continue
            rows.append((number, cells))
    except BerkasError:
        raise
    except Exception:  # noqa: BLE001
        raise BerkasError("Berkas XLSX rusak atau tidak dapat dibaca.") from None
    finally:
        wb.close()
    if header is None:
        raise BerkasError("Lembar kerja kosong: tidak ada judul kolom.")
    return Tabel(header=[_judul(c) for c in header], rows=rows, format="xlsx")


def _periksa_ukuran(archive: zipfile.ZipFile, member: str) -> None:
    """Count a sheet's rows and cells in its XML, streamed in 1 MB chunks, before openpyxl
    parses it: the declared dimension first (metadata), then the elements themselves (the
    dimension is optional and can lie). Refuses as soon as a bound is passed."""
    pesan = (f"Terlalu banyak baris: paling banyak {MAX_BARIS} baris data per berkas "
             "(lembar kerja ini jauh lebih besar; hapus baris kosong di bawah data atau bagi "
             "menjadi beberapa berkas).")
    rows = cells = 0
    tail = b""
    first = True
    with archive.open(member) as stream:
        while chunk := stream.read(1024 * 1024):
            data = tail + chunk
            if first:
                first = False
                match = _DIMENSION.search(data[:4096])
                if match and match.group(1) and int(match.group(1)) > MAX_BARIS_FISIK:
                    raise BerkasError(pesan)
            # Count up to the last "<" and keep the rest for the next round: every counted
            # tag ends before the next "<", so none is cut in two or counted twice.
            cut = data.rfind(b"<")
            cut = len(data) if cut < 0 else cut
            rows += len(_ROW.findall(data, 0, cut))
            cells += len(_CELL.findall(data, 0, cut))
            # A row numbered 1,048,576 alone makes openpyxl yield a million empty rows.
            numbers = _ROW_NUMBER.findall(data, 0, cut)
            tail = data[cut:]
            if (rows > MAX_BARIS_FISIK or cells > MAX_SEL_FISIK
                    or any(int(n) > MAX_BARIS_FISIK for n in numbers)):
                raise BerkasError(pesan)
    rows += len(_ROW.findall(tail))
    cells += len(_CELL.findall(tail))
    if (rows > MAX_BARIS_FISIK or cells > MAX_SEL_FISIK
            or any(int(n) > MAX_BARIS_FISIK for n in _ROW_NUMBER.findall(tail))):
        raise BerkasError(pesan)


def _sel_xlsx(value):
    if isinstance(value, str) and len(value) > MAX_SEL:
        raise BerkasError(f"Ada sel yang terlalu panjang (lebih dari {MAX_SEL} karakter).")
    return value


def _judul(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            raise BerkasError("Berkas teks UTF-16 rusak.") from None
    if b"\x00" in content:
        raise BerkasError("Berkas berisi karakter NUL: bukan berkas CSV teks. Unggah XLSX atau "
                          "CSV.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _baca_csv(content: bytes) -> Tabel:
    text = _decode(content)
    if "\x00" in text:
        raise BerkasError("Berkas berisi karakter NUL: bukan berkas CSV teks.")
    # 2 MB of bare line breaks is two million rows for the csv module to walk through;
    # a line count (C speed) bounds it first, with room for multi-line cells.
    if text.count("\n") > 4 * MAX_BARIS_FISIK:
        raise BerkasError(f"Terlalu banyak baris: paling banyak {MAX_BARIS} baris data per "
                          "berkas.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise BerkasError("Berkas kosong.")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            if len(cells) > MAX_KOLOM:
                cells = cells[:MAX_KOLOM]
            if any(len(c) > MAX_SEL for c in cells):
                raise BerkasError(f"Baris {number}: ada sel yang terlalu panjang (lebih dari "
                                  f"{MAX_SEL} karakter).")
            if header is None:
                if not any(c.strip() for c in cells):
                    continue
                header = cells
                continue
            if len(rows) >= MAX_BARIS:
                if any(c.strip() for c in cells):
                    raise BerkasError(f"Terlalu banyak baris: paling banyak {MAX_BARIS} baris "
                                      "data per berkas.")
                continue
            rows.append((number, cells))
    except csv.Error as exc:
        raise BerkasError(f"Berkas CSV tidak dapat dibaca: {exc}.") from None
    if header is None:
        raise BerkasError("Berkas kosong.")
    return Tabel(header=[_judul(c) for c in header], rows=rows, format="csv")
