"""Shared admin base: change history (django-simple-history) on every domain model."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Every domain model's admin: shows "Riwayat" (who, when, what changed)."""

    list_per_page = 50
    show_full_result_count = False


# Above this many rows (PostgreSQL's planner estimate) an unfiltered changelist shows the
# estimate instead of running COUNT(*) over the whole table (1M funding lines: ~0.3 s per page).
PERKIRAAN_MULAI = 100_000


class PerkiraanPaginator(Paginator):
    """A changelist paginator that does not count a large table: unfiltered, on PostgreSQL,
    it takes ``pg_class.reltuples`` (kept by autovacuum/ANALYZE) when that is above
    :data:`PERKIRAAN_MULAI`; filtered or searched lists and SQLite count exactly."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet) and not qs.query.where:
            perkiraan = perkiraan_baris(qs.model, qs.db)
            if perkiraan is not None and perkiraan >= PERKIRAAN_MULAI:
                return perkiraan
        return super().count


def perkiraan_baris(model, using: str = "default") -> int | None:
    """The planner's row estimate of ``model``'s table on PostgreSQL, else None."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        return None
    with conn.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                       [model._meta.db_table])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else None
