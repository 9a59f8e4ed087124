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

from kotaku.numbers import format_decimal_id, format_rupiah

from .models import Kegiatan, Pendanaan

# Bookkeeping, not content: never listed as a change.
HIDDEN_FIELDS = {"id", "kegiatan", "dibuat_oleh", "dibuat_pada", "diubah_pada", "versi"}
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
                rows = model.objects.filter(pk__in=pks).values_list("pk", "nama")
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


def _entries(records, model, names: _Names, label) -> list[Entri]:
    """Turn one model's history rows (ordered by object, then time) into entries."""
    fields = _fields(model)
    entries, previous = [], {}
    for rec in records:
        before = previous.get(rec.id)
        previous[rec.id] = rec
        if rec.history_type == "+" or before is None:
            aksi = _("dibuat")
            changes = [(f, None, getattr(rec, f.attname)) for f in fields
                       if getattr(rec, f.attname) not in (None, "", False)]
        elif rec.history_type == "-":
            aksi, changes = _("dihapus"), []
        else:
            aksi = _("diubah")
            changes = [(f, getattr(before, f.attname), getattr(rec, f.attname)) for f in fields
                       if getattr(before, f.attname) != getattr(rec, f.attname)]
            if not changes:
                continue
        entries.append((rec, aksi, changes))
    return [
        Entri(waktu=rec.history_date, pengguna=_user(rec), aksi=aksi, objek=label(rec),
              perubahan=[Perubahan(str(f.verbose_name), _display(f, old, names),
                                   _display(f, new, names)) for f, old, new in changes])
        for rec, aksi, changes in entries
    ]


def riwayat_kegiatan(kegiatan: Kegiatan) -> list[Entri]:
    """The activity's history and its funding lines' history, newest first."""
    keg_rows = list(Kegiatan.history.filter(id=kegiatan.pk).select_related("history_user")
                    .order_by("history_date", "history_id"))
    dana_rows = list(Pendanaan.history.filter(kegiatan_id=kegiatan.pk)
                     .select_related("history_user").order_by("id", "history_date",
                                                               "history_id"))
    names = _Names()
    for model, rows in ((Kegiatan, keg_rows), (Pendanaan, dana_rows)):
        for f in _fields(model):
            if f.is_relation:
                for rec in rows:
                    names.want(f.related_model, getattr(rec, f.attname))
    names.load()

    def label_dana(rec):
        return _("Pendanaan: %(p)s / %(s)s") % {
            "p": names.get(Pendanaan._meta.get_field("pemangku").related_model, rec.pemangku_id),
            "s": names.get(Pendanaan._meta.get_field("sumber").related_model, rec.sumber_id)}

    entries = (_entries(keg_rows, Kegiatan, names, lambda rec: _("Kegiatan"))
               + _entries(dana_rows, Pendanaan, names, label_dana))
    entries.sort(key=lambda e: e.waktu, reverse=True)
    return entries[:MAX_ENTRIES]
