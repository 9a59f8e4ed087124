"""Service functions for slum assessments: save, recompute, submit, verify, return, aggregate.

Every change that touches several rows runs in one transaction and raises ``ServiceError`` with
a user-facing message; views turn it into a form or ``messages`` error. The scores are computed
only by ``desa.scoring.score_assessment``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from desa import akses, scoring
from desa.models import AturanPenilaian, Kriteria, Penilaian, VolumePenilaian
from inti.services import ServiceError, VersionConflict

HEADER_FIELDS = scoring.HEADER_FIELDS


def ruleset_of(aturan: AturanPenilaian) -> scoring.RuleSet:
    """The pure rule set of a stored one (2 queries)."""
    return aturan.to_ruleset()


def default_aturan() -> AturanPenilaian:
    aturan = AturanPenilaian.objects.bawaan()
    if aturan is None:
        raise ServiceError(_("Belum ada aturan penilaian. Hubungi admin."))
    return aturan


def volume_errors(header: Mapping, volumes: Mapping, rules: scoring.RuleSet) -> dict[str, str]:
    """What the entry form (and the spreadsheet import) must refuse, per criterion code.

    The scoring engine scores anything; people may not enter a negative volume, a volume over a
    zero denominator, or a volume above its denominator.
    """
    errors: dict[str, str] = {}
    for c in rules.criteria:
        vol = volumes.get(c.code)
        if vol is None:
            continue
        vol = Decimal(vol)
        denom = Decimal(header.get(c.denominator) or 0)
        label = dict(_header_labels())[c.denominator]
        if vol < 0:
            errors[c.code] = _("Volume tidak boleh negatif.")
        elif vol > 0 and denom == 0:
            errors[c.code] = _("Volume %(v)s tidak bisa dinilai karena %(d)s bernilai 0. "
                               "Isi %(d)s terlebih dahulu.") % {"v": _angka(vol), "d": label}
        elif vol > denom:
            errors[c.code] = _("Volume %(v)s melebihi %(d)s, yaitu %(n)s.") % {
                "v": _angka(vol), "d": label, "n": _angka(denom)}
    return errors


def _angka(value: Decimal) -> str:
    """A number in an Indonesian message: "60", "1.218", "76,90" (never the English "60.00",
    which an Indonesian reader takes for six thousand)."""
    from inti.numbers import format_decimal_id

    return format_decimal_id(value, 0 if value == value.to_integral_value() else 2)


def _header_labels():
    from desa.models import HEADER_CHOICES

    return [(k, str(v).lower()) for k, v in HEADER_CHOICES]


def hitung_ulang(penilaian: Penilaian, rules: scoring.RuleSet | None = None):
    """Recompute and store the percentages, scores, total and level from the stored volumes."""
    rules = rules or ruleset_of(penilaian.aturan)
    rows = list(penilaian.volume.select_related("kriteria"))
    volumes = {r.kriteria.kode: r.volume for r in rows}
    result = scoring.score_assessment(penilaian.header(), volumes, rules=rules)
    for r in rows:
        cr = result.criteria.get(r.kriteria.kode)
        if cr is not None:
            r.persen, r.skor = cr.percent, cr.score
    VolumePenilaian.objects.bulk_update(rows, ["persen", "skor"])
    for name, value in kolom_tersimpan(penilaian, result, rules).items():
        setattr(penilaian, name, value)
    return result


def kolom_tersimpan(p, result: scoring.AssessmentResult, rules: scoring.RuleSet) -> dict:
    """The columns an assessment stores from its score (total, level, sectoral mean,
    priority, handling pattern); ``p`` carries the legality and priority factors. Every
    writer of assessments stores these (the service, and the bulk synthetic-data generator)."""
    prioritas, pola = _priority(p, result.level, rules)
    return {"total_skor": result.total, "tingkat": result.level,
            "rata_rata_sektoral": result.sectoral_mean, "prioritas": prioritas,
            "pola_penanganan": pola}


def _priority(p, level: str, rules: scoring.RuleSet) -> tuple[str, str]:
    if p.status_lahan_jelas is None or p.sesuai_tata_ruang is None:
        return "", ""
    legal = scoring.legal_status(p.status_lahan_jelas, p.sesuai_tata_ruang, rules)
    pattern = scoring.handling_pattern(level, legal, rules=rules) or ""
    if None in (p.nilai_strategis, p.kepadatan_penduduk, p.potensi_sosial_ekonomi):
        return "", pattern
    letter = scoring.pertimbangan_lain_class(
        p.nilai_strategis, p.kepadatan_penduduk, p.potensi_sosial_ekonomi, rules=rules)
    return scoring.priority_class(level, legal, letter, rules=rules) or "", pattern


def belum_siap_diajukan(penilaian: Penilaian) -> str | None:
    """Why an assessment cannot be submitted yet, or ``None``: a draft saved with fields
    that are not right yet, or base data still missing."""
    if penilaian.isian_belum_benar:
        return _("Draf ini masih punya isian yang belum benar: perbaiki dan simpan dahulu "
                 "sebelum mengajukan.")
    if not any(getattr(penilaian, f) for f in scoring.HEADER_FIELDS):
        return _("Data dasar (luas, jumlah bangunan, jumlah KK, panjang jalan dan drainase "
                 "ideal) masih kosong: isi dahulu sebelum mengajukan.")
    return None


@transaction.atomic
def simpan_penilaian(
    penilaian: Penilaian, volumes: Mapping[str, Decimal], user, versi: int | None = None,
    *, lalu_ajukan: bool = False,
) -> Penilaian:
    """Save the header (already set on ``penilaian``) and all volumes, then recompute; with
    ``lalu_ajukan`` also submit it for verification, all or nothing.

    ``versi`` is the version the user's form was opened at: if the row changed since, nothing
    is saved and ``VersionConflict`` is raised (no silent lost update). ``user`` (``None`` for
    the system: seeds, commands) must be allowed to change it (``akses.boleh_ubah_penilaian``).
    """
    current = None
    if lalu_ajukan and (alasan := belum_siap_diajukan(penilaian)):
        raise ServiceError(alasan)
    rules = ruleset_of(penilaian.aturan)
    errors = volume_errors(penilaian.header(), volumes, rules)
    if errors:
        code, message = next(iter(errors.items()))
        raise ServiceError(message, field=code)
    if penilaian.pk:
        current = Penilaian.objects.select_for_update().get(pk=penilaian.pk)
        if user is not None and not akses.boleh_ubah_penilaian(user, current):
            raise ServiceError(_("Penilaian berstatus \u201c%(s)s\u201d tidak dapat diubah.")
                               % {"s": current.get_status_display()})
        if versi is not None and current.versi != versi:
            raise VersionConflict(_(
                "Penilaian ini telah diubah oleh %(user)s setelah formulir Anda dibuka. "
                "Periksa perubahan di bawah lalu simpan ulang.") % {
                "user": _last_editor(current)})
        penilaian.versi = current.versi + 1
        if current.status == Penilaian.Status.DIVERIFIKASI:
            buka_kembali(penilaian)
    else:
        penilaian.dibuat_oleh = penilaian.dibuat_oleh or user
    penilaian.save()
    if current is not None and current.status == Penilaian.Status.DIVERIFIKASI:
        # No longer verified: the stored condition drops it (same transaction).
        _perbarui_kondisi(current.lokasi_id, penilaian.lokasi_id)
    kriteria = {k.kode: k for k in Kriteria.objects.filter(aturan=penilaian.aturan)}
    existing = {v.kriteria_id: v for v in penilaian.volume.all()}
    new_rows = []
    for code, k in kriteria.items():
        vol = Decimal(volumes.get(code) or 0)
        row = existing.get(k.pk)
        if row is None:
            new_rows.append(VolumePenilaian(penilaian=penilaian, kriteria=k, volume=vol))
        elif row.volume != vol:
            row.volume = vol
            row.save(update_fields=["volume"])  # one history row per changed volume
    if new_rows:
        # One INSERT for the rows and one for their history (a new assessment has 16 or 19).
        bulk_create_with_history(new_rows, VolumePenilaian, default_user=user)
    hitung_ulang(penilaian, rules)
    Penilaian.objects.filter(pk=penilaian.pk).update(
        total_skor=penilaian.total_skor, tingkat=penilaian.tingkat,
        rata_rata_sektoral=penilaian.rata_rata_sektoral, prioritas=penilaian.prioritas,
        pola_penanganan=penilaian.pola_penanganan,
    )
    if lalu_ajukan:
        ajukan(penilaian, user)
    return penilaian


def _last_editor(p: Penilaian) -> str:
    last = p.history.select_related("history_user").first()
    user = getattr(last, "history_user", None)
    return (user.get_full_name() or user.get_username()) if user else _("pengguna lain")


def _transition(penilaian: Penilaian, allowed: tuple[str, ...], target: str, **fields) -> None:
    with transaction.atomic():
        current = Penilaian.objects.select_for_update().get(pk=penilaian.pk)
        if current.status not in allowed:
            raise ServiceError(_("Penilaian berstatus \u201c%(s)s\u201d tidak dapat diproses.")
                               % {"s": current.get_status_display()})
        for key, value in fields.items():
            setattr(penilaian, key, value)
        penilaian.status = target
        penilaian.versi = current.versi + 1
        penilaian.save()
        if Penilaian.Status.DIVERIFIKASI in (current.status, target):
            _perbarui_kondisi(penilaian.lokasi_id)


def _perbarui_kondisi(*lokasi_ids) -> None:
    """Keep the stored slum condition (``desa.kondisi_tersimpan``) of these locations' desa
    current, inside the caller's transaction."""
    from desa import kondisi_tersimpan

    kondisi_tersimpan.perbarui(lokasi_ids=lokasi_ids)


def ajukan(penilaian: Penilaian, user) -> None:
    """Facilitator submits a draft (or a returned one) for verification; its base data must be
    there (:func:`belum_siap_diajukan`)."""
    if alasan := belum_siap_diajukan(penilaian):
        raise ServiceError(alasan)
    S = Penilaian.Status
    _transition(penilaian, (S.DRAFT, S.DIKEMBALIKAN), S.DIAJUKAN, diajukan_pada=timezone.now())


def dua_orang() -> bool:
    """Separation of duties (``VERIFIKASI_DUA_ORANG``, on by default): off only for a
    one-person test setup."""
    return bool(getattr(settings, "VERIFIKASI_DUA_ORANG", True))


def penyunting_terakhir_id(penilaian: Penilaian) -> int | None:
    """The user who last saved the assessment (its newest history row: an edit, or the
    submission)."""
    return (penilaian.history.order_by("-history_date", "-history_id")
            .values_list("history_user_id", flat=True).first())


def buka_kembali(penilaian: Penilaian) -> None:
    """A verified assessment that is edited is no longer verified: back in the verifier's
    queue, and the old verifier's name no longer stands under numbers they did not see."""
    penilaian.status = Penilaian.Status.DIAJUKAN
    penilaian.diverifikasi_oleh = None
    penilaian.diverifikasi_pada = None
    penilaian.diajukan_pada = timezone.now()


def verifikasi(penilaian: Penilaian, user) -> None:
    """Verify and lock a submitted assessment. With ``VERIFIKASI_DUA_ORANG`` the verifier
    must be a second person: neither its creator nor whoever saved it last."""
    if dua_orang() and user is not None and user.pk in (
            penilaian.dibuat_oleh_id, penyunting_terakhir_id(penilaian)):
        raise ServiceError(_("Penilaian ini Anda buat atau ubah sendiri: verifikasi harus "
                             "dilakukan orang lain."))
    S = Penilaian.Status
    _transition(penilaian, (S.DIAJUKAN,), S.DIVERIFIKASI, diverifikasi_oleh=user,
                diverifikasi_pada=timezone.now(), catatan_verifikasi="")


def kembalikan(penilaian: Penilaian, user, catatan: str) -> None:
    catatan = (catatan or "").strip()
    if not catatan:
        raise ServiceError(_("Tuliskan catatan: apa yang perlu diperbaiki fasilitator."),
                           field="catatan")
    S = Penilaian.Status
    _transition(penilaian, (S.DIAJUKAN,), S.DIKEMBALIKAN, catatan_verifikasi=catatan)


def jumlah_masukan(penilaian_qs, key: str, rules_code: str) -> dict:
    """Summed header and volumes per ``key`` value: ``{k: (header, volumes)}``.

    Two grouped SQL queries whatever the number of assessments; only assessments of one rule
    set are summed together (their criteria differ).
    """
    qs = penilaian_qs.filter(aturan__kode=rules_code).order_by()
    headers = {
        row[key]: {f: row[f"s_{f}"] or 0 for f in HEADER_FIELDS}
        for row in qs.values(key).annotate(**{f"s_{f}": Sum(f) for f in HEADER_FIELDS})
    }
    volumes: dict = defaultdict(dict)
    vol_rows = (
        VolumePenilaian.objects.filter(penilaian__in=qs.values("pk")).order_by()
        .values(k=F(f"penilaian__{key}"), kode=F("kriteria__kode"))
        .annotate(total=Sum("volume"))
    )
    for row in vol_rows:
        volumes[row["k"]][row["kode"]] = row["total"]
    return {k: (header, volumes.get(k, {})) for k, header in headers.items()}


def skor_agregat(penilaian_qs, key: str, rules: scoring.RuleSet | None = None) -> dict:
    """Aggregate scores grouped by ``key`` (e.g. ``"lokasi__desa"``): sum the volumes and the
    denominators of the assessments in SQL, then score the sums with the same engine
    (DOMAIN §4).
    """
    if rules is None:
        rules = ruleset_of(default_aturan())
    return {
        k: scoring.score_assessment(header, volumes, rules=rules)
        for k, (header, volumes) in jumlah_masukan(penilaian_qs, key, rules.code).items()
    }


@transaction.atomic
def hapus_penilaian(penilaian: Penilaian) -> None:
    """Delete an assessment with its volumes (the history keeps the deletion, with the user).
    Who may (a facilitator: only a draft of their desa) is the view's lookup, through
    ``desa.akses``."""
    terverifikasi = Penilaian.objects.filter(
        pk=penilaian.pk, status=Penilaian.Status.DIVERIFIKASI).exists()
    penilaian.delete()
    if terverifikasi:
        _perbarui_kondisi(penilaian.lokasi_id)


@transaction.atomic
def hitung_ulang_skor(penilaian_qs) -> int:
    """The admin action "Hitung ulang skor": give every criterion a volume row, recompute
    each assessment's stored scores with the engine, then the stored condition of their desa
    (all in one transaction); the number recomputed."""
    n, lokasi = 0, set()
    for penilaian in penilaian_qs.select_related("aturan"):
        lengkapi_dan_hitung(penilaian)
        lokasi.add(penilaian.lokasi_id)
        n += 1
    _perbarui_kondisi(*lokasi)
    return n


@transaction.atomic
def terapkan_aturan(aturan: AturanPenilaian) -> None:
    """After a rule set changed (thresholds, levels, criteria): its assessments' scores and
    the whole stored condition are recomputed."""
    from desa import kondisi_tersimpan

    for penilaian in Penilaian.objects.filter(aturan=aturan).select_related("aturan"):
        lengkapi_dan_hitung(penilaian)
    kondisi_tersimpan.bangun_ulang()


def lengkapi_dan_hitung(penilaian: Penilaian) -> None:
    """Give every criterion of the rule set a volume row, then recompute and store the scores
    with the one engine (:func:`hitung_ulang`)."""
    have = set(penilaian.volume.values_list("kriteria_id", flat=True))
    VolumePenilaian.objects.bulk_create([
        VolumePenilaian(penilaian=penilaian, kriteria=k)
        for k in Kriteria.objects.filter(aturan_id=penilaian.aturan_id).exclude(pk__in=have)
    ])
    hitung_ulang(penilaian)
    Penilaian.objects.filter(pk=penilaian.pk).update(
        total_skor=penilaian.total_skor, tingkat=penilaian.tingkat,
        rata_rata_sektoral=penilaian.rata_rata_sektoral, prioritas=penilaian.prioritas,
        pola_penanganan=penilaian.pola_penanganan,
    )
