"""Large confirmed imports run by the background worker (django-tasks), with a status page.

``konfirmasi`` sends an import of more than ``IMPOR_LATAR_BARIS`` rows here instead of running
it inside the request: gunicorn kills a request after its timeout, and a 5,000-row import
(within docs/IMPOR.md's limits) takes about 45 s. The task plans again and applies the file
all-or-nothing (:func:`kotaku.impor.layanan.impor`), under the importing user's name in the
history, then forgets the uploaded bytes.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task
from simple_history.models import HistoricalRecords

from kotaku.models import ImporLatar

logger = logging.getLogger(__name__)
MAKS_GALAT = 200


def ambang_baris() -> int:
    return int(getattr(settings, "IMPOR_LATAR_BARIS", 500))


def antrekan(user, data: dict, baris: int) -> ImporLatar:
    job = ImporLatar.objects.create(user=user, nama=data["nama"], jenis=data["jenis"],
                                    locale=data["locale"], baris=baris, isi=data["isi"])
    try:
        jalankan_impor.enqueue(job.pk)
    except Exception:  # noqa: BLE001 - the immediate backend raises what the task raised
        logger.exception("impor %s: failed", job.pk)
    job.refresh_from_db()
    return job


@task()
def jalankan_impor(pk: int) -> str:
    from kotaku.impor import layanan

    claimed = ImporLatar.objects.filter(pk=pk, status=ImporLatar.Status.MENUNGGU).update(
        status=ImporLatar.Status.BERJALAN, mulai=timezone.now())
    if not claimed:
        return "lewati"
    job = ImporLatar.objects.get(pk=pk)
    user = get_user_model().objects.get(pk=job.user_id)
    # simple_history takes the user from the request; the worker has none, so give it one
    # (and put back whatever was there: the immediate backend runs inside a request).
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        rencana = layanan.impor(bytes(job.isi), job.nama, job.jenis, job.locale, user)
    except Exception:
        ImporLatar.objects.filter(pk=pk).update(
            status=ImporLatar.Status.GAGAL, isi=b"", selesai=timezone.now(),
            galat=[{"baris": None, "kolom": "", "pesan": "Kesalahan di server; tidak ada yang "
                                                         "tersimpan."}])
        raise
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous
    if rencana.diterapkan:
        ImporLatar.objects.filter(pk=pk).update(
            status=ImporLatar.Status.SELESAI, isi=b"", jumlah=dict(rencana.jumlah),
            selesai=timezone.now())
        return "selesai"
    galat = [{"baris": g.baris, "kolom": str(g.kolom or ""), "pesan": str(g.pesan)}
             for g in rencana.semua_galat[:MAKS_GALAT]]
    ImporLatar.objects.filter(pk=pk).update(status=ImporLatar.Status.GAGAL, isi=b"",
                                            galat=galat, selesai=timezone.now())
    return "gagal"
