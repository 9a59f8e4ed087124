"""Slum level per desa: the latest verified aggregate of its locations, scored by the engine.

Aggregation sums the volumes and denominators of a desa's locations (``jumlah_masukan``) and
scores the sums, as the ministry's rules aggregate a kawasan.
"""

from __future__ import annotations

from desa import scoring
from desa.models import Penilaian, Tingkat
from desa.penilaian import default_aturan, jumlah_masukan, ruleset_of


def tingkat_per_desa(desa_ids=None) -> dict[int, scoring.AssessmentResult]:
    """Latest verified aggregate score per desa (sum over its locations)."""
    rules = ruleset_of(default_aturan())
    qs = Penilaian.objects.terkini()
    if desa_ids is not None:
        qs = qs.filter(lokasi__desa_id__in=desa_ids)
    return {
        k: scoring.score_assessment(h, v, rules=rules)
        for k, (h, v) in jumlah_masukan(qs, "lokasi__desa", rules.code).items()
    }


LEVEL_COLOURS = {
    Tingkat.KUMUH_BERAT: "#b2182b", Tingkat.KUMUH_SEDANG: "#ef8a62",
    Tingkat.KUMUH_RINGAN: "#fddbc7", Tingkat.TIDAK_KUMUH: "#67a9cf",
}
NOT_ASSESSED_COLOUR = "#d9d9d9"
TINGKAT_LABEL = dict(Tingkat.choices)


def skor_desa() -> dict[int, tuple[int, str]]:
    """``{desa pk: (total score, level)}`` of this year's measured (terukur) aggregate of every
    assessed desa, read from the stored condition (``desa.kondisi_tersimpan``): one query, no
    rescoring."""
    from desa.kondisi_tersimpan import skor_per_desa

    return skor_per_desa()
