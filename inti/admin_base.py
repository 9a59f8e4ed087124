"""Shared admin base: change history (django-simple-history) on every domain model."""

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """Every domain model's admin: shows "Riwayat" (who, when, what changed)."""

    list_per_page = 50
    show_full_result_count = False
