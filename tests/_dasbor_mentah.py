"""A private reference copy of the dashboards' money computations from the raw funding lines, as
they were before the rollups (issue 16): tests compare every dashboard figure with it. Not
cached; never imported by the product."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from anggaran.dashboard import (  # the shared pieces; only the computations are copied
    LAINNYA,
    MAKS_BARIS,
    ROW_KEYS,
    Filter,
    Matriks,
    celah_pendanaan,
    share,
)
from anggaran.models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana
from desa import scoring
from desa.models import (
    Aspek,
    Desa,
)
from desa.wilayah import (
    WILAYAH,
    dalam_wilayah,
    jalur_wilayah,
    tingkat_rincian,
)
from inti.uang import ZERO_RP
from kolaborasi.models import JenisPemangku


def pendanaan(f: Filter):
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
    if f.wilayah:
        qs = qs.filter(dalam_wilayah(f.wilayah, "kegiatan__desa__"))
    return qs.order_by()




def _sums(qs):
    return qs.aggregate(
        rencana=Coalesce(Sum("rencana_rp"), ZERO_RP),
        realisasi=Coalesce(Sum("realisasi_rp"), ZERO_RP),
        non_bpm=Coalesce(Sum("rencana_rp", filter=Q(sumber__adalah_bpm=False)), ZERO_RP),
        pendana=Count("pemangku", distinct=True),
        sumber=Count("sumber", distinct=True),
    )






# ---------------------------------------------------------------------------------------------
# Slum levels per desa
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Beranda
# ---------------------------------------------------------------------------------------------


def per_wilayah_uang(f: Filter, tingkat: str | None = None) -> dict:
    """The money columns of the per-region table: region pk -> (sources, funders, planned,
    realised), regions without money left out."""
    level = (next(w for w in WILAYAH if w[0] == tingkat) if tingkat
             else tingkat_rincian(f))
    return {
        r["region"]: (r["sumber"], r["pendana"], r["rencana"], r["realisasi"])
        for r in pendanaan(f).values(
            region=F(jalur_wilayah(level, "kegiatan__desa"))).annotate(
            sumber=Count("sumber", distinct=True), pendana=Count("pemangku", distinct=True),
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))
    }








def per_sumber(f: Filter) -> list[dict]:
    """Planned and realised Rp per funding source (every source listed, zeros included)."""
    sums = {
        row["sumber_id"]: row for row in pendanaan(f).values("sumber_id").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            kegiatan=Count("kegiatan", distinct=True))
    }
    total = sum((r["rencana"] for r in sums.values()), Decimal(0))
    rows = []
    for s in SumberDana.objects.order_by("urutan", "pk"):
        r = sums.get(s.pk, {})
        rencana = r.get("rencana") or Decimal(0)
        rows.append({
            "kode": s.kode, "nama": s.nama, "kategori": s.get_kategori_display(),
            "rencana": rencana, "realisasi": r.get("realisasi") or Decimal(0),
            "kegiatan": r.get("kegiatan", 0), "porsi": share(rencana, total),
        })
    return rows


def kolaborasi_per_tingkat(f: Filter) -> dict:
    """The collaboration share: planned Rp of every source except the programme's own grant
    (BPM), by the level the money comes from (pusat transfer, provinsi, kabupaten, desa,
    non-government); one grouped query."""
    from anggaran.models import TingkatSumber

    sums = {(r["sumber__tingkat"], r["sumber__adalah_bpm"]): r["rencana"] for r in
            pendanaan(f).values("sumber__tingkat", "sumber__adalah_bpm")
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


def per_jenis_pemangku(f: Filter) -> list[dict]:
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

COL_KEYS = {
    "desa": ("kegiatan__desa_id", "kegiatan__desa__nama"),
    "aspek": ("kegiatan__kriteria__aspek__kode", "kegiatan__kriteria__aspek__nama"),
}


# Beyond this many rows a matrix pools the rest into one "lainnya" row (with 170,000 funders
# nationally it would not fit in memory).





def matriks(f: Filter, baris="pemangku", kolom="desa", nilai="rencana") -> Matriks:
    """Sum of planned (or realised) Rp per row × column, with totals.

    Two grouped queries (the largest rows; the cells), plus one for the column labels and,
    for desa columns outside a kabupaten, one to count the regions. Rows beyond MAKS_BARIS
    are summed in SQL into one last row with key None ("lainnya"); desa columns beyond
    MAKS_KOLOM are aggregated to kecamatan, kabupaten or provinsi (``Matriks.kolom`` says
    which).
    """
    row_id, row_label = ROW_KEYS[baris]
    amount = "realisasi_rp" if nilai == "realisasi" else "rencana_rp"
    qs = pendanaan(f)
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
        region = tingkat_rincian(f)
        level, col_path, model = region[0], jalur_wilayah(region, "kegiatan__desa"), region[2]
    else:
        level, col_path, model = "aspek", COL_KEYS["aspek"][0], None
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


def aliran(f: Filter, top: int = 12) -> dict:
    """Sankey flows source → stakeholder → desa → aspect, in planned Rp.

    Nodes are keyed by level ("s:", "p:", "d:", "a:") so equal names on two levels never
    merge; ``labels`` maps keys to names. The smallest stakeholders and desa beyond ``top`` are
    pooled as "lainnya" so the picture stays readable at any scale.

    Three grouped queries: the ``top`` stakeholders and desa by planned Rp, then the lines
    summed per (source, stakeholder-or-lainnya, desa-or-lainnya, aspect) in SQL, so at most
    sources × (top+1)² × aspects rows reach Python, whatever the number of lines.
    """
    qs = pendanaan(f)
    top_p = list(qs.values("pemangku_id", "pemangku__nama").annotate(v=Sum("rencana_rp"))
                 .order_by("-v", "pemangku_id")[:top])
    top_d = list(qs.values("kegiatan__desa_id", "kegiatan__desa__nama")
                 .annotate(v=Sum("rencana_rp")).order_by("-v", "kegiatan__desa_id")[:top])
    p_ids = [r["pemangku_id"] for r in top_p]
    d_ids = [r["kegiatan__desa_id"] for r in top_d]
    rows = list(qs.values(
        "sumber_id", "sumber__nama",
        p=Case(When(pemangku_id__in=p_ids, then=F("pemangku_id")), default=Value(None),
               output_field=BigIntegerField()),
        d=Case(When(kegiatan__desa_id__in=d_ids, then=F("kegiatan__desa_id")),
               default=Value(None), output_field=BigIntegerField()),
        a=F("kegiatan__kriteria__aspek__kode"), a_nama=F("kegiatan__kriteria__aspek__nama"),
    ).annotate(v=Sum("rencana_rp")))
    labels = {"p:lain": "Pemangku lainnya", "d:lain": "Desa lainnya"}
    labels.update({f"p:{r['pemangku_id']}": r["pemangku__nama"] for r in top_p})
    labels.update({f"d:{r['kegiatan__desa_id']}": r["kegiatan__desa__nama"] for r in top_d})

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
    return {"flows": data, "labels": {k: v for k, v in labels.items() if k in used}}


#: Planned totals within this share of each other count as "similar" for the review.




# ---------------------------------------------------------------------------------------------
# Impact: baseline, terukur (measured) and proyeksi (projected) per desa, from the locations
# ---------------------------------------------------------------------------------------------






# ---------------------------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------------------------




# ---------------------------------------------------------------------------------------------
# Desa profile: funding, activities, stakeholders, funding gap
# ---------------------------------------------------------------------------------------------


def profil_desa(desa: Desa, terkini: scoring.AssessmentResult | None, limit: int = 60) -> dict:
    """Funding picture of one desa (fixed number of queries)."""
    from django.db.models import Prefetch

    from anggaran.models import LaporanProgres

    f = Filter(desa_id=desa.pk)
    lines = pendanaan(f)
    per_pemangku = list(
        lines.values("pemangku_id", "pemangku__nama", "pemangku__jenis").annotate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            kegiatan=Count("kegiatan", distinct=True), sumber=Count("sumber", distinct=True))
        .order_by("-rencana", "pemangku__nama"))
    jenis_label = dict(JenisPemangku.choices)
    total = sum((r["rencana"] for r in per_pemangku), Decimal(0))
    for r in per_pemangku:
        r["jenis_label"] = jenis_label.get(r["pemangku__jenis"], r["pemangku__jenis"])
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
        "sums": _sums(lines),
        "per_sumber": [r for r in per_sumber(f) if r["rencana"]],
        "per_pemangku": per_pemangku,
        "kegiatan": kegiatan_list,
        "lembaga": list(PemangkuKepentingan.objects.filter(
            desa=desa, jenis__in=[JenisPemangku.LKM, JenisPemangku.KSM, JenisPemangku.PEMDES])
            .order_by("jenis", "nama")),
        "celah": celah_pendanaan(desa, terkini),
    }
