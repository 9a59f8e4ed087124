"""Money in the database: whole rupiah as ``Decimal`` (never floats)."""

from django.db.models import DecimalField, Value

#: Every rupiah column: up to Rp 999 T, no cents.
RUPIAH = {"max_digits": 15, "decimal_places": 0}
#: Rp 0 as an SQL value, for ``Coalesce`` of sums over no rows.
ZERO_RP = Value(0, output_field=DecimalField(**RUPIAH))
