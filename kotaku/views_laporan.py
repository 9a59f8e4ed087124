"""Printable reports (PDF, WeasyPrint): a desa profile and the district (kecamatan) report.

Public, like the pages they mirror: only verified assessments and public funding data, no
personal data. A PDF takes a second or two to build, so when the dashboards' shared cache is
on (``anggaran.cache``) the bytes are cached under the data version: any committed change
makes the next request build a fresh report.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from desa.models import Desa, Kecamatan
from inti import cache as dasbor_cache
from inti.pdf import render_pdf
from kotaku import laporan

logger = logging.getLogger(__name__)
CACHE_TIMEOUT = 6 * 60 * 60


def _pdf(request, key: str, filename: str, build) -> HttpResponse:
    cache_key = None
    content = None
    if dasbor_cache.enabled():
        try:
            cache_key = f"kotaku:laporan:{key}:{dasbor_cache.data_version()}"
            content = cache.get(cache_key)
        except Exception:  # noqa: BLE001 - cache down: build the report, stay correct
            cache_key = None
    if content is None:
        started = time.monotonic()
        content = build()
        logger.info("laporan %s: %.2f s, %d bytes", key, time.monotonic() - started,
                    len(content))
        if cache_key:
            try:
                cache.set(cache_key, content, CACHE_TIMEOUT)
            except Exception:  # noqa: BLE001
                logger.warning("Cache unavailable: report %s not stored", key)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        bool(request.GET.get("unduh")), filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def laporan_desa(request, kode: str):
    desa = get_object_or_404(Desa.objects.select_related("kecamatan__kabupaten__provinsi"),
                             kode_wilayah=kode)
    return _pdf(request, f"desa:{desa.kode_wilayah}", f"profil-desa-{desa.kode_wilayah}.pdf",
                lambda: render_pdf("laporan/desa.html", laporan.data_desa(desa), request))


@require_GET
def laporan_kecamatan(request, kode: str):
    kecamatan = get_object_or_404(Kecamatan.objects.select_related("kabupaten"),
                                  kode_wilayah=kode)
    return _pdf(request, f"kecamatan:{kecamatan.kode_wilayah}",
                f"laporan-kecamatan-{kecamatan.kode_wilayah}.pdf",
                lambda: render_pdf("laporan/kecamatan.html",
                                   laporan.data_kecamatan(kecamatan), request))
