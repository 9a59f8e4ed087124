"""Tests of the pure number parsing/formatting helpers (no database, no Django)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inti.numbers import (
    MAX_INTEGER_DIGITS,
    NumberFormatError,
    format_decimal_id,
    format_rupiah,
    parse_angka,
    parse_decimal,
    parse_rupiah,
    parse_rupiah_longgar,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)

# --------------------------------------------------------------------------------------------
# parse_decimal
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1218", "1218"),
        ("1218.5", "1218.5"),
        ("1218,5", "1218.5"),
        ("1.218,50", "1218.50"),
        ("1,218.50", "1218.50"),
        ("1,218.00", "1218.00"),  # as found in published data
        ("76.9", "76.9"),
        (" 12 ", "12"),
        ("\t540,9\n", "540.9"),
        ("1.218.000", "1218000"),
        ("1,218,000", "1218000"),
        ("1.218.000,75", "1218000.75"),
        ("0,218", "0.218"),  # "0" cannot start a thousands group: decimal
        ("1218.500", "1218.500"),  # 4 digits before: cannot be grouping
        ("12,3456", "12.3456"),
        ("0", "0"),
        ("0,00", "0.00"),
        ("-5", "-5"),
        ("-1.218,5", "-1218.5"),
        ("\u22123,5", "-3.5"),  # Unicode minus sign
        ("+7", "7"),
        ("-0", "0"),
        ("999999999999999", "999999999999999"),  # 15 digits
        ("000000000000000001", "1"),  # leading zeros are not significant digits
    ],
)
def test_parse_decimal_accepts(text, expected):
    value = parse_decimal(text)
    assert value == Decimal(expected)
    assert str(value) == expected  # the typed decimal places are kept


def test_parse_decimal_keeps_places_and_no_negative_zero():
    assert str(parse_decimal("1218,50")) == "1218.50"
    assert not parse_decimal("-0,00").is_signed()


@pytest.mark.parametrize("text", ["1.218", "1,218", "-1.218", "12.345", "999,000"])
def test_parse_decimal_refuses_ambiguous(text):
    with pytest.raises(NumberFormatError) as exc:
        parse_decimal(text)
    assert exc.value.code == "ambiguous"
    assert "ambigu" in str(exc.value)
    assert f'"{text}"' in str(exc.value)


def test_parse_decimal_ambiguous_message_is_exact():
    with pytest.raises(NumberFormatError) as exc:
        parse_decimal("1.218")
    assert str(exc.value) == (
        'Penulisan "1.218" ambigu: tulis 1218 (tanpa pemisah ribuan) atau gunakan koma untuk '
        "desimal, mis. 1218,5."
    )


@pytest.mark.parametrize(
    ("text", "code", "message_part"),
    [
        ("", "empty", "masukkan angka"),
        ("   ", "empty", "masukkan angka"),
        ("abc", "invalid", "Masukkan angka yang valid."),
        ("12a", "invalid", "Masukkan angka yang valid."),
        ("NaN", "invalid", "Masukkan angka yang valid."),
        ("nan", "invalid", "Masukkan angka yang valid."),
        ("inf", "invalid", "Masukkan angka yang valid."),
        ("-Infinity", "invalid", "Masukkan angka yang valid."),
        ("1e309", "exponent", "eksponen"),
        ("1E5", "exponent", "eksponen"),
        ("2.5e-3", "exponent", "eksponen"),
        ("12\x00", "invalid", "Masukkan angka yang valid."),
        ("\x00", "invalid", "Masukkan angka yang valid."),
        ("1 218", "space", "spasi"),
        ("1.", "invalid", "Masukkan angka yang valid."),
        (".5", "invalid", "Masukkan angka yang valid."),
        ("1..2", "invalid", "Masukkan angka yang valid."),
        ("--5", "invalid", "Masukkan angka yang valid."),
        ("5-", "invalid", "Masukkan angka yang valid."),
        ("Rp 5", "invalid", "Masukkan angka yang valid."),
        ("1_000", "invalid", "Masukkan angka yang valid."),  # Python's Decimal would take it
        ("\u0661\u0662", "invalid", "Masukkan angka yang valid."),  # non-ASCII digits
        ("1.2.3", "grouping", "kelompok ribuan"),
        ("12.34.567", "grouping", "kelompok ribuan"),
        ("1,218,5", "grouping", "kelompok ribuan"),
        ("1.2345,6", "grouping", "kelompok ribuan"),
        ("0.218.000", "grouping", "kelompok ribuan"),
        ("1,218.5,0", "mixed", "tidak konsisten"),
        ("1234567890123456", "too_big", "15 digit"),
        ("1.234.567.890.123.456", "too_big", "15 digit"),
        ("1" * 65, "too_long", "terlalu panjang"),
    ],
)
def test_parse_decimal_refuses(text, code, message_part):
    with pytest.raises(NumberFormatError) as exc:
        parse_decimal(text)
    assert exc.value.code == code
    assert message_part in str(exc.value)
    assert isinstance(exc.value, ValueError)  # forms catching ValueError still work


@pytest.mark.parametrize("value", [None, 1.5, True, ["1"], b"12"])
def test_parse_decimal_refuses_non_text(value):
    with pytest.raises(NumberFormatError):
        parse_decimal(value)  # type: ignore[arg-type]


def test_parse_decimal_accepts_numbers_already_parsed():
    assert parse_decimal(Decimal("12.50")) == Decimal("12.50")
    assert parse_decimal(1218) == Decimal(1218)  # type: ignore[arg-type]
    with pytest.raises(NumberFormatError):
        parse_decimal(Decimal("NaN"))


def test_max_integer_digits_constant():
    assert MAX_INTEGER_DIGITS == 15
    assert parse_decimal("9" * 15 + ",99") == Decimal("9" * 15 + ".99")


# --------------------------------------------------------------------------------------------
# parse_rupiah
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100.000.000", 100_000_000),
        ("100000000", 100_000_000),
        ("Rp 100.000.000", 100_000_000),
        ("Rp100.000.000", 100_000_000),
        ("Rp100.000.000,00", 100_000_000),
        ("Rp 100.000.000,0", 100_000_000),
        ("rp 2.500", 2_500),
        ("RP. 2.500", 2_500),
        ("IDR 10000", 10_000),
        ("Rp 5.000,-", 5_000),
        ("1.500", 1_500),  # no decimals in rupiah: one 3-digit group is thousands
        ("1.450", 1_450),
        ("1500.00", 1_500),
        ("  750  ", 750),
        ("0", 0),
        ("-0", 0),
        ("999.999.999.999.999", 999_999_999_999_999),
    ],
)
def test_parse_rupiah_accepts(text, expected):
    value = parse_rupiah(text)
    assert value == Decimal(expected)
    assert value == value.to_integral_value()
    assert value.as_tuple().exponent == 0


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("-5.000", "negative", "Nilai rupiah tidak boleh negatif."),
        ("-Rp 5.000", "negative", "Nilai rupiah tidak boleh negatif."),
        ("Rp -5.000", "negative", "Nilai rupiah tidak boleh negatif."),
        ("\u22125000", "negative", "Nilai rupiah tidak boleh negatif."),
    ],
)
def test_parse_rupiah_refuses_negative(text, code, message):
    with pytest.raises(NumberFormatError) as exc:
        parse_rupiah(text)
    assert exc.value.code == code
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "code", "message_part"),
    [
        ("100.000.000,50", "decimals", "tidak memakai sen"),
        ("1.5", "decimals", "tidak memakai sen"),
        ("1500,5", "decimals", "tidak memakai sen"),
        ("12.3456", "grouping", "kelompok ribuan"),
        ("1.00.000", "grouping", "kelompok ribuan"),
        ("1.000,000", "mixed", "tidak konsisten"),
        ("1.000.00", "mixed", "tidak konsisten"),
        ("1.000.000.000.000.000", "too_big", "15 digit"),
        ("1234567890123456", "too_big", "15 digit"),
        ("", "empty", "masukkan angka"),
        ("Rp", "empty", "masukkan angka"),
        ("Rp abc", "invalid", "Masukkan angka yang valid."),
        ("Rp 1e9", "exponent", "eksponen"),
        ("10\x0000", "invalid", "Masukkan angka yang valid."),
        ("USD 100", "invalid", "Masukkan angka yang valid."),
        ("100 000", "space", "spasi"),
        ("1,500", "grouping", "koma hanya untuk desimal"),
        ("1,450.50", "grouping", "koma hanya untuk desimal"),
        ("100,000,000", "grouping", "koma hanya untuk desimal"),
        ("Rp 1,218.00", "grouping", "koma hanya untuk desimal"),
    ],
)
def test_parse_rupiah_refuses(text, code, message_part):
    with pytest.raises(NumberFormatError) as exc:
        parse_rupiah(text)
    assert exc.value.code == code
    assert message_part in str(exc.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100,000,000", 100_000_000),
        ("100,000,000.00", 100_000_000),
        ("1,218.00", 1_218),
        ("1,500", 1_500),
        ("Rp 1.500", 1_500),
        ("1.500,00", 1_500),
    ],
)
def test_parse_rupiah_longgar_takes_spreadsheet_grouping(text, expected):
    """Only the spreadsheet import reads English grouping; the forms refuse it (above)."""
    assert parse_rupiah_longgar(text) == Decimal(expected)


def test_parse_rupiah_longgar_still_refuses_cents_and_negatives():
    with pytest.raises(NumberFormatError):
        parse_rupiah_longgar("1,450.50")
    with pytest.raises(NumberFormatError):
        parse_rupiah_longgar("-1,500")


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(100_000_000), "Rp 100.000.000"),
        (100_000_000, "Rp 100.000.000"),
        (0, "Rp 0"),
        (Decimal("999"), "Rp 999"),
        (Decimal("1000"), "Rp 1.000"),
        (Decimal("1500.5"), "Rp 1.501"),  # sen rounded half-up
        (Decimal("1500.49"), "Rp 1.500"),
        (-5000, "-Rp 5.000"),
        (Decimal("-0.4"), "Rp 0"),  # rounds to zero: no "-Rp 0"
        ("2500", "Rp 2.500"),
        (None, ""),
    ],
)
def test_format_rupiah(value, expected):
    assert format_rupiah(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("1218.5"), 2, "1.218,50"),
        (Decimal("1218.505"), 2, "1.218,51"),  # half-up
        (Decimal("1218.5"), 0, "1.219"),
        (Decimal("0.125"), 2, "0,13"),
        (Decimal("-1218.5"), 2, "-1.218,50"),
        (Decimal("-0.001"), 2, "0,00"),
        (Decimal(1_000_000), 2, "1.000.000,00"),
        (76.9, 1, "76,9"),
        (12, 3, "12,000"),
        (None, 2, ""),
    ],
)
def test_format_decimal_id(value, places, expected):
    assert format_decimal_id(value, places) == expected


def test_format_refuses_non_finite():
    with pytest.raises(ValueError):
        format_decimal_id(Decimal("NaN"))
    with pytest.raises(ValueError):
        format_rupiah(float("inf"))
    with pytest.raises(ValueError):
        format_decimal_id(1, places=-1)


# --------------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------------


@PROPERTY
@given(st.integers(min_value=0, max_value=10**15 - 1))
def test_rupiah_round_trip(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount


@PROPERTY
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_decimal_id_round_trip(value):
    text = format_decimal_id(value, 2)
    assert parse_decimal(text) == value
    # What a spreadsheet prints (1,218.50) is read the same way.
    english = text.replace(".", "\0").replace(",", ".").replace("\0", ",")
    assert parse_decimal(english) == value


@PROPERTY
@given(st.text(max_size=30))
def test_parsers_raise_only_number_format_error(text):
    for parse in (parse_decimal, parse_rupiah):
        try:
            value = parse(text)
        except NumberFormatError as exc:
            assert str(exc)
        else:
            assert value.is_finite()


# ---------------------------------------------------------------------------------------------
# parse_angka: entry forms accept exactly what the portal displays (issue 17)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ("1.450", "1450"),  # the portal shows 1450 so
        ("1.500", "1500"),
        ("1.218,50", "1218.50"),
        ("1.218.000", "1218000"),
        ("1.218.000,5", "1218000.5"),
        ("1218", "1218"),
        ("1218,5", "1218.5"),
        ("0,218", "0.218"),
        ("1.5", "1.5"),  # a dot that cannot be a grouping is a decimal point
        ("12.75", "12.75"),
        ("0.218", "0.218"),  # "0" cannot start a grouped number
        ("1218.500", "1218.500"),  # 4 digits before the dot: no grouping
        ("-3", "-3"),
        (" 76,9 ", "76.9"),
        ("540,90", "540.90"),
    ],
)
def test_parse_angka_accepts_what_the_portal_displays(text, expected):
    assert parse_angka(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text,code,fragment",
    [
        ("1,218.50", "mixed", "titik untuk ribuan dan koma untuk desimal"),
        ("1,218,000", "grouping", "koma hanya untuk desimal"),
        ("1.218.5", "grouping", "kelompok ribuan"),
        ("12.34.567", "grouping", "kelompok ribuan"),
        ("1,2.3", "mixed", "tidak dikenali"),
        ("1e5", "exponent", "eksponen"),
        ("12 000", "space", "spasi"),
        ("abc", "invalid", "angka yang valid"),
        ("", "empty", "kosong"),
    ],
)
def test_parse_angka_refuses_anything_else_with_the_reason(text, code, fragment):
    with pytest.raises(NumberFormatError) as exc:
        parse_angka(text)
    assert exc.value.code == code
    assert fragment in str(exc.value)


@pytest.mark.parametrize("value", ["1450", "1218.5", "0.5", "1218000", "12.75", "99999.99"])
def test_parse_angka_reads_back_every_displayed_number(value):
    shown = format_decimal_id(Decimal(value), 2)
    assert parse_angka(shown) == Decimal(value)
    whole = format_decimal_id(Decimal(value), 0)
    assert parse_angka(whole) == Decimal(value).quantize(Decimal(1), rounding="ROUND_HALF_UP")
