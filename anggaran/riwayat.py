"""Change history of an activity and its funding lines, readable: who, when, field old → new.

Built from django-simple-history rows with a fixed number of queries (one per history table,
one per kind of related object named in it), however long the history is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from inti.numbers import format_decimal_id, format_rupiah

from .models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan

# Bookkeeping, not content: never listed as a change.
HIDDEN_FIELDS = {"id", "kegiatan", "laporan", "dibuat_oleh", "dibuat_pada", "diubah_pada",
                 "versi", "penulis",
                 # A stakeholder's contact details are never shown on the portal's pages (the
                 # admin's own history keeps their changes).
                 "kontak_nama", "kontak_telepon", "kontak_email"}
MAX_ENTRIES = 100


@dataclass
class Perubahan:
    label: str
    lama: str
    baru: str


@dataclass
class Entri:
    waktu: datetime.datetime
    pengguna: str
    aksi: str  # "dibuat", "diubah", "dihapus"
    objek: str
    perubahan: list[Perubahan] = field(default_factory=list)


def _fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS and f.editable]


class _Names:
    """Display names of the related objects a history mentions, one query per model."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set] = {}
        self.names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted.setdefault(model, set()).add(pk)

    def load(self):
        for model, pks in self.wanted.items():
            if model._meta.model_name == "kriteria":
                rows = ((pk, f"{kode} – {nama}") for pk, kode, nama in
                        model.objects.filter(pk__in=pks).values_list("pk", "kode", "nama"))
            else:
                field_names = {f.name for f in model._meta.concrete_fields}
                title = next((n for n in ("nama", "judul") if n in field_names), "pk")
                rows = model.objects.filter(pk__in=pks).values_list("pk", title)
            for pk, name in rows:
                self.names[(model, pk)] = name

    def get(self, model, pk) -> str:
        if pk is None:
            return "–"
        return self.names.get((model, pk), f"#{pk} ({_('terhapus')})")


def _display(f: models.Field, value, names: _Names) -> str:
    if value is None or value == "":
        return "–"
    if f.is_relation:
        return names.get(f.related_model, value)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, Decimal):
        return format_rupiah(value) if f.name.endswith("_rp") else format_decimal_id(value, 2)
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _user(record) -> str:
    user = record.history_user
    if user is None:
        return _("sistem")
    return user.get_full_name() or user.get_username()


def _entries(records, model, names: _Names, label, extra=None) -> list[Entri]:
    """Turn one model's history rows (ordered by object, then time) into entries.

    ``extra(before, rec)`` may add changes the columns do not show (an m2m field), as
    ``Perubahan`` objects.
    """
    fields = _fields(model)
    entries, previous = [], {}
    for rec in records:
        before = previous.get(rec.id)
        previous[rec.id] = rec
        if rec.history_type == "+" or before is None:
            aksi = _("dibuat")
            changes = [(f, None, getattr(rec, f.attname)) for f in fields
                       if getattr(rec, f.attname) not in (None, "", False)]
            more = extra(None, rec) if extra else []
        elif rec.history_type == "-":
            aksi, changes, more = _("dihapus"), [], []
        else:
            aksi = _("diubah")
            changes = [(f, getattr(before, f.attname), getattr(rec, f.attname)) for f in fields
                       if getattr(before, f.attname) != getattr(rec, f.attname)]
            more = extra(before, rec) if extra else []
            if not changes and not more:
                continue
        entries.append((rec, aksi, changes, more))
    return [
        Entri(waktu=rec.history_date, pengguna=_user(rec), aksi=aksi, objek=label(rec),
              perubahan=[Perubahan(str(f.verbose_name), _display(f, old, names),
                                   _display(f, new, names)) for f, old, new in changes] + more)
        for rec, aksi, changes, more in entries
    ]


def _want_names(names: _Names, model, rows) -> None:
    for f in _fields(model):
        if f.is_relation:
            for rec in rows:
                names.want(f.related_model, getattr(rec, f.attname))


def _history(model, **lookup) -> list:
    return list(model.history.filter(**lookup).select_related("history_user")
                .order_by("id", "history_date", "history_id"))


def _newest_first(entries: list[Entri]) -> list[Entri]:
    entries.sort(key=lambda e: e.waktu, reverse=True)
    return entries[:MAX_ENTRIES]


def riwayat_kegiatan(kegiatan: Kegiatan) -> list[Entri]:
    """The activity's history with its funding lines, progress reports and their photos,
    newest first (one query per history table and per kind of name)."""
    keg_rows = _history(Kegiatan, id=kegiatan.pk)
    dana_rows = _history(Pendanaan, kegiatan_id=kegiatan.pk)
    laporan_rows = _history(LaporanProgres, kegiatan_id=kegiatan.pk)
    foto_rows = _history(FotoProgres, laporan_id__in={r.id for r in laporan_rows})
    names = _Names()
    for model, rows in ((Kegiatan, keg_rows), (Pendanaan, dana_rows)):
        _want_names(names, model, rows)
    names.load()

    def label_dana(rec):
        return _("Pendanaan: %(p)s / %(s)s") % {
            "p": names.get(Pendanaan._meta.get_field("pemangku").related_model, rec.pemangku_id),
            "s": names.get(Pendanaan._meta.get_field("sumber").related_model, rec.sumber_id)}

    tanggal = {r.id: r.tanggal for r in laporan_rows}

    def label_laporan(rec):
        return _("Laporan progres %(t)s") % {"t": rec.tanggal.strftime("%d-%m-%Y")}

    def label_foto(rec):
        t = tanggal.get(rec.laporan_id)
        return _("Foto laporan %(t)s") % {"t": t.strftime("%d-%m-%Y") if t else "–"}

    return _newest_first(
        _entries(keg_rows, Kegiatan, names, lambda rec: _("Kegiatan"))
        + _entries(dana_rows, Pendanaan, names, label_dana)
        + _entries(laporan_rows, LaporanProgres, names, label_laporan)
        + _entries(foto_rows, FotoProgres, names, label_foto))


class _M2M:
    """The linked objects of each version of a record, for ``m2m_fields`` that
    django-simple-history snapshots per version: shown as "field: A, B → A, B, C"."""

    def __init__(self, model, rows, fields: tuple[str, ...], names: _Names):
        self.model, self.names, self.sets = model, names, {}
        history_model = model.history.model
        ids = [r.history_id for r in rows]
        for name in fields:
            target = model._meta.get_field(name).related_model
            through = history_model._meta.get_field(
                f"historical{model._meta.model_name}_{name}").related_model
            column = next(f.attname for f in through._meta.concrete_fields
                          if f.is_relation and f.related_model is target)
            found: dict[int, set] = {i: set() for i in ids}
            for history_id, pk in through.objects.filter(history_id__in=ids).values_list(
                    "history_id", column):
                found[history_id].add(pk)
                names.want(target, pk)
            self.sets[name] = (target, found)

    def changes(self, before, rec) -> list[Perubahan]:
        out = []
        for name, (target, found) in self.sets.items():
            old = found[before.history_id] if before is not None else set()
            new = found[rec.history_id]
            if old != new:
                out.append(Perubahan(str(self.model._meta.get_field(name).verbose_name),
                                     self._list(target, old), self._list(target, new)))
        return out

    def _list(self, target, pks) -> str:
        return ", ".join(sorted(self.names.get(target, pk) for pk in pks)) or "–"


def riwayat_forum(forum) -> list[Entri]:
    """A forum's history (its participants included) and that of the pledges made there."""
    from kolaborasi.models import ForumKolaborasi, Komitmen, PemangkuKepentingan

    forum_rows = _history(ForumKolaborasi, id=forum.pk)
    janji_rows = _history(Komitmen, forum_id=forum.pk)
    names = _Names()
    peserta = _M2M(ForumKolaborasi, forum_rows, ("peserta",), names)
    _want_names(names, ForumKolaborasi, forum_rows)
    _want_names(names, Komitmen, janji_rows)
    names.load()

    def label_janji(rec):
        return _("Komitmen: %(p)s") % {"p": names.get(PemangkuKepentingan, rec.pemangku_id)}

    return _newest_first(
        _entries(forum_rows, ForumKolaborasi, names, lambda rec: _("Forum"),
                 extra=peserta.changes)
        + _entries(janji_rows, Komitmen, names, label_janji))


def riwayat_kabar(kabar) -> list[Entri]:
    """A story's history: its text, status and the desa, activities, stakeholders and tags it
    is linked to."""
    from publikasi.models import Kabar

    rows = _history(Kabar, id=kabar.pk)
    names = _Names()
    links = _M2M(Kabar, rows, ("desa", "kegiatan", "pemangku", "tag"), names)
    _want_names(names, Kabar, rows)
    names.load()
    return _newest_first(_entries(rows, Kabar, names, lambda rec: _("Kabar"),
                                  extra=links.changes))


def riwayat_pemangku(pemangku) -> list[Entri]:
    """A stakeholder's history and that of its pledges (wherever they were made)."""
    from kolaborasi.models import Komitmen, PemangkuKepentingan

    rows = _history(PemangkuKepentingan, id=pemangku.pk)
    janji_rows = _history(Komitmen, pemangku_id=pemangku.pk)
    names = _Names()
    _want_names(names, PemangkuKepentingan, rows)
    _want_names(names, Komitmen, janji_rows)
    names.load()

    def label_janji(rec):
        return _("Komitmen %(t)s") % {"t": rec.tahun}

    return _newest_first(
        _entries(rows, PemangkuKepentingan, names, lambda rec: _("Pemangku kepentingan"))
        + _entries(janji_rows, Komitmen, names, label_janji))
