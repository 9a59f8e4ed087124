"""Change history made readable: who, when, field old → new, for any model that has
django-simple-history rows. The one history engine: each app's builders (``riwayat_kegiatan``
in anggaran, ``riwayat_forum`` in kolaborasi, …) pick the rows and labels, this module turns
them into entries, and ``includes/riwayat.html`` shows them.

A fixed number of queries (one per history table, one per kind of related object named in
it), however long the history is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from inti.numbers import format_decimal_id, format_rupiah

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


def fields_of(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields
            if f.name not in HIDDEN_FIELDS and f.editable]


class Names:
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


def display(f: models.Field, value, names: Names) -> str:
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


def user_label(record) -> str:
    user = record.history_user
    if user is None:
        return _("sistem")
    return user.get_full_name() or user.get_username()


def entries(records, model, names: Names, label, extra=None) -> list[Entri]:
    """Turn one model's history rows (ordered by object, then time) into entries.

    ``extra(before, rec)`` may add changes the columns do not show (an m2m field), as
    ``Perubahan`` objects.
    """
    fields = fields_of(model)
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
        Entri(waktu=rec.history_date, pengguna=user_label(rec), aksi=aksi, objek=label(rec),
              perubahan=[Perubahan(str(f.verbose_name), display(f, old, names),
                                   display(f, new, names)) for f, old, new in changes] + more)
        for rec, aksi, changes, more in entries
    ]


def want_names(names: Names, model, rows) -> None:
    for f in fields_of(model):
        if f.is_relation:
            for rec in rows:
                names.want(f.related_model, getattr(rec, f.attname))


def history_rows(model, **lookup) -> list:
    return list(model.history.filter(**lookup).select_related("history_user")
                .order_by("id", "history_date", "history_id"))


def newest_first(entries: list[Entri]) -> list[Entri]:
    entries.sort(key=lambda e: e.waktu, reverse=True)
    return entries[:MAX_ENTRIES]


class M2MChanges:
    """The linked objects of each version of a record, for ``m2m_fields`` that
    django-simple-history snapshots per version: shown as "field: A, B → A, B, C"."""

    def __init__(self, model, rows, fields: tuple[str, ...], names: Names):
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
