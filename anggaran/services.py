"""Changes to money that touch several tables: all or nothing.

Views validate the forms first; these functions write in one transaction and raise
``ServiceError`` (a message for the user) when a rule or a concurrent change refuses it.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inti.berkas import PenulisBerkas
from inti.foto import LEBAR_RENDISI, nama_rendisi
from kotaku.services import ServiceError, VersionConflict

from .models import FotoProgres, Kegiatan, LaporanProgres, foto_upload_to


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

    Photo files (and their 320/960 px renditions) are written under temporary names and
    renamed when the transaction commits (``inti.berkas``); if the database refuses the
    change or the disk is full, they are deleted again, so a failed save leaves nothing
    behind and no row ever points to a truncated file.
    """
    penulis = PenulisBerkas(FotoProgres._meta.get_field("foto").storage)
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
                _simpan_berkas_foto(foto, data["foto"], penulis)
                foto.save()
            penulis.setelah_commit()
    except Exception as exc:
        penulis.buang()
        if isinstance(exc, IntegrityError):
            raise ServiceError(_("Laporan tidak dapat disimpan. Tidak ada yang tersimpan.")) \
                from exc
        if isinstance(exc, OSError):
            raise ServiceError(_(
                "Foto tidak dapat disimpan di server (ruang penyimpanan penuh atau tidak dapat "
                "ditulis). Tidak ada yang tersimpan; isian Anda masih ada, coba kirim lagi "
                "nanti.")) from exc
        raise
    return laporan


def _simpan_berkas_foto(foto: FotoProgres, berkas, penulis: PenulisBerkas) -> None:
    final = foto_upload_to(foto, berkas.name)
    penulis.tulis(final, berkas)
    rendisi = getattr(berkas, "rendisi", None) or {}
    for lebar, isi in rendisi.items():
        penulis.tulis(nama_rendisi(final, lebar), ContentFile(isi))
    foto.foto.name = final
    foto.ada_rendisi = bool(rendisi)


def nama_berkas_foto(foto: FotoProgres) -> list[str]:
    names = [foto.foto.name] if foto.foto.name else []
    if foto.ada_rendisi and foto.foto.name:
        names += [nama_rendisi(foto.foto.name, w) for w in LEBAR_RENDISI]
    return names


def _hapus_berkas_setelah_commit(names: list[str], storage) -> None:
    def hapus():
        for name in names:
            try:
                storage.delete(name)
            except OSError:
                pass
    transaction.on_commit(hapus)


@transaction.atomic
def hapus_progres(laporan: LaporanProgres) -> None:
    """Delete a progress report and, once that commits, its photo files. The history
    tables keep a deletion record of the report and of each photo (django-simple-history)."""
    storage = FotoProgres._meta.get_field("foto").storage
    names = [n for foto in laporan.foto.all() for n in nama_berkas_foto(foto)]
    laporan.delete()
    _hapus_berkas_setelah_commit(names, storage)


@transaction.atomic
def hapus_kegiatan(kegiatan: Kegiatan) -> None:
    """Delete an activity with its funding lines, progress reports and photo files."""
    storage = FotoProgres._meta.get_field("foto").storage
    names = [n for foto in FotoProgres.objects.filter(laporan__kegiatan=kegiatan)
             for n in nama_berkas_foto(foto)]
    Kegiatan.objects.get(pk=kegiatan.pk).delete()
    _hapus_berkas_setelah_commit(names, storage)
