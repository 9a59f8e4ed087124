""""Tugas saya": what each user has to do next, computed in a fixed number of queries.

For a facilitator, per assigned desa: locations without this year's assessment, running
activities without a progress report in the last 30 days or past their finish date,
assessments returned with the verifier's comment, and drafts not yet submitted. For a
verifier: submissions waiting in their kecamatan, oldest first.

Someone who may write in more than :data:`MAKS_DESA_RINCI` desa (an admin nationally: 83,762)
gets :func:`ringkasan_tugas` instead: per category the count (SQL aggregates) and the
:data:`MAKS_BUTIR` oldest items; the per-desa list is then asked for one desa at a time
(:class:`PilihDesaForm`). The number of queries is the same whatever the number of desa.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anggaran.models import Kegiatan, LaporanProgres, StatusKegiatan
from desa import akses
from desa.models import Desa, Lokasi, Penilaian
from desa.selectors import antrian_verifikasi
from inti.forms_base import FilterForm
from inti.pilihan import DesaPilihanField

STALE_DAYS = 30
# More writable desa than this: the summary (counts and the oldest items), not one card each.
MAKS_DESA_RINCI = 30
# Items listed per category in the summary.
MAKS_BUTIR = 20


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
    return tugas_per_desa(akses.writable_desa(user).order_by("kode_wilayah"), today)


def desa_rinci(user) -> list[Desa] | None:
    """The user's writable desa while at most :data:`MAKS_DESA_RINCI` (one bounded query),
    else ``None``: the page shows the summary instead."""
    desa = list(akses.writable_desa(user).defer("batas")
                .order_by("kode_wilayah")[:MAKS_DESA_RINCI + 1])
    return desa if len(desa) <= MAKS_DESA_RINCI else None


def tugas_per_desa(desa_qs, today: dt.date | None = None) -> list[TugasDesa]:
    """The task cards of these desa (a queryset or a list), in their order: 4 queries."""
    today = today or timezone.localdate()
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


# ------------------------------------------------------------------------------ summary


@dataclass
class KategoriTugas:
    kode: str
    jumlah: int
    butir: list

    @property
    def lebih(self) -> int:
        """How many are not listed."""
        return max(0, self.jumlah - len(self.butir))


@dataclass
class RingkasanTugas:
    jumlah_desa: int
    kategori: dict[str, KategoriTugas]

    @property
    def jumlah(self) -> int:
        return sum(k.jumlah for k in self.kategori.values())


def _di_desa_tulis(qs, user, path: str):
    """``qs`` limited to the user's writable desa (no condition at all for an admin)."""
    if akses.is_admin(user):
        return qs
    return qs.filter(**{f"{path}__in": akses.writable_desa(user).values("pk")})


def _teratas(qs, order: tuple, related: str) -> list:
    """The first :data:`MAKS_BUTIR` rows of ``qs`` in ``order``, with ``related`` joined for
    those rows only (choosing them among 50,000 without the join is twice as fast)."""
    pilihan = qs.order_by(*order).values("pk")[:MAKS_BUTIR]
    return list(qs.filter(pk__in=pilihan).select_related(related)
                .defer(f"{related}__batas").order_by(*order))


def ringkasan_tugas(user, today: dt.date | None = None) -> RingkasanTugas:
    """Per category, the count over every writable desa and the oldest items; the number of
    writable desa: 9 queries."""
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=STALE_DAYS)
    kategori = {}

    this_year = Penilaian.objects.filter(lokasi=OuterRef("pk"), tahun=today.year)
    lokasi = _di_desa_tulis(Lokasi.objects.all(), user, "desa").filter(~Exists(this_year))
    terakhir = (Penilaian.objects.filter(lokasi=OuterRef("pk")).order_by("-tahun")
                .values("tahun")[:1])
    kategori["lokasi_belum_dinilai"] = KategoriTugas(
        "lokasi_belum_dinilai", lokasi.count(), _teratas(
            lokasi.annotate(tahun_terakhir=Subquery(terakhir)),
            # Never assessed first, then the longest ago.
            (F("tahun_terakhir").asc(nulls_first=True), "desa__kode_wilayah", "nama", "pk"),
            "desa"))

    berjalan = _di_desa_tulis(Kegiatan.objects.filter(status=StatusKegiatan.BERJALAN), user,
                              "desa")
    segar = LaporanProgres.objects.filter(kegiatan=OuterRef("pk"), tanggal__gte=cutoff)
    jumlah = berjalan.aggregate(
        tanpa_progres=Count("pk", filter=~Exists(segar)),
        terlambat=Count("pk", filter=Q(tanggal_selesai__lt=today)))
    progres_terakhir = (LaporanProgres.objects.filter(kegiatan=OuterRef("pk"))
                        .order_by("-tanggal").values("tanggal")[:1])
    kategori["kegiatan_tanpa_progres"] = KategoriTugas(
        "kegiatan_tanpa_progres", jumlah["tanpa_progres"], _teratas(
            berjalan.filter(~Exists(segar))
            .annotate(progres_terakhir=Subquery(progres_terakhir)),
            (F("progres_terakhir").asc(nulls_first=True),
             F("tanggal_selesai").asc(nulls_last=True), "pk"), "desa"))
    kategori["kegiatan_terlambat"] = KategoriTugas(
        "kegiatan_terlambat", jumlah["terlambat"], _teratas(
            berjalan.filter(tanggal_selesai__lt=today), ("tanggal_selesai", "pk"), "desa"))

    S = Penilaian.Status
    penilaian = _di_desa_tulis(Penilaian.objects.all(), user, "lokasi__desa")
    jumlah = penilaian.aggregate(
        dikembalikan=Count("pk", filter=Q(status=S.DIKEMBALIKAN)),
        draf=Count("pk", filter=Q(status=S.DRAFT)))
    for kode, status in (("dikembalikan", S.DIKEMBALIKAN), ("draf", S.DRAFT)):
        kategori[kode] = KategoriTugas(kode, jumlah[kode], _teratas(
            penilaian.filter(status=status), ("diubah_pada", "pk"), "lokasi__desa"))
    return RingkasanTugas(akses.writable_desa(user).values("pk").count(), kategori)


class PilihDesaForm(FilterForm):
    """In the summary, the task card of one desa (``?desa=``): a select while the writable
    desa are few, else typed with suggestions (``inti.pilihan``)."""

    desa = DesaPilihanField(
        queryset=Desa.objects.none(), to_field_name="kode_wilayah", required=False,
        label=_("Tugas satu desa"), empty_label=_("– pilih desa –"),
        error_messages={"invalid_choice": _("Pilih desa tugas Anda.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = akses.writable_desa(user).order_by("nama")


__all__ = ["MAKS_BUTIR", "MAKS_DESA_RINCI", "STALE_DAYS", "KategoriTugas", "PilihDesaForm",
           "RingkasanTugas", "TugasDesa", "antrian_verifikasi", "desa_rinci", "ringkasan_tugas",
           "tugas_fasilitator", "tugas_per_desa"]
