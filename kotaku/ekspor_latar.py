"""Public exports prebuilt by the background worker (issue 16).

The CSV of every funding line is a million rows nationally: streamed, each download holds a
web worker for 4-5 s. ``manage.py siapkan_ekspor`` (nightly, from cron or a systemd timer:
docs/OPERATIONS.md) enqueues :func:`bangun_ekspor`, which writes the file once into the
default storage (``ekspor/…``, so S3 works) with the data version it shows. A download is
served that file while the version is still current; after any change of money or of what
the lines name (activities, desa, stakeholders, sources) the version has moved and the
download is computed as before, so the file is never older than the data it claims to be.

The version is read before the file's snapshot is taken: a write committing in between makes
the file look older than it is (not served), never newer. The file is built from the primary
(a lagging replica could show older rows under the newer version).
"""

from __future__ import annotations

import logging
import time

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS
from django.http import FileResponse
from django.views.decorators.http import require_GET
from django_tasks import task

from anggaran import views_ekspor
from inti import cache as dasbor_cache
from inti.db_router import primary
from kotaku.models import EksporSiap

logger = logging.getLogger(__name__)

#: export name -> (file name of the download, builder returning a temporary file, the view
#: computing it when no current file exists)
EKSPOR = {
    "pendanaan": ("pendanaan-semua.csv", views_ekspor.tulis_csv, views_ekspor.pendanaan_csv),
}


def versi_sekarang() -> int:
    """The national money data version (what every exported line depends on)."""
    return dasbor_cache.data_version((dasbor_cache.UANG,), None)


@task()
def bangun_ekspor(nama: str) -> str:
    """Build one export and store it; the stored name. Replaces the previous file."""
    unduhan, tulis, _view = EKSPOR[nama]
    dasbor_cache.reset_memo()
    versi = versi_sekarang()
    started = time.monotonic()
    with primary():
        berkas = tulis(DEFAULT_DB_ALIAS)
    try:
        stored = default_storage.save(f"ekspor/{nama}-{versi}-{unduhan}", File(berkas))
        ukuran = default_storage.size(stored)
    finally:
        berkas.close()
    detik = time.monotonic() - started
    lama = EksporSiap.objects.filter(nama=nama).values_list("berkas", flat=True).first()
    EksporSiap.objects.update_or_create(nama=nama, defaults={
        "versi": versi, "berkas": stored, "ukuran": ukuran, "detik": detik})
    if lama and lama != stored:
        try:
            default_storage.delete(lama)
        except Exception:  # noqa: BLE001 - a leftover file is harmless
            logger.warning("ekspor %s: could not delete %s", nama, lama)
    logger.info("ekspor %s v%s: %.1f s, %d bytes", nama, versi, detik, ukuran)
    return stored


def _siap(nama: str):
    """The stored file of ``nama`` when it shows the current data, opened; else None."""
    row = EksporSiap.objects.filter(nama=nama).first()
    if row is None or row.versi != versi_sekarang():
        return None, None
    try:
        return row, default_storage.open(row.berkas, "rb")
    except (FileNotFoundError, OSError):
        logger.warning("ekspor %s: %s is missing, computing the download", nama, row.berkas)
        return None, None


def _unduh(request, nama: str):
    unduhan, _tulis, view = EKSPOR[nama]
    row, handle = _siap(nama)
    if handle is None:
        return view(request)
    response = FileResponse(handle, as_attachment=True, filename=unduhan,
                            content_type="text/csv; charset=utf-8")
    response.block_size = 64 * 1024
    response["X-Content-Type-Options"] = "nosniff"
    # Who reads the headers can tell a prebuilt file (and when it was built) from a live one.
    response["X-Kotaku-Ekspor"] = f"siap; versi={row.versi}; dibangun={row.dibuat.isoformat()}"
    return response


@require_GET
def pendanaan_csv(request):
    """Every funding line as CSV: the worker's file while it is current, else computed."""
    return _unduh(request, "pendanaan")
