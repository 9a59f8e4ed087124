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
from collections import Counter, defaultdict
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_init, post_save

from desa.models import Aspek, Desa, Kabupaten, Kecamatan, Kriteria
from inti import cache
from inti.uang import ZERO_RP
from kolaborasi.models import PemangkuKepentingan

from .models import (
    Kegiatan,
    Pendanaan,
    RingkasanDana,
    RingkasanDanaKabupaten,
    RingkasanJumlahPendana,
    RingkasanKegiatanDanaKabupaten,
    RingkasanKegiatanKabupaten,
    RingkasanPendana,
    RingkasanPendanaAspek,
    RingkasanPendanaKabupaten,
    RingkasanPendanaSumber,
    RingkasanPendanaTotal,
    RingkasanSumber,
    RingkasanSumberKabupaten,
    StatusKegiatan,
)

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
    _lokal.tanda = {"desa": set(), "kegiatan": set(), "pemangku": set(), "tahun": set()}
    try:
        yield
    except BaseException:
        _lokal.tanda = None
        raise
    tanda, _lokal.tanda = _lokal.tanda, None
    _selesaikan(tanda)


def _selesaikan(tanda: dict) -> None:
    desa = set(tanda["desa"])
    tahun = tanda["tahun"]  # the years touched (None: unknown, every year)
    if tanda["kegiatan"]:
        for d, t in Kegiatan.objects.filter(pk__in=tanda["kegiatan"]).values_list(
                "desa_id", "tahun_anggaran"):
            desa.add(d)
            if tahun is not None:
                tahun.add(t)
    if tanda["pemangku"]:
        desa.update(Pendanaan.objects.filter(pemangku_id__in=tanda["pemangku"]).order_by()
                    .values_list("kegiatan__desa_id", flat=True).distinct())
        tahun = None
    desa.discard(None)
    if desa:
        perbarui(desa, tahun=tahun)


def _tandai(desa=(), kegiatan=(), pemangku=(), tahun=None) -> None:
    """Mark what a write touched: desa (with the activity years it touched in them:
    ``tahun``, None when unknown), activities (their desa and year are read at the end),
    funders (every desa and year they fund)."""
    tanda = _tertunda()
    if tanda is None:
        _selesaikan({"desa": set(desa), "kegiatan": set(kegiatan), "pemangku": set(pemangku),
                     "tahun": None if tahun is None else set(tahun)})
        return
    tanda["desa"].update(desa)
    tanda["kegiatan"].update(kegiatan)
    tanda["pemangku"].update(pemangku)
    if tahun is None:
        tanda["tahun"] = None
    elif tanda["tahun"] is not None:
        tanda["tahun"].update(tahun)


def _baris_mentah(lines):
    """Raw lines summed per activity × source × funder (cancelled activities left out)."""
    return (lines.exclude(kegiatan__status=StatusKegiatan.BATAL).order_by()
            .values_list("kegiatan__desa_id", "kegiatan__tahun_anggaran", "sumber_id",
                         "pemangku_id", "pemangku__jenis", "kegiatan__kriteria_id",
                         "kegiatan_id")
            .annotate(r=Sum("rencana_rp"), s=Sum("realisasi_rp"), n=Count("pk")))


def _hitung(rows) -> dict:
    """The rollup rows of the grouped raw ``rows``: per table, key -> values."""
    pendana: dict = defaultdict(lambda: [None, Decimal(0), Decimal(0), 0, 0])
    dana: dict = defaultdict(lambda: [Decimal(0), Decimal(0), 0, set()])
    sumber: dict = defaultdict(set)
    for d, t, s, p, j, k, keg, r, sr, n in rows:
        acc = pendana[(d, t, s, p, k)]
        acc[0] = j
        acc[1] += r
        acc[2] += sr
        acc[3] += n
        acc[4] += 1  # one grouped row per activity: a distinct activity
        acc = dana[(d, t, s, j, k)]
        acc[0] += r
        acc[1] += sr
        acc[2] += n
        acc[3].add(keg)
        sumber[(d, t, s, k)].add(keg)
    return {
        "pendana": {key: tuple(v) for key, v in pendana.items()},
        "dana": {key: (v[0], v[1], v[2], len(v[3])) for key, v in dana.items()},
        "sumber": {key: len(v) for key, v in sumber.items()},
    }


def _tulis(desa_ids=None) -> int:
    """Insert the per-desa rollup rows of these desa (None: all) from their raw lines, one
    ``INSERT … SELECT … GROUP BY`` per table (no row passes through Python); the number of
    funder rows. :func:`_hitung` is the independent Python computation :func:`periksa`
    holds them to."""
    q = connection.ops.quote_name
    t = {m: q(m._meta.db_table) for m in (RingkasanPendana, RingkasanDana, RingkasanSumber,
                                          Pendanaan, Kegiatan, PemangkuKepentingan)}
    sumber = (f"FROM {t[Pendanaan]} p JOIN {t[Kegiatan]} k ON k.id = p.kegiatan_id "
              f"JOIN {t[PemangkuKepentingan]} pk ON pk.id = p.pemangku_id "
              f"WHERE k.status <> %s")
    perintah = [
        (f"INSERT INTO {t[RingkasanPendana]} (desa_id, tahun, sumber_id, pemangku_id, "
         "kriteria_id, jenis, rencana_rp, realisasi_rp, jumlah_baris, jumlah_kegiatan) "
         "SELECT k.desa_id, k.tahun_anggaran, p.sumber_id, p.pemangku_id, k.kriteria_id, "
         "MAX(pk.jenis), SUM(p.rencana_rp), SUM(p.realisasi_rp), COUNT(*), "
         f"COUNT(DISTINCT p.kegiatan_id) {sumber}{{}} GROUP BY k.desa_id, k.tahun_anggaran, "
         "p.sumber_id, p.pemangku_id, k.kriteria_id"),
        (f"INSERT INTO {t[RingkasanDana]} (desa_id, tahun, sumber_id, jenis, kriteria_id, "
         "rencana_rp, realisasi_rp, jumlah_baris, jumlah_kegiatan) "
         "SELECT k.desa_id, k.tahun_anggaran, p.sumber_id, pk.jenis, k.kriteria_id, "
         "SUM(p.rencana_rp), SUM(p.realisasi_rp), COUNT(*), COUNT(DISTINCT p.kegiatan_id) "
         f"{sumber}{{}} GROUP BY k.desa_id, k.tahun_anggaran, p.sumber_id, pk.jenis, "
         "k.kriteria_id"),
        (f"INSERT INTO {t[RingkasanSumber]} (desa_id, tahun, sumber_id, kriteria_id, "
         "jumlah_kegiatan) SELECT k.desa_id, k.tahun_anggaran, p.sumber_id, k.kriteria_id, "
         f"COUNT(DISTINCT p.kegiatan_id) {sumber}{{}} GROUP BY k.desa_id, k.tahun_anggaran, "
         "p.sumber_id, k.kriteria_id"),
    ]
    bagian = [None] if desa_ids is None else [
        desa_ids[i:i + 500] for i in range(0, len(desa_ids), 500)]
    n = 0
    with connection.cursor() as cursor:
        for ids in bagian:
            where = "" if ids is None else f" AND k.desa_id IN ({', '.join(['%s'] * len(ids))})"
            for i, sql in enumerate(perintah):
                cursor.execute(sql.format(where), [StatusKegiatan.BATAL, *(ids or ())])
                if i == 0:
                    n += max(cursor.rowcount, 0)
    return n


def _hapus(qs) -> None:
    # A plain DELETE: the rollups have no dependants and no signals of their own.
    qs._raw_delete(qs.db)


TABEL = (RingkasanPendana, RingkasanDana, RingkasanSumber)
#: The kabupaten rows rewritten per touched kabupaten (:func:`_tulis_kabupaten`), then the
#: funder rows (moved per touched funder).
TABEL_KABUPATEN_WILAYAH = (RingkasanDanaKabupaten, RingkasanSumberKabupaten,
                           RingkasanKegiatanKabupaten, RingkasanKegiatanDanaKabupaten)
TABEL_KABUPATEN = (*TABEL_KABUPATEN_WILAYAH, RingkasanPendanaKabupaten)
#: Every rollup table, finest first (what the rebuild commands vacuum).
SEMUA_TABEL = (*TABEL, *TABEL_KABUPATEN, RingkasanPendanaTotal, RingkasanPendanaSumber,
               RingkasanPendanaAspek, RingkasanJumlahPendana)
_KAB = "desa__kecamatan__kabupaten_id"


def _kegiatan_dan_demo(kegiatan: dict, key: tuple, desa: int, kecamatan: int) -> tuple:
    """A kabupaten funder row's counts in the table's column order (see ``_ANGKA_KAB``)."""
    n, nd, rd, sd = kegiatan.get(key, (0, 0, Decimal(0), Decimal(0)))
    return n, desa, kecamatan, nd, rd, sd


def _kabupaten_baru() -> dict:
    """Every kabupaten row, grouped in Python from the per-desa rollups: the reference
    :func:`periksa` holds the SQL-written rows to."""
    demo = Q(kegiatan__is_demo=True)
    kegiatan = {(r[0], r[1]): r[2:] for r in Pendanaan.objects.exclude(
        kegiatan__status=StatusKegiatan.BATAL).order_by().values_list(
            "kegiatan__desa__kecamatan__kabupaten_id", "pemangku_id").annotate(
                n=Count("kegiatan_id", distinct=True),
                nd=Count("kegiatan_id", distinct=True, filter=demo),
                rd=Coalesce(Sum("rencana_rp", filter=demo), ZERO_RP),
                sd=Coalesce(Sum("realisasi_rp", filter=demo), ZERO_RP))}
    dana = RingkasanDana.objects.order_by().values(_KAB, "tahun", "sumber_id", "jenis")
    sumber = RingkasanSumber.objects.order_by().values(_KAB, "tahun", "sumber_id")
    pendana = RingkasanPendana.objects.order_by().values(_KAB, "pemangku_id")
    return {
        "kegiatan": {r[:4]: r[4:] for r in Kegiatan.objects.order_by().values_list(
            _KAB, "tahun_anggaran", "status", "is_demo").annotate(
                n=Count("pk", distinct=True),
                r=Coalesce(Sum("pendanaan__rencana_rp"), ZERO_RP),
                s=Coalesce(Sum("pendanaan__realisasi_rp"), ZERO_RP))},
        "kegiatan dana": _kegiatan_dana_baru(),
        "dana": {(r[_KAB], r["tahun"], r["sumber_id"], r["jenis"]):
                 (r["r"], r["s"], r["b"], r["k"]) for r in dana.annotate(
                     r=Sum("rencana_rp"), s=Sum("realisasi_rp"), b=Sum("jumlah_baris"),
                     k=Sum("jumlah_kegiatan"))},
        "sumber": {(r[_KAB], r["tahun"], r["sumber_id"]): r["k"] for r in
                   sumber.annotate(k=Sum("jumlah_kegiatan"))},
        # A funder has one type (kept current on every row): Max only names it. Distinct
        # activities need the raw lines (one activity may have lines of two sources).
        "pendana": {(r[_KAB], r["pemangku_id"]): (
            r["j"], r["r"], r["s"], *_kegiatan_dan_demo(kegiatan, (r[_KAB], r["pemangku_id"]),
                                                        r["d"], r["kc"]))
            for r in pendana.annotate(
                j=Max("jenis"), r=Sum("rencana_rp"), s=Sum("realisasi_rp"),
                d=Count("desa_id", distinct=True), kc=Count("desa__kecamatan_id", distinct=True))},
    }


def _kegiatan_dana_baru() -> dict:
    """The activities with a matching line per kabupaten × year × status × demo × (source,
    type), (source, ""), (None, type), summed in Python from the raw lines: the reference
    for ``RingkasanKegiatanDanaKabupaten``."""
    utuh = {k: (r, s) for k, r, s in Pendanaan.objects.order_by().values_list(
        "kegiatan_id").annotate(r=Sum("rencana_rp"), s=Sum("realisasi_rp")).iterator(BATCH)}
    bagian: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])  # (key, activity) -> share
    for *key, sumber, jenis, keg, r, s in Pendanaan.objects.order_by().values_list(
            f"kegiatan__{_KAB}", "kegiatan__tahun_anggaran", "kegiatan__status",
            "kegiatan__is_demo", "sumber_id", "pemangku__jenis", "kegiatan_id").annotate(
            r=Sum("rencana_rp"), s=Sum("realisasi_rp")).iterator(BATCH):
        for kunci in ((sumber, ""), (None, jenis), (sumber, jenis)):
            acc = bagian[(*key, *kunci, keg)]
            acc[0] += r
            acc[1] += s
    hasil: dict = defaultdict(lambda: [0, Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
    for (*key, keg), (r, s) in bagian.items():
        acc = hasil[tuple(key)]
        for i, v in enumerate((1, *utuh[keg], r, s)):
            acc[i] += v
    return {key: tuple(v) for key, v in hasil.items()}


def _tabel() -> dict:
    """Quoted table names of the models the statements below read and write."""
    q = connection.ops.quote_name
    return {m: q(m._meta.db_table) for m in (
        *SEMUA_TABEL, Desa, Kecamatan, Kriteria, Aspek, Pendanaan, Kegiatan,
        PemangkuKepentingan)}


def _dalam(kolom: str, ids) -> tuple[str, list]:
    """``" AND kolom IN (…)"`` and its parameters; nothing for None (every row)."""
    if ids is None:
        return "", []
    return f" AND {kolom} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _tulis_kabupaten(kab_ids=None, tahun=None) -> None:
    """Insert the kabupaten money, source and activity rows (all, or of ``kab_ids`` and, if
    given, the years ``tahun``), one ``INSERT … SELECT … GROUP BY`` per table;
    :func:`_kabupaten_baru` is the Python reference :func:`periksa` compares them with."""
    t = _tabel()
    where_k, params_k = _dalam("kc.kabupaten_id", kab_ids)
    where_t, params_t = _dalam("r.tahun", tahun)
    where, params = where_k + where_t, [*params_k, *params_t]
    where_a = where_k + _dalam("r.tahun_anggaran", tahun)[0]  # (an activity's year column)

    def asal(tabel):
        return (f"FROM {t[tabel]} r JOIN {t[Desa]} d ON d.id = r.desa_id JOIN {t[Kecamatan]} "
                f"kc ON kc.id = d.kecamatan_id WHERE 1 = 1"
                f"{where_a if tabel is Kegiatan else where}")

    perintah = [
        f"INSERT INTO {t[RingkasanDanaKabupaten]} (kabupaten_id, tahun, sumber_id, jenis, "
        "rencana_rp, realisasi_rp, jumlah_baris, jumlah_kegiatan) SELECT kc.kabupaten_id, "
        "r.tahun, r.sumber_id, r.jenis, SUM(r.rencana_rp), SUM(r.realisasi_rp), "
        f"SUM(r.jumlah_baris), SUM(r.jumlah_kegiatan) {asal(RingkasanDana)} "
        "GROUP BY kc.kabupaten_id, r.tahun, r.sumber_id, r.jenis",
        f"INSERT INTO {t[RingkasanSumberKabupaten]} (kabupaten_id, tahun, sumber_id, "
        "jumlah_kegiatan) SELECT kc.kabupaten_id, r.tahun, r.sumber_id, "
        f"SUM(r.jumlah_kegiatan) {asal(RingkasanSumber)} "
        "GROUP BY kc.kabupaten_id, r.tahun, r.sumber_id",
        # Activities counted from the activities themselves (cancelled and line-less too),
        # each with its whole cost (all its lines; first summed per activity).
        f"INSERT INTO {t[RingkasanKegiatanKabupaten]} (kabupaten_id, tahun, status, is_demo, "
        "jumlah, rencana_rp, realisasi_rp) SELECT kab, tahun, status, is_demo, COUNT(*), "
        "SUM(r), SUM(s) FROM (SELECT kc.kabupaten_id AS kab, r.tahun_anggaran AS tahun, "
        "r.status AS status, r.is_demo AS is_demo, COALESCE(SUM(p.rencana_rp), 0) AS r, "
        f"COALESCE(SUM(p.realisasi_rp), 0) AS s FROM {t[Kegiatan]} r JOIN {t[Desa]} d ON "
        f"d.id = r.desa_id JOIN {t[Kecamatan]} kc ON kc.id = d.kecamatan_id LEFT JOIN "
        f"{t[Pendanaan]} p ON p.kegiatan_id = r.id WHERE 1 = 1{where_a} GROUP BY r.id, "
        "kc.kabupaten_id, r.tahun_anggaran, r.status, r.is_demo) x "
        "GROUP BY kab, tahun, status, is_demo",
    ]
    with connection.cursor() as cursor:
        for sql in perintah:
            cursor.execute(sql, params)
        cursor.execute(_sql_kegiatan_dana(t, where_a), params)


#: The three kinds of ``RingkasanKegiatanDanaKabupaten`` row: the line columns each groups
#: the activities' lines by (the other stays empty).
_KEGIATAN_DANA = (("b.sumber_id", "''"), ("NULL", "b.jenis"), ("b.sumber_id", "b.jenis"))


def _sql_kegiatan_dana(t: dict, where: str) -> str:
    """The statement that inserts the activities with a matching line per kabupaten × year
    × status × demo × source and/or funder type: per kind of row, the lines grouped per
    activity and key (the matching share) beside the activity's whole cost (a window over
    its groups), then summed per kabupaten; the lines read once (a CTE)."""
    def jenis(sumber, jenis_):
        keys = ", ".join(k for k in (sumber, jenis_) if k.startswith("b."))
        return (f"SELECT b.kab, b.tahun, b.status, b.is_demo, {sumber} AS sumber_id, "
                f"{jenis_} AS jenis, SUM(b.r) AS r, SUM(b.s) AS s, SUM(SUM(b.r)) OVER "
                "(PARTITION BY b.kegiatan_id) AS wr, SUM(SUM(b.s)) OVER (PARTITION BY "
                "b.kegiatan_id) AS ws FROM baris b GROUP BY b.kegiatan_id, b.kab, b.tahun, "
                f"b.status, b.is_demo, {keys}")

    return (
        "WITH baris AS (SELECT p.kegiatan_id AS kegiatan_id, p.sumber_id AS sumber_id, "
        "pk.jenis AS jenis, p.rencana_rp AS r, p.realisasi_rp AS s, kc.kabupaten_id AS kab, "
        "r.tahun_anggaran AS tahun, r.status AS status, r.is_demo AS is_demo "
        f"FROM {t[Pendanaan]} p JOIN {t[Kegiatan]} r ON r.id = p.kegiatan_id "
        f"JOIN {t[PemangkuKepentingan]} pk ON pk.id = p.pemangku_id JOIN {t[Desa]} d ON "
        f"d.id = r.desa_id JOIN {t[Kecamatan]} kc ON kc.id = d.kecamatan_id WHERE 1 = 1"
        f"{where}) INSERT INTO {t[RingkasanKegiatanDanaKabupaten]} (kabupaten_id, tahun, "
        "status, is_demo, sumber_id, jenis, jumlah, rencana_rp, realisasi_rp, "
        "rencana_dana_rp, realisasi_dana_rp) SELECT kab, tahun, status, is_demo, sumber_id, "
        "jenis, COUNT(*), SUM(wr), SUM(ws), SUM(r), SUM(s) FROM ("
        + " UNION ALL ".join(jenis(*k) for k in _KEGIATAN_DANA)
        + ") x GROUP BY kab, tahun, status, is_demo, sumber_id, jenis")


def _tulis_kabupaten_pendana(kab_ids=None, pemangku_ids=None) -> None:
    """Insert the kabupaten × funder rows (all, or of ``kab_ids`` and ``pemangku_ids``). A
    funder has one type (kept current on every row): MAX only names it. Its distinct
    activities come from the raw lines (two sources on one activity would be counted twice
    by summing the per-desa rows), joined on the same key."""
    t = _tabel()
    where, params = _dalam("kc.kabupaten_id", kab_ids)
    where_r, pem = _dalam("r.pemangku_id", pemangku_ids)
    where_p, _pem = _dalam("p.pemangku_id", pemangku_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t[RingkasanPendanaKabupaten]} (kabupaten_id, pemangku_id, jenis, "
            "rencana_rp, realisasi_rp, jumlah_desa, jumlah_kecamatan, jumlah_kegiatan, "
            "kegiatan_demo, rencana_demo_rp, realisasi_demo_rp) "
            "SELECT a.kab, a.pem, a.jenis, a.r, a.s, a.nd, a.nkc, COALESCE(b.n, 0), "
            "COALESCE(b.nd, 0), COALESCE(b.rd, 0), COALESCE(b.sd, 0) FROM ("
            "SELECT kc.kabupaten_id AS kab, r.pemangku_id AS pem, MAX(r.jenis) AS jenis, "
            "SUM(r.rencana_rp) AS r, SUM(r.realisasi_rp) AS s, COUNT(DISTINCT r.desa_id) AS "
            f"nd, COUNT(DISTINCT d.kecamatan_id) AS nkc FROM {t[RingkasanPendana]} r JOIN "
            f"{t[Desa]} d ON d.id = r.desa_id JOIN {t[Kecamatan]} kc ON kc.id = d.kecamatan_id "
            f"WHERE 1 = 1{where}{where_r} GROUP BY kc.kabupaten_id, r.pemangku_id) a LEFT JOIN ("
            "SELECT kc.kabupaten_id AS kab, p.pemangku_id AS pem, COUNT(DISTINCT p.kegiatan_id) "
            "AS n, COUNT(DISTINCT CASE WHEN k.is_demo THEN p.kegiatan_id END) AS nd, "
            "SUM(CASE WHEN k.is_demo THEN p.rencana_rp ELSE 0 END) AS rd, "
            "SUM(CASE WHEN k.is_demo THEN p.realisasi_rp ELSE 0 END) AS sd "
            f"FROM {t[Pendanaan]} p JOIN {t[Kegiatan]} k ON k.id = p.kegiatan_id JOIN "
            f"{t[Desa]} d ON d.id = k.desa_id JOIN {t[Kecamatan]} kc ON kc.id = d.kecamatan_id "
            f"WHERE k.status <> %s{where}{where_p} GROUP BY kc.kabupaten_id, p.pemangku_id) b "
            "ON b.kab = a.kab AND b.pem = a.pem",
            [*params, *pem, StatusKegiatan.BATAL, *params, *pem])


def _tulis_total() -> None:
    """Insert every funder's total from the kabupaten rows (the full rebuild)."""
    t = _tabel()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t[RingkasanPendanaTotal]} (pemangku_id, jenis, rencana_rp, "
            "realisasi_rp, jumlah_kegiatan, jumlah_desa, jumlah_kecamatan, kegiatan_demo, "
            "rencana_demo_rp, realisasi_demo_rp, jumlah_kabupaten) "
            "SELECT pemangku_id, MAX(jenis), SUM(rencana_rp), SUM(realisasi_rp), "
            "SUM(jumlah_kegiatan), SUM(jumlah_desa), SUM(jumlah_kecamatan), "
            "SUM(kegiatan_demo), SUM(rencana_demo_rp), SUM(realisasi_demo_rp), COUNT(*) "
            f"FROM {t[RingkasanPendanaKabupaten]} GROUP BY pemangku_id")


def _tulis_sumber() -> None:
    """Insert every funder × source row from the per-desa rows (the full rebuild)."""
    t = _tabel()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t[RingkasanPendanaSumber]} (pemangku_id, sumber_id, rencana_rp, "
            "realisasi_rp, jumlah_kegiatan) SELECT pemangku_id, sumber_id, SUM(rencana_rp), "
            f"SUM(realisasi_rp), SUM(jumlah_kegiatan) FROM {t[RingkasanPendana]} "
            "GROUP BY pemangku_id, sumber_id")


@transaction.atomic
def bangun_pendana_aspek() -> None:
    """Rebuild the funder × aspect rows from the per-desa rows."""
    _hapus(RingkasanPendanaAspek.objects.all())
    t = _tabel()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {t[RingkasanPendanaAspek]} (pemangku_id, aspek, jenis, rencana_rp, "
            "realisasi_rp, jumlah_baris) SELECT r.pemangku_id, a.kode, MAX(r.jenis), "
            "SUM(r.rencana_rp), SUM(r.realisasi_rp), SUM(r.jumlah_baris) FROM "
            f"{t[RingkasanPendana]} r JOIN {t[Kriteria]} k ON k.id = r.kriteria_id JOIN "
            f"{t[Aspek]} a ON a.id = k.aspek_id GROUP BY r.pemangku_id, a.kode")


def _pindahkan(model, kunci: tuple, fields: tuple, lama: dict, baru: dict,
               jenis: bool = False) -> None:
    """Move ``model``'s rows by the change from ``lama`` to ``baru`` (key tuple, values of
    ``kunci`` → the numbers of ``fields``, preceded by the funder's type when ``jenis``): a
    delta, so a national funder's rows elsewhere are not summed again. Only rows whose
    figures or type changed are written, with plain UPDATEs (a save moves a handful;
    ``bulk_update``'s CASE per field cost about 6 ms); the last field counts what is behind
    a row, and a row with nothing left is deleted, a new key inserted."""
    delta: dict = {}
    tipe: dict = {}
    for rows, sign in ((lama, -1), (baru, 1)):
        for key, values in rows.items():
            if jenis:
                j, *values = values
                if sign > 0:
                    tipe[key] = j
            acc = delta.setdefault(key, [0] * len(fields))
            for i, v in enumerate(values):
                acc[i] += sign * v
    berubah = {key for key, d in delta.items() if any(d)}
    if jenis:  # a funder's type moves its rows even when no figure does
        berubah |= {key for key in baru if lama.get(key, (None,))[0] != tipe[key]}
    if not berubah:
        return
    ada = {tuple(getattr(r, k) for k in kunci): r for r in model.objects.filter(
        **{f"{k}__in": {key[i] for key in berubah} for i, k in enumerate(kunci)})}
    names = [*fields, *(["jenis"] if jenis else [])]
    hapus, buat = [], []
    for key in berubah:
        row = ada.get(key) or model(**dict(zip(kunci, key, strict=True)),
                                    **dict.fromkeys(fields, 0))
        for name, v in zip(fields, delta[key], strict=True):
            setattr(row, name, getattr(row, name) + v)
        if key in tipe:
            row.jenis = tipe[key]
        if getattr(row, fields[-1]) <= 0:
            if key in ada:
                hapus.append(row.pk)
        elif key in ada:
            model.objects.filter(pk=row.pk).update(**{n: getattr(row, n) for n in names})
        else:
            buat.append(row)
    if hapus:
        _hapus(model.objects.filter(pk__in=hapus))
    if buat:
        model.objects.bulk_create(buat)


_ANGKA_KAB = ("rencana_rp", "realisasi_rp", "jumlah_kegiatan", "jumlah_desa",
              "jumlah_kecamatan", "kegiatan_demo", "rencana_demo_rp", "realisasi_demo_rp")


def _baris_kab(kab_ids, pemangku_ids) -> tuple[list, dict]:
    """The funders' kabupaten rows in these kabupaten: their keys, and per funder its type
    and their sums and number (the terms of its total)."""
    pks, per_pemangku = [], {}
    for pk, pem, jenis, *angka in RingkasanPendanaKabupaten.objects.filter(
            kabupaten_id__in=kab_ids, pemangku_id__in=pemangku_ids).order_by().values_list(
            "pk", "pemangku_id", "jenis", *_ANGKA_KAB):
        pks.append(pk)
        _j, *acc = per_pemangku.get((pem,), (jenis, *[0] * (len(angka) + 1)))
        per_pemangku[(pem,)] = (jenis, *(a + v for a, v in zip(acc, [*angka, 1], strict=True)))
    return pks, per_pemangku


_PROVINSI = "kabupaten__provinsi__kode_wilayah"


def _kehadiran(pemangku_ids) -> set:
    """Where these funders fund something: ``(funder, province code, type)`` from their
    kabupaten rows (a national funder: 38 rows, not its 514)."""
    return set(RingkasanPendanaKabupaten.objects.filter(pemangku_id__in=pemangku_ids)
               .order_by().values_list("pemangku_id", _PROVINSI, "jenis").distinct())


def _jumlah_pendana(kehadiran) -> Counter:
    """Distinct funders per (province code, type) and per ("", type) of presence rows."""
    jumlah: Counter = Counter()
    for _pem, prov, jenis in kehadiran:
        jumlah[(prov, jenis)] += 1
    for _pem, jenis in {(pem, jenis) for pem, _prov, jenis in kehadiran}:
        jumlah[("", jenis)] += 1
    return jumlah


def _geser_jumlah_pendana(sebelum: set, sesudah: set) -> None:
    """Move the distinct-funder counts by the change of the touched funders' presence (the
    same delta mover as the totals: a count of 0 deletes its row)."""
    def baris(kehadiran):
        return {key: (n,) for key, n in _jumlah_pendana(kehadiran).items()}

    _pindahkan(RingkasanJumlahPendana, ("kode_wilayah", "jenis"), ("jumlah",),
               baris(sebelum), baris(sesudah))


def _tulis_jumlah_pendana() -> None:
    """Insert every distinct-funder count from the kabupaten rows (the full rebuild)."""
    rows = [RingkasanJumlahPendana(kode_wilayah=kode, jenis=jenis, jumlah=n) for
            (kode, jenis), n in _jumlah_pendana(set(
                RingkasanPendanaKabupaten.objects.order_by().values_list(
                    "pemangku_id", _PROVINSI, "jenis").distinct().iterator(BATCH))).items()]
    RingkasanJumlahPendana.objects.bulk_create(rows, batch_size=1000)


@transaction.atomic(savepoint=False)  # (inside a save: no savepoint of its own)
def bangun_kabupaten(kab_ids=None, pemangku_ids=(), tahun=None) -> None:
    """Rebuild the kabupaten rows (all, or of ``kab_ids`` and, if given, only the years
    ``tahun`` of their rows that have one) from the per-desa rollups and the raw
    activities, and the per-funder totals. With ``kab_ids``, only the funder rows of
    ``pemangku_ids`` (the funders whose per-desa rows changed), and their totals moved by
    the difference. The full rebuild also sums the funder × source rows (a save moves those
    itself, in :func:`perbarui`)."""
    if kab_ids is None:
        for model in (*TABEL_KABUPATEN, RingkasanPendanaTotal, RingkasanPendanaSumber,
                      RingkasanJumlahPendana):
            _hapus(model.objects.all())
        _tulis_kabupaten()
        _tulis_kabupaten_pendana()
        _tulis_total()
        _tulis_sumber()
        _tulis_jumlah_pendana()
        return
    kab_ids = sorted(set(kab_ids))
    if not kab_ids:
        return
    tahun = sorted(set(tahun)) if tahun else None  # (no year known: every year)
    for model in TABEL_KABUPATEN_WILAYAH:
        qs = model.objects.filter(kabupaten_id__in=kab_ids)
        _hapus(qs if tahun is None else qs.filter(tahun__in=tahun))
    _tulis_kabupaten(kab_ids, tahun)
    pemangku_ids = sorted(set(pemangku_ids))
    if not pemangku_ids:
        return
    pks, lama = _baris_kab(kab_ids, pemangku_ids)
    hadir = _kehadiran(pemangku_ids)
    _hapus(RingkasanPendanaKabupaten.objects.filter(pk__in=pks))
    _tulis_kabupaten_pendana(kab_ids, pemangku_ids)
    _pindahkan(RingkasanPendanaTotal, ("pemangku_id",), (*_ANGKA_KAB, "jumlah_kabupaten"),
               lama, _baris_kab(kab_ids, pemangku_ids)[1], jenis=True)
    _geser_jumlah_pendana(hadir, _kehadiran(pemangku_ids))


def _per_desa_pendana(desa_ids) -> tuple[dict, dict]:
    """The per-desa funder rows of these desa summed per funder × source and per funder ×
    aspect code (with the funder's type, which every row of a funder carries): one grouped
    query for both."""
    sumber: dict = {}
    aspek: dict = {}
    for p, s, a, j, r, sr, n, b in RingkasanPendana.objects.filter(
            desa_id__in=desa_ids).order_by().values_list(
            "pemangku_id", "sumber_id", "kriteria__aspek__kode").annotate(
            j=Max("jenis"), r=Sum("rencana_rp"), sr=Sum("realisasi_rp"),
            n=Sum("jumlah_kegiatan"), b=Sum("jumlah_baris")):
        r0, s0, n0 = sumber.get((p, s), (0, 0, 0))
        sumber[(p, s)] = (r0 + r, s0 + sr, n0 + n)
        _j, r0, s0, b0 = aspek.get((p, a), (j, 0, 0, 0))
        aspek[(p, a)] = (j, r0 + r, s0 + sr, b0 + b)
    return sumber, aspek


@transaction.atomic(savepoint=False)  # (inside a save: no savepoint of its own)
def perbarui(desa_ids, tahun=None) -> None:
    """Recompute the rollup rows of these desa from their raw lines, then the rows of their
    kabupaten from the per-desa rows: with ``tahun``, only those years' kabupaten rows (the
    years the write touched; a funder's kabupaten rows hold no year and are rewritten)."""
    ids = sorted(set(desa_ids))
    if not ids:
        return
    # Only the funders present in these desa (before or after) can change their totals.
    lama, lama_aspek = _per_desa_pendana(ids)
    for model in TABEL:
        _hapus(model.objects.filter(desa_id__in=ids))
    _tulis(ids)
    baru, baru_aspek = _per_desa_pendana(ids)
    _pindahkan(RingkasanPendanaSumber, ("pemangku_id", "sumber_id"),
               ("rencana_rp", "realisasi_rp", "jumlah_kegiatan"), lama, baru)
    _pindahkan(RingkasanPendanaAspek, ("pemangku_id", "aspek"),
               ("rencana_rp", "realisasi_rp", "jumlah_baris"), lama_aspek, baru_aspek,
               jenis=True)
    bangun_kabupaten(sorted(set(Desa.objects.filter(pk__in=ids)
                                .values_list("kecamatan__kabupaten_id", flat=True))),
                     pemangku_ids=sorted({p for p, _s in (*lama, *baru)}), tahun=tahun)
    # The dashboards' cache: only these desa's regions, money only (at commit).
    cache.catat_perubahan_desa(ids, jenis=("uang",))


@transaction.atomic
def bangun_ulang(segarkan_cache: bool = True, kabupaten: bool = True) -> int:
    """Rebuild the rollup tables from all raw lines; returns the number of funder rows.
    ``segarkan_cache=False`` (the data migration): no dashboard version to bump yet;
    ``kabupaten=False`` (the migration before those tables existed): per desa only."""
    for model in TABEL:
        _hapus(model.objects.all())
    n = _tulis()
    if kabupaten:  # (the migration before these tables existed: per desa only)
        bangun_kabupaten()
        bangun_pendana_aspek()
    if segarkan_cache:
        transaction.on_commit(lambda: cache.bump(jenis=("uang",)))
    return n


def periksa() -> list[str]:
    """Differences between the stored rollups and the raw lines (empty: they agree)."""
    harus = _hitung(_baris_mentah(Pendanaan.objects.all()).iterator(chunk_size=BATCH))
    ada = {
        "pendana": {r[:5]: r[5:] for r in RingkasanPendana.objects.order_by().values_list(
            "desa_id", "tahun", "sumber_id", "pemangku_id", "kriteria_id", "jenis",
            "rencana_rp", "realisasi_rp", "jumlah_baris", "jumlah_kegiatan")},
        "dana": {r[:5]: r[5:] for r in RingkasanDana.objects.order_by().values_list(
            "desa_id", "tahun", "sumber_id", "jenis", "kriteria_id", "rencana_rp",
            "realisasi_rp", "jumlah_baris", "jumlah_kegiatan")},
        "sumber": {r[:4]: r[4] for r in RingkasanSumber.objects.order_by().values_list(
            "desa_id", "tahun", "sumber_id", "kriteria_id", "jumlah_kegiatan")},
    }
    # The kabupaten rows against the per-desa rows (which are checked against the raw lines).
    harus.update({f"kabupaten {k}": v for k, v in _kabupaten_baru().items()})
    ada["kabupaten dana"] = {r[:4]: r[4:] for r in RingkasanDanaKabupaten.objects.order_by()
                             .values_list("kabupaten_id", "tahun", "sumber_id", "jenis",
                                          "rencana_rp", "realisasi_rp", "jumlah_baris",
                                          "jumlah_kegiatan")}
    ada["kabupaten kegiatan"] = {r[:4]: r[4:] for r in RingkasanKegiatanKabupaten.objects
                                 .order_by().values_list("kabupaten_id", "tahun", "status",
                                                         "is_demo", "jumlah", "rencana_rp",
                                                         "realisasi_rp")}
    ada["kabupaten kegiatan dana"] = {
        r[:6]: r[6:] for r in RingkasanKegiatanDanaKabupaten.objects.order_by().values_list(
            "kabupaten_id", "tahun", "status", "is_demo", "sumber_id", "jenis", "jumlah",
            "rencana_rp", "realisasi_rp", "rencana_dana_rp", "realisasi_dana_rp")}
    ada["kabupaten sumber"] = {r[:3]: r[3] for r in RingkasanSumberKabupaten.objects.order_by()
                               .values_list("kabupaten_id", "tahun", "sumber_id",
                                            "jumlah_kegiatan")}
    ada["kabupaten pendana"] = {r[:2]: r[2:] for r in RingkasanPendanaKabupaten.objects
                                .order_by().values_list("kabupaten_id", "pemangku_id", "jenis",
                                                        *_ANGKA_KAB)}
    # The per-funder totals against the (checked) kabupaten reference.
    total: dict = {}
    for (_kab, pem), (j, *angka) in harus["kabupaten pendana"].items():
        acc = total.setdefault(pem, [j, *[0] * (len(angka) + 1)])
        for i, v in enumerate([*angka, 1], start=1):
            acc[i] += v
    harus["total pendana"] = {k: tuple(v) for k, v in total.items()}
    # The distinct-funder counts against the (checked) kabupaten reference.
    prov_of = dict(Kabupaten.objects.values_list("pk", "provinsi__kode_wilayah"))
    harus["jumlah pendana"] = dict(_jumlah_pendana(
        {(pem, prov_of[kab], v[0]) for (kab, pem), v in harus["kabupaten pendana"].items()}))
    ada["jumlah pendana"] = {(r[0], r[1]): r[2] for r in RingkasanJumlahPendana.objects
                             .values_list("kode_wilayah", "jenis", "jumlah")}
    # The funder × source rows against the (checked) per-desa rows.
    harus["pendana sumber"] = {}
    for (_d, _t, s, p, _k), (_j, r, sr, _b, n) in harus["pendana"].items():
        acc = harus["pendana sumber"].setdefault((p, s), (Decimal(0), Decimal(0), 0))
        harus["pendana sumber"][(p, s)] = (acc[0] + r, acc[1] + sr, acc[2] + n)
    # The funder × aspect rows against the (checked) per-desa rows.
    aspek_of = dict(Kriteria.objects.values_list("pk", "aspek__kode"))
    harus["pendana aspek"] = {}
    for (_d, _t, _s, p, k), (j, r, sr, b, _n) in harus["pendana"].items():
        key = (p, aspek_of[k])
        _j, r0, s0, b0 = harus["pendana aspek"].get(key, (j, Decimal(0), Decimal(0), 0))
        harus["pendana aspek"][key] = (j, r0 + r, s0 + sr, b0 + b)
    ada["pendana aspek"] = {r[:2]: r[2:] for r in RingkasanPendanaAspek.objects.order_by()
                            .values_list("pemangku_id", "aspek", "jenis", "rencana_rp",
                                         "realisasi_rp", "jumlah_baris")}
    ada["pendana sumber"] = {r[:2]: r[2:] for r in RingkasanPendanaSumber.objects.order_by()
                             .values_list("pemangku_id", "sumber_id", "rencana_rp",
                                          "realisasi_rp", "jumlah_kegiatan")}
    ada["total pendana"] = {r[0]: r[1:] for r in RingkasanPendanaTotal.objects.order_by()
                            .values_list("pemangku_id", "jenis", *_ANGKA_KAB,
                                         "jumlah_kabupaten")}
    salah = []
    for tabel, rows in harus.items():
        for key in sorted(set(rows) | set(ada[tabel]), key=str):
            if rows.get(key) != ada[tabel].get(key):
                salah.append(f"{tabel} {key}: ringkasan {ada[tabel].get(key)}, "
                             f"mentah {rows.get(key)}")
    return salah


# --------------------------------------------------------------------------- signals

_KEGIATAN_KUNCI = ("desa_id", "tahun_anggaran", "kriteria_id", "status", "is_demo")
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
    # The years whose kabupaten rows change: now and before (unknown if not loaded).
    tahun = {sekarang[1]}
    if not created:
        tahun = None if not awal or awal[1] is ... else tahun | {awal[1]}
    instance._ringkasan_awal = sekarang
    _tandai(desa=desa, tahun=tahun)


def _kegiatan_dihapus(sender, instance, **kwargs):
    tahun = instance.__dict__.get("tahun_anggaran")
    _tandai(desa={instance.desa_id}, tahun=None if tahun is None else {tahun})


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
    _tandai(kegiatan=kegiatan, tahun=())  # (the activities' years are read with their desa)


def _pendanaan_dihapus(sender, instance, **kwargs):
    # During an activity's cascade delete the activity is still there: its desa resolves.
    _tandai(kegiatan={instance.kegiatan_id}, tahun=())


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
