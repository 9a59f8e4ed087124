"""Read side of the slum assessments: who sees what, desa histories, change history.

Every function here costs a fixed number of queries, whatever the number of locations, years
or history rows (the desa pages pin them in tests).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from desa import akses, scoring
from desa.models import HEADER_CHOICES, Desa, Kawasan, Lokasi, Penilaian, VolumePenilaian
from desa.penilaian import default_aturan, skor_agregat
from inti.riwayat import Entri, Names, entries, history_rows, newest_first, want_names
from inti.services import ServiceError

# ---------------------------------------------------------------------------------------------
# Visibility and permissions
# ---------------------------------------------------------------------------------------------


def penilaian_terlihat(user, queryset: QuerySet | None = None) -> QuerySet:
    """Assessments ``user`` may see: the public sees verified ones only; a facilitator also sees
    every status in their own desa; verifikator, pimpinan and admin see all."""
    qs = Penilaian.objects.all() if queryset is None else queryset
    if akses.can_verify_anything(user) or akses.is_pimpinan(user):
        return qs
    if akses.is_fasilitator(user):
        return qs.filter(Q(status=Penilaian.Status.DIVERIFIKASI)
                         | Q(lokasi__desa__in=akses.writable_desa(user)))
    return qs.terverifikasi()


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------


def aturan_bawaan():
    """The default stored rule set and its pure form (3 queries); ``(None, None)`` before an
    admin has loaded any (the desa pages then simply show no scores)."""
    try:
        aturan = default_aturan()
    except ServiceError:
        return None, None
    return aturan, aturan.to_ruleset()


def hasil_penilaian(penilaian: Penilaian, rules: scoring.RuleSet) -> scoring.AssessmentResult:
    """The stored assessment scored by the engine (1 query for the volumes)."""
    volumes = {v.kriteria.kode: v.volume for v in penilaian.volume.select_related("kriteria")}
    return scoring.score_assessment(penilaian.header(), volumes, rules)


def tabel_hasil(hasil: scoring.AssessmentResult) -> list[dict]:
    """Rows of the official baseline table: per aspect, its criteria results."""
    labels = {k: str(v) for k, v in HEADER_CHOICES}
    criteria = hasil.criteria
    return [
        {
            "aspek": aspect,
            "baris": [
                {"hasil": criteria[code],
                 "penyebut_label": labels[criteria[code].denominator_field]}
                for code in aspect.criteria
            ],
        }
        for aspect in hasil.aspect_results
    ]


def skor_terkini_desa(desa_ids, rules: scoring.RuleSet | None) -> dict:
    """Per desa pk: the aggregate of each location's latest verified assessment (2 queries)."""
    if rules is None:
        return {}
    qs = Penilaian.objects.terkini().filter(lokasi__desa_id__in=list(desa_ids))
    return skor_agregat(qs, "lokasi__desa", rules)


def lokasi_publik() -> Q:
    """Locations a public page may list: those with a verified assessment, and those with no
    assessment at all (reference locations, activity sites). A location created only for an
    assessment still in draft, submitted or returned stays off public pages and the PDF:
    its RT/RW is not public data until a verifier has checked it."""
    semua = Penilaian.objects.filter(lokasi=OuterRef("pk"))
    return Q(Exists(semua.filter(status=Penilaian.Status.DIVERIFIKASI))) | ~Q(Exists(semua))


def riwayat_desa(desa: Desa) -> dict:
    """Everything the desa page shows about the slum condition, in 10 queries.

    - ``terkini``: the aggregate (summed volumes and denominators, then scored) of each
      location's latest verified assessment, with its baseline table;
    - ``per_tahun``: per year, the aggregate of the locations verified that year;
    - ``kawasan`` and ``lokasi`` (each location with its latest verified assessment).
    """
    aturan, rules = aturan_bawaan()
    if rules is None:
        return {"terkini": None, "per_tahun": [], "kawasan": [], "lokasi": []}
    verified = Penilaian.objects.terverifikasi().filter(lokasi__desa=desa)
    terkini = skor_agregat(Penilaian.objects.terkini().filter(lokasi__desa=desa),
                           "lokasi__desa", rules).get(desa.pk)
    per_tahun_hasil = skor_agregat(verified, "tahun", rules)
    jumlah_lokasi = dict(
        verified.filter(aturan__kode=rules.code).order_by().values_list("tahun")
        .annotate(n=Count("lokasi", distinct=True))
    )
    per_tahun = [
        {"tahun": tahun, "hasil": hasil, "jumlah_lokasi": jumlah_lokasi.get(tahun, 0)}
        for tahun, hasil in sorted(per_tahun_hasil.items())
    ]
    latest = {
        p.lokasi_id: p
        for p in Penilaian.objects.terkini().filter(lokasi__desa=desa).only(
            "pk", "lokasi_id", "tahun", "total_skor", "tingkat")
    }
    lokasi = list(Lokasi.objects.filter(desa=desa).filter(lokasi_publik()).select_related(
        "kawasan"))
    for item in lokasi:
        item.penilaian_terkini = latest.get(item.pk)
    kawasan = list(Kawasan.objects.filter(desa=desa))
    grafik = {
        "tahun": [str(r["tahun"]) for r in per_tahun],
        "total": [r["hasil"].total for r in per_tahun],
        "tingkat": [r["hasil"].level_label for r in per_tahun],
        "maks": rules.max_total,
        "label": _("Total skor kekumuhan"),
        "batas": [[min_total, scoring.LEVEL_LABELS[level]]
                  for min_total, level in rules.level_bands],
    }
    return {
        "aturan": aturan,
        "rules": rules,
        "terkini": terkini,
        "terkini_tabel": tabel_hasil(terkini) if terkini else [],
        "terkini_tahun": sorted({p.tahun for p in latest.values()}),
        "terkini_jumlah_lokasi": len(latest),
        "per_tahun": per_tahun,
        "aspek": rules.aspects,
        "grafik": grafik,
        "kawasan": kawasan,
        "luas_kawasan": sum((k.luas_ha for k in kawasan), Decimal(0)),
        "lokasi": lokasi,
    }


# ---------------------------------------------------------------------------------------------
# Change history ("riwayat perubahan")
# ---------------------------------------------------------------------------------------------

# Bookkeeping, not content (who and when are on the entry).
_PENILAIAN_TIDAK_DITAMPILKAN = ("lokasi", "aturan", "diverifikasi_oleh", "diajukan_pada",
                                "diverifikasi_pada", "is_demo")
_VOLUME_TIDAK_DITAMPILKAN = ("penilaian", "kriteria", "persen", "skor")


def riwayat_perubahan(penilaian: Penilaian) -> list[Entri]:
    """Who changed what and when, newest first (2 queries, through the history engine): the
    assessment's own fields (header, status, verifier's comment, ...) and each criterion
    volume, old → new. The volumes' creation is part of "Penilaian dibuat"."""
    rows = history_rows(Penilaian, id=penilaian.pk)
    volume_rows = list(VolumePenilaian.history.filter(penilaian_id=penilaian.pk)
                       .select_related("history_user", "kriteria")
                       .order_by("id", "history_date", "history_id"))
    names = Names()
    want_names(names, Penilaian, rows, _PENILAIAN_TIDAK_DITAMPILKAN)  # none shown today
    names.load()

    def label_volume(rec):
        return _("Volume %(kode)s") % {"kode": rec.kriteria.kode if rec.kriteria else "?"}

    return newest_first(
        entries(rows, Penilaian, names, lambda rec: _("Penilaian"),
                sembunyikan=_PENILAIAN_TIDAK_DITAMPILKAN, isi_dibuat=False)
        + entries(volume_rows, VolumePenilaian, names, label_volume,
                  sembunyikan=_VOLUME_TIDAK_DITAMPILKAN, isi_dibuat=None))


def antrian_verifikasi(user):
    """Submissions waiting for this verifier, oldest first (the queue page and *Tugas saya*).
    Same order on SQLite and PostgreSQL; a submission without a timestamp counts as oldest."""
    return (Penilaian.objects.filter(status=Penilaian.Status.DIAJUKAN,
                                     lokasi__desa__in=akses.verifiable_desa(user))
            .select_related("lokasi__desa")
            .order_by(F("diajukan_pada").asc(nulls_first=True), "pk"))


# ---------------------------------------------------------------------------------------------
# Kawasan (issue 15): priority per kawasan from its locations' latest verified assessments
# ---------------------------------------------------------------------------------------------


def kawasan_dengan_prioritas(kawasan_qs) -> tuple[list[Kawasan], object]:
    """The kawasan of ``kawasan_qs`` with ``.hasil_prioritas`` (``desa.kawasan
    .PrioritasKawasan``) from the default rule set: 5 queries whatever the number of kawasan
    (rule set 3, assessments 1, volumes 1) plus the kawasan themselves."""
    from desa.kawasan import prioritas_dan_pola

    kawasan = list(kawasan_qs)
    aturan, rules = aturan_bawaan()
    items: dict = {k.pk: [] for k in kawasan}
    if rules is not None and kawasan:
        nilai = (Penilaian.objects.terkini().filter(aturan=aturan,
                                                    lokasi__kawasan__in=[k.pk for k in kawasan])
                 .select_related("lokasi").order_by())
        nilai = list(nilai)
        volumes: dict = {p.pk: {} for p in nilai}
        for pid, kode, vol in (VolumePenilaian.objects.filter(penilaian__in=[p.pk for p in nilai])
                               .order_by().values_list("penilaian_id", "kriteria__kode",
                                                       "volume")):
            volumes[pid][kode] = vol
        for p in nilai:
            items[p.lokasi.kawasan_id].append((p.header(), volumes[p.pk]))
    for k in kawasan:
        k.hasil_prioritas = (prioritas_dan_pola(k, items[k.pk], rules) if rules is not None
                             else None)
    return kawasan, rules
