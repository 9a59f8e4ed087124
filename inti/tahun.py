"""Years: the bounds every year field accepts and year choices read from the data."""

import django_filters
from django.apps import apps
from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from inti.cache import cached_aggregate

#: Budget, assessment and pledge years the portal accepts (forms, imports, constraints).
TAHUN_MIN, TAHUN_MAX = 2000, 2100
#: What a year outside them is told (forms, imports and the named constraints).
PESAN_TAHUN = _("Tahun harus antara 2000 dan 2100.")


@cached_aggregate("tahun_tersedia")
def tahun_tersedia(model_label: str, field: str) -> list[int]:
    """The years present in ``model_label``'s ``field``, newest first.

    At national scale ``SELECT DISTINCT`` over 333,898 activities cost 70-170 ms on every
    page with a year filter (the list and every dashboard), for a list that changes about
    once a year: a field an index starts with is read by one index probe per year instead
    (:func:`_loncat`, under a millisecond). It is also cached under the dashboards' data
    version (``inti.cache``): any committed save or delete of an activity or pledge bumps the
    version, so a new or vanished year shows at the next request. Uncached with a
    per-process cache, as the dashboards.
    """
    model = apps.get_model(model_label)
    if "__" not in field and _diindeks(model, field):
        return _loncat(model, field)
    return list(model.objects.order_by(f"-{field}").values_list(field, flat=True).distinct())


def _diindeks(model, field: str) -> bool:
    """Whether an index of ``model`` starts with ``field`` (so MAX below a value is a probe)."""
    if model._meta.get_field(field).db_index:
        return True
    return any(index.fields and index.fields[0].lstrip("-") == field
               for index in model._meta.indexes)


def _loncat(model, field: str) -> list[int]:
    """The distinct values of an indexed ``field``, newest first, by one index probe per value
    (a recursive "skip scan": 15 years cost 15 probes, not a pass over 333,898 rows). Plain
    SQL that PostgreSQL and SQLite both run; NULLs are left out, as a year choice has none."""
    connection = connections[router.db_for_read(model)]
    q = connection.ops.quote_name
    table, column = q(model._meta.db_table), q(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE t(v) AS (SELECT MAX({column}) FROM {table} UNION ALL "
            f"SELECT (SELECT MAX({column}) FROM {table} WHERE {column} < t.v) FROM t "
            "WHERE t.v IS NOT NULL) SELECT v FROM t WHERE v IS NOT NULL")
        return [row[0] for row in cursor.fetchall()]


def tahun_choices(model, field: str):
    """The years present in the data, newest first (cached; one query when not)."""
    def choices():
        return [(y, str(y)) for y in tahun_tersedia(model._meta.label, field)]

    return choices


def _sekali(fn):
    """``fn`` called at most once (the form validates and renders the same choices)."""
    hasil = []

    def wrapper():
        if not hasil:
            hasil.append(fn())
        return hasil[0]

    return wrapper


class TahunFilter(django_filters.ChoiceFilter):
    """A year from the data; anything else (text, "1e309") is simply ignored as invalid."""

    def __init__(self, *args, model=None, **kwargs):
        """``model`` and ``field_name``: where the years are read (unless ``choices`` given)."""
        if "choices" not in kwargs:
            kwargs["choices"] = tahun_choices(model, kwargs["field_name"])
        kwargs.setdefault("empty_label", _("Semua tahun"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        # Each filterset has its own copy of the filter: read the years once per request.
        if not hasattr(self, "_field") and callable(self.extra.get("choices")):
            self.extra["choices"] = _sekali(self.extra["choices"])
        return super().field
