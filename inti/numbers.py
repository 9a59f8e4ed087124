"""Parsing and formatting of numbers as Indonesian users type and read them.

Pure Python, no Django imports: forms call these from ``clean_*`` methods and turn
:class:`NumberFormatError` into a field error (its ``code`` fits ``ValidationError(code=...)``).

Indonesian writes ``1.218,50`` (dot for thousands, comma for decimals), but facilitators copy
figures from English-locale spreadsheets too (``1,218.50``). The rules (see ``docs/SCORING.md``):

- both separators present: the last one is the decimal separator, the other must group by 3;
- one separator used several times (``1.218.000``): thousands grouping;
- one separator used once: followed by exactly 3 digits and preceded by a valid first group
  (``1.218``, ``1,218``) it is ambiguous and refused; otherwise it is the decimal separator
  (``76.9``, ``1218,5``, ``0,218``, ``1218.500``).

Rupiah has no decimals in practice, so :func:`parse_rupiah` reads ``1.500`` as 1500.

Entry forms use :func:`parse_angka` instead (issue 17): it accepts exactly what the portal
itself displays, so a facilitator can copy any figure from a page back into a field. Dots group
thousands and the comma is the decimal separator ("1.450" = 1450, "1.218,50" = 1218.5), plain
digits are plain, and a dot is read as a decimal point only where it cannot be a grouping
("1.5", "12.75", "0.218", "1218.500"). Anything else ("1,218.50", "1,218,000") is refused with
the reason. :func:`parse_decimal` keeps its guess-refusing rules for spreadsheets whose
locale is unknown (the import's "otomatis" mode).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

__all__ = [
    "MAX_INTEGER_DIGITS",
    "NumberFormatError",
    "format_decimal_id",
    "format_rupiah",
    "parse_angka",
    "parse_decimal",
    "parse_rupiah",
]

#: Most digits accepted before the decimal separator (below 10^15: fits NUMERIC(17,2) and rupiah
#: totals at national scale, and stays exact in every layer).
MAX_INTEGER_DIGITS = 15

# Anything longer is not a number a person typed; refusing early keeps the parser cheap.
_MAX_LENGTH = 64

MSG_EMPTY = "Isian kosong: masukkan angka."
MSG_INVALID = "Masukkan angka yang valid."
MSG_SPACE = "Jangan memakai spasi di dalam angka."
MSG_EXPONENT = "Notasi eksponen (mis. 1e5) tidak diterima: tulis angkanya secara lengkap."
MSG_TOO_LONG = "Angka terlalu panjang."
MSG_TOO_BIG = f"Angka terlalu besar: paling banyak {MAX_INTEGER_DIGITS} digit sebelum desimal."
MSG_GROUPING = (
    'Pemisah ribuan pada "{text}" tidak valid: setiap kelompok ribuan harus 3 angka, '
    "mis. 1.218.000."
)
MSG_MIXED = (
    'Pemisah pada "{text}" tidak konsisten: pakai titik untuk ribuan dan koma untuk desimal.'
)
MSG_AMBIGUOUS = (
    'Penulisan "{text}" ambigu: tulis {digits} (tanpa pemisah ribuan) atau gunakan koma untuk '
    "desimal, mis. {digits},5."
)
MSG_ANGKA_PEMISAH = (
    'Penulisan "{text}" tidak dikenali: pakai titik untuk ribuan dan koma untuk desimal, '
    "mis. 1.218,50 atau 1218,5."
)
MSG_ANGKA_KOMA = (
    'Penulisan "{text}" tidak dikenali: koma hanya untuk desimal (mis. 1218,5); pemisah ribuan '
    "memakai titik (1.218.000)."
)
MSG_RUPIAH_NEGATIVE = "Nilai rupiah tidak boleh negatif."
MSG_RUPIAH_DECIMALS = "Nilai rupiah tidak memakai sen: tulis tanpa desimal, mis. 1.500.000."
MSG_RUPIAH_KOMA = (
    'Penulisan "{text}" tidak dikenali: koma hanya untuk desimal; pemisah ribuan memakai titik, '
    "mis. 1.500.000."
)

# The body of a number once sign and whitespace are gone: digit runs joined by single separators.
_BODY_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
_EXPONENT_RE = re.compile(r"[0-9.,]*[0-9][eE][+-]?[0-9]+")
_RUPIAH_PREFIX_RE = re.compile(r"(?:rp\.?|idr)\s*", re.IGNORECASE)
_MINUS_SIGNS = ("-", "\u2212")  # ASCII hyphen-minus and the Unicode minus sign


class NumberFormatError(ValueError):
    """A typed number could not be read; ``str(error)`` is the Indonesian message for the field.

    ``code`` names the problem ("empty", "invalid", "ambiguous", "grouping", "too_big",
    "negative", "decimals", ...) for ``django.core.exceptions.ValidationError(code=...)``.
    """

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _prepare(text: object) -> tuple[str, bool, str]:
    """Check the characters and split off the sign: ``(stripped_text, negative, body)``."""
    if isinstance(text, bool) or not isinstance(text, str | int | Decimal):
        raise NumberFormatError(MSG_INVALID)
    if isinstance(text, int | Decimal):
        # Already a number (e.g. a form re-cleaning its initial value): format it plainly.
        if isinstance(text, Decimal) and not text.is_finite():
            raise NumberFormatError(MSG_INVALID)
        text = format(text, "f")
    if "\x00" in text:
        raise NumberFormatError(MSG_INVALID)
    stripped = text.strip()
    if not stripped:
        raise NumberFormatError(MSG_EMPTY, "empty")
    if len(stripped) > _MAX_LENGTH:
        raise NumberFormatError(MSG_TOO_LONG, "too_long")
    negative = False
    body = stripped
    if body[0] in _MINUS_SIGNS or body[0] == "+":
        negative = body[0] != "+"
        body = body[1:]
    _check_body(body)
    return stripped, negative, body


def _check_body(body: str) -> None:
    """Refuse anything but digit runs joined by single "." or "," separators."""
    if _BODY_RE.fullmatch(body):
        return
    if _EXPONENT_RE.fullmatch(body):
        raise NumberFormatError(MSG_EXPONENT, "exponent")
    if any(ch.isspace() for ch in body) and _BODY_RE.fullmatch(re.sub(r"\s", "", body)):
        raise NumberFormatError(MSG_SPACE, "space")
    raise NumberFormatError(MSG_INVALID)


def _valid_first_group(group: str) -> bool:
    """Could ``group`` start a thousands-grouped number? 1-3 digits, no leading zero."""
    return 1 <= len(group) <= 3 and not group.startswith("0")


def _ungroup(part: str, sep: str, text: str) -> str:
    """Remove thousands separators from ``part`` after checking the groups of 3."""
    groups = part.split(sep)
    if not _valid_first_group(groups[0]) or any(len(g) != 3 for g in groups[1:]):
        raise NumberFormatError(MSG_GROUPING.format(text=text), "grouping")
    return "".join(groups)


def _check_integer_digits(digits: str) -> None:
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise NumberFormatError(MSG_TOO_BIG, "too_big")


def _build(negative: bool, digits: str, fraction: str) -> Decimal:
    value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    # "-0" and "-0,00" are zero, not negative zero (which would print as "-0,00").
    return -value if negative and value else value


def parse_decimal(text: str) -> Decimal:
    """Read a decimal number typed by an Indonesian user; raise :class:`NumberFormatError`.

    Accepts "1218", "1218.5", "1218,5", "1.218,50", "1,218.50", "76.9", " 12 ", "1.218.000" and a
    leading minus sign (the form decides whether negatives are allowed, with its own message).
    The decimal places typed are kept: "1218,50" gives ``Decimal("1218.50")``.
    """
    stripped, negative, body = _prepare(text)
    has_dot, has_comma = "." in body, "," in body
    fraction = ""
    if has_dot and has_comma:
        decimal_sep = "." if body.rfind(".") > body.rfind(",") else ","
        thousands_sep = "," if decimal_sep == "." else "."
        if body.count(decimal_sep) != 1:
            raise NumberFormatError(MSG_MIXED.format(text=stripped), "mixed")
        integer_part, fraction = body.split(decimal_sep)
        digits = _ungroup(integer_part, thousands_sep, stripped)
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        if body.count(sep) > 1:
            digits = _ungroup(body, sep, stripped)
        else:
            integer_part, fraction = body.split(sep)
            if len(fraction) == 3 and _valid_first_group(integer_part):
                # "1.218" is 1218 to an Indonesian and 1.218 to a spreadsheet: refuse to guess.
                raise NumberFormatError(
                    MSG_AMBIGUOUS.format(text=stripped, digits=integer_part + fraction),
                    "ambiguous",
                )
            digits = integer_part
    else:
        digits = body
    _check_integer_digits(digits)
    return _build(negative, digits, fraction)


def parse_angka(text: str) -> Decimal:
    """Read a number as the portal displays it; raise :class:`NumberFormatError`.

    "1.450" = 1450, "1.218,50" = 1218.50, "1218" = 1218, "1218,5" = 1218.5, "1.5" = 1.5,
    "12.75" = 12.75, "1.218.000" = 1218000, "-3" = -3 (the form decides about negatives).
    Refused, with the reason: "1,218.50" and "1.218.5" (mixed or broken grouping),
    "1,218,000" (comma grouping), "1.2.3", "1e5", "12 000".
    """
    stripped, negative, body = _prepare(text)
    dots, commas = body.count("."), body.count(",")
    fraction = ""
    if commas > 1:
        raise NumberFormatError(MSG_ANGKA_KOMA.format(text=stripped), "grouping")
    if commas == 1:
        integer_part, fraction = body.split(",")
        if "." in fraction:
            raise NumberFormatError(MSG_ANGKA_PEMISAH.format(text=stripped), "mixed")
        digits = _ungroup(integer_part, ".", stripped) if dots else integer_part
    elif dots > 1:
        digits = _ungroup(body, ".", stripped)
    elif dots == 1:
        integer_part, after = body.split(".")
        if len(after) == 3 and _valid_first_group(integer_part):
            digits = integer_part + after  # "1.450": the portal's own thousands grouping
        else:
            digits, fraction = integer_part, after  # "1.5", "12.75": cannot be a grouping
    else:
        digits = body
    _check_integer_digits(digits)
    return _build(negative, digits, fraction)


def parse_rupiah(text: str) -> Decimal:
    """Read a whole-rupiah amount as the portal displays it; raise :class:`NumberFormatError`.

    Accepts "100.000.000", "100000000", "Rp 100.000.000", "Rp100.000.000,00", "Rp. 5.000,-"
    and "1.500" (= 1500: rupiah has no decimals, so a 3-digit group is thousands).
    A decimal part is allowed only if it is zero (",00" / ".00"). Negative amounts are refused,
    and so is English grouping ("1,500", "1,450.50", "100,000,000"): a comma is only the
    decimal separator. Spreadsheet imports use :func:`parse_rupiah_longgar`.
    Returns an integral ``Decimal``.
    """
    if isinstance(text, str):
        body = text.strip()
        if body.endswith((",-", ".-")):
            body = body[:-2]
        if "," in body:
            head, _, tail = body.rpartition(",")
            # "1.000,000" has a decimal comma (wrong places): the lenient reader explains it.
            decimal_comma = "." in head or (tail.isdigit() and len(tail) <= 2)
            if body.count(",") > 1 or not decimal_comma:
                raise NumberFormatError(MSG_RUPIAH_KOMA.format(text=text.strip()), "grouping")
    return parse_rupiah_longgar(text)


def parse_rupiah_longgar(text: str) -> Decimal:
    """Read a whole-rupiah amount leniently (spreadsheet import); raise :class:`NumberFormatError`.

    Like :func:`parse_rupiah` but also takes English grouping from a spreadsheet export:
    "100,000,000", "1,500" and "1,218.00".
    """
    negative = False
    text_for_errors = text
    if isinstance(text, str):
        # Take off what surrounds the number ("-", "Rp", ",-") and let _prepare check the rest.
        if "\x00" in text:
            raise NumberFormatError(MSG_INVALID)
        body = text_for_errors = text.strip()
        if body[:1] in _MINUS_SIGNS:  # "-Rp 5.000"
            negative, body = True, body[1:].lstrip()
        prefix = _RUPIAH_PREFIX_RE.match(body)
        if prefix:
            body = body[prefix.end() :]
        if body[:1] in _MINUS_SIGNS:  # "Rp -5.000"
            negative, body = True, body[1:].lstrip()
        if body.endswith((",-", ".-")):  # "Rp 5.000,-" is the usual way to write a round amount
            body = body[:-2]
        text = body
    _stripped, sign, body = _prepare(text)
    negative = negative or sign

    # A trailing group of 1-2 digits is a decimal part; of 3 digits, thousands.
    last_sep = max(body.rfind("."), body.rfind(","))
    integer_part = body
    if last_sep >= 0 and len(body) - last_sep - 1 in (1, 2):
        integer_part, fraction = body[:last_sep], body[last_sep + 1 :]
        if fraction.strip("0"):
            raise NumberFormatError(MSG_RUPIAH_DECIMALS, "decimals")
        if body[last_sep] in integer_part:
            # "1.000.00": the decimal separator cannot also be the thousands separator.
            raise NumberFormatError(MSG_MIXED.format(text=text_for_errors), "mixed")
    has_dot, has_comma = "." in integer_part, "," in integer_part
    if has_dot and has_comma:
        raise NumberFormatError(MSG_MIXED.format(text=text_for_errors), "mixed")
    digits = (
        _ungroup(integer_part, "." if has_dot else ",", text_for_errors)
        if has_dot or has_comma
        else integer_part
    )
    _check_integer_digits(digits)
    value = Decimal(digits)
    if negative and value:
        raise NumberFormatError(MSG_RUPIAH_NEGATIVE, "negative")
    return value


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"cannot format {value!r}")
    return number


def _group_thousands(digits: str) -> str:
    return f"{int(digits):,}".replace(",", ".")


def format_decimal_id(value: Decimal | int | float | str | None, places: int = 2) -> str:
    """Format as Indonesian: ``1218.5`` → ``"1.218,50"``; rounded half-up; ``None`` → ``""``."""
    if value is None:
        return ""
    if places < 0:
        raise ValueError("places must be >= 0")
    number = _to_decimal(value)
    with localcontext() as ctx:
        # Enough precision for any value this project holds; quantize fails rather than
        # silently rounding when the digits do not fit.
        ctx.prec = 60
        try:
            rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise ValueError(f"cannot format {value!r}") from None
    sign = "-" if rounded < 0 else ""
    integer_part, _, fraction = format(abs(rounded), "f").partition(".")
    result = sign + _group_thousands(integer_part)
    return f"{result},{fraction}" if places else result


def format_rupiah(value: Decimal | int | float | str | None) -> str:
    """Format whole rupiah: ``100000000`` → ``"Rp 100.000.000"``, ``-5000`` → ``"-Rp 5.000"``.

    Sen are rounded half-up; ``None`` gives ``""`` (an empty template cell, not an error).
    """
    if value is None:
        return ""
    text = format_decimal_id(value, places=0)
    if text.startswith("-"):
        return f"-Rp {text[1:]}"
    return f"Rp {text}"
