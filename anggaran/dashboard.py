"""Read-side aggregates for the dashboards: who funds what, where, from which source, and what
it changed. Every function runs a fixed number of grouped SQL queries (no per-row queries),
whatever the number of desa, activities or funding lines; pages and exports share them, so the
numbers on screen are the numbers in the file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from anggaran.models import ZERO_RP, Kegiatan, Pendanaan, StatusKegiatan, SumberDana
from desa import scoring
from desa.models import Aspek, AturanPenilaian, Desa, Kawasan, Penilaian, Tingkat
from desa.penilaian import default_aturan, jumlah_masukan, ruleset_of
from kolaborasi.models import JenisPemangku

HUNDRED_MILLION = Decimal(100_000_000)


@dataclass(frozen=True)
class Filter:
    """Dashboard filters (all optional)."""

    tahun: int | None = None
    sumber: str | None = None  # SumberDana.kode
    jenis: str | None = None  # JenisPemangku
    aspek: str | None = None  # Aspek.kode of the default rule set
    desa_id: int | None = None
    pemangku_id: int | None = None

    def as_query(self) -> dict:
        """Query parameters for links (e.g. to the activity list)."""
        return {k: v for k, v in (
            ("tahun", self.tahun), ("sumber", self.sumber), ("jenis", self.jenis),
            ("aspek", self.aspek)) if v not in (None, "")}


def pendanaan(f: Filter = Filter()):
    """Funding lines in scope: cancelled activities never count."""
    qs = Pendanaan.objects.exclude(kegiatan__status=StatusKegiatan.BATAL)
    if f.tahun:
        qs = qs.filter(kegiatan__tahun_anggaran=f.tahun)
    if f.sumber:
        qs = qs.filter(sumber__kode=f.sumber)
    if f.jenis:
        qs = qs.filter(pemangku__jenis=f.jenis)
    if f.aspek:
        qs = qs.filter(kegiatan__kriteria__aspek__kode=f.aspek)
    if f.desa_id:
        qs = qs.filter(kegiatan__desa_id=f.desa_id)
    if f.pemangku_id:
        qs = qs.filter(pemangku_id=f.pemangku_id)
    return qs.order_by()


def kegiatan(f: Filter = Filter()):
    """Activities in scope (those with at least one funding line matching the line filters)."""
    qs = Kegiatan.objects.all()
    if f.tahun:
        qs = qs.filter(tahun_anggaran=f.tahun)
    if f.aspek:
        qs = qs.filter(kriteria__aspek__kode=f.aspek)
    if f.desa_id:
        qs = qs.filter(desa_id=f.desa_id)
    if f.sumber or f.jenis or f.pemangku_id:
        qs = qs.filter(pk__in=pendanaan(f).values("kegiatan_id"))
    return qs


def _sums(qs):
    return qs.aggregate(
        rencana=Coalesce(Sum("rencana_rp"), ZERO_RP),
        realisasi=Coalesce(Sum("realisasi_rp"), ZERO_RP),
        non_apbn=Coalesce(Sum("rencana_rp", filter=Q(sumber__adalah_apbn=False)), ZERO_RP),
        pendana=Count("pemangku", distinct=True),
        sumber=Count("sumber", distinct=True),
    )


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """Percentage with 1 decimal, or None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# ---------------------------------------------------------------------------------------------
# Slum levels per desa
# ---------------------------------------------------------------------------------------------


def tingkat_per_desa(desa_ids=None) -> dict[int, scoring.AssessmentResult]:
    """Latest verified aggregate score per desa (sum over its locations)."""
    rules = ruleset_of(default_aturan())
    qs = Penilaian.objects.terkini()
    if desa_ids is not None:
        qs = qs.filter(lokasi__desa_id__in=desa_ids)
    return {
        k: scoring.score_assessment(h, v, rules=rules)
        for k, (h, v) in jumlah_masukan(qs, "lokasi__desa", rules.code).items()
    }


LEVEL_COLOURS = {
    Tingkat.KUMUH_BERAT: "#b2182b", Tingkat.KUMUH_SEDANG: "#ef8a62",
    Tingkat.KUMUH_RINGAN: "#fddbc7", Tingkat.TIDAK_KUMUH: "#67a9cf",
}
NOT_ASSESSED_COLOUR = "#d9d9d9"


# ---------------------------------------------------------------------------------------------
# Beranda
# ---------------------------------------------------------------------------------------------


@dataclass
class Ringkasan:
    jumlah_desa: int
    luas_kumuh_ha: Decimal
    desa_per_tingkat: list[tuple[str, str, int]]
    rencana: Decimal
    realisasi: Decimal
    non_apbn: Decimal
    porsi_non_apbn: Decimal | None
    jumlah_pendana: int
    jumlah_sumber: int
    kegiatan_per_status: list[tuple[str, str, int]]
    jumlah_kegiatan: int
    tingkat: dict = field(default_factory=dict)


def ringkasan(f: Filter = Filter()) -> Ringkasan:
    desa_ids = list(Desa.objects.values_list("pk", flat=True))
    levels = tingkat_per_desa()
    counter = Counter(r.level for r in levels.values())
    per_tingkat = [(code, label, counter.get(code, 0)) for code, label in Tingkat.choices]
    per_tingkat.append(("belum", "Belum dinilai", len(set(desa_ids) - set(levels))))
    sums = _sums(pendanaan(f))
    status_counts = dict(kegiatan(f).order_by().values_list("status").annotate(n=Count("pk")))
    per_status = [(c, lbl, status_counts.get(c, 0)) for c, lbl in StatusKegiatan.choices]
    return Ringkasan(
        jumlah_desa=len(desa_ids),
        luas_kumuh_ha=Kawasan.objects.aggregate(s=Coalesce(Sum("luas_ha"), Decimal(0)))["s"],
        desa_per_tingkat=per_tingkat,
        rencana=sums["rencana"], realisasi=sums["realisasi"], non_apbn=sums["non_apbn"],
        porsi_non_apbn=share(sums["non_apbn"], sums["rencana"]),
        jumlah_pendana=sums["pendana"], jumlah_sumber=sums["sumber"],
        kegiatan_per_status=per_status, jumlah_kegiatan=sum(status_counts.values()),
        tingkat=levels,
    )


def per_sumber(f: Filter = Filter()) -> list[dict]:
    """Planned and realised Rp per funding source (every source listed, zeros included)."""
    sums = {
        row["sumber_id"]: row for row in pendanaan(f).values("sumber_id").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            kegiatan=Count("kegiatan", distinct=True))
    }
    total = sum((r["rencana"] for r in sums.values()), Decimal(0))
    rows = []
    for s in SumberDana.objects.order_by("urutan"):
        r = sums.get(s.pk, {})
        rencana = r.get("rencana") or Decimal(0)
        rows.append({
            "kode": s.kode, "nama": s.nama, "kategori": s.get_kategori_display(),
            "rencana": rencana, "realisasi": r.get("realisasi") or Decimal(0),
            "kegiatan": r.get("kegiatan", 0), "porsi": share(rencana, total),
        })
    return rows


def per_jenis_pemangku(f: Filter = Filter()) -> list[dict]:
    sums = {
        row["pemangku__jenis"]: row for row in pendanaan(f).values("pemangku__jenis").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            pendana=Count("pemangku", distinct=True))
    }
    total = sum((r["rencana"] for r in sums.values()), Decimal(0))
    rows = []
    for code, label in JenisPemangku.choices:
        r = sums.get(code)
        if not r:
            continue
        rows.append({"kode": code, "nama": str(label), "rencana": r["rencana"],
                     "realisasi": r["realisasi"], "pendana": r["pendana"],
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
    "desa": ("kegiatan__desa_id", "kegiatan__desa__nama"),
    "aspek": ("kegiatan__kriteria__aspek__kode", "kegiatan__kriteria__aspek__nama"),
}


@dataclass
class Matriks:
    baris: str
    kolom: str
    nilai: str
    columns: list[tuple]  # (key, label)
    rows: list[dict]  # {"key", "label", "cells": [Decimal|None], "total"}
    col_totals: list[Decimal]
    total: Decimal


def matriks(f: Filter = Filter(), baris="pemangku", kolom="desa", nilai="rencana") -> Matriks:
    """Sum of planned (or realised) Rp per row × column, with totals; one grouped query."""
    row_id, row_label = ROW_KEYS[baris]
    col_id, col_label = COL_KEYS[kolom]
    amount = "realisasi_rp" if nilai == "realisasi" else "rencana_rp"
    data = list(pendanaan(f).values(row_id, row_label, col_id).annotate(v=Sum(amount)))
    if kolom == "desa":
        columns = [(d.pk, d.nama) for d in Desa.objects.filter(
            pk__in={r[col_id] for r in data}).order_by("kode_wilayah")]
    else:
        columns = [(a.kode, f"{a.kode}. {a.nama}") for a in
                   Aspek.objects.filter(aturan__bawaan=True).order_by("kode")]
    index = {key: i for i, (key, _label) in enumerate(columns)}
    rows: dict = {}
    for r in data:
        row = rows.setdefault(r[row_id], {"key": r[row_id], "label": r[row_label],
                                          "cells": [None] * len(columns), "total": Decimal(0)})
        i = index.get(r[col_id])
        if i is None:
            continue
        row["cells"][i] = (row["cells"][i] or Decimal(0)) + r["v"]
        row["total"] += r["v"]
    ordered = sorted(rows.values(), key=lambda row: (-row["total"], row["label"]))
    col_totals = [sum((row["cells"][i] or 0 for row in ordered), Decimal(0))
                  for i in range(len(columns))]
    return Matriks(baris, kolom, nilai, columns, ordered, col_totals, sum(col_totals, Decimal(0)))


def aliran(f: Filter = Filter(), top: int = 12) -> dict:
    """Sankey flows source → stakeholder → desa → aspect, in planned Rp.

    Nodes are keyed by level ("s:", "p:", "d:", "a:") so equal names on two levels never
    merge; ``labels`` maps keys to names. The smallest stakeholders and desa beyond ``top`` are
    pooled as "lainnya" so the picture stays readable at any scale.
    """
    qs = pendanaan(f)
    s_p = list(qs.values("sumber_id", "sumber__nama", "pemangku_id", "pemangku__nama")
               .annotate(v=Sum("rencana_rp")))
    p_d = list(qs.values("pemangku_id", "kegiatan__desa_id", "kegiatan__desa__nama")
               .annotate(v=Sum("rencana_rp")))
    d_a = list(qs.values("kegiatan__desa_id", "kegiatan__kriteria__aspek__kode",
                         "kegiatan__kriteria__aspek__nama").annotate(v=Sum("rencana_rp")))
    p_tot, d_tot = defaultdict(Decimal), defaultdict(Decimal)
    for r in s_p:
        p_tot[r["pemangku_id"]] += r["v"]
    for r in d_a:
        d_tot[r["kegiatan__desa_id"]] += r["v"]
    top_p = set(sorted(p_tot, key=lambda k: -p_tot[k])[:top])
    top_d = set(sorted(d_tot, key=lambda k: -d_tot[k])[:top])
    labels = {"p:lain": "Pemangku lainnya", "d:lain": "Desa lainnya"}
    for r in s_p:
        labels[f"s:{r['sumber_id']}"] = r["sumber__nama"]
        labels[f"p:{r['pemangku_id']}"] = r["pemangku__nama"]
    for r in p_d:
        labels[f"d:{r['kegiatan__desa_id']}"] = r["kegiatan__desa__nama"]
    for r in d_a:
        labels[f"a:{r['kegiatan__kriteria__aspek__kode']}"] = r["kegiatan__kriteria__aspek__nama"]

    def p_node(pk):
        return f"p:{pk}" if pk in top_p else "p:lain"

    def d_node(pk):
        return f"d:{pk}" if pk in top_d else "d:lain"

    flows: dict = defaultdict(Decimal)
    for r in s_p:
        flows[(f"s:{r['sumber_id']}", p_node(r["pemangku_id"]))] += r["v"]
    for r in p_d:
        flows[(p_node(r["pemangku_id"]), d_node(r["kegiatan__desa_id"]))] += r["v"]
    for r in d_a:
        flows[(d_node(r["kegiatan__desa_id"]),
               f"a:{r['kegiatan__kriteria__aspek__kode']}")] += r["v"]
    data = [{"from": a, "to": b, "flow": float(v)} for (a, b), v in flows.items() if v > 0]
    used = {n for d in data for n in (d["from"], d["to"])}
    return {"flows": data, "labels": {k: v for k, v in labels.items() if k in used}}


def kolaborasi_per_desa(f: Filter = Filter()) -> dict[int, dict]:
    """Collaboration signals per desa: distinct sources and stakeholders, planned Rp."""
    return {
        r["kegiatan__desa_id"]: r for r in pendanaan(f).values("kegiatan__desa_id").annotate(
            sumber=Count("sumber", distinct=True), pendana=Count("pemangku", distinct=True),
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))
    }


def duplikasi(f: Filter = Filter()):
    """Activities addressing the same criterion at the same location in the same year as
    another activity: possible duplicate funding, listed for review."""
    other = Kegiatan.objects.exclude(status=StatusKegiatan.BATAL).filter(
        lokasi_id=OuterRef("lokasi_id"), kriteria_id=OuterRef("kriteria_id"),
        tahun_anggaran=OuterRef("tahun_anggaran"),
    ).exclude(pk=OuterRef("pk"))
    return (
        kegiatan(f).exclude(status=StatusKegiatan.BATAL).filter(lokasi__isnull=False)
        .filter(Exists(other)).with_totals()
        .select_related("desa", "lokasi", "kriteria")
        .prefetch_related("pendanaan__pemangku", "pendanaan__sumber")
        .order_by("tahun_anggaran", "desa__nama", "lokasi__nama", "kriteria__kode", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Impact: baseline score vs score after completed activities (kumuh akhir)
# ---------------------------------------------------------------------------------------------


@dataclass
class Dampak:
    key: object
    label: str
    sebelum: scoring.AssessmentResult
    sesudah: scoring.AssessmentResult
    realisasi: Decimal
    tertangani: dict

    @property
    def penurunan(self) -> int:
        return self.sebelum.total - self.sesudah.total

    @property
    def penurunan_per_100jt(self) -> Decimal | None:
        if not self.realisasi:
            return None
        return (Decimal(self.penurunan) * HUNDRED_MILLION / self.realisasi).quantize(
            Decimal("0.01"))

    @property
    def kontribusi(self) -> Decimal | None:
        """Kontribusi penanganan: (score before − score after) / score before, in %."""
        if not self.sebelum.total:
            return None
        return share(self.penurunan, self.sebelum.total)

    @property
    def keluar_dari_kumuh(self) -> bool:
        return self.sebelum.is_kumuh and not self.sesudah.is_kumuh


def baseline_qs():
    """Per location, its earliest verified assessment (the baseline)."""
    first = (
        Penilaian.objects.terverifikasi().filter(lokasi_id=OuterRef("lokasi_id"))
        .order_by("tahun").values("pk")[:1]
    )
    return Penilaian.objects.terverifikasi().filter(pk=Subquery(first))


def dampak(desa_ids=None) -> tuple[list[Dampak], Dampak | None]:
    """Impact per desa and for all of them together.

    Handled volume per criterion = the volumes of completed activities addressing it, counted
    only where the activity's unit is the criterion's unit (4 waste carts do not reduce a
    volume counted in households). Fixed number of queries.
    """
    aturan = AturanPenilaian.objects.bawaan()
    rules = ruleset_of(aturan)
    base_qs = baseline_qs()
    if desa_ids is not None:
        base_qs = base_qs.filter(lokasi__desa_id__in=desa_ids)
    inputs = jumlah_masukan(base_qs, "lokasi__desa", rules.code)
    done = Kegiatan.objects.filter(status=StatusKegiatan.SELESAI, kriteria__aturan=aturan)
    if desa_ids is not None:
        done = done.filter(desa_id__in=desa_ids)
    handled: dict = defaultdict(dict)
    for r in done.filter(satuan=F("kriteria__satuan")).order_by().values(
            "desa_id", "kriteria__kode").annotate(v=Sum("volume")):
        handled[r["desa_id"]][r["kriteria__kode"]] = r["v"]
    spent = dict(
        Pendanaan.objects.filter(kegiatan__in=done).order_by().values("kegiatan__desa_id")
        .annotate(v=Sum("realisasi_rp")).values_list("kegiatan__desa_id", "v"))
    names = dict(Desa.objects.filter(pk__in=inputs).values_list("pk", "nama"))
    rows = []
    all_header: dict = defaultdict(Decimal)
    all_vol: dict = defaultdict(Decimal)
    all_handled: dict = defaultdict(Decimal)
    for desa_id, (header, volumes) in inputs.items():
        after = scoring.kumuh_akhir(volumes, handled.get(desa_id, {}))
        rows.append(Dampak(
            key=desa_id, label=names.get(desa_id, str(desa_id)),
            sebelum=scoring.score_assessment(header, volumes, rules=rules),
            sesudah=scoring.score_assessment(header, after, rules=rules),
            realisasi=spent.get(desa_id) or Decimal(0), tertangani=handled.get(desa_id, {}),
        ))
        for k, v in header.items():
            all_header[k] += Decimal(v)
        for k, v in volumes.items():
            all_vol[k] += Decimal(v)
        for k, v in handled.get(desa_id, {}).items():
            all_handled[k] += Decimal(v)
    rows.sort(key=lambda d: (-d.sebelum.total, d.label))
    if not rows:
        return rows, None
    total = Dampak(
        key=None, label="Semua desa",
        sebelum=scoring.score_assessment(all_header, all_vol, rules=rules),
        sesudah=scoring.score_assessment(
            all_header, scoring.kumuh_akhir(all_vol, all_handled), rules=rules),
        realisasi=sum((d.realisasi for d in rows), Decimal(0)), tertangani=dict(all_handled),
    )
    return rows, total


# ---------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------


def celah_pendanaan(desa: Desa, hasil: scoring.AssessmentResult | None):
    """Funding gap: criteria still scoring 3 or 5 in the latest verified aggregate with no
    planned or running activity addressing them in this desa."""
    if hasil is None:
        return []
    active = set(
        Kegiatan.objects.filter(desa=desa, status__in=[StatusKegiatan.RENCANA,
                                                        StatusKegiatan.BERJALAN])
        .values_list("kriteria__kode", flat=True))
    return [c for c in hasil.criterion_results if c.score >= 3 and c.code not in active]
