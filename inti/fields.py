"""Form fields for numbers typed the Indonesian way ("1.218,50", "Rp 100.000.000").

They render as text inputs with a numeric keyboard (``inputmode``) because browsers' number
inputs reject the comma decimal separator; parsing is done by ``inti.numbers.parse_angka``,
which accepts exactly what the portal displays ("1.450", "1.218,50", "12.75") and refuses
anything else with the reason.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from inti.numbers import NumberFormatError, format_decimal_id, parse_angka, parse_rupiah


class _IndonesianNumberField(forms.CharField):
    parser = staticmethod(parse_angka)
    inputmode = "decimal"

    def __init__(self, *, min_value=None, max_value=None, places: int = 2, **kwargs):
        self.min_value, self.max_value, self.places = min_value, max_value, places
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": self.inputmode, "autocomplete": "off", "maxlength": "40"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return self.display(value)
        return value

    def display(self, value) -> str:
        return format_decimal_id(value, self.places)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = self.parser(value)
        except NumberFormatError as exc:
            raise ValidationError(str(exc), code=getattr(exc, "code", "invalid")) from exc
        except ValueError as exc:
            raise ValidationError("Masukkan angka yang valid.", code="invalid") from exc
        if self.min_value is not None and number < self.min_value:
            raise ValidationError(
                "Nilai tidak boleh kurang dari %(min)s." if self.min_value != 0
                else "Nilai tidak boleh negatif.",
                code="min_value", params={"min": self.display(self.min_value)})
        if self.max_value is not None and number > self.max_value:
            raise ValidationError("Nilai tidak boleh lebih dari %(max)s.", code="max_value",
                                  params={"max": self.display(self.max_value)})
        return number.quantize(Decimal(1).scaleb(-self.places)) if self.places else number


class DecimalIDField(_IndonesianNumberField):
    """A decimal typed as the portal shows it: "1.218,50", "1.450", "1218,5", "12.75"."""


class RupiahField(_IndonesianNumberField):
    """Whole rupiah typed as "100.000.000", "100000000" or "Rp 100.000.000"."""

    parser = staticmethod(parse_rupiah)
    inputmode = "numeric"

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", Decimal("999999999999999"))
        super().__init__(places=0, **kwargs)

    def display(self, value) -> str:
        return format_decimal_id(value, 0)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` that refuses ids no row can have before querying.

    Django looks the posted ids up with ``pk__in``; on SQLite an id beyond 64 bits raises
    ``OverflowError`` there (a 500, found by the fuzz tests), so such values, like any id that
    is not a plain positive integer, are a field error instead.
    """

    _MAX_ID = 2**63 - 1

    def _check_values(self, value):
        from django.db import models

        pk = self.queryset.model._meta.pk
        if self.to_field_name is None and isinstance(pk, models.IntegerField):
            for v in value:
                text = str(v)
                if not (text.isascii() and text.isdigit()) or int(text) > self._MAX_ID:
                    raise ValidationError(self.error_messages["invalid_pk_value"],
                                          code="invalid_pk_value", params={"pk": text[:20]})
        return super()._check_values(value)
