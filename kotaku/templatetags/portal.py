"""Template helpers shared by every page: rupiah, Indonesian decimals, query-string edits."""

from django import template

from inti.numbers import format_decimal_id, format_rupiah

register = template.Library()


@register.filter
def rupiah(value):
    """``1000000`` → ``Rp 1.000.000``; empty for None."""
    if value is None or value == "":
        return "–"
    return format_rupiah(value)


@register.filter
def desimal(value, places=2):
    """Indonesian decimal notation: ``1218.5`` → ``1.218,50``."""
    if value is None or value == "":
        return "–"
    return format_decimal_id(value, int(places))


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination/sort links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.filter
def rupiah_singkat(value):
    """Short rupiah for headline numbers: ``Rp 203,8 T`` (triliun), ``Rp 7,9 M`` (miliar),
    ``Rp 120 jt`` (juta)."""
    if value in (None, ""):
        return "–"
    from decimal import Decimal

    value = Decimal(value)
    if abs(value) >= Decimal(10) ** 12:
        return f"Rp {format_decimal_id(value / Decimal(10) ** 12, 1)} T"
    if abs(value) >= Decimal(10) ** 9:
        return f"Rp {format_decimal_id(value / Decimal(10) ** 9, 1)} M"
    if abs(value) >= Decimal(10) ** 6:
        return f"Rp {format_decimal_id(value / Decimal(10) ** 6, 0)} jt"
    return format_rupiah(value)


@register.filter
def luas_kumuh(agregat, tahap):
    """Slum hectares (every level but "tidak kumuh") of a ``desa.kondisi.Agregat`` figure
    (``"baseline"``, ``"terukur"`` or ``"proyeksi"``)."""
    if agregat is None:
        return None
    return agregat.luas_kumuh(tahap)


@register.filter
def dapatkan(mapping, key):
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
