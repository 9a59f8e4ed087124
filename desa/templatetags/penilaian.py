"""Display helpers for the assessment pages."""

from decimal import Decimal

from django import template

from desa.models import Tingkat
from inti.numbers import format_decimal_id

register = template.Library()

_TINGKAT = dict(Tingkat.choices)


@register.filter
def angka(value):
    """A volume or denominator: ``21`` → ``21``, ``1218`` → ``1.218``, ``76.9`` → ``76,90``."""
    if value is None or value == "":
        return "–"
    number = Decimal(value)
    places = 0 if number == number.to_integral_value() else 2
    return format_decimal_id(number, places)


@register.filter
def tingkat_label(code):
    return str(_TINGKAT.get(code, code or "–"))


@register.filter
def skor_class(score):
    """Bootstrap badge colours of a criterion score (5 worst)."""
    colour = {5: "text-bg-danger", 3: "text-bg-warning", 1: "text-bg-info"}.get(
        score, "text-bg-light border")
    return f"badge {colour}"
