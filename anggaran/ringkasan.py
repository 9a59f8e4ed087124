"""Upkeep of the money rollups (``RingkasanPendana``, ``RingkasanDana``), issue 16.

Why the write path and not a cache or a nightly job: the dashboards must answer from summed
tables yet show a save at once, so each write recomputes the rollup rows of the desa it
touched, **in the same transaction** (a rolled-back save leaves the rollups as they were).

How writes reach it (see docs/ARCHITECTURE.md, "Rollups"):

* model signals on ``Kegiatan``, ``Pendanaan`` and ``PemangkuKepentingan`` (the funder's type
  is copied into the rollups) mark the touched desa; outside :func:`tunda` they recompute at
  once, so an admin edit, an admin delete action or a shell ``save()`` can never skip upkeep;
* the services, the import and the demo loader run inside :func:`tunda`: the marks are
  collected and every touched desa is recomputed **once** at the end (one activity with three
  lines: one recompute, not four);
* bulk writers that send no signals (``bulk_create``, ``COPY`` in the synthetic generator)
  call :func:`perbarui` with their desa or :func:`bangun_ulang` at the end.

A recompute deletes the desa's rollup rows and inserts them again from one grouped query over
its raw lines: correct whatever changed (amount, source, funder, year, criterion, status,
desa), a handful of queries whatever the desa's size.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.signals import post_delete, post_init, post_save

from kolaborasi.models import PemangkuKepentingan

from .models import Kegiatan, Pendanaan, RingkasanDana, RingkasanPendana, StatusKegiatan

BATCH = 5000

_lokal = threading.local()


def _tertunda():
    return getattr(_lokal, "tanda", None)


@contextmanager
def tunda():
    """Collect the desa touched inside the block and recompute them once at its end (only the
    outermost block recomputes; an exception skips it, the transaction rolls back anyway)."""
    if _tertunda() is not None:
        yield
        return
    _lokal.tanda = {"desa": set(), "kegiatan": set(), "pemangku": set()}
    try:
        yield
    except BaseException:
        _lokal.tanda = None
        raise
    tanda, _lokal.tanda = _lokal.tanda, None
    _selesaikan(tanda)


def _selesaikan(tanda: dict) -> None:
    desa = set(tanda["desa"])
    if tanda["kegiatan"]:
        desa.update(Kegiatan.objects.filter(pk__in=tanda["kegiatan"])
                    .values_list("desa_id", flat=True))
    if tanda["pemangku"]:
        desa.update(Pendanaan.objects.filter(pemangku_id__in=tanda["pemangku"]).order_by()
                    .values_list("kegiatan__desa_id", flat=True).distinct())
    desa.discard(None)
    if desa:
        perbarui(desa)


def _tandai(desa=(), kegiatan=(), pemangku=()) -> None:
    tanda = _tertunda()
    if tanda is None:
        _selesaikan({"desa": set(desa), "kegiatan": set(kegiatan), "pemangku": set(pemangku)})
        return
    tanda["desa"].update(desa)
    tanda["kegiatan"].update(kegiatan)
    tanda["pemangku"].update(pemangku)


def _baris_mentah(lines):
    """Raw lines summed per rollup key (cancelled activities left out)."""
    return (lines.exclude(kegiatan__status=StatusKegiatan.BATAL).order_by()
            .values(desa_id_=F("kegiatan__desa_id"), tahun_=F("kegiatan__tahun_anggaran"),
                    sumber_id_=F("sumber_id"), pemangku_id_=F("pemangku_id"),
                    jenis_=F("pemangku__jenis"), kriteria_id_=F("kegiatan__kriteria_id"))
            .annotate(r=Sum("rencana_rp"), s=Sum("realisasi_rp"), n=Count("pk")))


def _tulis(rows) -> int:
    """Insert the rollup rows of the grouped raw ``rows`` (both tables)."""
    pendana, dana = [], defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    jumlah = 0
    for r in rows:
        pendana.append(RingkasanPendana(
            desa_id=r["desa_id_"], tahun=r["tahun_"], sumber_id=r["sumber_id_"],
            pemangku_id=r["pemangku_id_"], jenis=r["jenis_"], kriteria_id=r["kriteria_id_"],
            rencana_rp=r["r"], realisasi_rp=r["s"], jumlah_baris=r["n"]))
        acc = dana[(r["desa_id_"], r["tahun_"], r["sumber_id_"], r["jenis_"], r["kriteria_id_"])]
        acc[0] += r["r"]
        acc[1] += r["s"]
        acc[2] += r["n"]
        jumlah += 1
        if len(pendana) >= BATCH:
            RingkasanPendana.objects.bulk_create(pendana, batch_size=BATCH)
            pendana = []
    RingkasanPendana.objects.bulk_create(pendana, batch_size=BATCH)
    RingkasanDana.objects.bulk_create(
        [RingkasanDana(desa_id=d, tahun=t, sumber_id=s, jenis=j, kriteria_id=k,
                       rencana_rp=v[0], realisasi_rp=v[1], jumlah_baris=v[2])
         for (d, t, s, j, k), v in dana.items()], batch_size=BATCH)
    return jumlah


def _hapus(qs) -> None:
    # A plain DELETE: the rollups have no dependants and no signals of their own.
    qs._raw_delete(qs.db)


@transaction.atomic
def perbarui(desa_ids) -> None:
    """Recompute the rollup rows of these desa from their raw lines."""
    ids = sorted(set(desa_ids))
    if not ids:
        return
    _hapus(RingkasanPendana.objects.filter(desa_id__in=ids))
    _hapus(RingkasanDana.objects.filter(desa_id__in=ids))
    _tulis(_baris_mentah(Pendanaan.objects.filter(kegiatan__desa_id__in=ids)))


@transaction.atomic
def bangun_ulang() -> int:
    """Rebuild both rollup tables from all raw lines; returns the number of funder rows."""
    _hapus(RingkasanPendana.objects.all())
    _hapus(RingkasanDana.objects.all())
    return _tulis(_baris_mentah(Pendanaan.objects.all()).iterator(chunk_size=BATCH))


def periksa() -> list[str]:
    """Differences between the rollups and the raw lines (empty: they agree)."""
    def key(r):
        return (r["desa_id_"], r["tahun_"], r["sumber_id_"], r["pemangku_id_"],
                r["kriteria_id_"])

    mentah = {key(r): (r["jenis_"], r["r"], r["s"], r["n"])
              for r in _baris_mentah(Pendanaan.objects.all()).iterator(chunk_size=BATCH)}
    salah = []
    dana = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for r in RingkasanPendana.objects.order_by().values_list(
            "desa_id", "tahun", "sumber_id", "pemangku_id", "kriteria_id", "jenis",
            "rencana_rp", "realisasi_rp", "jumlah_baris").iterator(chunk_size=BATCH):
        k, nilai = r[:5], r[5:]
        harus = mentah.pop(k, None)
        if harus != nilai:
            salah.append(f"pendana {k}: ringkasan {nilai}, mentah {harus}")
    salah += [f"pendana {k}: ringkasan tidak ada, mentah {v}" for k, v in mentah.items()]
    for r in _baris_mentah(Pendanaan.objects.all()).iterator(chunk_size=BATCH):
        acc = dana[(r["desa_id_"], r["tahun_"], r["sumber_id_"], r["jenis_"], r["kriteria_id_"])]
        acc[0] += r["r"]
        acc[1] += r["s"]
        acc[2] += r["n"]
    for r in RingkasanDana.objects.order_by().values_list(
            "desa_id", "tahun", "sumber_id", "jenis", "kriteria_id", "rencana_rp",
            "realisasi_rp", "jumlah_baris").iterator(chunk_size=BATCH):
        k, nilai = r[:5], list(r[5:])
        harus = dana.pop(k, None)
        if harus != nilai:
            salah.append(f"dana {k}: ringkasan {nilai}, mentah {harus}")
    salah += [f"dana {k}: ringkasan tidak ada, mentah {v}" for k, v in dana.items()]
    return salah


# --------------------------------------------------------------------------- signals

_KEGIATAN_KUNCI = ("desa_id", "tahun_anggaran", "kriteria_id", "status")
_PENDANAAN_KUNCI = ("kegiatan_id", "pemangku_id", "sumber_id", "rencana_rp", "realisasi_rp")


def _awal(instance, names):
    d = instance.__dict__
    return tuple(d.get(n, ...) for n in names)


def _ingat(sender, instance, **kwargs):
    names = _KEGIATAN_KUNCI if sender is Kegiatan else _PENDANAAN_KUNCI
    instance._ringkasan_awal = _awal(instance, names)


def _ingat_jenis(sender, instance, **kwargs):
    instance._ringkasan_jenis = instance.__dict__.get("jenis", ...)


def _kegiatan_disimpan(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    awal = getattr(instance, "_ringkasan_awal", None)
    sekarang = _awal(instance, _KEGIATAN_KUNCI)
    if not created and awal == sekarang:
        return  # name, volume, dates...: no money figure changes
    desa = {instance.desa_id}
    if awal and awal[0] is not ...:
        desa.add(awal[0])
    instance._ringkasan_awal = sekarang
    _tandai(desa=desa)


def _kegiatan_dihapus(sender, instance, **kwargs):
    _tandai(desa={instance.desa_id})


def _pendanaan_disimpan(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    awal = getattr(instance, "_ringkasan_awal", None)
    sekarang = _awal(instance, _PENDANAAN_KUNCI)
    if not created and awal == sekarang:
        return
    kegiatan = {instance.kegiatan_id}
    if awal and awal[0] not in (..., None):
        kegiatan.add(awal[0])
    instance._ringkasan_awal = sekarang
    _tandai(kegiatan=kegiatan)


def _pendanaan_dihapus(sender, instance, **kwargs):
    # During an activity's cascade delete the activity is still there: its desa resolves.
    _tandai(kegiatan={instance.kegiatan_id})


def _pemangku_disimpan(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:
        return
    if getattr(instance, "_ringkasan_jenis", ...) != instance.jenis:
        instance._ringkasan_jenis = instance.jenis
        _tandai(pemangku={instance.pk})


def hubungkan() -> None:
    uid = "anggaran-ringkasan"
    post_init.connect(_ingat, sender=Kegiatan, dispatch_uid=f"{uid}-init-k")
    post_init.connect(_ingat, sender=Pendanaan, dispatch_uid=f"{uid}-init-p")
    post_init.connect(_ingat_jenis, sender=PemangkuKepentingan, dispatch_uid=f"{uid}-init-pk")
    post_save.connect(_kegiatan_disimpan, sender=Kegiatan, dispatch_uid=f"{uid}-save-k")
    post_delete.connect(_kegiatan_dihapus, sender=Kegiatan, dispatch_uid=f"{uid}-del-k")
    post_save.connect(_pendanaan_disimpan, sender=Pendanaan, dispatch_uid=f"{uid}-save-p")
    post_delete.connect(_pendanaan_dihapus, sender=Pendanaan, dispatch_uid=f"{uid}-del-p")
    post_save.connect(_pemangku_disimpan, sender=PemangkuKepentingan,
                      dispatch_uid=f"{uid}-save-pk")
