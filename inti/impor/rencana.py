"""What an import will do: per item (a row, or an activity's rows) the action, the changes and
the errors, plus the column layout shared by the import types."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inti.impor.berkas import Tabel, normalisasi_kolom

BUAT, UBAH, TETAP, GALAT = "buat", "ubah", "tetap", "galat"
AKSI_LABEL = {BUAT: gettext_lazy("Baru"), UBAH: gettext_lazy("Diubah"),
              TETAP: gettext_lazy("Tidak berubah"), GALAT: gettext_lazy("Galat")}


@dataclass(frozen=True)
class Galat:
    """One error: the spreadsheet row (1 = header), the column as typed, the reason."""

    baris: int | None
    kolom: str
    pesan: str


@dataclass
class Item:
    """One unit of the plan: an assessment row, or an activity with its funding rows."""

    baris: list[int]
    kunci: str
    aksi: str = TETAP
    perubahan: list[str] = field(default_factory=list)
    galat: list[Galat] = field(default_factory=list)
    # Parsed values for the writer (never shown, never sent to the browser).
    data: dict = field(default_factory=dict, repr=False)

    @property
    def baris_label(self) -> str:
        if not self.baris:
            return ""
        lo, hi = min(self.baris), max(self.baris)
        return str(lo) if lo == hi else f"{lo}\u2013{hi}"

    @property
    def status(self) -> str:
        return GALAT if self.galat else self.aksi

    @property
    def status_label(self) -> str:
        return AKSI_LABEL[self.status]


@dataclass
class Rencana:
    jenis: str
    items: list[Item] = field(default_factory=list)
    galat_berkas: list[Galat] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)
    diterapkan: bool = False

    @property
    def semua_galat(self) -> list[Galat]:
        errors = list(self.galat_berkas)
        for item in self.items:
            errors.extend(item.galat)
        return sorted(errors, key=lambda g: (g.baris or 0, g.kolom))

    @property
    def ok(self) -> bool:
        return not self.galat_berkas and not any(item.galat for item in self.items)

    @property
    def jumlah(self) -> dict[str, int]:
        counts = Counter(item.status for item in self.items)
        return {k: counts.get(k, 0) for k in (BUAT, UBAH, TETAP, GALAT)}

    @property
    def ada_perubahan(self) -> bool:
        return any(item.aksi in (BUAT, UBAH) for item in self.items)


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kolom:
    """A column of an import layout; the header typed in the file is matched on ``kunci`` or an
    alias after :func:`~inti.impor.berkas.normalisasi_kolom`."""

    kunci: str
    label: str
    wajib: bool = False
    alias: tuple[str, ...] = ()
    keterangan: str = ""


class Baris:
    """One data row, read by column key; ``kolom(kunci)`` gives the header as typed."""

    def __init__(self, nomor: int, cells: list, posisi: dict[str, int], judul: dict[str, str]):
        self.nomor = nomor
        self._cells = cells
        self._posisi = posisi
        self._judul = judul
        self.galat: list[Galat] = []

    def ada(self, kunci: str) -> bool:
        return kunci in self._posisi

    def mentah(self, kunci: str) -> Any:
        i = self._posisi.get(kunci)
        if i is None or i >= len(self._cells):
            return None
        return self._cells[i]

    def kolom(self, kunci: str) -> str:
        return self._judul.get(kunci, kunci)

    def ambil(self, kunci: str, parser: Callable[[Any], Any], *, wajib: bool = False,
              pesan_kosong: str | None = None):
        """The parsed value, or ``None`` after recording the error on this row."""
        from inti.impor.nilai import NilaiError, kosong

        raw = self.mentah(kunci)
        if kosong(raw):
            if wajib:
                self.salah(kunci, pesan_kosong or _("Wajib diisi."))
            return None
        try:
            return parser(raw)
        except NilaiError as exc:
            self.salah(kunci, exc.message)
            return None

    def salah(self, kunci: str, pesan: str) -> None:
        self.galat.append(Galat(self.nomor, self.kolom(kunci) if kunci else "", pesan))


def petakan_kolom(tabel: Tabel, kolom: Iterable[Kolom], rencana: Rencana
                  ) -> tuple[dict[str, int], dict[str, str]]:
    """Match the file's header to the layout: ``(key → index, key → header as typed)``.

    Missing required columns and duplicates are file errors; unknown columns a warning.
    """
    lookup: dict[str, str] = {}
    for k in kolom:
        for name in (k.kunci, *k.alias):
            lookup[normalisasi_kolom(name)] = k.kunci
    posisi: dict[str, int] = {}
    judul: dict[str, str] = {}
    unknown = []
    for i, text in enumerate(tabel.header):
        norm = normalisasi_kolom(text)
        if not norm:
            continue
        key = lookup.get(norm)
        if key is None:
            unknown.append(text)
            continue
        if key in posisi:
            rencana.galat_berkas.append(Galat(1, text, _('Kolom "%(kolom)s" muncul dua kali.')
                                              % {"kolom": text}))
            continue
        posisi[key] = i
        judul[key] = text
    missing = [k.kunci for k in kolom if k.wajib and k.kunci not in posisi]
    if missing:
        rencana.galat_berkas.append(Galat(1, ", ".join(missing), _(
            "Kolom wajib tidak ada: %(kolom)s. Pakai templat impor (judul kolom di baris "
            "pertama).") % {"kolom": ", ".join(missing)}))
    if unknown:
        rencana.peringatan.append(_("Kolom tidak dikenal dan diabaikan: %(kolom)s.")
                                  % {"kolom": ", ".join(unknown)})
    return posisi, judul


def pesan_ubah(label, old: str, new: str) -> str:
    """One change line of a dry run, values already shown: "Volume 1a: 21 → 40"."""
    return _("%(isian)s: %(lama)s \u2192 %(baru)s") % {"isian": label, "lama": old, "baru": new}


def sama(a, b) -> bool:
    """Equal as an import compares a stored value with a read one: objects by pk, numbers
    as decimals (``Decimal("1.50") == 1.5``), the rest as they are."""
    if hasattr(a, "pk") or hasattr(b, "pk"):
        return getattr(a, "pk", None) == getattr(b, "pk", None)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return a == b


def nama_kunci(text: str) -> str:
    """Names compared case- and space-insensitively ("RT 01  rw 02" == "rt 01 RW 02")."""
    return " ".join((text or "").split()).casefold()


def cari_nama(objs: Iterable, nama: str, attr: str = "nama"):
    """The object whose ``attr`` equals ``nama`` exactly, else case-insensitively if unique.

    Returns ``(obj, None)``, ``(None, None)`` when absent, ``(None, "ambigu")`` when several
    differ only in case.
    """
    objs = list(objs)
    exact = [o for o in objs if getattr(o, attr) == nama]
    if len(exact) == 1:
        return exact[0], None
    loose = [o for o in objs if nama_kunci(getattr(o, attr)) == nama_kunci(nama)]
    if len(loose) == 1:
        return loose[0], None
    if len(loose) > 1 or len(exact) > 1:
        return None, "ambigu"
    return None, None
