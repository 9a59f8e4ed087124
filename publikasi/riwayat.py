"""Change history of a story."""

from django.utils.translation import gettext as _

from inti.riwayat import Entri, M2MChanges, Names, entries, history_rows, newest_first, want_names

from .models import Kabar


def riwayat_kabar(kabar) -> list[Entri]:
    """A story's history: its text, status and the desa, activities, stakeholders and tags it
    is linked to."""
    rows = history_rows(Kabar, id=kabar.pk)
    names = Names()
    links = M2MChanges(Kabar, rows, ("desa", "kegiatan", "pemangku", "tag"), names)
    want_names(names, Kabar, rows)
    names.load()
    return newest_first(entries(rows, Kabar, names, lambda rec: _("Kabar"),
                                  extra=links.changes))
