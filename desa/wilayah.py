"""Region scope: which desa a page covers, named by a Kemendagri code, and the level of
region (desa, kecamatan, kabupaten, provinsi) its tables show.

Kemendagri codes nest ("35" ⊃ "35.19" ⊃ "35.19.09" ⊃ "35.19.09.2005"), so a scope is a join on
foreign keys that indexes serve. A *scope* here is anything with ``wilayah`` (a code or None)
and ``desa_id`` (or None), such as the dashboards' filter.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import Substr

from desa.models import Desa, Kabupaten, Kecamatan, Provinsi
from inti.cache import cached_aggregate

# Beyond this many regions a per-region table or matrix stops being readable: the level of
# its rows or columns goes up a step (desa → kecamatan → kabupaten → provinsi).
MAKS_KOLOM = 50


# Region levels, finest first: (level, path from Desa to the region's pk, model).
WILAYAH = [
    ("desa", "pk", Desa),
    ("kecamatan", "kecamatan_id", Kecamatan),
    ("kabupaten", "kecamatan__kabupaten_id", Kabupaten),
    ("provinsi", "kecamatan__kabupaten__provinsi_id", Provinsi),
]
# From Desa to the Kemendagri code of the region a code of n parts names (Kemendagri codes
# nest: "35" ⊃ "35.19" ⊃ "35.19.09" ⊃ "35.19.09.2005").
_KODE_PATH = {1: "kecamatan__kabupaten__provinsi__kode_wilayah",
              2: "kecamatan__kabupaten__kode_wilayah", 3: "kecamatan__kode_wilayah",
              4: "kode_wilayah"}


def dalam_wilayah(kode: str, via: str = "") -> Q:
    """Rows whose desa (reached through ``via``, e.g. ``"kegiatan__desa__"``) lie in the
    region with Kemendagri code ``kode``; a join on foreign keys, so indexes serve it."""
    return Q(**{via + _KODE_PATH[kode.count(".") + 1]: kode})


def desa_dalam(f):
    """The desa in a scope: ``f`` is anything with ``wilayah`` (a Kemendagri code or None)
    and ``desa_id`` (or None), such as the dashboards' filter."""
    qs = Desa.objects.all()
    if f.wilayah:
        qs = qs.filter(dalam_wilayah(f.wilayah))
    if f.desa_id:
        qs = qs.filter(pk=f.desa_id)
    return qs


#: The region model of a code with 0, 1, 2 dots (provinsi, kabupaten, kecamatan).
MODEL_KODE = {1: Provinsi, 2: Kabupaten, 3: Kecamatan}
#: A region's code is the first characters of each of its desa's codes ("35.19.09.2005"):
#: stored rows carrying the desa's code are scoped and grouped by this prefix.
PANJANG_KODE = {"provinsi": 2, "kabupaten": 5, "kecamatan": 8, "desa": 13}


def tingkat_bawah(kode: str) -> int:
    """The level one below region ``kode`` by its number of code parts: 1 provinsi (below
    the nation, ""), 2 kabupaten, 3 kecamatan, 4 desa."""
    return kode.count(".") + 2 if kode else 1


def wilayah_bawah(qs, wilayah: str, kode_desa: str) -> list[dict]:
    """The regions one level below ``wilayah`` (the nation: provinces) holding rows of
    ``qs``, whose desa code is at ``kode_desa`` (``"kode_wilayah"`` from a desa,
    ``"desa__kode_wilayah"`` from a kawasan), with their number of rows: ``{"kode", "nama",
    "jumlah"}`` by code. One grouped query and one for the names. A kecamatan has no level
    below (empty)."""
    tingkat = tingkat_bawah(wilayah)
    if tingkat not in MODEL_KODE:
        return []
    panjang = PANJANG_KODE[("provinsi", "kabupaten", "kecamatan")[tingkat - 1]]
    jumlah = dict(qs.order_by().annotate(kode_bawah=Substr(kode_desa, 1, panjang))
                  .values_list("kode_bawah").annotate(n=Count("pk")))
    nama = dict(MODEL_KODE[tingkat].objects.filter(kode_wilayah__in=jumlah)
                .values_list("kode_wilayah", "nama"))
    return [{"kode": kode, "nama": nama.get(kode, kode), "jumlah": n}
            for kode, n in sorted(jumlah.items())]


def melebihi(qs, wilayah: str, maks: int, kode_desa: str) -> dict | None:
    """For a page that lists at most ``maks`` rows of ``qs`` (scoped to ``wilayah``): None
    when they fit (or the scope is a kecamatan, which is always listed), else what the page
    shows instead, ``{"terlalu_banyak": n, "maks", "wilayah_bawah"}`` (the regions one level
    down, see :func:`wilayah_bawah`)."""
    if tingkat_bawah(wilayah) > 3 or (jumlah := qs.count()) <= maks:
        return None
    return {"terlalu_banyak": jumlah, "maks": maks,
            "wilayah_bawah": wilayah_bawah(qs, wilayah, kode_desa)}


def _judul(model, nama: str) -> str:
    """"Provinsi Jawa Timur", "Kabupaten Madiun" (the name says kabupaten or kota), "Kecamatan
    Jiwan"."""
    if model is Kecamatan:
        return f"Kecamatan {nama}"
    if model is Provinsi:
        return f"Provinsi {nama}"
    return nama


def jejak_wilayah(kode: str | None) -> list[dict]:
    """The region with Kemendagri code ``kode`` and those containing it, widest first, as
    ``{"kode", "nama", "judul"}``; empty when the code is empty or names no loaded region.
    One query."""
    model = MODEL_KODE.get(kode.count(".") + 1) if kode else None
    if model is None:
        return []
    chain = {Provinsi: [], Kabupaten: ["provinsi"], Kecamatan: ["kabupaten__provinsi"]}[model]
    region = model.objects.select_related(*chain).filter(kode_wilayah=kode).first()
    trail = []
    while region is not None:
        trail.insert(0, {"kode": region.kode_wilayah, "nama": region.nama,
                         "judul": _judul(type(region), region.nama)})
        region = (region.kabupaten if isinstance(region, Kecamatan)
                  else region.provinsi if isinstance(region, Kabupaten) else None)
    return trail


@cached_aggregate("cakupan_bawaan")
def cakupan_bawaan() -> dict:
    """The smallest region holding every loaded desa, as ``{"kode", "jejak"}``: Jiwan's
    kecamatan for this portal (code "35.19.09", trail provinsi → kabupaten → kecamatan), or
    ``kode`` None for several provinces (the nation) or no desa. One query: the lowest and
    highest code per level are equal exactly when one region holds them all. Read over the
    kecamatan (7,285 nationally; the loaders create a kecamatan with its desa, and a desa
    cannot exist without its kecamatan) instead of the 83,762 desa joined to their regions:
    3 ms instead of 30-40 ms on every dashboard page."""
    levels = [(MODEL_KODE[n], _KODE_PATH[n].removeprefix("kecamatan__")
               .removesuffix("kode_wilayah")) for n in (1, 2, 3)]
    aggregates = {}
    for i, (_model, path) in enumerate(levels):
        aggregates[f"min{i}"] = Min(f"{path}kode_wilayah")
        aggregates[f"max{i}"] = Max(f"{path}kode_wilayah")
        aggregates[f"nama{i}"] = Min(f"{path}nama")
    r = Kecamatan.objects.aggregate(**aggregates)
    jejak = []
    for i, (model, _path) in enumerate(levels):
        if r[f"min{i}"] is None or r[f"min{i}"] != r[f"max{i}"]:
            break
        jejak.append({"kode": r[f"min{i}"], "nama": r[f"nama{i}"],
                      "judul": _judul(model, r[f"nama{i}"])})
    return {"kode": jejak[-1]["kode"] if jejak else None, "jejak": jejak}


def satu_kecamatan(bawaan: dict) -> bool:
    """Whether the loaded desa are one kecamatan's (nothing to narrow by region)."""
    return bool(bawaan["kode"]) and bawaan["kode"].count(".") == 2


def _jumlah_wilayah(f) -> tuple[int, int, int]:
    """Numbers of desa, kecamatan and kabupaten in the filter's scope (one query)."""
    if f.wilayah or f.desa_id:
        return tuple(desa_dalam(f).aggregate(
            desa=Count("pk"), kec=Count("kecamatan", distinct=True),
            kab=Count("kecamatan__kabupaten", distinct=True)).values())
    # The whole database: three index-only counts.
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Desa, Kecamatan, Kabupaten)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables))
        return tuple(cursor.fetchone())


def tingkat_rincian(f) -> tuple:
    """The finest region level (an entry of WILAYAH) with at most MAKS_KOLOM regions in the
    filter's scope: the level of a dashboard's per-region columns and tables.

    The size of the scope decides, not the filters on money, so a page does not change shape
    with the year: Jiwan (14 desa) shows desa, a kabupaten of 206 desa its kecamatan, a
    province its kabupaten, the nation its provinsi; each region links to its own scope.
    """
    for level, n in zip(WILAYAH, _jumlah_wilayah(f), strict=False):
        if n <= MAKS_KOLOM:
            return level
    return WILAYAH[-1]


def jalur_wilayah(level: tuple, via: str) -> str:
    """Path to a region level's pk from a model that reaches Desa through ``via``
    (``"kegiatan__desa"`` from Pendanaan)."""
    name, path, _model = level
    return f"{via}_id" if name == "desa" else f"{via}__{path}"
