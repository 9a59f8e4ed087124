"""The numbers behind the printable reports, and the score-history chart drawn as SVG.

Reports reuse the read side of the pages (``desa.selectors.riwayat_desa`` for the slum
condition, ``anggaran.dashboard`` for money and impact), so a PDF always shows what the
pages show. The chart is drawn here, server-side, as inline SVG: PDFs run no JavaScript.
"""

from __future__ import annotations

import base64
import mimetypes
from decimal import Decimal

from django.db.models import Count, Prefetch, Sum
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from anggaran import dashboard as dash
from anggaran.kondisi import riwayat_terukur
from anggaran.models import FotoProgres, Kegiatan, Pendanaan
from desa import scoring
from desa.models import Desa, Kecamatan, Penilaian
from desa.selectors import riwayat_desa
from desa.tingkat import LEVEL_COLOURS, NOT_ASSESSED_COLOUR
from kolaborasi.models import JenisPemangku

MAX_FOTO = 12
JUTA = Decimal(1_000_000)


# ---------------------------------------------------------------------------------------------
# Chart
# ---------------------------------------------------------------------------------------------


def grafik_riwayat_svg(per_tahun: list[dict], max_total: int, level_bands) -> str:
    """Bars of the total score per year, with the level bands as dashed lines.

    ``per_tahun``: ``[{"tahun": 2019, "hasil": AssessmentResult}, ...]`` (``riwayat_desa``).
    Returns safe SVG markup (every label escaped).
    """
    width, height = 640, 240
    left, right, top, bottom = 36, 150, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    max_total = max(int(max_total), 1)

    def y(value) -> float:
        return round(top + plot_h * (1 - min(max(value, 0), max_total) / max_total), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grafik" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="Liberation Sans, DejaVu '
        f'Sans, sans-serif" font-size="11">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" '
        f'stroke="#ccc"/>',
    ]
    step = 20 if max_total > 40 else 10
    for tick in range(0, max_total + 1, step):
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end" '
                     f'fill="#555">{tick}</text>')
    for min_total, level in level_bands:
        yy = y(min_total)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{yy}" y2="{yy}" '
                     f'stroke="{LEVEL_COLOURS.get(level, "#999")}" stroke-width="1.5" '
                     f'stroke-dasharray="5,3"/>')
        label = escape(f"\u2265 {min_total} {scoring.LEVEL_LABELS.get(level, level)}")
        parts.append(f'<text x="{left + plot_w + 6}" y="{yy + 4}" fill="#333">{label}</text>')
    n = len(per_tahun)
    if n:
        slot = plot_w / n
        bar = min(56.0, slot * 0.6)
        for i, row in enumerate(per_tahun):
            hasil = row["hasil"]
            cx = left + slot * (i + 0.5)
            yy = y(hasil.total)
            colour = LEVEL_COLOURS.get(hasil.level, NOT_ASSESSED_COLOUR)
            parts.append(f'<rect x="{round(cx - bar / 2, 1)}" y="{yy}" width="{round(bar, 1)}" '
                         f'height="{round(top + plot_h - yy, 1)}" fill="{colour}" '
                         f'stroke="#333" stroke-width="0.5"/>')
            parts.append(f'<text x="{round(cx, 1)}" y="{yy - 4}" text-anchor="middle" '
                         f'font-weight="bold">{hasil.total}</text>')
            parts.append(f'<text x="{round(cx, 1)}" y="{top + plot_h + 16}" '
                         f'text-anchor="middle">{escape(str(row["tahun"]))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built above from numbers and escaped text


# ---------------------------------------------------------------------------------------------
# Desa profile
# ---------------------------------------------------------------------------------------------


# A photo bigger than this is left out of the PDF rather than inlined (uploads are capped
# well below it; the PDF renderer downsamples to print resolution anyway).
FOTO_MAKS_BITA = 20 * 1024 * 1024


def _data_url(field) -> str | None:
    """The photo's bytes as a ``data:`` URL, read through ``storage.open()``: S3 and other
    remote storages implement no ``path()`` (with them every photo used to vanish silently)."""
    try:
        with field.storage.open(field.name, "rb") as fh:
            content = fh.read(FOTO_MAKS_BITA + 1)
    except (OSError, ValueError):
        return None
    if not content or len(content) > FOTO_MAKS_BITA:
        return None
    mime = mimetypes.guess_type(field.name)[0] or "image/jpeg"
    if not mime.startswith("image/"):
        return None
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _foto(desa: Desa) -> list[dict]:
    """Latest progress photos whose files exist, inlined as ``data:`` URLs for the PDF
    renderer (read through the storage, local disk or S3 alike)."""
    out = []
    for foto in (FotoProgres.objects.filter(laporan__kegiatan__desa=desa)
                 .select_related("laporan__kegiatan")
                 .order_by("-laporan__kegiatan__tahun_anggaran", "laporan__kegiatan_id",
                           "laporan__tanggal", "pk")
                 [:MAX_FOTO * 2]):
        url = _data_url(foto.foto)
        if url is None:
            continue
        out.append({"url": url, "foto": foto, "kegiatan": foto.laporan.kegiatan,
                    "tanggal": foto.laporan.tanggal})
        if len(out) >= MAX_FOTO:
            break
    return out


def data_desa(desa: Desa) -> dict:
    riwayat = riwayat_terukur(riwayat_desa(desa), desa.pk)
    f = dash.Filter(desa_id=desa.pk)
    lines = Pendanaan.objects.select_related("pemangku", "sumber").order_by(
        "sumber__urutan", "pemangku__nama", "pk")
    kegiatan = list(
        Kegiatan.objects.filter(desa=desa).with_totals()
        .select_related("kriteria", "pelaksana", "lokasi")
        .prefetch_related(Prefetch("pendanaan", queryset=lines))
        .order_by("-tahun_anggaran", "nama", "pk"))
    per_sumber = [r for r in dash.per_sumber(f) if r["rencana"] or r["realisasi"]]
    jenis_label = dict(JenisPemangku.choices)
    per_pemangku = [
        {**r, "jenis_label": jenis_label.get(r["pemangku__jenis"], r["pemangku__jenis"])}
        for r in dash.pendanaan(f).values("pemangku__nama", "pemangku__jenis").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            kegiatan=Count("kegiatan", distinct=True)).order_by("-rencana", "pemangku__nama")
    ]
    total_rencana = sum((r["rencana"] for r in per_sumber), Decimal(0))
    total_realisasi = sum((r["realisasi"] for r in per_sumber), Decimal(0))
    rules = riwayat.get("rules")
    grafik = None
    if riwayat.get("per_tahun") and rules is not None:
        grafik = grafik_riwayat_svg(riwayat["per_tahun"], rules.max_total, rules.level_bands)
    berisi_demo = (any(k.is_demo for k in kegiatan)
                   or any(k.is_demo for k in riwayat.get("kawasan", []))
                   or Penilaian.objects.filter(lokasi__desa=desa, is_demo=True).exists())
    return {
        "desa": desa, "riwayat": riwayat, "grafik": grafik, "kegiatan": kegiatan,
        "per_sumber": per_sumber, "per_pemangku": per_pemangku,
        "total_rencana": total_rencana, "total_realisasi": total_realisasi,
        "celah": dash.celah_pendanaan(desa, riwayat.get("terkini")),
        "foto": _foto(desa), "berisi_demo": berisi_demo, "dicetak": timezone.localtime(),
    }


# ---------------------------------------------------------------------------------------------
# District (kecamatan) report: the Beranda numbers, the matrix and the impact table
# ---------------------------------------------------------------------------------------------


def data_kecamatan(kecamatan: Kecamatan) -> dict:
    """Beranda, the matrix and the impact table scoped to one kecamatan (any kecamatan)."""
    f = dash.Filter(wilayah=kecamatan.kode_wilayah)
    ringkasan = dash.ringkasan(f)
    desa_rows = dash.per_wilayah(f, tingkat="desa")["rows"]
    m = dash.matriks(f, "pemangku", "desa", "rencana")
    dampak_rows, dampak_total = dash.dampak(desa_ids=[row["pk"] for row in desa_rows])
    return {
        "kecamatan": kecamatan, "r": ringkasan, "desa_rows": desa_rows,
        "per_sumber": [s for s in dash.per_sumber(f) if s["rencana"] or s["realisasi"]],
        "per_jenis": dash.per_jenis_pemangku(f), "m": m,
        "m_juta": {
            "rows": [{"label": row["label"],
                      "cells": [None if v is None else v / JUTA for v in row["cells"]],
                      "total": row["total"] / JUTA} for row in m.rows],
            "col_totals": [v / JUTA for v in m.col_totals], "total": m.total / JUTA,
        },
        "dampak": dampak_rows, "dampak_total": dampak_total,
        "keluar": [d for d in dampak_rows if d.keluar_dari_kumuh],
        "berisi_demo": Kegiatan.objects.filter(is_demo=True).exists()
        or Penilaian.objects.filter(is_demo=True).exists(),
        "dicetak": timezone.localtime(),
    }


def data_memorandum(kode: str) -> dict:
    """The Memorandum Program of an agreed plan (``kode``: its id) for signing (issue 15)."""
    from django.utils import timezone

    from anggaran import rencana
    from kolaborasi.models import DokumenRencana, StatusRencana

    dokumen = (DokumenRencana.objects.select_related("desa", "kabupaten", "forum")
               .filter(pk=int(kode), status=StatusRencana.DISEPAKATI).first())
    if dokumen is None:
        raise LookupError(kode)
    from inti.viewutils import hitung_demo

    data = rencana.memorandum(dokumen)
    return {**data, "dicetak": timezone.localtime(),
            "tanda": hitung_demo(data["items"], "item rencana", lambda b: b.item.is_demo),
            "berisi_demo": dokumen.is_demo or any(b.item.is_demo for b in data["items"])}
