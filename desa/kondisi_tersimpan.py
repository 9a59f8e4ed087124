"""The slum condition stored per location and desa × year (issue 16): scores kept, not
recomputed per request.

``desa.kondisi`` and ``desa.scoring`` stay the only place computing a score; this module runs
them for the desa a write touched and stores the results in ``KondisiLokasiTahunan`` and
``KondisiDesaTahunan``, inside the writer's transaction. Pages read the stored rows.

Rows run from a location's first verified assessment year to this year (or its latest
measurement year); a year after the last stored one has the same figures as the last one
(nothing was measured or completed since, or a write would have stored it), so readers take
per desa the latest row not after the year asked (:func:`desa_per_tahun`).

The handled volumes of completed activities live in ``anggaran``, above this package: it
registers a provider at startup (:func:`daftarkan_penanganan`); desa never imports anggaran.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, Func, JSONField, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from desa import kondisi as k
from desa import scoring
from desa.models import (
    Desa,
    KondisiDesaTahunan,
    KondisiKabupatenTahunan,
    KondisiLokasiTahunan,
    Lokasi,
    Penilaian,
    VolumePenilaian,
)
from desa.penilaian import HEADER_FIELDS, default_aturan, ruleset_of
from desa.wilayah import PANJANG_KODE
from inti.cache import KONDISI, bump_data_version, catat_perubahan_desa

# desa ids -> {lokasi pk: [k.Penanganan]}; set by anggaran.apps (None: nothing handled).
_penyedia: Callable[[Iterable[int]], dict] | None = None
_tunda = threading.local()
POTONGAN = 500  # desa per batch when rebuilding


def daftarkan_penanganan(fungsi: Callable[[Iterable[int]], dict]) -> None:
    global _penyedia
    _penyedia = fungsi


def tahun_sekarang() -> int:
    return timezone.localdate().year


def muat_pengukuran(aturan, desa_qs) -> dict:
    """``{lokasi pk: [k.Pengukuran]}`` of the verified assessments under ``aturan`` of the
    locations of ``desa_qs`` (2 queries)."""
    nilai = (Penilaian.objects.terverifikasi().filter(aturan=aturan, lokasi__desa__in=desa_qs)
             .order_by())
    rows = list(nilai.values("pk", "lokasi_id", "tahun", "is_demo", *HEADER_FIELDS))
    volumes: dict = defaultdict(dict)
    for pid, kode, vol in (VolumePenilaian.objects.filter(penilaian__in=nilai.values("pk"))
                           .order_by().values_list("penilaian_id", "kriteria__kode", "volume")):
        volumes[pid][kode] = vol
    pengukuran: dict = defaultdict(list)
    for r in rows:
        pengukuran[r["lokasi_id"]].append(k.Pengukuran(
            tahun=r["tahun"], header={f: r[f] or 0 for f in HEADER_FIELDS},
            volumes=volumes.get(r["pk"], {}), is_demo=r["is_demo"]))
    return dict(pengukuran)


def _masukan(stages: dict) -> dict:
    enc = DjangoJSONEncoder()
    return {t: {"header": {f: enc.default(v) for f, v in s.header.items()},
                "volumes": {c: enc.default(v) for c, v in s.volumes.items()}}
            for t, s in stages.items()}


def _kolom(baseline, terukur, proyeksi, luas: dict) -> dict:
    return {
        "baseline_tahun": baseline.tahun, "baseline_skor": baseline.total,
        "baseline_tingkat": baseline.tingkat,
        "terukur_tahun": terukur.tahun, "terukur_skor": terukur.total,
        "terukur_tingkat": terukur.tingkat,
        "proyeksi_skor": proyeksi.total, "proyeksi_tingkat": proyeksi.tingkat,
        "luas_kumuh_baseline": k.luas_kumuh(luas["baseline"]),
        "luas_kumuh_terukur": k.luas_kumuh(luas["terukur"]),
        "luas_kumuh_proyeksi": k.luas_kumuh(luas["proyeksi"]),
        "luas_terukur": sum(luas["terukur"].values(), k.NOL),
        "masukan": _masukan({"baseline": baseline, "terukur": terukur,
                             "proyeksi": proyeksi}),
    }


def hitung(desa_ids: Iterable[int]) -> tuple[list, list]:
    """Unsaved location and desa rows of ``desa_ids``, computed by the engine."""
    desa_ids = list(desa_ids)
    aturan = default_aturan()
    rules = ruleset_of(aturan)
    desa_qs = Desa.objects.filter(pk__in=desa_ids)
    kode = dict(desa_qs.values_list("pk", "kode_wilayah"))
    pengukuran = muat_pengukuran(aturan, desa_qs.values("pk"))
    lokasi_desa = dict(Lokasi.objects.filter(pk__in=list(pengukuran)).values_list("pk", "desa"))
    penanganan = _penyedia(desa_ids) if _penyedia and pengukuran else {}
    sekarang = tahun_sekarang()
    lokasi_rows, per_desa_tahun = [], defaultdict(list)
    for pk, ukur in pengukuran.items():
        years = [p.tahun for p in ukur]
        for tahun in range(min(years), max(max(years), sekarang) + 1):
            kl = k.kondisi_lokasi(ukur, penanganan.get(pk, ()), tahun, rules=rules, key=pk)
            d = lokasi_desa[pk]
            per_desa_tahun[(d, tahun)].append(kl)
            luas = {t: k.luas_per_tingkat([getattr(kl, t)]) for t in k.TAHAP}
            lokasi_rows.append(KondisiLokasiTahunan(
                lokasi_id=pk, desa_id=d, tahun=tahun, kode_wilayah=kode[d],
                is_demo=kl.is_demo, **_kolom(kl.baseline, kl.terukur, kl.proyeksi, luas)))
    if lokasi_rows:
        akhir = {}
        for row in lokasi_rows:  # per location, its rows in year order
            akhir[row.lokasi_id] = row
        for row in akhir.values():
            row.terakhir = True
    desa_rows = []
    for (d, tahun), items in sorted(per_desa_tahun.items()):
        a = k.agregat(items, rules=rules, tahun=tahun)
        desa_rows.append(KondisiDesaTahunan(
            desa_id=d, tahun=tahun, kode_wilayah=kode[d], is_demo=a.jumlah_demo > 0,
            jumlah_lokasi=a.jumlah_lokasi, jumlah_demo=a.jumlah_demo,
            terukur_tahun_awal=a.tahun_terukur[0],
            **_kolom(a.baseline, a.terukur, a.proyeksi, a.luas)))
    for i, row in enumerate(desa_rows):  # sorted by desa, then year
        row.terakhir = i + 1 == len(desa_rows) or desa_rows[i + 1].desa_id != row.desa_id
    return lokasi_rows, desa_rows


#: The stored condition, finest first (rebuilt, vacuumed and left out of backups together).
TABEL_TERSIMPAN = (KondisiLokasiTahunan, KondisiDesaTahunan, KondisiKabupatenTahunan)
_KAB = PANJANG_KODE["kabupaten"]
_KUNCI_KAB = ("kode_wilayah", "tahun", "terakhir", "masukan")


def _tambah(acc: dict, masukan: dict, tanda: int) -> None:
    """Add (``tanda`` 1) or take away (-1) one desa row's inputs to a kabupaten sum
    (``{stage: {"header": {f: Decimal}, "volumes": {c: Decimal}, "ada": {c: rows}}}``)."""
    for t, m in masukan.items():
        a = acc.setdefault(t, {"header": {}, "volumes": {}, "ada": {}})
        for g in ("header", "volumes"):
            for c, v in m.get(g, {}).items():
                a[g][c] = a[g].get(c, k.NOL) + tanda * Decimal(str(v))
        for c, n in m.get("ada", dict.fromkeys(m.get("volumes", {}), 1)).items():
            a["ada"][c] = a["ada"].get(c, 0) + tanda * n


def _json_kab(acc: dict) -> tuple[dict, dict]:
    """A kabupaten sum as stored (``masukan``, ``ada``): decimal strings, a volume only while
    some desa row has it."""
    masukan, ada = {}, {}
    for t, a in acc.items():
        ada[t] = {c: n for c, n in a["ada"].items() if n > 0}
        masukan[t] = {"header": {f: format(v, "f") for f, v in a["header"].items()},
                      "volumes": {c: format(v, "f") for c, v in a["volumes"].items()
                                  if c in ada[t]}}
    return masukan, ada


def _kumpulkan(acc: dict, rows, tanda: int) -> dict:
    """Add (``tanda`` 1) or take away (-1) desa rows (tuples of ``_KUNCI_KAB``) to the sums
    of their kabupaten in ``acc``: key → [desa rows, inputs]."""
    for kode, tahun, terakhir, masukan in rows:
        d = acc.setdefault((kode[:_KAB], tahun, terakhir), [0, {}])
        d[0] += tanda
        _tambah(d[1], masukan, tanda)
    return acc


def _nol(acc: dict) -> bool:
    """Whether every figure and count of a sum of inputs is zero."""
    return not any(v for s in acc.values() for g in s.values() for v in g.values())


def _baca_kab(masukan: dict, ada: dict) -> dict:
    """A stored kabupaten sum in the shape :func:`_tambah` adds."""
    return {t: {**m, "ada": ada.get(t, {})} for t, m in masukan.items()}


def _geser_kabupaten(lama, baru) -> None:
    """Move the kabupaten sums from the desa rows ``lama`` to ``baru`` (tuples of
    ``_KUNCI_KAB``): by differences, so a save reads and writes a few kabupaten rows, not
    the kabupaten's desa rows; rows whose figures did not change are not written."""
    delta = _kumpulkan(_kumpulkan({}, lama, -1), baru, 1)
    berubah = {key: d for key, d in delta.items() if d[0] or not _nol(d[1])}
    if not berubah:
        return
    ada = {(r.kode_wilayah, r.tahun, r.terakhir): r for r in
           KondisiKabupatenTahunan.objects.filter(
               kode_wilayah__in={key[0] for key in berubah},
               tahun__in={key[1] for key in berubah})}
    hapus, buat = [], []
    for key, (n, tambahan) in berubah.items():
        row = ada.get(key) or KondisiKabupatenTahunan(
            kode_wilayah=key[0], tahun=key[1], terakhir=key[2], jumlah_desa=0, masukan={},
            ada={})
        acc: dict = {}
        _tambah(acc, _baca_kab(row.masukan, row.ada), 1)
        _tambah(acc, tambahan, 1)
        row.jumlah_desa += n
        row.masukan, row.ada = _json_kab(acc)
        if row.jumlah_desa <= 0:
            if row.pk:
                hapus.append(row.pk)
        elif row.pk:
            KondisiKabupatenTahunan.objects.filter(pk=row.pk).update(
                jumlah_desa=row.jumlah_desa, masukan=row.masukan, ada=row.ada)
        else:
            buat.append(row)
    if hapus:
        KondisiKabupatenTahunan.objects.filter(pk__in=hapus).delete()
    KondisiKabupatenTahunan.objects.bulk_create(buat)


def _jumlah_kabupaten(desa_model=KondisiDesaTahunan) -> dict:
    """Every kabupaten sum from the stored desa rows: key -> (desa rows, (masukan, ada))."""
    acc = _kumpulkan({}, desa_model.objects.order_by().values_list(*_KUNCI_KAB).iterator(2000),
                     1)
    return {key: (n, _json_kab(m)) for key, (n, m) in acc.items()}


def bangun_kabupaten(desa_model=KondisiDesaTahunan,
                     kab_model=KondisiKabupatenTahunan) -> int:
    """Rebuild the kabupaten sums from the stored desa rows (the models are arguments for
    the migration that fills them); the number of rows."""
    kab_model.objects.all().delete()
    rows = [kab_model(kode_wilayah=kode, tahun=tahun, terakhir=terakhir, jumlah_desa=n,
                      masukan=m, ada=ada)
            for (kode, tahun, terakhir), (n, (m, ada)) in _jumlah_kabupaten(desa_model).items()]
    kab_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _tulis(desa_ids: list[int]) -> None:
    for i in range(0, len(desa_ids), POTONGAN):
        ids = desa_ids[i:i + POTONGAN]
        lokasi_rows, desa_rows = hitung(ids)
        lama = list(KondisiDesaTahunan.objects.filter(desa_id__in=ids).order_by()
                    .values_list(*_KUNCI_KAB))
        KondisiLokasiTahunan.objects.filter(desa_id__in=ids).delete()
        KondisiDesaTahunan.objects.filter(desa_id__in=ids).delete()
        KondisiLokasiTahunan.objects.bulk_create(lokasi_rows, batch_size=1000)
        KondisiDesaTahunan.objects.bulk_create(desa_rows, batch_size=1000)
        _geser_kabupaten(lama, [tuple(getattr(r, f) for f in _KUNCI_KAB) for r in desa_rows])
        catat_perubahan_desa(ids, (KONDISI,))  # the dashboards' cache, per region


def perbarui(desa_ids: Iterable[int | None] = (), lokasi_ids: Iterable[int] = ()) -> None:
    """Recompute and store the condition of the given desa (and the desa of the given
    locations), in the caller's transaction. Inside :func:`tunda` the ids are collected and
    written once when the outermost block ends."""
    ids = {d for d in desa_ids if d is not None}
    lokasi_ids = [pk for pk in lokasi_ids if pk is not None]
    if lokasi_ids:
        ids.update(Lokasi.objects.filter(pk__in=lokasi_ids).values_list("desa_id", flat=True))
    if not ids:
        return
    tertunda = getattr(_tunda, "ids", None)
    if tertunda is not None:
        tertunda.update(ids)
        return
    with transaction.atomic():
        _tulis(sorted(ids))


@contextlib.contextmanager
def tunda():
    """Bulk paths (imports, generator, region loader): collect the touched desa and rebuild
    each once at the end, inside the same transaction as the caller's."""
    if getattr(_tunda, "ids", None) is not None:
        yield
        return
    _tunda.ids = set()
    try:
        yield
        ids = _tunda.ids
    finally:
        _tunda.ids = None
    if ids:
        with transaction.atomic():
            _tulis(sorted(ids))


def _desa_dinilai() -> list[int]:
    return sorted(set(Lokasi.objects.filter(penilaian__status=Penilaian.Status.DIVERIFIKASI)
                      .values_list("desa_id", flat=True)))


@transaction.atomic
def bangun_ulang() -> int:
    """Rebuild every stored row from the raw tables; the number of desa stored."""
    for model in TABEL_TERSIMPAN:
        model.objects.all().delete()
    ids = _desa_dinilai()
    _tulis(ids)
    # Nothing raw changed, so no regional version moved: every cached number goes.
    transaction.on_commit(bump_data_version)
    return len(ids)


PERIKSA_LOKASI = ("lokasi_id", "tahun")
PERIKSA_DESA = ("desa_id", "tahun")
_BANDING = ("kode_wilayah", "baseline_tahun", "baseline_skor", "baseline_tingkat",
            "terukur_tahun", "terukur_skor", "terukur_tingkat", "proyeksi_skor",
            "proyeksi_tingkat", "luas_kumuh_baseline", "luas_kumuh_terukur",
            "luas_kumuh_proyeksi", "luas_terukur", "is_demo", "terakhir")


def _nilai(row) -> tuple:
    return tuple(Decimal(v).quantize(Decimal("0.0001")) if isinstance(v, Decimal | float)
                 else v for v in (getattr(row, f) for f in _BANDING))


def periksa() -> list[str]:
    """Compare every stored row with the engine's result from the raw tables; the
    differences in words (empty: all stored rows are true)."""
    beda = []
    ids = _desa_dinilai()
    for model, kunci, idx in ((KondisiLokasiTahunan, PERIKSA_LOKASI, 0),
                              (KondisiDesaTahunan, PERIKSA_DESA, 1)):
        tersimpan = {tuple(getattr(r, f) for f in kunci): _nilai(r) for r in model.objects.all()}
        segar = {}
        for i in range(0, len(ids), POTONGAN):
            for r in hitung(ids[i:i + POTONGAN])[idx]:
                segar[tuple(getattr(r, f) for f in kunci)] = _nilai(r)
        for key in sorted(set(tersimpan) | set(segar)):
            if tersimpan.get(key) != segar.get(key):
                beda.append(f"{model._meta.model_name} {key}: tersimpan {tersimpan.get(key)} "
                            f"≠ dihitung {segar.get(key)}")
    # The kabupaten sums against the (checked) desa rows.
    segar = _jumlah_kabupaten()
    tersimpan = {(r.kode_wilayah, r.tahun, r.terakhir): (r.jumlah_desa, (r.masukan, r.ada))
                 for r in KondisiKabupatenTahunan.objects.all()}
    for key in sorted(set(tersimpan) | set(segar)):
        if _kab_sama(tersimpan.get(key), segar.get(key)):
            continue
        beda.append(f"kondisikabupatentahunan {key}: tersimpan {tersimpan.get(key)} "
                    f"≠ dijumlahkan {segar.get(key)}")
    return beda


def _kab_sama(a, b) -> bool:
    """Two kabupaten sums equal as numbers (``1.50`` and ``1.5`` are the same figure)."""
    if a is None or b is None:
        return a is b
    if a[0] != b[0]:
        return False
    x: dict = {}
    _tambah(x, _baca_kab(*a[1]), 1)
    _tambah(x, _baca_kab(*b[1]), -1)
    return _nol(x)


def _lingkup(qs, wilayah: str | None, desa_ids: Iterable[int] | None):
    """Stored rows of a region (a Kemendagri code: its rows only, an index prefix) and/or of
    the given desa."""
    if wilayah:
        qs = qs.filter(kode_wilayah__startswith=wilayah + ("." if wilayah.count(".") < 3
                                                           else ""))
    if desa_ids is not None:
        qs = qs.filter(desa_id__in=list(desa_ids))
    return qs


def desa_per_tahun(tahun: int | None = None, wilayah: str | None = None,
                   desa_ids: Iterable[int] | None = None):
    """Per desa its stored row for ``tahun`` (default this year): the latest row not after
    it. ``wilayah`` (a Kemendagri code) reads only that region's rows (an index prefix)."""
    return _lingkup(KondisiDesaTahunan.objects.filter(_per_tahun(tahun)), wilayah,
                    desa_ids).order_by()


def _per_tahun(tahun: int | None) -> Q:
    """The latest stored row not after ``tahun`` (default this year) of each location or
    desa: its row of that year, or its last row when that is older (rows have no gaps)."""
    tahun = tahun or tahun_sekarang()
    return Q(tahun=tahun) | Q(terakhir=True, tahun__lt=tahun)


def skor_per_desa(tahun: int | None = None, wilayah: str | None = None,
                  desa_ids: Iterable[int] | None = None) -> dict:
    """``{desa pk: (terukur score, level)}`` from the stored rows (one query)."""
    return {d: (s, t) for d, s, t in desa_per_tahun(tahun, wilayah, desa_ids).values_list(
        "desa_id", "terukur_skor", "terukur_tingkat")}



def luas_kumuh_kawasan_per_tahun(kawasan_id: int, sampai: int | None = None) -> dict:
    """``{year: (slum ha measured, number of locations measured)}`` of the locations of one
    kawasan, from the stored rows, for each year up to ``sampai`` (default this year) from the
    first verified assessment (one query). A location counts from its first measurement."""
    rows = (KondisiLokasiTahunan.objects
            .filter(lokasi__kawasan_id=kawasan_id, tahun__lte=sampai or tahun_sekarang())
            .values("tahun").annotate(ha=Sum("luas_kumuh_terukur"), n=Count("lokasi_id"))
            .order_by("tahun"))
    return {r["tahun"]: (Decimal(r["ha"]).quantize(Decimal("0.0001")), r["n"]) for r in rows}


class LuasTahun:
    """One year's slum hectares of a scope from the stored location rows: the measured area
    per level (``luas["terukur"][level]``) and the projected slum area; reads like the
    ``desa.kondisi.Agregat`` figures the hectare chart and the targets use."""

    def __init__(self, terukur: dict[str, Decimal], kumuh_proyeksi: Decimal):
        self.luas = {"terukur": terukur}
        self._proyeksi = kumuh_proyeksi

    def luas_kumuh(self, tahap: str) -> Decimal:
        if tahap == "proyeksi":
            return self._proyeksi
        return k.luas_kumuh(self.luas[tahap])


def luas_per_tahun(wilayah: str | None = None, desa_ids: Iterable[int] | None = None,
                   sampai: int | None = None) -> list[tuple[int, LuasTahun]]:
    """``(year, LuasTahun)`` from the first measured year to ``sampai`` (default this year,
    never later: a year not begun is not measured), one grouped query over the stored
    location rows (each location has a row for every year since its first measurement)."""
    qs = _lingkup(KondisiLokasiTahunan.objects.filter(
        tahun__lte=min(sampai or tahun_sekarang(), tahun_sekarang())), wilayah, desa_ids)
    per_tahun: dict = defaultdict(lambda: ({lvl: k.NOL for lvl, _l in scoring.LEVELS}, []))
    for r in (qs.order_by().values("tahun", "terukur_tingkat")
              .annotate(ha=Sum("luas_terukur"), proyeksi=Sum("luas_kumuh_proyeksi"))):
        luas, proyeksi = per_tahun[r["tahun"]]
        luas[r["terukur_tingkat"]] += Decimal(r["ha"])
        proyeksi.append(Decimal(r["proyeksi"]))
    return [(tahun, LuasTahun(luas, sum(proyeksi, k.NOL)))
            for tahun, (luas, proyeksi) in sorted(per_tahun.items())]


# ------------------------------------------------------------------ wider scopes (Dampak)


def per_wilayah(panjang: int, wilayah: str | None = None, tahun: int | None = None) -> dict:
    """Per region in scope, keyed by its Kemendagri code (the first ``panjang`` characters
    of the desa's code, ``desa.wilayah.PANJANG_KODE``: the rows are scoped by that prefix
    too, and grouping by it reads the stored rows alone, through their covering index,
    instead of joining 83,762 desa to their regions): assessed desa per measured level,
    locations (demo ones counted), slum hectares baseline → terukur → proyeksi, the
    hectares assessed (``luas``) and the latest measurement year, summed from the stored
    desa rows of ``tahun`` (one grouped query at any scale)."""
    out: dict = {}
    region = Substr("kode_wilayah", 1, panjang)
    for r in (desa_per_tahun(tahun, wilayah).values(region=region, tingkat=F("terukur_tingkat"))
              .annotate(n=Count("pk"), lokasi=Sum("jumlah_lokasi"), demo=Sum("jumlah_demo"),
                        b=Sum("luas_kumuh_baseline"), t=Sum("luas_kumuh_terukur"),
                        p=Sum("luas_kumuh_proyeksi"), luas=Sum("luas_terukur"),
                        th=Max("terukur_tahun"))
              .order_by()):
        row = out.setdefault(r["region"], {
            "desa": 0, "per_tingkat": defaultdict(int), "lokasi": 0, "lokasi_demo": 0,
            "baseline": k.NOL, "terukur": k.NOL, "proyeksi": k.NOL, "luas": k.NOL,
            "tahun": None})
        row["desa"] += r["n"]
        row["per_tingkat"][r["tingkat"]] += r["n"]
        row["lokasi"] += r["lokasi"]
        row["lokasi_demo"] += r["demo"]
        row["baseline"] += Decimal(r["b"])
        row["terukur"] += Decimal(r["t"])
        row["proyeksi"] += Decimal(r["p"])
        row["luas"] += Decimal(r["luas"])
        row["tahun"] = max(filter(None, (row["tahun"], r["th"])), default=None)
    return out


def _jumlah_masukan_pg(qs, n: str | None, kunci: list) -> dict:
    """The sums of the ``masukan`` figures of the rows of ``qs`` (and their number of desa:
    the field ``n``, or the rows), as ``aggregate`` gives them, on PostgreSQL. PostgreSQL
    stores these documents compressed, and every figure read from one decompressed it again
    (75 per row: 36 ms nationally); a subquery decompresses each once (9 ms)."""
    inner = qs.order_by().annotate(_m=Func(F("masukan"), template="(%(expressions)s || '{}')",
                                           output_field=JSONField())
                                   ).values_list(n or "pk", "_m")
    sql, params = inner.query.sql_with_params()
    kolom = ", ".join(f"SUM((s.m #>> %s)::numeric(24, 6)) AS x{i}" for i in range(len(kunci)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {'SUM(s.n)' if n else 'COUNT(*)'}, {kolom} "
                       f"FROM ({sql} OFFSET 0) s (n, m)", [*[list(x) for x in kunci], *params])
        row = cursor.fetchone()
    return {"_n": row[0], **{f"x{i}": v for i, v in enumerate(row[1:])}}


def gabungan(wilayah: str | None = None, tahun: int | None = None) -> dict | None:
    """The scope's pooled figures from the stored desa rows: per figure (baseline, terukur,
    proyeksi) the desa's summed inputs (``masukan``) summed again and scored once by the
    engine, which is what scoring every location's inputs pooled gives (DOMAIN §4: sum
    volumes and denominators, then score). One query; ``None`` when nothing is assessed."""
    rules = ruleset_of(default_aturan())
    angka = DecimalField(max_digits=24, decimal_places=6)
    kunci = [(t, "header", f) for t in k.TAHAP for f in HEADER_FIELDS]
    kunci += [(t, "volumes", c.code) for t in k.TAHAP for c in rules.criteria]
    if not wilayah or len(wilayah) <= _KAB:
        # The nation, a province or a kabupaten: the kabupaten sums of the same desa rows
        # (a volume no desa has is absent there too), a few hundred rows instead of 10,000.
        qs = KondisiKabupatenTahunan.objects.filter(_per_tahun(tahun))
        if wilayah:
            qs = qs.filter(Q(kode_wilayah=wilayah) | Q(kode_wilayah__startswith=wilayah + "."))
        n = "jumlah_desa"
    else:
        qs, n = desa_per_tahun(tahun, wilayah), None
    if connection.vendor == "postgresql":
        jumlah = _jumlah_masukan_pg(qs, n, kunci)
    else:
        jumlah = qs.order_by().aggregate(
            _n=Sum(n) if n else Count("pk"),
            **{f"x{i}": Sum(Cast(KT(f"masukan__{t}__{g}__{c}"), angka))
               for i, (t, g, c) in enumerate(kunci)})
    if not jumlah.pop("_n"):
        return None
    masukan: dict = {t: {"header": {}, "volumes": {}} for t in k.TAHAP}
    for i, (t, g, c) in enumerate(kunci):
        nilai = jumlah[f"x{i}"]
        if nilai is not None or g == "header":
            masukan[t][g][c] = Decimal(nilai or 0)
    tahap = {t: k._tahap(None, m["header"], m["volumes"], rules) for t, m in masukan.items()}
    return {
        "skor": {t: tahap[t].hasil for t in k.TAHAP},
        "layanan": {t: k.layanan(tahap[t].hasil) for t in k.TAHAP},
        "akses_air_minum": k.akses(tahap["terukur"].hasil, k.AKSES_AIR_MINUM),
        "akses_sanitasi": k.akses(tahap["terukur"].hasil, k.AKSES_SANITASI),
    }


def lokasi_keluar_dari_kumuh(wilayah: str | None = None, tahun: int | None = None) -> int:
    """Locations measured out of slum in scope (baseline slum, latest measurement not), from
    the stored location rows of ``tahun`` (one query)."""
    qs = _lingkup(KondisiLokasiTahunan.objects.filter(_per_tahun(tahun)), wilayah, None)
    return (qs.filter(terukur_tingkat=scoring.TIDAK_KUMUH)
            .exclude(baseline_tingkat=scoring.TIDAK_KUMUH).count())
