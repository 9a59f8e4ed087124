"""A stored or typed value as a person reads it: the one "value → text" rule of the portal's
history tables, version-conflict tables and import previews."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from inti.numbers import format_decimal_id, format_rupiah

KOSONG = "–"


def tampil(value, field=None, *, rupiah: bool = False) -> str:
    """``value`` as text: "–" when empty, Ya/Tidak, a choice's label, Indonesian numbers
    (whole numbers without decimals, others with 2; rupiah as ``Rp 1.000``), dates as
    ``dd-mm-yyyy``. ``field`` (a model or form field) lends its choices, its own ``display``
    (the Indonesian number fields) or its ``label_from_instance``; a model field whose name
    ends in ``_rp`` is rupiah."""
    if value is None or value == "":
        return KOSONG
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if field is not None:
        if hasattr(field, "display"):
            return field.display(value)
        if hasattr(field, "label_from_instance") and hasattr(value, "pk"):
            return str(field.label_from_instance(value))
        # A model field's flat choices, or a form field's (never a model choice field's
        # queryset, which would be read whole).
        choices = getattr(field, "flatchoices", None) or (
            None if hasattr(field, "queryset") else getattr(field, "choices", None))
        if choices:
            label = dict(choices).get(value)
            if label is not None:
                return str(label)
        rupiah = rupiah or getattr(field, "name", "").endswith("_rp")
    if isinstance(value, Decimal | int) and not isinstance(value, bool) and rupiah:
        return format_rupiah(value)
    if isinstance(value, Decimal):
        return format_decimal_id(value, 0 if value == value.to_integral_value() else 2)
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def perbedaan(fields, milik_anda: dict, tersimpan: dict) -> list[dict]:
    """The rows of a version-conflict table: each field (``name → form field``) whose value
    the user typed (``milik_anda``) differs from what another user saved (``tersimpan``)."""
    rows = []
    for name, field in fields.items():
        if name not in milik_anda:
            continue
        mine, theirs = milik_anda[name], tersimpan.get(name)
        if mine != theirs:
            rows.append({"label": field.label, "milik_anda": tampil(mine, field),
                         "tersimpan": tampil(theirs, field)})
    return rows
