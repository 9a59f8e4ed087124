"""Creating a new assessment (step one of the entry flow): location and year.

Kept next to ``desa.penilaian`` (which saves, scores and moves assessments through their
statuses); this module only adds the creation of a location and of the draft itself, in one
transaction, so a refused draft leaves no orphan location behind.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from desa.models import Desa, Lokasi, Penilaian
from desa.penilaian import default_aturan, simpan_penilaian
from inti.services import ServiceError

_COPIED = ("luas_ha", "jumlah_bangunan", "jumlah_kk", "jumlah_penduduk",
           "panjang_jalan_ideal_m", "panjang_drainase_ideal_m", "status_lahan_jelas",
           "sesuai_tata_ruang", "nilai_strategis", "kepadatan_penduduk",
           "potensi_sosial_ekonomi")


def penilaian_sebelumnya(lokasi: Lokasi, tahun: int) -> Penilaian | None:
    """The latest verified assessment of ``lokasi`` before ``tahun`` (the annual update's base)."""
    return (Penilaian.objects.terverifikasi().filter(lokasi=lokasi, tahun__lt=tahun)
            .order_by("-tahun").first())


def buat_penilaian(desa: Desa, user, *, tahun: int, lokasi: Lokasi | None = None,
                   nama: str = "", rt: str = "", rw: str = "", kawasan=None,
                   salin: bool = False, token_kirim=None) -> Penilaian:
    """Create a draft assessment for an existing or a new location of ``desa``.

    The draft starts with a zero header and zero volumes, or, with ``salin``, with the values of
    the location's latest verified assessment (then it is an annual update, *pemutakhiran*).
    Raises ``ServiceError`` (with ``field``) if the location/year is taken or the copy is refused.
    """
    aturan = default_aturan()
    try:
        with transaction.atomic():
            if lokasi is None:
                lokasi = Lokasi(desa=desa, nama=nama, rt=rt, rw=rw, kawasan=kawasan)
                try:
                    lokasi.full_clean()
                except ValidationError as exc:
                    raise ServiceError(" ".join(exc.messages), field="nama") from exc
                lokasi.save()
            elif lokasi.desa_id != desa.pk:
                raise ServiceError(_("Lokasi tidak berada di desa ini."), field="lokasi")
            penilaian = Penilaian(
                lokasi=lokasi, tahun=tahun, aturan=aturan, luas_ha=0, jumlah_bangunan=0,
                jumlah_kk=0, panjang_jalan_ideal_m=0, panjang_drainase_ideal_m=0,
                dibuat_oleh=user, token_kirim=token_kirim,
            )
            volumes: dict[str, Decimal] = {}
            sebelum = penilaian_sebelumnya(lokasi, tahun) if salin and lokasi.pk else None
            if sebelum is not None:
                penilaian.jenis = Penilaian.Jenis.PEMUTAKHIRAN
                for name in _COPIED:
                    setattr(penilaian, name, getattr(sebelum, name))
                volumes = {v.kriteria.kode: v.volume
                           for v in sebelum.volume.select_related("kriteria")}
            try:
                simpan_penilaian(penilaian, volumes, user)
            except ServiceError as exc:
                if sebelum is None:
                    raise
                raise ServiceError(_(
                    "Isian penilaian %(t)s tidak lolos pemeriksaan (%(e)s). Hapus centang "
                    "\u201csalin\u201d dan isi ulang.") % {"t": sebelum.tahun, "e": exc.message},
                    field="salin") from exc
    except IntegrityError as exc:
        raise ServiceError(_("Lokasi ini sudah punya penilaian untuk tahun tersebut."),
                           field="tahun") from exc
    return penilaian
