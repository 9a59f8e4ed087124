"""Entry points of the import: dry run (:func:`pratinjau`) and all-or-nothing :func:`impor`."""

from __future__ import annotations

from django.db import transaction

from anggaran import impor as kegiatan
from desa import impor as penilaian
from desa import kondisi_tersimpan
from desa.impor import ImporGagal
from inti.impor import berkas
from inti.impor.nilai import LOCALES
from inti.impor.rencana import Galat, Rencana
from kolaborasi import impor as item_rencana

MODUL = {penilaian.JENIS: penilaian, kegiatan.JENIS: kegiatan,
         item_rencana.JENIS: item_rencana}
JENIS = tuple(MODUL)


def pratinjau(content: bytes, nama: str, jenis: str, locale: str, user,
              semua_desa: bool = False) -> Rencana:
    """What importing the file would do; writes nothing.

    ``semua_desa`` (management command only) lifts the per-user desa check.
    """
    if jenis not in MODUL:
        raise ValueError(f"unknown import type {jenis!r}")
    if locale not in LOCALES:
        raise ValueError(f"unknown number locale {locale!r}")
    try:
        tabel = berkas.baca(content, nama)
    except berkas.BerkasError as exc:
        rencana = Rencana(jenis=jenis)
        rencana.galat_berkas.append(Galat(None, "", exc.message))
        return rencana
    return MODUL[jenis].rencanakan(tabel, user, locale, semua_desa=semua_desa)


def impor(content: bytes, nama: str, jenis: str, locale: str, user,
          semua_desa: bool = False) -> Rencana:
    """Plan again and, if the plan has no error, apply it in one transaction.

    Returns the plan; ``plan.diterapkan`` tells whether it was written. With any error nothing
    is written (a refusal while writing rolls back what was already written).
    """
    try:
        with transaction.atomic():
            rencana = pratinjau(content, nama, jenis, locale, user, semua_desa)
            if not rencana.ok:
                return rencana
            with kondisi_tersimpan.tunda():  # each touched desa rebuilt once, same transaction
                MODUL[jenis].terapkan(rencana, user)
            rencana.diterapkan = True
            return rencana
    except ImporGagal as exc:
        return exc.rencana
