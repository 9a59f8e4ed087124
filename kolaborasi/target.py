"""Yearly slum-reduction targets (RPJMD, issue 15) beside the measured slum hectares (issue
14's outcome model), for a kabupaten or a kawasan: one row builder for both."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from desa import kondisi_tersimpan

from .models_rencana import TargetTahunan


def baris_target(targets: Iterable[TargetTahunan], terukur: dict[int, Decimal]) -> list[dict]:
    """Per target: the slum hectares measured at the end of its year (none for a year not yet
    over or not yet measured), the fall since the year before and whether it met the
    target. ``terukur`` maps a year to the measured slum ha at its end."""
    sekarang = kondisi_tersimpan.tahun_sekarang()
    rows = []
    for t in targets:
        now = terukur.get(t.tahun) if t.tahun <= sekarang else None
        before = terukur.get(t.tahun - 1)
        turun = (before - now) if now is not None and before is not None else None
        rows.append({"tahun": t.tahun, "target_ha": t.target_ha, "sumber": t.sumber,
                     "is_demo": t.is_demo, "terukur_ha": now, "turun_ha": turun,
                     "tercapai": None if turun is None else turun >= t.target_ha})
    return rows


def target_kawasan(kawasan) -> dict:
    """The kawasan's targets against its locations' measured slum hectares (two queries):
    ``{"baris": [...], "baseline": (year, ha) or None}``."""
    targets = list(TargetTahunan.objects.filter(kawasan=kawasan).order_by("tahun"))
    if not targets:
        return {"baris": [], "baseline": None}
    per_tahun = kondisi_tersimpan.luas_kumuh_kawasan_per_tahun(kawasan.pk)
    terukur = {tahun: ha for tahun, (ha, _n) in per_tahun.items()}
    awal = min(per_tahun) if per_tahun else None
    return {"baris": baris_target(targets, terukur),
            "baseline": (awal, terukur[awal]) if awal is not None else None}
