"""Read-side aggregates for the dashboards: who funds what, where, from which source, and what
it changed. Every function runs a fixed number of grouped SQL queries (no per-row queries),
whatever the number of desa, activities or funding lines; pages and exports share them, so the
numbers on screen are the numbers in the file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Substr

from anggaran.kondisi import kondisi as kondisi_dari_data
from anggaran.models import (
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
    RingkasanPendanaTotal,
    RingkasanSumber,
    RingkasanSumberKabupaten,
    StatusKegiatan,
    SumberDana,
)
from desa import kondisi as kondisi_murni
from desa import kondisi_tersimpan, scoring
from desa.models import (
    Aspek,
    Desa,
    Tingkat,
)
from desa.tingkat import TINGKAT_LABEL
from desa.wilayah import (
    PANJANG_KODE,
    WILAYAH,
    dalam_wilayah,
    desa_dalam,
    jalur_wilayah,
    tingkat_rincian,
)
from inti.cache import UANG, cached_aggregate, sekali_per_permintaan
from inti.uang import ZERO_RP
from kolaborasi.models import JenisPemangku


@dataclass(frozen=True)
class Filter:
    """Dashboard filters (all optional)."""

    tahun: int | None = None
    sumber: str | None = None  # SumberDana.kode
    jenis: str | None = None  # JenisPemangku
    aspek: str | None = None  # Aspek.kode of the default rule set
    desa_id: int | None = None
    pemangku_id: int | None = None
    # Kemendagri code of a provinsi ("35"), kabupaten/kota ("35.19") or kecamatan ("35.19.09"):
    # the scope of a region's own dashboards, and what keeps a national page readable.
    wilayah: str | None = None

    def as_query(self) -> dict:
        """Query parameters for links (e.g. to the activity list)."""
        return {k: v for k, v in (
            ("tahun", self.tahun), ("sumber", self.sumber), ("jenis", self.jenis),
            ("aspek", self.aspek), ("wilayah", self.wilayah)) if v not in (None, "")}


#: Where each filter field lies, from a funding line and from a rollup row.
_JALUR_PENDANAAN = {"tahun": "kegiatan__tahun_anggaran", "sumber": "sumber__kode",
                    "jenis": "pemangku__jenis", "aspek": "kegiatan__kriteria__aspek__kode",
                    "desa_id": "kegiatan__desa_id", "pemangku_id": "pemangku_id",
                    "wilayah": "kegiatan__desa__"}
_JALUR_RINGKASAN = {"tahun": "tahun", "sumber": "sumber__kode", "jenis": "jenis",
                    "aspek": "kriteria__aspek__kode", "desa_id": "desa_id",
                    "pemangku_id": "pemangku_id", "wilayah": "desa__"}


def _saring(qs, f: Filter, jalur: dict):
    """``qs`` narrowed by every filter field that is set, through ``jalur``: the path of each
    field, and for ``wilayah`` either the path to the desa or the region-code path per code
    depth (a dict). A set field the rows cannot hold is an error, never silently dropped."""
    for nama in ("tahun", "sumber", "jenis", "aspek", "desa_id", "pemangku_id"):
        if value := getattr(f, nama):
            if nama not in jalur:
                raise ValueError(f"{qs.model.__name__} has no {nama}")
            qs = qs.filter(**{jalur[nama]: value})
    if f.wilayah:
        via = jalur["wilayah"]
        qs = qs.filter(Q(**{via[f.wilayah.count(".") + 1]: f.wilayah}) if isinstance(via, dict)
                       else dalam_wilayah(f.wilayah, via))
    return qs.order_by()


def pendanaan(f: Filter = Filter()):
    """Funding lines in scope: cancelled activities never count."""
    return _saring(Pendanaan.objects.exclude(kegiatan__status=StatusKegiatan.BATAL), f,
                   _JALUR_PENDANAAN)


def kegiatan(f: Filter = Filter()):
    """Activities in scope (those with at least one funding line matching the line filters)."""
    qs = Kegiatan.objects.all()
    if f.tahun:
        qs = qs.filter(tahun_anggaran=f.tahun)
    if f.aspek:
        qs = qs.filter(kriteria__aspek__kode=f.aspek)
    if f.desa_id:
        qs = qs.filter(desa_id=f.desa_id)
    if f.wilayah:
        qs = qs.filter(dalam_wilayah(f.wilayah, "desa__"))
    if f.sumber or f.jenis or f.pemangku_id:
        qs = qs.filter(pk__in=pendanaan(f).values("kegiatan_id"))
    return qs


def _ringkasan(model, f: Filter):
    """Rollup rows in scope (``anggaran.ringkasan`` keeps them equal to the raw lines of
    :func:`pendanaan`: cancelled activities are never in them)."""
    return _saring(model.objects.all(), f, _JALUR_RINGKASAN)


#: From a kabupaten rollup row: the filter fields it may hold, the region-code paths, and the
#: region levels it can group.
_JALUR_KABUPATEN = {"tahun": "tahun", "sumber": "sumber__kode", "jenis": "jenis",
                    "wilayah": {1: "kabupaten__provinsi__kode_wilayah",
                                2: "kabupaten__kode_wilayah"}}
_WILAYAH_KABUPATEN = {"kabupaten": "kabupaten_id", "provinsi": "kabupaten__provinsi_id"}
_KABUPATEN = (RingkasanDanaKabupaten, RingkasanSumberKabupaten, RingkasanPendanaKabupaten)


def _per_kabupaten(f: Filter, tingkat: str | None = None, per_pendana: bool = False) -> bool:
    """Whether the kabupaten rollups can answer: no desa, funder or aspect in the filter, a
    scope of a province or a kabupaten (or none), regions no finer than kabupaten; the
    per-funder table holds neither year nor source."""
    if f.desa_id or f.pemangku_id or f.aspek:
        return False
    if f.wilayah and f.wilayah.count(".") > 1:
        return False
    if tingkat is not None and tingkat not in _WILAYAH_KABUPATEN:
        return False
    return not (per_pendana and (f.tahun or f.sumber))


def _kabupaten(model, f: Filter):
    """Kabupaten rollup rows in scope (the fields a table lacks are not in its paths, so a
    filter on one fails in :func:`_saring`; the routing above never asks for it)."""
    fields = {field.name for field in model._meta.get_fields()}
    jalur = {nama: path for nama, path in _JALUR_KABUPATEN.items()
             if nama == "wilayah" or path.split("__")[0] in fields}
    return _saring(model.objects.all(), f, jalur)


def jalur_region(qs, level: tuple) -> str:
    """Path to a region level's pk from the rows of ``qs`` (a per-desa or kabupaten rollup)."""
    if qs.model in _KABUPATEN:
        return _WILAYAH_KABUPATEN[level[0]]
    return jalur_wilayah(level, "desa")


def dana(f: Filter = Filter(), tingkat: str | None = None):
    """Money in scope from the rollups: per funder type, or per funder when the filter names
    one (same columns: ``rencana_rp``, ``realisasi_rp``, ``sumber``, ``jenis``,
    ``jumlah_kegiatan``; per-desa rows also ``kriteria`` and ``desa``). Rows per kabupaten
    when they can answer (``tingkat``: the region level the caller groups by, if any)."""
    if _per_kabupaten(f, tingkat):
        return _kabupaten(RingkasanDanaKabupaten, f)
    return _ringkasan(RingkasanPendana if f.pemangku_id else RingkasanDana, f)


def dana_pendana(f: Filter = Filter(), tingkat: str | None = None):
    """Money in scope per funder (for distinct funders and funder rows), per kabupaten when
    those rows can answer."""
    if _per_kabupaten(f, tingkat, per_pendana=True):
        return _kabupaten(RingkasanPendanaKabupaten, f)
    return _ringkasan(RingkasanPendana, f)


def kegiatan_terhitung(f: Filter = Filter()):
    """Activities counted per kabupaten × year × status × demo (``RingkasanKegiatanKabupaten``,
    cancelled ones included, as :func:`kegiatan`) for a filter they can answer: a year and a
    province or kabupaten scope at most; else None (count :func:`kegiatan` itself)."""
    if not _per_kabupaten(f) or f.sumber or f.jenis:  # the counts know no line or funder
        return None
    return _kabupaten(RingkasanKegiatanKabupaten, f)


def daftar_kegiatan(f: Filter, status: str | None = None) -> dict | None:
    """The activity list's totals (``jumlah``, ``demo``, whole ``rencana``/``realisasi`` of
    the activities listed and, with a source or funder type, the matching lines'
    ``rencana_f``/``realisasi_f``) from the kabupaten rows, cancelled activities included as
    the list includes them (``batal``, ``rencana_batal``: their number and planned Rp, of the
    matching lines with a source or type): for a year, a source, a funder type, a status and
    a province or kabupaten scope at most; else None (the list sums its own rows)."""
    if not _per_kabupaten(f):
        return None
    dana = bool(f.sumber or f.jenis)
    if dana:  # the rows of that kind: a source, a type, or both on one line
        qs = _kabupaten(RingkasanKegiatanDanaKabupaten, f)
        if not f.sumber:
            qs = qs.filter(sumber__isnull=True)
        if not f.jenis:
            qs = qs.filter(jenis="")
    else:
        qs = _kabupaten(RingkasanKegiatanKabupaten, f)
    if status:
        qs = qs.filter(status=status)
    batal = Q(status=StatusKegiatan.BATAL)
    sums = {"n": Sum("jumlah"), "nd": Sum("jumlah", filter=Q(is_demo=True)),
            "rencana": Sum("rencana_rp"), "realisasi": Sum("realisasi_rp"),
            "nb": Sum("jumlah", filter=batal),
            "rencana_batal": Sum("rencana_dana_rp" if dana else "rencana_rp", filter=batal)}
    if dana:
        sums.update(rencana_f=Sum("rencana_dana_rp"), realisasi_f=Sum("realisasi_dana_rp"))
    hasil = qs.aggregate(**sums)
    # Counts of nothing are 0; sums of nothing stay None, as the list's own aggregates.
    return {**hasil, "jumlah": hasil.pop("n") or 0, "demo": hasil.pop("nd") or 0,
            "batal": hasil.pop("nb") or 0}


def pendana_total(f: Filter = Filter()):
    """One row per funder (all years, sources and places; ``RingkasanPendanaTotal``) when the
    filter asks for nothing finer than the funder type, else None: distinct funders by a
    plain count and the largest funders by index, whatever the number of lines."""
    if f.tahun or f.sumber or f.aspek or f.desa_id or f.pemangku_id or f.wilayah:
        return None
    qs = RingkasanPendanaTotal.objects.all()
    return qs.filter(jenis=f.jenis) if f.jenis else qs


def jumlah_pendana(f: Filter = Filter()) -> dict | None:
    """Distinct funders per (province code, or "" for the nation) and type, stored
    (``RingkasanJumlahPendana``), for a filter of the nation or a province with nothing finer
    than the funder type; else None (count them from the rollups). Once per request."""
    if (f.tahun or f.sumber or f.aspek or f.desa_id or f.pemangku_id
            or (f.wilayah and "." in f.wilayah)):
        return None
    rows = sekali_per_permintaan(("jumlah_pendana", f.wilayah), lambda: list(
        RingkasanJumlahPendana.objects.filter(
            **({"kode_wilayah": f.wilayah} if f.wilayah else {})).values_list(
            "kode_wilayah", "jenis", "jumlah")))
    out: dict = defaultdict(dict)
    for kode, jenis, n in rows:
        if not f.jenis or jenis == f.jenis:
            out[kode][jenis] = n
    return out


def kegiatan_per_sumber(f: Filter = Filter()):
    """Distinct activities per source across funder types (rows with ``jumlah_kegiatan``)."""
    if _per_kabupaten(f) and not f.jenis:
        return _kabupaten(RingkasanSumberKabupaten, f)
    return _ringkasan(RingkasanSumber, f)


def _level_kelompok(f: Filter) -> tuple:
    """The region level of :func:`_dana_kelompok`: provinsi nationally, kabupaten in a
    province or kabupaten (Beranda's region table is at that level in both)."""
    return next(lv for lv in WILAYAH if lv[0] == ("kabupaten" if f.wilayah else "provinsi"))


def _dana_kelompok(f: Filter) -> list[tuple] | None:
    """The kabupaten money rows in scope grouped by region (:func:`_level_kelompok`), source
    and funder type: ``(region pk, sumber pk, jenis, rencana, realisasi)``, at most a few
    thousand rows. One grouped read per request serves Beranda's region table, headline,
    sources, collaboration levels and funder types (five scans of the table before). None
    when the kabupaten rows cannot answer the filter (a desa, funder or aspect, or a scope
    finer than a kabupaten): the callers then group :func:`dana` themselves."""
    level = _level_kelompok(f)
    if f.pemangku_id or not _per_kabupaten(f, level[0]):
        return None

    def hitung():
        qs = _kabupaten(RingkasanDanaKabupaten, f)
        return list(qs.order_by().values_list(jalur_region(qs, level), "sumber_id", "jenis")
                    .annotate(r=Sum("rencana_rp"), s=Sum("realisasi_rp")))

    return sekali_per_permintaan(("dana_kelompok", f), hitung)


def _sumber_dana() -> list:
    """The funding sources in display order (a handful; once per request)."""
    return sekali_per_permintaan("sumber_dana",
                                 lambda: list(SumberDana.objects.order_by("urutan", "pk")))


def _jumlahkan(rows, kunci) -> dict:
    """Planned and realised Rp of grouped rows summed per ``kunci(row)``."""
    out: dict = {}
    for row in rows:
        acc = out.setdefault(kunci(row), [Decimal(0), Decimal(0)])
        acc[0] += row[3]
        acc[1] += row[4]
    return out


_KOLOM_KELOMPOK = {"sumber_id": 1, "jenis": 2}


def _uang_per(f: Filter, kolom: str) -> dict:
    """Planned and realised Rp in scope per source (``sumber_id``) or funder type
    (``jenis``): from the request's grouped rows when they answer, else grouped from
    :func:`dana`."""
    kelompok = _dana_kelompok(f)
    if kelompok is not None:
        i = _KOLOM_KELOMPOK[kolom]
        return {k: {"rencana": r, "realisasi": sr}
                for k, (r, sr) in _jumlahkan(kelompok, lambda row: row[i]).items()}
    return {row[kolom]: row for row in dana(f).values(kolom).annotate(
        rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))}


def _sums(f: Filter) -> dict:
    """Planned, realised and non-BPM Rp, distinct sources and funders (two queries, or one
    beside the request's grouped rows)."""
    kelompok = _dana_kelompok(f)
    if kelompok is not None:
        bpm = {s.pk for s in _sumber_dana() if s.adalah_bpm}
        sums = {"rencana": sum((r[3] for r in kelompok), Decimal(0)),
                "realisasi": sum((r[4] for r in kelompok), Decimal(0)),
                "non_bpm": sum((r[3] for r in kelompok if r[1] not in bpm), Decimal(0)),
                "sumber": len({r[1] for r in kelompok})}
    else:
        sums = dana(f).aggregate(
            rencana=Coalesce(Sum("rencana_rp"), ZERO_RP),
            realisasi=Coalesce(Sum("realisasi_rp"), ZERO_RP),
            non_bpm=Coalesce(Sum("rencana_rp", filter=Q(sumber__adalah_bpm=False)), ZERO_RP),
            sumber=Count("sumber", distinct=True),
        )
    tersimpan = jumlah_pendana(f)
    sums["pendana"] = (sum(tersimpan[f.wilayah or ""].values()) if tersimpan is not None else
                       dana_pendana(f).aggregate(n=Count("pemangku", distinct=True))["n"])
    return sums


@cached_aggregate("jumlah_demo")
def jumlah_demo(f: Filter = Filter()) -> dict:
    """How many of the activities behind a money figure are demo data (one query)."""
    terhitung = kegiatan_terhitung(f)
    if terhitung is not None:
        return terhitung.aggregate(n=Coalesce(Sum("jumlah"), 0),
                                   demo=Coalesce(Sum("jumlah", filter=Q(is_demo=True)), 0))
    return kegiatan(f).order_by().aggregate(n=Count("pk"), demo=Count("pk", filter=Q(is_demo=True)))


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """Percentage with 1 decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------------------------
# Slum levels per desa
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Beranda
# ---------------------------------------------------------------------------------------------


def _per_desa(f: Filter, path: str, regions: dict, per_desa: bool) -> None:
    """Beranda's table built desa by desa (a desa-level table, or a scope named by one desa):
    each desa's stored score, level and projection (an estimate), read for the scope's
    region only, counted into ``regions``."""
    tersimpan = {r["desa_id"]: r for r in kondisi_tersimpan.desa_per_tahun(
        wilayah=f.wilayah).values("desa_id", "terukur_skor", "terukur_tingkat",
                                  "proyeksi_skor", "proyeksi_tingkat", "terukur_tahun",
                                  "jumlah_demo", "luas_kumuh_terukur")}
    for desa_pk, region_pk in desa_dalam(f).order_by().values_list("pk", path):
        row = regions.setdefault(region_pk, {"jumlah_desa": 0, "_levels": Counter()})
        row["jumlah_desa"] += 1
        a = tersimpan.get(desa_pk)
        row["_levels"][a["terukur_tingkat"] if a else "belum"] += 1
        if per_desa:
            row["skor"], row["tingkat"] = (a["terukur_skor"], a["terukur_tingkat"]) if a \
                else (None, "")
            row["tingkat_label"] = str(TINGKAT_LABEL.get(row["tingkat"], "Belum dinilai"))
            row["proyeksi"] = a["proyeksi_skor"] if a else None
            row["proyeksi_tingkat"] = a["proyeksi_tingkat"] if a else ""
            row["tahun_terukur"] = a["terukur_tahun"] if a else None
            row["lokasi_demo"] = a["jumlah_demo"] if a else 0
            row["luas_kumuh_ha"] = a["luas_kumuh_terukur"] if a else None


@cached_aggregate("per_wilayah")
def per_wilayah(f: Filter = Filter(), tingkat: str | None = None) -> dict:
    """The per-region table of Beranda and the district report, at the level of
    ``tingkat_rincian`` (or the named level ``tingkat``): per region its desa, desa per slum
    level, and funding (distinct sources and funders, planned and realised Rp); per desa also
    its score and level.

    Three queries (desa → region, funding per region, region names) plus the cached scores,
    whatever the size of the scope. ``totals`` sums the regions (slum levels included).
    """
    level = (next(w for w in WILAYAH if w[0] == tingkat) if tingkat
             else tingkat_rincian(f))
    name, path, model = level
    regions: dict = {}
    per_kode_wilayah = name != "desa" and not f.desa_id
    if per_kode_wilayah:
        # Regions by code: desa counted per region code (the desa code's prefix: the desa
        # table's code index alone, 83,762 desa nationally, instead of joining them to their
        # kecamatan and kabupaten) and per stored level in SQL; regions are keyed by code.
        desa = Desa.objects.all()
        if f.wilayah:
            desa = desa.filter(kode_wilayah__startswith=f.wilayah + ".")
        for kode, n in (desa.order_by().values_list(Substr("kode_wilayah", 1, PANJANG_KODE[name]))
                        .annotate(n=Count("pk"))):
            regions[kode] = {"jumlah_desa": n, "_levels": Counter()}
        # Stored levels per region code (the desa code's prefix: the stored rows alone,
        # through their covering index), matched to the regions when they are named below.
        per_kode: dict = defaultdict(Counter)
        for kode, tingkat_desa, n in (
                kondisi_tersimpan.desa_per_tahun(wilayah=f.wilayah)
                .values_list(Substr("kode_wilayah", 1, PANJANG_KODE[name]), "terukur_tingkat")
                .annotate(n=Count("pk"))):
            per_kode[kode][tingkat_desa] += n
    else:
        per_kode = None
        _per_desa(f, path, regions, per_desa=name == "desa")
    uang, pendana = dana(f, name), dana_pendana(f, name)
    kelompok = _dana_kelompok(f) if level == _level_kelompok(f) else None
    if kelompok is not None:
        sumber_per: dict = defaultdict(set)
        for row in kelompok:
            sumber_per[row[0]].add(row[1])
        money = {region: {"rencana": r, "realisasi": sr, "sumber": len(sumber_per[region])}
                 for region, (r, sr) in _jumlahkan(kelompok, lambda row: row[0]).items()}
    else:
        money = {
            r["region"]: r for r in uang.values(region=F(jalur_region(uang, level))).annotate(
                sumber=Count("sumber", distinct=True),
                rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))
        }
    # Distinct funders per province of the nation: stored; otherwise counted per region.
    tersimpan = jumlah_pendana(f) if name == "provinsi" and not f.wilayah else None
    if tersimpan is None:
        for r in pendana.values(region=F(jalur_region(pendana, level))).annotate(
                pendana=Count("pemangku", distinct=True)):
            money[r["region"]]["pendana"] = r["pendana"]
    rows = []
    named = (model.objects.filter(kode_wilayah__in=list(regions)) if per_kode_wilayah
             else model.objects.filter(pk__in=list(regions)))
    for pk, kode, nama in named.order_by("kode_wilayah").values_list("pk", "kode_wilayah",
                                                                     "nama"):
        r, m = regions[kode if per_kode_wilayah else pk], money.get(pk, {})
        levels = r.pop("_levels")
        if per_kode is not None:
            levels.update(per_kode.get(kode, {}))
            levels["belum"] = r["jumlah_desa"] - sum(levels.values())
        rows.append({
            "pk": pk, "kode": kode, "nama": nama, **r,
            "per_tingkat": [levels.get(code, 0) for code, _label in Tingkat.choices],
            "belum": levels.get("belum", 0),
            "sumber": m.get("sumber", 0),
            "pendana": (sum(tersimpan.get(kode, {}).values()) if tersimpan is not None
                        else m.get("pendana", 0)),
            "rencana": m.get("rencana") or Decimal(0),
            "realisasi": m.get("realisasi") or Decimal(0),
        })
    totals = {
        "jumlah_desa": sum(r["jumlah_desa"] for r in rows),
        "per_tingkat": [sum(r["per_tingkat"][i] for r in rows)
                        for i in range(len(Tingkat.choices))],
        "belum": sum(r["belum"] for r in rows),
    }
    return {"tingkat": name, "rows": rows, "totals": totals}


@dataclass
class Ringkasan:
    jumlah_desa: int
    luas_kumuh_ha: Decimal | None  # terukur: each location under its latest verified level
    desa_per_tingkat: list[tuple[str, str, int]]
    rencana: Decimal
    realisasi: Decimal
    non_bpm: Decimal
    porsi_non_bpm: Decimal | None
    jumlah_pendana: int
    jumlah_sumber: int
    kegiatan_per_status: list[tuple[str, str, int]]
    jumlah_kegiatan: int
    luas_kumuh_baseline_ha: Decimal | None = None
    luas_kumuh_proyeksi_ha: Decimal | None = None
    luas_tahun: int | None = None  # the latest measurement year behind the terukur figure
    lokasi_demo: int = 0
    lokasi_jumlah: int = 0
    kegiatan_demo: int = 0


@cached_aggregate("ringkasan_dana")
def _ringkasan_dana(f: Filter) -> dict:
    """The SQL half of the Beranda summary (cached: about 2 s nationally)."""
    terhitung = kegiatan_terhitung(f)
    if terhitung is not None:  # one query over the kabupaten counts for both figures
        status_counts: dict = Counter()
        demo = 0
        for status, is_demo, n in terhitung.values_list("status", "is_demo").annotate(
                n=Sum("jumlah")):
            status_counts[status] += n
            demo += n if is_demo else 0
        return {"sums": _sums(f), "status": dict(status_counts), "demo": demo}
    status_counts = dict(kegiatan(f).order_by().values_list("status").annotate(n=Count("pk")))
    return {
        "sums": _sums(f),
        "status": status_counts,
        "demo": kegiatan(f).filter(is_demo=True).count(),
    }


def ringkasan(f: Filter = Filter(), wilayah: dict | None = None) -> Ringkasan:
    """Beranda's headline numbers for the filter's scope (``wilayah``: ``per_wilayah(f)``
    when the caller has it already)."""
    wilayah = (wilayah or per_wilayah(f))["totals"]
    dana = _ringkasan_dana(f)
    per_tingkat = [(code, label, n) for (code, label), n
                   in zip(Tingkat.choices, wilayah["per_tingkat"], strict=True)]
    per_tingkat.append(("belum", "Belum dinilai", wilayah["belum"]))
    sums = dana["sums"]
    status_counts = dana["status"]
    per_status = [(c, lbl, status_counts.get(c, 0)) for c, lbl in StatusKegiatan.choices]
    # Slum area: the per-location model (same figures as Dampak and the desa pages), summed
    # from the stored condition of the scope's desa (each location under its own level).
    a = kondisi_tersimpan.desa_per_tahun(wilayah=f.wilayah).aggregate(
        n=Count("pk"), terukur=Sum("luas_kumuh_terukur"), baseline=Sum("luas_kumuh_baseline"),
        proyeksi=Sum("luas_kumuh_proyeksi"), tahun=Max("terukur_tahun"),
        demo=Sum("jumlah_demo"), lokasi=Sum("jumlah_lokasi"))
    ada = bool(a["n"])
    return Ringkasan(
        jumlah_desa=wilayah["jumlah_desa"],
        luas_kumuh_ha=a["terukur"] if ada else None,
        luas_kumuh_baseline_ha=a["baseline"] if ada else None,
        luas_kumuh_proyeksi_ha=a["proyeksi"] if ada else None,
        luas_tahun=a["tahun"] if ada else None,
        lokasi_demo=a["demo"] or 0,
        lokasi_jumlah=a["lokasi"] or 0, kegiatan_demo=dana.get("demo", 0),
        desa_per_tingkat=per_tingkat,
        rencana=sums["rencana"], realisasi=sums["realisasi"], non_bpm=sums["non_bpm"],
        porsi_non_bpm=share(sums["non_bpm"], sums["rencana"]),
        jumlah_pendana=sums["pendana"], jumlah_sumber=sums["sumber"],
        kegiatan_per_status=per_status, jumlah_kegiatan=sum(status_counts.values()),
    )


@cached_aggregate("per_sumber", jenis=(UANG,))
def per_sumber(f: Filter = Filter()) -> list[dict]:
    """Planned and realised Rp per funding source (every source listed, zeros included)."""
    sums = _uang_per(f, "sumber_id")
    # Distinct activities per source: a funder's or a funder type's rows count them exactly;
    # across funder types only RingkasanSumber does.
    per_kegiatan = dana(f) if (f.jenis or f.pemangku_id) else kegiatan_per_sumber(f)
    for row in per_kegiatan.values("sumber_id").annotate(n=Sum("jumlah_kegiatan")):
        sums[row["sumber_id"]]["kegiatan"] = row["n"]
    total = sum((r["rencana"] for r in sums.values()), Decimal(0))
    rows = []
    for s in _sumber_dana():
        r = sums.get(s.pk, {})
        rencana = r.get("rencana") or Decimal(0)
        rows.append({
            "kode": s.kode, "nama": s.nama, "kategori": s.get_kategori_display(),
            "rencana": rencana, "realisasi": r.get("realisasi") or Decimal(0),
            "kegiatan": r.get("kegiatan", 0), "porsi": share(rencana, total),
        })
    return rows


@cached_aggregate("kolaborasi_per_tingkat", jenis=(UANG,))
def kolaborasi_per_tingkat(f: Filter = Filter()) -> dict:
    """The collaboration share: planned Rp of every source except the programme's own grant
    (BPM), by the level the money comes from (pusat transfer, provinsi, kabupaten, desa,
    non-government); one grouped query."""
    from anggaran.models import TingkatSumber

    kelompok = _dana_kelompok(f)
    if kelompok is not None:
        sumber = {s.pk: (s.tingkat, s.adalah_bpm) for s in _sumber_dana()}
        sums = {k: v[0] for k, v in _jumlahkan(kelompok, lambda row: sumber[row[1]]).items()}
    else:
        sums = {(r["sumber__tingkat"], r["sumber__adalah_bpm"]): r["rencana"] for r in
                dana(f).values("sumber__tingkat", "sumber__adalah_bpm")
                .annotate(rencana=Sum("rencana_rp"))}
    total = sum(sums.values(), Decimal(0))
    bpm = sum((v for (_t, is_bpm), v in sums.items() if is_bpm), Decimal(0))
    rows = []
    for code, label in TingkatSumber.choices:
        v = sum((v for (t, is_bpm), v in sums.items() if t == code and not is_bpm), Decimal(0))
        if v:
            rows.append({"kode": code, "nama": str(label), "rencana": v,
                         "porsi": share(v, total)})
    return {"rows": rows, "bpm": bpm, "non_bpm": total - bpm, "total": total,
            "porsi_bpm": share(bpm, total), "porsi_non_bpm": share(total - bpm, total)}


@cached_aggregate("per_jenis_pemangku", jenis=(UANG,))
def per_jenis_pemangku(f: Filter = Filter()) -> list[dict]:
    sums = _uang_per(f, "jenis")
    tersimpan = jumlah_pendana(f)
    pendana = (tersimpan[f.wilayah or ""].items() if tersimpan is not None else
               dana_pendana(f).values_list("jenis").annotate(n=Count("pemangku", distinct=True)))
    for jenis, n in pendana:
        if jenis in sums:
            sums[jenis]["pendana"] = n
    total = sum((r["rencana"] for r in sums.values()), Decimal(0))
    rows = []
    for code, label in JenisPemangku.choices:
        r = sums.get(code)
        if not r:
            continue
        rows.append({"kode": code, "nama": str(label), "rencana": r["rencana"],
                     "realisasi": r["realisasi"], "pendana": r.get("pendana", 0),
                     "porsi": share(r["rencana"], total)})
    return rows


# ---------------------------------------------------------------------------------------------
# Who funds what where: matrix and flows
# ---------------------------------------------------------------------------------------------

ROW_KEYS = {
    "pemangku": ("pemangku_id", "pemangku__nama"),
    "sumber": ("sumber_id", "sumber__nama"),
}
COL_KEYS = {
    "desa": ("desa_id", "desa__nama"),
    "aspek": ("kriteria__aspek__kode", "kriteria__aspek__nama"),
}


# Beyond this many rows a matrix pools the rest into one "lainnya" row (with 170,000 funders
# nationally it would not fit in memory).
MAKS_BARIS = 50

LAINNYA = {"pemangku": "Pemangku lainnya", "sumber": "Sumber dana lainnya"}


@dataclass
class Matriks:
    baris: str
    kolom: str  # "desa", "aspek", or the coarser region the desa columns were aggregated to
    nilai: str
    columns: list[tuple]  # (key, label)
    rows: list[dict]  # {"key", "label", "cells": [Decimal|None], "total"}
    col_totals: list[Decimal]
    total: Decimal
    # Region columns: key -> Kemendagri code (for links). Keys of aggregated region columns
    # (kolom "kecamatan"/"kabupaten"/"provinsi") are the region's pk negated, so they can
    # never be mistaken for a desa pk.
    kolom_kode: dict = field(default_factory=dict)


@cached_aggregate("matriks", jenis=(UANG,))
def matriks(f: Filter = Filter(), baris="pemangku", kolom="desa", nilai="rencana") -> Matriks:
    """Sum of planned (or realised) Rp per row × column, with totals.

    Two grouped queries (the largest rows; the cells), plus one for the column labels and,
    for desa columns outside a kabupaten, one to count the regions. Rows beyond MAKS_BARIS
    are summed in SQL into one last row with key None ("lainnya"); desa columns beyond
    MAKS_KOLOM are aggregated to kecamatan, kabupaten or provinsi (``Matriks.kolom`` says
    which).
    """
    row_id, row_label = ROW_KEYS[baris]
    amount = "realisasi_rp" if nilai == "realisasi" else "rencana_rp"
    region = tingkat_rincian(f) if kolom == "desa" else None
    # Region columns may come from the kabupaten rollups; aspect columns need the criterion.
    tingkat = region[0] if region else "aspek"
    qs = dana_pendana(f, tingkat) if baris == "pemangku" else dana(f, tingkat)
    total = pendana_total(f) if baris == "pemangku" else None
    if total is not None:  # each funder's total is one indexed row: no grouping
        top = list(total.values(row_id, row_label, t=F(amount))
                   .order_by("-t", row_label, row_id)[:MAKS_BARIS + 1])
    else:
        top = list(qs.values(row_id, row_label).annotate(t=Sum(amount))
                   .order_by("-t", row_label, row_id)[:MAKS_BARIS + 1])
    pooled = len(top) > MAKS_BARIS
    top = top[:MAKS_BARIS]
    labels = {r[row_id]: r[row_label] for r in top}
    if pooled:
        row_key = Case(When(**{f"{row_id}__in": list(labels)}, then=F(row_id)),
                       default=Value(None), output_field=BigIntegerField())
    else:
        row_key = F(row_id)
    if kolom == "desa":
        level, col_path, model = region[0], jalur_region(qs, region), region[2]
    else:
        level, col_path, model = "aspek", COL_KEYS["aspek"][0], None
    if total is not None and kolom == "aspek":
        data = _sel_pendana_aspek(f, amount, list(labels) if pooled else None)
    else:
        data = list(qs.values(baris_key=row_key, kolom_key=F(col_path)).annotate(v=Sum(amount)))
    kolom_kode: dict = {}
    if model is None:
        columns = [(a.kode, f"{a.kode}. {a.nama}") for a in
                   Aspek.objects.filter(aturan__bawaan=True).order_by("kode")]
        key_of = {c[0]: c[0] for c in columns}
    else:
        regions = list(model.objects.filter(pk__in={r["kolom_key"] for r in data})
                       .order_by("kode_wilayah").values_list("pk", "nama", "kode_wilayah"))
        sign = 1 if model is Desa else -1
        columns = [(sign * pk, nama) for pk, nama, _kode in regions]
        kolom_kode = {sign * pk: kode for pk, _nama, kode in regions}
        key_of = {pk: sign * pk for pk, _nama, _kode in regions}
    index = {key: i for i, (key, _label) in enumerate(columns)}
    rows: dict = {}
    for r in data:
        key = r["baris_key"]
        row = rows.setdefault(key, {"key": key, "label": labels.get(key, LAINNYA[baris]),
                                    "cells": [None] * len(columns), "total": Decimal(0)})
        i = index.get(key_of.get(r["kolom_key"]))
        if i is None:
            continue
        row["cells"][i] = (row["cells"][i] or Decimal(0)) + r["v"]
        row["total"] += r["v"]
    lain = rows.pop(None, None) if pooled else None
    ordered = sorted(rows.values(), key=lambda row: (-row["total"], row["label"]))
    if lain is not None:
        ordered.append(lain)
    col_totals = [sum((row["cells"][i] or 0 for row in ordered), Decimal(0))
                  for i in range(len(columns))]
    return Matriks(baris, level, nilai, columns, ordered, col_totals,
                   sum(col_totals, Decimal(0)), kolom_kode=kolom_kode)


def _sel_pendana_aspek(f: Filter, amount: str, top: list | None) -> list[dict]:
    """The funder × aspect cells of an unfiltered scope (or one funder type) from
    ``RingkasanPendanaAspek``: the ``top`` funders' cells by the funder index, and the
    "lainnya" row (key None) as each aspect's total minus them; every funder's cells when
    ``top`` is None (no pooling). Two small queries instead of a pass over the per-desa rows."""
    qs = RingkasanPendanaAspek.objects.all()
    if f.jenis:
        qs = qs.filter(jenis=f.jenis)
    cells = qs if top is None else qs.filter(pemangku_id__in=top)
    rows = list(cells.values_list("pemangku_id", "aspek").annotate(
        v=Sum(amount), n=Sum("jumlah_baris")).order_by())
    data = [{"baris_key": p, "kolom_key": a, "v": v} for p, a, v, _n in rows]
    if top is not None:
        # Each aspect's total and its number of lines, minus the top funders': the rest is
        # "lainnya" (a cell only where other funders have lines, as grouping them gives).
        sisa: dict = {a: [v, n] for a, v, n in qs.values_list("aspek").annotate(
            v=Sum(amount), n=Sum("jumlah_baris")).order_by()}
        for _p, a, v, n in rows:
            sisa[a][0] -= v
            sisa[a][1] -= n
        data += [{"baris_key": None, "kolom_key": a, "v": v} for a, (v, n) in sisa.items()
                 if n > 0]
    return data


@cached_aggregate("aliran", jenis=(UANG,))
def aliran(f: Filter = Filter(), top: int = 12) -> dict:
    """Sankey flows source → stakeholder → desa → aspect, in planned Rp.

    Nodes are keyed by level ("s:", "p:", "d:", "a:") so equal names on two levels never
    merge; ``labels`` maps keys to names. The smallest stakeholders and desa beyond ``top`` are
    pooled as "lainnya" so the picture stays readable at any scale.

    Three grouped queries: the ``top`` stakeholders and desa by planned Rp, then the lines
    summed per (source, stakeholder-or-lainnya, desa-or-lainnya, aspect) in SQL, so at most
    sources × (top+1)² × aspects rows reach Python, whatever the number of lines.
    """
    wilayah = tingkat_rincian(f)
    if _per_kabupaten(f, wilayah[0]):
        return _aliran_wilayah(f, wilayah, top)
    qs = _ringkasan(RingkasanPendana, f)  # per desa and criterion: the flows need both
    top_p = list(qs.values("pemangku_id", "pemangku__nama").annotate(v=Sum("rencana_rp"))
                 .order_by("-v", "pemangku_id")[:top])
    top_d = list(qs.values("desa_id", "desa__nama")
                 .annotate(v=Sum("rencana_rp")).order_by("-v", "desa_id")[:top])
    p_ids = [r["pemangku_id"] for r in top_p]
    d_ids = [r["desa_id"] for r in top_d]
    rows = list(qs.values(
        "sumber_id", "sumber__nama",
        p=Case(When(pemangku_id__in=p_ids, then=F("pemangku_id")), default=Value(None),
               output_field=BigIntegerField()),
        d=Case(When(desa_id__in=d_ids, then=F("desa_id")),
               default=Value(None), output_field=BigIntegerField()),
        a=F("kriteria__aspek__kode"), a_nama=F("kriteria__aspek__nama"),
    ).annotate(v=Sum("rencana_rp")))
    labels = {"p:lain": "Pemangku lainnya", "d:lain": "Desa lainnya"}
    labels.update({f"p:{r['pemangku_id']}": r["pemangku__nama"] for r in top_p})
    labels.update({f"d:{r['desa_id']}": r["desa__nama"] for r in top_d})

    def p_node(pk):
        return "p:lain" if pk is None else f"p:{pk}"

    def d_node(pk):
        return "d:lain" if pk is None else f"d:{pk}"

    flows: dict = defaultdict(Decimal)
    for r in rows:
        labels[f"s:{r['sumber_id']}"] = r["sumber__nama"]
        flows[(f"s:{r['sumber_id']}", p_node(r["p"]))] += r["v"]
    for r in rows:
        flows[(p_node(r["p"]), d_node(r["d"]))] += r["v"]
    for r in rows:
        labels[f"a:{r['a']}"] = r["a_nama"]
        flows[(d_node(r["d"]), f"a:{r['a']}")] += r["v"]
    data = [{"from": a, "to": b, "flow": float(v)} for (a, b), v in flows.items() if v > 0]
    # A stable order, whatever order the database returned the groups in: level by level
    # (source → stakeholder → desa → aspect), the largest flows first.
    data.sort(key=lambda d: ("spd".index(d["from"][0]), -d["flow"], d["from"], d["to"]))
    used = {n for d in data for n in (d["from"], d["to"])}
    return {"flows": data, "labels": {k: v for k, v in labels.items() if k in used},
            "tingkat": "desa"}


def _aliran_wilayah(f: Filter, wilayah: tuple, top: int) -> dict:
    """The flows of a wide scope (a province, the nation) from the kabupaten rollups, one
    grouped query: source → funder type → region (the page's region level; beyond ``top``
    regions pooled as "lainnya"). With tens of thousands of funders and desa, the funder
    and desa nodes and the aspect level would be a few rows of "lainnya" and cost a scan of
    every per-desa row; ``tingkat`` tells the page which picture it is."""
    name, _path, model = wilayah
    # The source's name as an aggregate, not a grouping key: grouped by three narrow keys,
    # PostgreSQL hashes the 52,000 rows instead of sorting them on disk (68 -> 30 ms).
    rows = list(_kabupaten(RingkasanDanaKabupaten, f).values(
        "sumber_id", "jenis", r=F(_WILAYAH_KABUPATEN[name]))
        .annotate(nama_sumber=Max("sumber__nama"), v=Sum("rencana_rp")))
    per_region: dict = defaultdict(Decimal)
    for r in rows:
        per_region[r["r"]] += r["v"]
    besar = sorted(per_region, key=lambda pk: (-per_region[pk], pk))[:top]
    labels = {"d:lain": f"{WILAYAH_LABEL[name]} lainnya"}
    labels.update({f"d:{pk}": nama for pk, nama in
                   model.objects.filter(pk__in=besar).values_list("pk", "nama")})
    jenis_label = dict(JenisPemangku.choices)
    flows: dict = defaultdict(Decimal)
    for r in rows:
        s, p = f"s:{r['sumber_id']}", f"p:{r['jenis']}"
        d = f"d:{r['r']}" if r["r"] in besar else "d:lain"
        labels[s] = r["nama_sumber"]
        labels[p] = str(jenis_label.get(r["jenis"], r["jenis"]))
        flows[(s, p)] += r["v"]
        flows[(p, d)] += r["v"]
    data = [{"from": a, "to": b, "flow": float(v)} for (a, b), v in flows.items() if v > 0]
    data.sort(key=lambda d: ("spd".index(d["from"][0]), -d["flow"], d["from"], d["to"]))
    used = {n for d in data for n in (d["from"], d["to"])}
    return {"flows": data, "labels": {k: v for k, v in labels.items() if k in used},
            "tingkat": name}


WILAYAH_LABEL = {"kabupaten": "Kabupaten/kota", "provinsi": "Provinsi"}

#: Planned totals within this share of each other count as "similar" for the review.
MIRIP = Decimal("0.10")


def duplikasi(f: Filter = Filter()):
    """Possible duplicate funding, listed for review: activities addressing the same
    criterion in the same year as another activity, either at the same location, or in the
    same desa with a similar planned amount (within 10 %) where one of them has no location
    (a double entry typed twice, issue 17)."""
    aktif = Kegiatan.objects.exclude(status=StatusKegiatan.BATAL)
    # Only an activity sharing its criterion and year with another active one in its desa or
    # at its location can be listed: the checks below run on those few (981 of 37,000 in a
    # national year) instead of on every activity (3-5 s nationally before).
    basis = aktif.filter(tahun_anggaran=f.tahun) if f.tahun else aktif
    kunci = [F("kriteria_id"), F("tahun_anggaran")]
    calon = basis.annotate(
        n_desa=Window(Count("pk"), partition_by=[F("desa_id"), *kunci]),
        # (no location: a partition of its own)
        n_lokasi=Window(Count("pk"), partition_by=[Coalesce("lokasi_id", -F("pk")), *kunci]),
    ).filter(Q(n_desa__gt=1) | Q(n_lokasi__gt=1)).values("pk")
    same = dict(kriteria_id=OuterRef("kriteria_id"), tahun_anggaran=OuterRef("tahun_anggaran"))
    other = aktif.filter(lokasi_id=OuterRef("lokasi_id"), **same).exclude(pk=OuterRef("pk"))
    total = Coalesce(Subquery(
        Pendanaan.objects.filter(kegiatan=OuterRef("pk")).order_by().values("kegiatan")
        .annotate(s=Sum("rencana_rp")).values("s")), ZERO_RP)
    mirip = (
        aktif.filter(desa_id=OuterRef("desa_id"), **same).exclude(pk=OuterRef("pk"))
        .annotate(total_lain=total)
        .filter(total_lain__gte=OuterRef("total_rencana") * (1 - MIRIP),
                total_lain__lte=OuterRef("total_rencana") * (1 + MIRIP))
    )
    return (
        kegiatan(f).exclude(status=StatusKegiatan.BATAL).filter(pk__in=calon).with_totals()
        .annotate(
            ganda_lokasi=Exists(other.filter(lokasi__isnull=False)),
            ganda_tanpa_lokasi=Exists(mirip.filter(lokasi__isnull=True)),
            ganda_mirip=Exists(mirip),
        )
        .filter((Q(lokasi__isnull=False) & Q(ganda_lokasi=True))
                | Q(ganda_tanpa_lokasi=True)
                | (Q(lokasi__isnull=True) & Q(ganda_mirip=True)))
        .select_related("desa", "lokasi", "kriteria")
        .prefetch_related("pendanaan__pemangku", "pendanaan__sumber")
        .order_by("tahun_anggaran", "desa__nama", "kriteria__kode", "lokasi__nama", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Impact: baseline, terukur (measured) and proyeksi (projected) per desa, from the locations
# ---------------------------------------------------------------------------------------------


@dataclass
class Dampak:
    """One desa's (or the whole scope's) figures: the per-location results summed
    (``anggaran.kondisi`` / ``desa.kondisi``); ``realisasi`` is the money realised at its
    locations since each one's baseline year."""

    key: object
    label: str
    agregat: kondisi_murni.Agregat
    realisasi: Decimal
    kode: str = ""

    @property
    def baseline(self):
        return self.agregat.baseline

    @property
    def terukur(self):
        return self.agregat.terukur

    @property
    def proyeksi(self):
        return self.agregat.proyeksi

    @property
    def keluar_dari_kumuh(self) -> bool:
        """Measured out of slum: the baseline aggregate was slum, the terukur one is not."""
        return self.baseline.hasil.is_kumuh and not self.terukur.hasil.is_kumuh


def dampak(desa_ids=None, tahun: int | None = None) -> tuple[list[Dampak], Dampak | None]:
    """Per desa and for the whole scope: baseline → terukur → proyeksi, hectares by level.

    Never pools handled volumes across locations: each location's projection is computed on
    its own (``desa.kondisi.kondisi_lokasi``) and the results are summed.
    """
    h = kondisi_dari_data(tahun, tuple(desa_ids) if desa_ids is not None else None)
    spent: dict = defaultdict(Decimal)
    for pk, rp in h.realisasi_lokasi.items():
        spent[h.lokasi_info[pk]["desa_id"]] += rp
    kode = dict(Desa.objects.filter(pk__in=list(h.desa)).values_list("pk", "kode_wilayah"))
    rows = [Dampak(pk, nama, a, spent.get(pk, Decimal(0)), kode.get(pk, ""))
            for pk, nama, a in h.baris_desa()]
    if h.total is None:
        return rows, None
    return rows, Dampak(None, "Semua lokasi", h.total,
                        sum(spent.values(), Decimal(0)))


# ---------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------


def celah_pendanaan(desa: Desa, hasil: scoring.AssessmentResult | None):
    """Funding gap: criteria still scoring 3 or 5 in the latest verified aggregate with no
    planned or running activity addressing them in this desa."""
    active = set(
        Kegiatan.objects.filter(desa=desa, status__in=[StatusKegiatan.RENCANA,
                                                        StatusKegiatan.BERJALAN])
        .values_list("kriteria__kode", flat=True))
    if hasil is None:
        return []
    return [c for c in hasil.criterion_results if c.score >= 3 and c.code not in active]


# ---------------------------------------------------------------------------------------------
# Stakeholder profile: where a funder's money goes
# ---------------------------------------------------------------------------------------------


def pendanaan_per_wilayah(pemangku_id: int) -> tuple[str, list[dict]]:
    """A funder's money by place: per desa when it funds at most MAKS_KOLOM desa, otherwise
    per the finest region level with at most MAKS_KOLOM regions (a national funder's 70,000
    desa are no table). Rows: ``pk``, ``kode``, ``nama``, planned and realised Rp, distinct
    activities, and ``porsi``, its share of all planned funding there.

    The levels are counted from the funder's kabupaten rows (distinct desa and kecamatan
    per kabupaten add up exactly); per kabupaten or province, money and activities come from
    those rows too (at most 514), finer levels from the per-desa rollups and its lines. Four
    or five queries at any size (levels, money, activities below kabupaten, names, totals)."""
    from desa import wilayah as wil

    f = Filter(pemangku_id=pemangku_id)
    kab = RingkasanPendanaKabupaten.objects.filter(pemangku_id=pemangku_id)
    n = kab.aggregate(n_desa=Coalesce(Sum("jumlah_desa"), 0),
                      n_kecamatan=Coalesce(Sum("jumlah_kecamatan"), 0), n_kabupaten=Count("pk"))
    level = next((lv for lv in WILAYAH[:3] if n[f"n_{lv[0]}"] <= wil.MAKS_KOLOM), WILAYAH[-1])
    name, _path, model = level
    if name in _WILAYAH_KABUPATEN:
        money = {r["region"]: r for r in kab.values(region=F(jalur_region(kab, level)))
                 .annotate(rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
                           kegiatan=Sum("jumlah_kegiatan"))}
        kegiatan_n = {pk: r["kegiatan"] for pk, r in money.items()}
    else:
        qs = _ringkasan(RingkasanPendana, f)
        money = {r["region"]: r for r in qs.values(region=F(jalur_wilayah(level, "desa")))
                 .annotate(rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))}
        kegiatan_n = dict(pendanaan(f).values_list(jalur_wilayah(level, "kegiatan__desa"))
                          .annotate(n=Count("kegiatan", distinct=True)))
    semua = dana(tingkat=name)
    jalur = jalur_region(semua, level)
    total = dict(semua.filter(**{f"{jalur}__in": list(money)}).values_list(jalur)
                 .annotate(s=Sum("rencana_rp")))
    rows = []
    for pk, kode, nama in (model.objects.filter(pk__in=list(money))
                           .values_list("pk", "kode_wilayah", "nama")):
        m = money[pk]
        rows.append({"pk": pk, "kode": kode, "nama": nama, "rencana": m["rencana"],
                     "realisasi": m["realisasi"], "kegiatan": kegiatan_n.get(pk, 0),
                     "porsi": share(m["rencana"], total.get(pk))})
    rows.sort(key=lambda r: (r["nama"], r["kode"]) if name == "desa" else (r["kode"],))
    return name, rows


# ---------------------------------------------------------------------------------------------
# Desa profile: funding, activities, stakeholders, funding gap
# ---------------------------------------------------------------------------------------------


def profil_desa(desa: Desa, terkini: scoring.AssessmentResult | None, limit: int = 60) -> dict:
    """Funding picture of one desa (fixed number of queries)."""
    from django.db.models import Prefetch

    from anggaran.models import LaporanProgres

    f = Filter(desa_id=desa.pk)
    per_pemangku = list(
        dana_pendana(f).values("pemangku_id", "pemangku__nama", "pemangku__jenis").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            sumber=Count("sumber", distinct=True))
        .order_by("-rencana", "pemangku__nama"))
    # Distinct activities per funder across sources cannot be summed from the rollups: one
    # query on this desa's own lines (indexed, bounded by the desa).
    kegiatan_per_pemangku = dict(pendanaan(f).values("pemangku_id").annotate(
        n=Count("kegiatan", distinct=True)).values_list("pemangku_id", "n"))
    jenis_label = dict(JenisPemangku.choices)
    total = sum((r["rencana"] for r in per_pemangku), Decimal(0))
    for r in per_pemangku:
        r["jenis_label"] = jenis_label.get(r["pemangku__jenis"], r["pemangku__jenis"])
        r["kegiatan"] = kegiatan_per_pemangku.get(r["pemangku_id"], 0)
        r["porsi"] = share(r["rencana"], total)
    kegiatan_qs = (
        Kegiatan.objects.filter(desa=desa).with_totals()
        .select_related("kriteria", "pelaksana", "lokasi")
        .prefetch_related(
            Prefetch("pendanaan", queryset=Pendanaan.objects.select_related(
                "pemangku", "sumber").order_by("pk")),
            Prefetch("progres", queryset=LaporanProgres.objects.prefetch_related("foto")
                     .order_by("-tanggal", "-pk")),
        ).order_by("-tahun_anggaran", "nama")[:limit])
    kegiatan_list = list(kegiatan_qs)
    for k in kegiatan_list:
        k.foto_terbaru = next((foto for lap in k.progres.all() for foto in lap.foto.all()), None)
    from kolaborasi.models import PemangkuKepentingan

    return {
        "sums": _sums(f),
        "per_sumber": [r for r in per_sumber(f) if r["rencana"]],
        "per_pemangku": per_pemangku,
        "kegiatan": kegiatan_list,
        "lembaga": list(PemangkuKepentingan.objects.filter(
            desa=desa, jenis__in=[JenisPemangku.LKM, JenisPemangku.KSM, JenisPemangku.PEMDES])
            .order_by("jenis", "nama")),
        "celah": celah_pendanaan(desa, terkini),
        # Issue 15: the agreed plan items still unfunded, in rupiah (1 query without items).
        "celah_rupiah": _celah_rupiah_desa(desa),
    }


def _celah_rupiah_desa(desa: Desa) -> dict:
    from anggaran.rencana import celah_rupiah

    return celah_rupiah(desa_ids=[desa.pk])
