"""Public PDF reports built once per data version by the background worker (django-tasks).

A PDF takes 3-6 s of CPU (and minutes for a desa with thousands of activities), so no web
request builds one. The view (``kotaku.views_laporan``) looks up the (kind, code, data version)
row in :class:`kotaku.models.LaporanPdf`:

- ready: the stored file is served (default storage, ``laporan/…``), whatever the number of
  requests;
- missing: the request that inserts the row enqueues :func:`bangun_laporan` (the unique
  constraint makes that exactly one request across every process), then everyone gets the
  "sedang disiapkan" page, which reloads itself (``<meta http-equiv="refresh">``, no script);
- failed: a later request may enqueue it again after ``ULANGI_GAGAL_DETIK``.

The worker is ``manage.py db_worker`` (django-tasks-db; ``make run`` starts it next to
runserver, docs/OPERATIONS.md has the systemd unit). Tests and a one-process setup use
``TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend``: the build then runs inside
the enqueuing request.
"""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from kotaku.models import LaporanPdf

logger = logging.getLogger(__name__)

ULANGI_GAGAL_DETIK = 300
# A build that has been "running" this long died with its worker: it may be enqueued again.
MACET_DETIK = 30 * 60


def _isi(jenis: str, kode: str):
    """(template, context) of a report; raises ``LookupError`` for an unknown code."""
    from desa.models import Desa, Kecamatan
    from kotaku import laporan

    if jenis == "desa":
        desa = (Desa.objects.select_related("kecamatan__kabupaten__provinsi")
                .filter(kode_wilayah=kode).first())
        if desa is None:
            raise LookupError(kode)
        return "laporan/desa.html", laporan.data_desa(desa)
    if jenis == "kecamatan":
        kecamatan = Kecamatan.objects.select_related("kabupaten").filter(
            kode_wilayah=kode).first()
        if kecamatan is None:
            raise LookupError(kode)
        return "laporan/kecamatan.html", laporan.data_kecamatan(kecamatan)
    if jenis == "memorandum":
        return "laporan/memorandum.html", laporan.data_memorandum(kode)
    raise LookupError(jenis)


@task()
def bangun_laporan(pk: int) -> str:
    """Build and store one report (idempotent: a row already built is left alone)."""
    from inti import cache as dasbor_cache
    from inti.pdf import render_pdf

    dasbor_cache.reset_memo()
    with transaction.atomic():
        row = LaporanPdf.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.status == LaporanPdf.Status.SIAP:
            return "lewati"
        row.status = LaporanPdf.Status.DIBANGUN
        row.save(update_fields=["status", "diperbarui"])
    started = time.monotonic()
    try:
        template, context = _isi(row.jenis, row.kode)
        # No request in the worker: what the context processors would add, added here.
        context = {**context, "PORTAL_NAME": settings.PORTAL_NAME,
                   "SHOW_DEMO_BANNER": settings.SHOW_DEMO_BANNER}
        content = render_pdf(template, context)
        name = default_storage.save(
            f"laporan/{row.jenis}-{row.kode}-{row.versi}.pdf", ContentFile(content))
    except Exception:
        logger.exception("laporan %s %s v%s: build failed", row.jenis, row.kode, row.versi)
        LaporanPdf.objects.filter(pk=pk).update(status=LaporanPdf.Status.GAGAL,
                                                diperbarui=timezone.now())
        raise
    seconds = time.monotonic() - started
    LaporanPdf.objects.filter(pk=pk).update(status=LaporanPdf.Status.SIAP, berkas=name,
                                            ukuran=len(content), detik=seconds,
                                            diperbarui=timezone.now())
    logger.info("laporan %s %s v%s: %.2f s, %d bytes", row.jenis, row.kode, row.versi,
                seconds, len(content))
    _hapus_versi_lama(row)
    return name


def _hapus_versi_lama(row: LaporanPdf) -> None:
    old = LaporanPdf.objects.filter(jenis=row.jenis, kode=row.kode, versi__lt=row.versi)
    for name in old.exclude(berkas="").values_list("berkas", flat=True):
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - a leftover file is harmless
            logger.warning("laporan: could not delete %s", name)
    old.delete()


def minta(jenis: str, kode: str, versi: int) -> LaporanPdf:
    """The report's row for this data version; enqueues its build when nobody has yet."""
    row = LaporanPdf.objects.filter(jenis=jenis, kode=kode, versi=versi).first()
    if row is None:
        try:
            with transaction.atomic():
                row = LaporanPdf.objects.create(jenis=jenis, kode=kode, versi=versi)
        except IntegrityError:  # another request got there first: it enqueued the build
            return LaporanPdf.objects.get(jenis=jenis, kode=kode, versi=versi)
        return _antre(row)
    now = timezone.now()
    stale = (
        (row.status == LaporanPdf.Status.GAGAL
         and row.diperbarui < now - datetime.timedelta(seconds=ULANGI_GAGAL_DETIK))
        or (row.status == LaporanPdf.Status.DIBANGUN
            and row.diperbarui < now - datetime.timedelta(seconds=MACET_DETIK)))
    if stale:
        # Only the request whose update matches re-enqueues (compare-and-set on the row).
        if LaporanPdf.objects.filter(pk=row.pk, status=row.status,
                                     diperbarui=row.diperbarui).update(
                status=LaporanPdf.Status.MENUNGGU, diperbarui=now):
            row.refresh_from_db()
            return _antre(row)
    return row


def _antre(row: LaporanPdf) -> LaporanPdf:
    try:
        bangun_laporan.enqueue(row.pk)
    except Exception:  # noqa: BLE001 - the immediate backend raises what the build raised
        logger.warning("laporan %s %s: build not finished", row.jenis, row.kode)
    row.refresh_from_db()
    return row


def baca(row: LaporanPdf) -> bytes | None:
    """The stored PDF of a ready row (``None`` when its file has gone missing)."""
    try:
        with default_storage.open(row.berkas, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None
