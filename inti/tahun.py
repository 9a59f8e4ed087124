"""Years: the bounds every year field accepts and year choices read from the data."""

import django_filters
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from inti.cache import cached_aggregate

#: Budget, assessment and pledge years the portal accepts (forms, imports, constraints).
TAHUN_MIN, TAHUN_MAX = 2000, 2100
#: What a year outside them is told (forms, imports and the named constraints).
PESAN_TAHUN = _("Tahun harus antara 2000 dan 2100.")


@cached_aggregate("tahun_tersedia")
def tahun_tersedia(model_label: str, field: str) -> list[int]:
    """The years present in ``model_label``'s ``field``, newest first.

    At national scale ``SELECT DISTINCT`` over 333,898 activities costs 70-170 ms on every
    page with a year filter (the list and every dashboard), for a list that changes about
    once a year. It is cached under the dashboards' data version (``inti.cache``): any
    committed save or delete of an activity or pledge bumps the version, so a new or vanished
    year shows at the next request. Uncached with a per-process cache, as the dashboards.
    """
    model = apps.get_model(model_label)
    return list(model.objects.order_by(f"-{field}").values_list(field, flat=True).distinct())


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
