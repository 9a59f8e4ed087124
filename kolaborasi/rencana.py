"""Writes of the collaborative plan (issue 15): plan documents, items with their criteria,
commitments and the agreement. Plain data in, one transaction, ``ServiceError`` with an
Indonesian message out; the pages, the admin and the demo data call the same functions."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from inti.services import ServiceError

from .models_rencana import (
    DokumenRencana,
    ItemKriteria,
    ItemRencana,
    JenisRencana,
    JenisSumberDaya,
    KomitmenItem,
    StatusRencana,
)


def _validasi(obj) -> None:
    try:
        obj.full_clean(exclude=[f.name for f in obj._meta.many_to_many])
    except ValidationError as exc:
        field, pesan = next(iter(exc.message_dict.items()))
        raise ServiceError(pesan[0], field=None if field == "__all__" else field) from exc


@transaction.atomic
def simpan_dokumen(dokumen: DokumenRencana) -> DokumenRencana:
    """Save a plan document. One draft of a kind per desa (RPLP) or kabupaten (RP2KPKP) for
    any year: a second draft whose period overlaps is refused (a typed-twice plan). A draft
    beside an agreed plan of the same period is its revision, and is allowed."""
    _validasi(dokumen)
    wilayah = ({"desa_id": dokumen.desa_id} if dokumen.jenis == JenisRencana.RPLP
               else {"kabupaten_id": dokumen.kabupaten_id})
    bentrok = None
    if dokumen.status == StatusRencana.DRAF:
        bentrok = (DokumenRencana.objects.select_for_update()
                   .filter(jenis=dokumen.jenis, status=StatusRencana.DRAF,
                           tahun_mulai__lte=dokumen.tahun_selesai,
                           tahun_selesai__gte=dokumen.tahun_mulai, **wilayah)
                   .exclude(pk=dokumen.pk).order_by("tahun_mulai").first())
    if dokumen.pk and (luar := dokumen.item.exclude(
            tahun_target__range=(dokumen.tahun_mulai, dokumen.tahun_selesai))
            .order_by("tahun_target").first()) is not None:
        raise ServiceError(
            _("Item “%(item)s” bertahun target %(t)s, di luar periode baru. Ubah item itu "
              "lebih dulu, atau pilih periode yang mencakupnya.")
            % {"item": luar.nama, "t": luar.tahun_target}, field="tahun_mulai")
    if bentrok is not None:
        raise ServiceError(
            _("Periode ini bertumpang dengan draf rencana “%(judul)s” (%(a)s–%(b)s) untuk "
              "wilayah yang sama. Ubah draf itu, atau pilih periode lain.")
            % {"judul": bentrok.judul, "a": bentrok.tahun_mulai, "b": bentrok.tahun_selesai},
            field="tahun_mulai")
    dokumen.save()
    return dokumen


@transaction.atomic
def sepakati(dokumen: DokumenRencana, forum, tanggal) -> DokumenRencana:
    """Mark a plan agreed in ``forum`` on ``tanggal`` (draf → disepakati)."""
    if forum is None or tanggal is None:
        raise ServiceError(_("Rencana yang disepakati perlu forum dan tanggal kesepakatannya."))
    if dokumen.jenis == JenisRencana.RPLP and forum.desa_id not in (None, dokumen.desa_id):
        raise ServiceError(_("Forum ini milik desa lain."), field="forum")
    if not dokumen.item.exists():
        raise ServiceError(_("Rencana tanpa item belum dapat disepakati."))
    dokumen.status = StatusRencana.DISEPAKATI
    dokumen.forum = forum
    dokumen.tanggal_disepakati = tanggal
    return simpan_dokumen(dokumen)


@transaction.atomic
def simpan_item(item: ItemRencana, kriteria: list[dict], usulan_pendana=()) -> ItemRencana:
    """Save a plan item with the whole set of criteria it addresses, each
    ``{"kriteria": Kriteria, "volume": Decimal}`` (criterion unit), and its proposed funders.
    """
    dokumen = item.dokumen
    if dokumen.jenis == JenisRencana.RPLP:
        item.desa_id = item.desa_id or dokumen.desa_id
        if item.desa_id != dokumen.desa_id:
            raise ServiceError(_("Item RPLP harus berada di desa rencana."), field="desa")
    elif item.desa_id and item.desa.kecamatan.kabupaten_id != dokumen.kabupaten_id:
        raise ServiceError(_("Desa item harus berada di kabupaten rencana."), field="desa")
    # No kawasan-in-desa check: a kawasan may span several desa (its SK decides).
    if item.lokasi_id and item.lokasi.desa_id != item.desa_id:
        raise ServiceError(_("Lokasi harus berada di desa item."), field="lokasi")
    if item.tahun_target is not None and not (
            dokumen.tahun_mulai <= item.tahun_target <= dokumen.tahun_selesai):
        raise ServiceError(
            _("Tahun target harus dalam periode rencana (%(a)s–%(b)s).")
            % {"a": dokumen.tahun_mulai, "b": dokumen.tahun_selesai}, field="tahun_target")
    if not kriteria:
        raise ServiceError(_("Sebutkan paling sedikit satu kriteria yang ditangani."),
                           field="kriteria")
    kode = [k["kriteria"].pk for k in kriteria]
    if len(set(kode)) != len(kode):
        raise ServiceError(_("Satu kriteria hanya boleh dicantumkan sekali."), field="kriteria")
    for k in kriteria:
        if k.get("volume") is None or k["volume"] <= 0:
            raise ServiceError(_("Volume per kriteria harus lebih dari nol (satuan %(s)s).")
                               % {"s": k["kriteria"].satuan}, field="kriteria")
    _validasi(item)
    try:
        with transaction.atomic():
            item.save()
            lama = {r.kriteria_id: r for r in item.item_kriteria.all()}
            for k in kriteria:
                row = lama.pop(k["kriteria"].pk, None)
                if row is None:
                    ItemKriteria.objects.create(item=item, kriteria=k["kriteria"],
                                                volume=k["volume"])
                elif row.volume != k["volume"]:
                    row.volume = k["volume"]
                    row.save()
            for row in lama.values():
                row.delete()
            item.usulan_pendana.set(usulan_pendana)
    except IntegrityError as exc:
        raise ServiceError(_("Item rencana tidak dapat disimpan karena melanggar aturan data. "
                             "Tidak ada yang tersimpan.")) from exc
    return item


@transaction.atomic
def simpan_komitmen_item(komitmen: KomitmenItem) -> KomitmenItem:
    """A stakeholder commits money, in-kind, person-days or people to a plan item."""
    if komitmen.jenis in (JenisSumberDaya.HOK, JenisSumberDaya.ORANG) and not (
            komitmen.jumlah and komitmen.jumlah > 0):
        raise ServiceError(_("Isi jumlah HOK/orang yang dijanjikan."), field="jumlah")
    if komitmen.jenis == JenisSumberDaya.UANG:
        komitmen.jumlah = None
    if komitmen.jenis != JenisSumberDaya.UANG and not komitmen.uraian.strip():
        raise ServiceError(_("Komitmen selain uang perlu uraian."), field="uraian")
    if komitmen.nilai_rp is None or komitmen.nilai_rp < Decimal(0):
        raise ServiceError(_("Nilai tidak boleh negatif."), field="nilai_rp")
    _validasi(komitmen)
    komitmen.save()
    return komitmen
