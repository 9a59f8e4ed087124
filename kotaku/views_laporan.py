"""Printable reports (PDF, WeasyPrint): a desa profile and the district (kecamatan) report.

Public, like the pages they mirror: only verified assessments and public funding data, no
personal data. A PDF takes seconds to minutes to build, so it is built once per data version
by the background worker and stored (``kotaku.laporan_latar``); requests are rate-limited per
client address (``LAPORAN_BATAS`` per ``LAPORAN_JENDELA_DETIK``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from desa.models import Desa, Kecamatan
from inti import cache as dasbor_cache
from inti.galat import terlalu_sering
from inti.klien import alamat_klien
from kotaku import laporan_latar
from kotaku.models import LaporanPdf
from publikasi.masukan import hash_ip

logger = logging.getLogger(__name__)
SEGARKAN_DETIK = 3


def _boleh(request) -> bool:
    """Count one report request from this client address; False once over the limit.
    Cache outage: no limit (the build-once rows still bound the work)."""
    key = "kotaku:laporan:batas:" + hash_ip(alamat_klien(request))
    window = int(settings.LAPORAN_JENDELA_DETIK)
    try:
        cache.add(key, 0, timeout=window)
        try:
            n = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window)
            n = 1
    except Exception:  # noqa: BLE001
        return True
    return n <= int(settings.LAPORAN_BATAS)


def _pdf(request, jenis: str, kode: str, filename: str) -> HttpResponse:
    """Serve the report built for the current data version, or the "being prepared" page
    while the background worker builds it (built once, whoever asks; see laporan_latar)."""
    if not _boleh(request):
        return terlalu_sering(request, int(settings.LAPORAN_JENDELA_DETIK))
    row = laporan_latar.minta(jenis, kode, dasbor_cache.data_version(wilayah=kode))
    content = laporan_latar.baca(row) if row.status == LaporanPdf.Status.SIAP else None
    if content is None:
        if row.status == LaporanPdf.Status.SIAP:  # its file vanished: build it again
            LaporanPdf.objects.filter(pk=row.pk).delete()
            row = laporan_latar.minta(jenis, kode, row.versi)
            content = laporan_latar.baca(row) if row.status == LaporanPdf.Status.SIAP else None
    if content is None:
        response = render(request, "laporan/disiapkan.html", {
            "gagal": row.status == LaporanPdf.Status.GAGAL, "detik": SEGARKAN_DETIK,
            "filename": filename}, status=202)
        response["Retry-After"] = str(SEGARKAN_DETIK)
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        bool(request.GET.get("unduh")), filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def laporan_desa(request, kode: str):
    desa = get_object_or_404(Desa.objects.select_related("kecamatan__kabupaten__provinsi"),
                             kode_wilayah=kode)
    return _pdf(request, "desa", desa.kode_wilayah, f"profil-desa-{desa.kode_wilayah}.pdf")


@require_GET
def laporan_kecamatan(request, kode: str):
    kecamatan = get_object_or_404(Kecamatan.objects.select_related("kabupaten"),
                                  kode_wilayah=kode)
    return _pdf(request, "kecamatan", kecamatan.kode_wilayah,
                f"laporan-kecamatan-{kecamatan.kode_wilayah}.pdf")


@require_GET
def laporan_memorandum(request, pk: int):
    """The Memorandum Program of an agreed plan, printable for signing (issue 15)."""
    from kolaborasi.models import DokumenRencana, StatusRencana

    dokumen = get_object_or_404(DokumenRencana, pk=pk, status=StatusRencana.DISEPAKATI)
    return _pdf(request, "memorandum", str(dokumen.pk), f"memorandum-program-{dokumen.pk}.pdf")
