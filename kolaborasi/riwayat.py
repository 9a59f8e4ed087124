"""Change history of forums, stakeholders and their pledges."""

from django.utils.translation import gettext as _

from inti.riwayat import Entri, M2MChanges, Names, entries, history_rows, newest_first, want_names

from .models import ForumKolaborasi, Komitmen, PemangkuKepentingan


def riwayat_forum(forum) -> list[Entri]:
    """A forum's history (its participants included) and that of the pledges made there."""
    forum_rows = history_rows(ForumKolaborasi, id=forum.pk)
    janji_rows = history_rows(Komitmen, forum_id=forum.pk)
    names = Names()
    peserta = M2MChanges(ForumKolaborasi, forum_rows, ("peserta",), names)
    want_names(names, ForumKolaborasi, forum_rows)
    want_names(names, Komitmen, janji_rows)
    names.load()

    def label_janji(rec):
        return _("Komitmen: %(p)s") % {"p": names.get(PemangkuKepentingan, rec.pemangku_id)}

    return newest_first(
        entries(forum_rows, ForumKolaborasi, names, lambda rec: _("Forum"),
                 extra=peserta.changes)
        + entries(janji_rows, Komitmen, names, label_janji))


def riwayat_pemangku(pemangku) -> list[Entri]:
    """A stakeholder's history and that of its pledges (wherever they were made)."""
    rows = history_rows(PemangkuKepentingan, id=pemangku.pk)
    janji_rows = history_rows(Komitmen, pemangku_id=pemangku.pk)
    names = Names()
    want_names(names, PemangkuKepentingan, rows)
    want_names(names, Komitmen, janji_rows)
    names.load()

    def label_janji(rec):
        return _("Komitmen %(t)s") % {"t": rec.tahun}

    return newest_first(
        entries(rows, PemangkuKepentingan, names, lambda rec: _("Pemangku kepentingan"))
        + entries(janji_rows, Komitmen, names, label_janji))
