"""Changes to money that touch several tables: all or nothing.

Views validate the forms first; these functions write in one transaction and raise
``ServiceError`` (a message for the user) when a rule or a concurrent change refuses it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kotaku.services import ServiceError, VersionConflict

from .models import FotoProgres, Kegiatan, LaporanProgres


@transaction.atomic
def simpan_kegiatan(kegiatan: Kegiatan, formset, user, versi: int | None) -> Kegiatan:
    """Save an activity and its funding lines (an inline formset, already valid) atomically.

    ``kegiatan`` is unsaved (``form.save(commit=False)``); ``versi`` is the version the form
    was opened at (None for a new activity). A stale version raises ``VersionConflict``.
    """
    state = (kegiatan.pk, kegiatan.versi, kegiatan._state.adding)
    try:
        return _simpan_kegiatan(kegiatan, formset, user, versi)
    except Exception:
        # The transaction is rolled back: give the objects back their unsaved state, so the
        # form shown again with the error does not point at rows that do not exist.
        kegiatan.pk, kegiatan.versi, kegiatan._state.adding = state
        for form in formset.forms:
            if form.instance.pk and form not in formset.initial_forms:
                form.instance.pk = None
                form.instance._state.adding = True
        raise


def _simpan_kegiatan(kegiatan, formset, user, versi):
    if kegiatan.pk:
        # Lock the row so two saves of the same activity cannot both pass the check.
        current = (Kegiatan.objects.select_for_update().filter(pk=kegiatan.pk)
                   .values_list("versi", flat=True).first())
        if current is None:
            raise ServiceError(_("Kegiatan ini sudah tidak ada."))
        if versi != current:
            raise VersionConflict(_(
                "Kegiatan ini sudah diubah oleh pengguna lain setelah formulir Anda dibuka. "
                "Isian Anda belum disimpan dan masih tampil di bawah. Periksa data terbaru "
                "(buka halaman kegiatan di tab lain); bila isian Anda tetap benar, simpan lagi "
                "untuk menimpanya."))
        kegiatan.versi = current + 1
    else:
        kegiatan.dibuat_oleh = user
        kegiatan.versi = 1
    try:
        # A savepoint, so that a refused write leaves the transaction usable for the checks
        # below and the whole change is still rolled back by the outer atomic block.
        with transaction.atomic():
            kegiatan.save()
            formset.instance = kegiatan
            formset.save()
    except IntegrityError as exc:
        raise ServiceError(_(
            "Data tidak dapat disimpan karena melanggar aturan data (mis. nilai negatif atau "
            "realisasi tanpa alasan). Tidak ada yang tersimpan.")) from exc
    if not kegiatan.pendanaan.exists():
        raise ServiceError(_("Isi paling sedikit satu baris pendanaan."))
    return kegiatan


def simpan_progres(kegiatan: Kegiatan, form, foto_forms, user, token=None) -> LaporanProgres:
    """Save a progress report and its photos (forms already valid) atomically.

    Files are written to storage before the transaction commits; if the database refuses
    the change they are deleted again, so a failed save leaves nothing behind.
    """
    stored = []
    try:
        with transaction.atomic():
            laporan = form.save(commit=False)
            laporan.kegiatan = kegiatan
            laporan.dibuat_oleh = user
            laporan.token_kirim = token
            laporan.save()
            for foto_form in foto_forms:
                data = getattr(foto_form, "cleaned_data", None) or {}
                if not data.get("foto"):
                    continue
                foto = FotoProgres(laporan=laporan, tahap=data["tahap"],
                                   keterangan=data.get("keterangan", ""))
                foto.foto.save(data["foto"].name, data["foto"], save=False)
                stored.append(foto.foto)
                foto.save()
    except Exception as exc:
        for f in stored:
            f.delete(save=False)
        if isinstance(exc, IntegrityError):
            raise ServiceError(_("Laporan tidak dapat disimpan. Tidak ada yang tersimpan.")) \
                from exc
        raise
    return laporan
