"""Reading one spreadsheet cell: text, numbers in a chosen locale, rupiah, dates, yes/no.

Pure Python (no Django). Every parser takes the raw cell value, which is ``None``, a ``str``
(CSV, or a text cell in XLSX) or a number/date/bool (XLSX), and raises :class:`NilaiError`
with an Indonesian message on bad input. Empty cells give ``None``.

The number locale only matters for text: an XLSX number cell is already a number.

- ``"id"``: dot for thousands, comma for decimals (``1.218,50``);
- ``"en"``: comma for thousands, dot for decimals (``1,218.50``);
- ``"auto"``: :func:`inti.numbers.parse_decimal`'s rules, which refuse to guess ``1.218``.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from inti.numbers import (
    NumberFormatError,
    format_decimal_id,
    parse_decimal,
    parse_rupiah_longgar,
)

LOCALES = ("auto", "id", "en")
MAX_TEKS = 1000

_ID_RE = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?")
_EN_RE = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_MINUS = ("-", "\u2212")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_RUPIAH_PREFIX = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
# Float noise from a spreadsheet formula (0.1 + 0.2): rounded away, anything bigger is refused.
_FLOAT_NOISE = Decimal("1e-9")

YA = frozenset({"ya", "y", "yes", "true", "benar", "1", "x", "v"})
TIDAK = frozenset({"tidak", "tdk", "no", "n", "false", "salah", "0"})


class NilaiError(ValueError):
    """A cell could not be read; ``str(error)`` is the Indonesian reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def kosong(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def teks(value, max_length: int = MAX_TEKS, rapikan: bool = True) -> str:
    """A text cell, stripped. Numbers typed in a text column (RT ``1``) become text.

    ``rapikan`` collapses inner whitespace (names); free text keeps its line breaks.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "ya" if value else "tidak"
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    elif isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, Decimal | int):
        text = format(value, "f")
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or _CONTROL.search(text):
        raise NilaiError("Teks berisi karakter kontrol yang tidak sah.")
    text = " ".join(text.split()) if rapikan else text.strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(_FORMULA_PREFIXES):
        # The portal's own CSV export protects such cells with an apostrophe: take it off.
        text = text[1:]
    if len(text) > max_length:
        raise NilaiError(f"Teks terlalu panjang: paling banyak {max_length} karakter.")
    return text


def _format_contoh(locale: str) -> str:
    return {"id": "Indonesia (1.218,50)", "en": "Inggris (1,218.50)"}[locale]


def _parse_locale(text: str, locale: str) -> Decimal:
    """Read ``text`` strictly in the ``id`` or ``en`` convention."""
    stripped = text.strip()
    negative = stripped[:1] in _MINUS
    body = stripped[1:].lstrip() if negative or stripped[:1] == "+" else stripped
    own, other = (_ID_RE, _EN_RE) if locale == "id" else (_EN_RE, _ID_RE)
    if not own.fullmatch(body):
        if other.fullmatch(body):
            lain = "en" if locale == "id" else "id"
            raise NilaiError(
                f'Angka "{stripped}" tertulis dengan format {_format_contoh(lain)}, padahal '
                f"format angka yang dipilih {_format_contoh(locale)}. Pilih format angka yang "
                "sesuai atau perbaiki angkanya.")
        if any(ch.isspace() for ch in body):
            raise NilaiError(f'Jangan memakai spasi di dalam angka "{stripped}".')
        raise NilaiError(
            f'"{stripped}" bukan angka yang valid untuk format {_format_contoh(locale)}.')
    thousands, decimal_sep = (".", ",") if locale == "id" else (",", ".")
    plain = body.replace(thousands, "").replace(decimal_sep, ".")
    if len(plain.split(".")[0].lstrip("0")) > 15:
        raise NilaiError("Angka terlalu besar.")
    value = Decimal(plain)
    return -value if negative and value else value


def _angka(value, locale: str) -> tuple[Decimal, bool]:
    """``(number, came_from_float)``; ``value`` is not empty."""
    if isinstance(value, bool):
        raise NilaiError("Isi angka, bukan ya/tidak.")
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise NilaiError("Masukkan angka yang valid.")
        return Decimal(repr(value)), True
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NilaiError("Masukkan angka yang valid.")
        return value, False
    if isinstance(value, datetime.date):
        raise NilaiError("Isi angka, bukan tanggal.")
    text = teks(value, 64)
    if locale == "auto":
        try:
            return parse_decimal(text), False
        except NumberFormatError as exc:
            raise NilaiError(str(exc)) from None
    return _parse_locale(text, locale), False


def _bulatkan(number: Decimal, places: int, from_float: bool) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    try:
        rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise NilaiError("Angka terlalu besar.") from None
    if rounded != number and not (from_float and abs(rounded - number) < _FLOAT_NOISE):
        if places == 0:
            raise NilaiError(f"Isi bilangan bulat, bukan {format_decimal_id(number, 2)}.")
        raise NilaiError(f"Paling banyak {places} angka di belakang koma.")
    return rounded


def desimal(value, locale: str, places: int = 2, max_digits: int = 14) -> Decimal | None:
    """A decimal number with at most ``places`` decimals and ``max_digits`` digits in all."""
    if kosong(value):
        return None
    number, from_float = _angka(value, locale)
    number = _bulatkan(number, places, from_float)
    if abs(number) >= Decimal(10) ** (max_digits - places):
        raise NilaiError("Angka terlalu besar.")
    return number


def bulat(value, locale: str, max_value: int = 2_147_483_647) -> int | None:
    """A whole number (years, counts)."""
    number = desimal(value, locale, places=0, max_digits=15)
    if number is None:
        return None
    if abs(number) > max_value:
        raise NilaiError("Angka terlalu besar.")
    return int(number)


def rupiah(value, locale: str) -> Decimal | None:
    """Whole rupiah, never negative: "100.000.000", "Rp 100.000.000", "100,000,000" (en)."""
    if kosong(value):
        return None
    if isinstance(value, str):
        text = teks(value, 64)
        if locale == "auto":
            try:
                return parse_rupiah_longgar(text)
            except NumberFormatError as exc:
                raise NilaiError(str(exc)) from None
        negative = text[:1] in _MINUS
        if negative:
            text = text[1:].lstrip()
        text = _RUPIAH_PREFIX.sub("", text)
        if text[:1] in _MINUS:
            negative, text = True, text[1:].lstrip()
        if text.endswith((",-", ".-")):
            text = text[:-2]
        if not text:
            raise NilaiError("Masukkan angka yang valid.")
        number, from_float = _parse_locale(text, locale), False
        if negative and number:
            number = -number
    else:
        number, from_float = _angka(value, locale)
    if number < 0:
        raise NilaiError("Nilai rupiah tidak boleh negatif.")
    try:
        number = _bulatkan(number, 0, from_float)
    except NilaiError:
        raise NilaiError("Nilai rupiah tidak memakai sen: tulis tanpa desimal, mis. "
                         "1.500.000.") from None
    if number >= Decimal(10) ** 15:
        raise NilaiError("Angka terlalu besar.")
    return number


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def tanggal(value) -> datetime.date | None:
    """A date: an XLSX date cell, ``2018-04-01`` or ``01/04/2018`` (day first)."""
    if kosong(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 36526 <= value < 73051:
        # An Excel serial day number (2000-2099) in a cell without a date format.
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    text = teks(value, 40)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise NilaiError(f'Tanggal "{text}" tidak valid: tulis 2018-04-01 atau 01/04/2018.')


def ya_tidak(value) -> bool | None:
    if kosong(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = teks(value, 20).lower()
    if text in YA:
        return True
    if text in TIDAK:
        return False
    raise NilaiError(f'Tulis "ya" atau "tidak", bukan "{text}".')
