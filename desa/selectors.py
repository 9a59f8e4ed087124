"""Read side of the slum assessments: who sees what, desa histories, change history.

Every function here costs a fixed number of queries, whatever the number of locations, years
or history rows (the desa pages pin them in tests).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import pairwise

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from desa import scoring
from desa.models import HEADER_CHOICES, Desa, Kawasan, Lokasi, Penilaian, VolumePenilaian
from desa.penilaian import default_aturan, skor_agregat
from kotaku import roles
from kotaku.numbers import format_decimal_id
from kotaku.services import ServiceError

# ---------------------------------------------------------------------------------------------
# Visibility and permissions
# ---------------------------------------------------------------------------------------------


def penilaian_terlihat(user, queryset: QuerySet | None = None) -> QuerySet:
    """Assessments ``user`` may see: the public sees verified ones only; a facilitator also sees
    every status in their own desa; verifikator, pimpinan and admin see all."""
    qs = Penilaian.objects.all() if queryset is None else queryset
    if roles.is_admin(user) or roles.is_verifikator(user) or roles.is_pimpinan(user):
        return qs
    if roles.is_fasilitator(user):
        return qs.filter(Q(status=Penilaian.Status.DIVERIFIKASI)
                         | Q(lokasi__desa__in=roles.writable_desa(user)))
    return qs.terverifikasi()


def lihat_status(user) -> bool:
    """Whether the user works with statuses (the public only ever sees verified data)."""
    return bool(roles.role_names(user)) or roles.is_admin(user)


def boleh_ubah(user, penilaian: Penilaian) -> bool:
    """Facilitators edit only drafts and returned ones in their desa; admins edit anything."""
    if roles.is_admin(user):
        return True
    return penilaian.dapat_diubah_fasilitator and roles.can_write_desa(user,
                                                                        penilaian.lokasi.desa)


def boleh_ajukan(user, penilaian: Penilaian) -> bool:
    return penilaian.dapat_diubah_fasilitator and roles.can_write_desa(user,
                                                                        penilaian.lokasi.desa)


def boleh_verifikasi(user, penilaian: Penilaian) -> bool:
    return (penilaian.status == Penilaian.Status.DIAJUKAN
            and roles.can_verify_desa(user, penilaian.lokasi.desa))


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

# Fields whose changes people care about; the rest are bookkeeping (who/when is on the row).
_PENILAIAN_TIDAK_DITAMPILKAN = ["lokasi", "aturan", "dibuat_oleh", "diverifikasi_oleh",
                                "diajukan_pada", "diverifikasi_pada", "is_demo"]


def _nama_pengguna(user) -> str:
    if user is None:
        return _("sistem")
    return user.get_full_name() or user.get_username()


def _tampil(field, value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format_decimal_id(value, 0 if value == value.to_integral_value() else 2)
    return str(value)


def riwayat_perubahan(penilaian: Penilaian) -> list[dict]:
    """Who changed what and when, newest first (2 queries): the assessment's own fields
    (header, status, verifier's comment, ...) and each criterion volume, old → new."""
    entries = []
    records = list(penilaian.history.select_related("history_user")
                   .order_by("history_date", "history_id"))
    if records:
        first = records[0]
        entries.append({"waktu": first.history_date, "oleh": _nama_pengguna(first.history_user),
                        "bagian": _("Penilaian"), "isian": _("dibuat"), "lama": "",
                        "baru": ""})
    for old, new in pairwise(records):
        delta = new.diff_against(old, excluded_fields=_PENILAIAN_TIDAK_DITAMPILKAN)
        for change in delta.changes:
            field = Penilaian._meta.get_field(change.field)
            entries.append({
                "waktu": new.history_date, "oleh": _nama_pengguna(new.history_user),
                "bagian": _("Penilaian"), "isian": str(field.verbose_name),
                "lama": _tampil(field, change.old), "baru": _tampil(field, change.new),
            })
    volume_field = VolumePenilaian._meta.get_field("volume")
    per_row = defaultdict(list)
    for rec in (VolumePenilaian.history.filter(penilaian_id=penilaian.pk)
                .select_related("history_user", "kriteria")
                .order_by("history_date", "history_id")):
        per_row[rec.id].append(rec)
    for rows in per_row.values():
        # The creation of the 16 rows is part of "Penilaian dibuat"; only later edits count.
        for old, new in pairwise(rows):
            if old.volume == new.volume:
                continue
            entries.append({
                "waktu": new.history_date, "oleh": _nama_pengguna(new.history_user),
                "bagian": _("Volume %(kode)s") % {"kode": new.kriteria.kode
                                                   if new.kriteria else "?"},
                "isian": str(volume_field.verbose_name),
                "lama": _tampil(volume_field, old.volume),
                "baru": _tampil(volume_field, new.volume),
            })
    entries.sort(key=lambda e: e["waktu"], reverse=True)
    return entries
