""""Tugas saya": what each user has to do next, computed in a fixed number of queries.

For a facilitator, per assigned desa: locations without this year's assessment, running
activities without a progress report in the last 30 days or past their finish date,
assessments returned with the verifier's comment, and drafts not yet submitted. For a
verifier: submissions waiting in their kecamatan, oldest first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone

from anggaran.models import Kegiatan, StatusKegiatan
from desa.models import Desa, Lokasi, Penilaian
from kotaku import roles

STALE_DAYS = 30


@dataclass
class TugasDesa:
    desa: Desa
    lokasi_belum_dinilai: list = field(default_factory=list)
    kegiatan_tanpa_progres: list = field(default_factory=list)
    kegiatan_terlambat: list = field(default_factory=list)
    dikembalikan: list = field(default_factory=list)
    draf: list = field(default_factory=list)

    @property
    def jumlah(self) -> int:
        return (len(self.lokasi_belum_dinilai) + len(self.kegiatan_tanpa_progres)
                + len(self.kegiatan_terlambat) + len(self.dikembalikan) + len(self.draf))


def tugas_fasilitator(user, today: dt.date | None = None) -> list[TugasDesa]:
    today = today or timezone.localdate()
    desa_qs = roles.writable_desa(user).order_by("kode_wilayah")
    per_desa = {d.pk: TugasDesa(d) for d in desa_qs}
    if not per_desa:
        return []
    ids = list(per_desa)
    this_year = Penilaian.objects.filter(lokasi=OuterRef("pk"), tahun=today.year)
    for lokasi in (Lokasi.objects.filter(desa_id__in=ids).filter(~Exists(this_year))
                   .order_by("nama")):
        per_desa[lokasi.desa_id].lokasi_belum_dinilai.append(lokasi)
    running = (Kegiatan.objects.filter(desa_id__in=ids, status=StatusKegiatan.BERJALAN)
               .annotate(progres_terakhir=Max("progres__tanggal")).order_by("tanggal_selesai",
                                                                            "nama"))
    cutoff = today - dt.timedelta(days=STALE_DAYS)
    for k in running:
        if k.progres_terakhir is None or k.progres_terakhir < cutoff:
            per_desa[k.desa_id].kegiatan_tanpa_progres.append(k)
        if k.tanggal_selesai and k.tanggal_selesai < today:
            per_desa[k.desa_id].kegiatan_terlambat.append(k)
    S = Penilaian.Status
    for p in (Penilaian.objects.filter(lokasi__desa_id__in=ids,
                                       status__in=[S.DIKEMBALIKAN, S.DRAFT])
              .select_related("lokasi").order_by("diubah_pada")):
        target = per_desa[p.lokasi.desa_id]
        (target.dikembalikan if p.status == S.DIKEMBALIKAN else target.draf).append(p)
    return list(per_desa.values())


def antrian_verifikasi(user):
    """Submissions waiting for this verifier, oldest first."""
    return (Penilaian.objects.filter(status=Penilaian.Status.DIAJUKAN,
                                     lokasi__desa__in=roles.verifiable_desa(user))
            .select_related("lokasi__desa")
            # Same order on SQLite and PostgreSQL; a submission without a timestamp is oldest.
            .order_by(F("diajukan_pada").asc(nulls_first=True), "pk"))


__all__ = ["STALE_DAYS", "TugasDesa", "antrian_verifikasi",
           "tugas_fasilitator"]
