"""Changes to money that touch several tables: all or nothing.

Views validate the forms first; these functions write in one transaction and raise
``ServiceError`` (a message for the user) when a rule or a concurrent change refuses it.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from desa import kondisi_tersimpan
from inti.berkas import PenulisBerkas, rapikan_sementara
from inti.foto import LEBAR_RENDISI, nama_rendisi
from inti.services import ServiceError, VersionConflict

from . import ringkasan
from .models import (
    FotoProgres,
    Kegiatan,
    KegiatanKriteria,
    LaporanProgres,
    Pendanaan,
    StatusKegiatan,
    foto_upload_to,
)

#: The fields of a funding line the service writes (besides the activity it belongs to).
FIELD_DANA = ("pemangku", "sumber", "rencana_rp", "realisasi_rp", "natura", "uraian_natura",
              "alasan_lebih")


#: What the stored condition (``desa.kondisi_tersimpan``) reads of an activity: whether it is
#: completed, where, in which year, and the volume it handled (``VOLUME_TERTANGANI``). The
#: first three are read back by name below.
KUNCI_KONDISI = ("status", "desa_id", "kriteria_id", "lokasi_id", "tahun_anggaran",
                 "volume_kriteria", "volume", "satuan")


@transaction.atomic
def simpan_kegiatan(kegiatan: Kegiatan, baris_dana: list[dict], user,
                    versi: int | None) -> Kegiatan:
    """Save an activity and the whole set of its funding lines, all or nothing.

    ``kegiatan`` carries the new values (unsaved changes of an existing row, or a new row);
    ``versi`` is the version the user started from (``None`` for a new activity): a stale
    version raises ``VersionConflict``. ``baris_dana`` is plain data, one dict per line the
    activity should have, with the keys of :data:`FIELD_DANA` and ``pk`` for an existing
    line: existing lines not listed are deleted, unchanged ones are not written (no history
    row). The lines' rules (``Pendanaan.galat_aturan``) and "at least one line" are checked
    here, so the form, the spreadsheet import and any other caller get the same answer.
    """
    state = (kegiatan.pk, kegiatan.versi, kegiatan._state.adding)
    try:
        # The money rollups of the touched desa are recomputed once, at the end, in this
        # transaction (``anggaran.ringkasan``).
        with ringkasan.tunda():
            return _simpan_kegiatan(kegiatan, baris_dana, user, versi)
    except Exception:
        # The transaction is rolled back: give the object back its unsaved state, so the
        # form shown again with the error does not point at a row that does not exist.
        kegiatan.pk, kegiatan.versi, kegiatan._state.adding = state
        raise


def _simpan_kegiatan(kegiatan, baris_dana, user, versi):
    if not baris_dana:
        raise ServiceError(_("Isi paling sedikit satu baris pendanaan."))
    ada = kegiatan.pk is not None
    if ada:
        # Lock the row so two saves of the same activity cannot both pass the check.
        row = (Kegiatan.objects.select_for_update().filter(pk=kegiatan.pk)
               .values_list("versi", *KUNCI_KONDISI).first())
        if row is None:
            raise ServiceError(_("Kegiatan ini sudah tidak ada."))
        current, kunci_lama = row[0], row[1:]
        status_lama, desa_lama, kriteria_lama = kunci_lama[:3]
        if versi != current:
            raise VersionConflict(_(
                "Kegiatan ini sudah diubah oleh pengguna lain setelah formulir Anda dibuka. "
                "Isian Anda belum disimpan dan masih tampil di bawah. Periksa data terbaru "
                "(buka halaman kegiatan di tab lain); bila isian Anda tetap benar, simpan lagi "
                "untuk menimpanya."))
        kegiatan.versi = current + 1
    else:
        kegiatan.dibuat_oleh = kegiatan.dibuat_oleh or user
        kegiatan.versi = 1
        status_lama, desa_lama, kriteria_lama = None, None, None
        kunci_lama = None
    try:
        # A savepoint, so that a refused write raises our message and the whole change is
        # still rolled back by the outer atomic block.
        with transaction.atomic():
            kegiatan.save()
            _sinkron_kriteria_utama(kegiatan, ada, kriteria_lama)
            lama = {p.pk: p for p in kegiatan.pendanaan.all()} if ada else {}
            tetap = set()
            for data in baris_dana:
                pk = data.get("pk")
                line = lama.get(pk) if pk else None
                if pk and line is None:
                    raise ServiceError(_("Baris pendanaan ini sudah tidak ada."))
                if line is None:
                    line = Pendanaan(kegiatan=kegiatan)
                else:
                    tetap.add(pk)
                berubah = line.pk is None
                for name in FIELD_DANA + (("komitmen_item",) if "komitmen_item" in data else ()):
                    value = data[name]
                    # Relations compare by id: a new line has no related object to read yet.
                    is_fk = name in ("pemangku", "sumber", "komitmen_item")
                    old = getattr(line, f"{name}_id") if is_fk else getattr(line, name)
                    if old != (value.pk if is_fk and value is not None else value):
                        setattr(line, name, value)
                        berubah = True
                if galat := line.galat_aturan():
                    raise ServiceError(next(iter(galat.values())), field=next(iter(galat)))
                if berubah:
                    line.save()
            for pk, line in lama.items():
                if pk not in tetap:
                    line.delete()
    except IntegrityError as exc:
        raise ServiceError(_(
            "Data tidak dapat disimpan karena melanggar aturan data (mis. nilai negatif atau "
            "realisasi tanpa alasan). Tidak ada yang tersimpan.")) from exc
    kunci_baru = tuple(getattr(kegiatan, f) for f in KUNCI_KONDISI)
    if StatusKegiatan.SELESAI in (status_lama, kegiatan.status) and kunci_baru != kunci_lama:
        # A completed activity's handled volume lowers the projection: the stored
        # condition of its desa (and of the desa it left) follows, same transaction. A save
        # that changes only money, names or dates leaves the condition as it was (no rescoring).
        kondisi_tersimpan.perbarui({kegiatan.desa_id, desa_lama})
    return kegiatan


def _sinkron_kriteria_utama(kegiatan: Kegiatan, ada: bool, kriteria_lama) -> None:
    """Keep the main criterion's ``KegiatanKriteria`` row in step with the activity (the
    handled volume the outcome figures count, ``Kegiatan.volume_tertangani``)."""
    volume = kegiatan.volume_tertangani
    if not ada:
        KegiatanKriteria.objects.create(kegiatan=kegiatan, kriteria_id=kegiatan.kriteria_id,
                                        volume=volume)
        return
    if kriteria_lama is not None and kriteria_lama != kegiatan.kriteria_id:
        for row in KegiatanKriteria.objects.filter(kegiatan=kegiatan, kriteria_id=kriteria_lama):
            row.delete()
    row = KegiatanKriteria.objects.filter(kegiatan=kegiatan,
                                          kriteria_id=kegiatan.kriteria_id).first()
    if row is None:
        KegiatanKriteria.objects.create(kegiatan=kegiatan, kriteria_id=kegiatan.kriteria_id,
                                        volume=volume)
    elif row.volume != volume:
        row.volume = volume
        row.save(update_fields=["volume"])


@transaction.atomic
def simpan_kegiatan_rencana(kegiatan: Kegiatan, baris_dana: list[dict], user,
                            item_rencana, kriteria_lain: list[dict] | None = None,
                            versi: int | None = None) -> Kegiatan:
    """Save an activity that realises plan items (issue 15), all or nothing.

    ``item_rencana``: the plan items it realises (at least one, all of the activity's desa);
    ``kriteria_lain``: further criteria it handles besides its main one, as
    ``{"kriteria": Kriteria, "volume": Decimal | None}``; ``baris_dana`` as for
    :func:`simpan_kegiatan`, a line may carry ``komitmen_item`` (the commitment it fulfils,
    which must be on one of the items).
    """
    items = list(item_rencana)
    if not items:
        raise ServiceError(_("Pilih paling sedikit satu item rencana."), field="item_rencana")
    if any(i.desa_id != kegiatan.desa_id for i in items):
        raise ServiceError(_("Item rencana harus berada di desa kegiatan."),
                           field="item_rencana")
    item_ids = {i.pk for i in items}
    for data in baris_dana:
        komitmen = data.get("komitmen_item")
        if komitmen is not None and komitmen.item_id not in item_ids:
            raise ServiceError(_("Komitmen ini bukan untuk item rencana kegiatan."))
        if komitmen is not None and komitmen.pemangku_id != getattr(data["pemangku"], "pk",
                                                                    None):
            raise ServiceError(_("Pemberi dana harus pemangku yang berkomitmen."))
    kegiatan = simpan_kegiatan(kegiatan, baris_dana, user, versi)
    kegiatan.item_rencana.set(items)
    lain = [k for k in (kriteria_lain or []) if k["kriteria"].pk != kegiatan.kriteria_id]
    if len({k["kriteria"].pk for k in lain}) != len(lain):
        raise ServiceError(_("Satu kriteria hanya boleh dicantumkan sekali."))
    for row in KegiatanKriteria.objects.filter(kegiatan=kegiatan).exclude(
            kriteria_id=kegiatan.kriteria_id):
        row.delete()
    for k in lain:
        if k.get("volume") is not None and k["volume"] < 0:
            raise ServiceError(_("Volume tertangani tidak boleh negatif."))
        KegiatanKriteria.objects.create(kegiatan=kegiatan, kriteria=k["kriteria"],
                                        volume=k.get("volume"))
    return kegiatan


def baris_dari_formset(formset) -> list[dict]:
    """The funding lines a valid formset describes, as plain data for :func:`simpan_kegiatan`
    (deleted rows and untouched blank extra rows left out)."""
    baris = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data or data.get("DELETE") or (form.instance.pk is None
                                              and not form.has_changed()):
            continue
        baris.append({"pk": form.instance.pk, **{name: data.get(name) for name in FIELD_DANA}})
    return baris


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
    row = Kegiatan.objects.get(pk=kegiatan.pk)
    with ringkasan.tunda():
        row.delete()
    if row.status == StatusKegiatan.SELESAI:
        kondisi_tersimpan.perbarui([row.desa_id])
    _hapus_berkas_setelah_commit(names, storage)


def _nama_foto_asal(name: str) -> set[str]:
    """The photo names a stored file may belong to: itself, or the photo it is a rendition of
    (``progres/ab12_320.jpg`` → ``progres/ab12.jpg``)."""
    p = PurePosixPath(name)
    names = {name}
    for lebar in LEBAR_RENDISI:
        if p.stem.endswith(f"_{lebar}"):
            names.add(str(p.with_name(p.stem[: -len(f"_{lebar}")] + p.suffix)))
    return names


def rapikan_berkas_sementara(umur_detik: int = 3600) -> dict:
    """Sweep the progress photos' folder of the temporary files a killed worker left behind
    (``manage.py rapikan_berkas``): a file whose photo row did commit gets its final name, any
    other is deleted. Files younger than ``umur_detik`` may still be in a live upload and stay.
    Returns ``{"diterbitkan": n, "dihapus": n}``."""
    if umur_detik < 0:
        raise ServiceError(_("Umur berkas tidak boleh negatif."))
    storage = FotoProgres._meta.get_field("foto").storage
    folder = str(PurePosixPath(foto_upload_to(None, "x.jpg")).parent)

    def ada_baris(final: str) -> bool:
        return FotoProgres.objects.filter(foto__in=_nama_foto_asal(final)).exists()

    return rapikan_sementara(storage, folder, ada_baris, umur_detik=umur_detik)
