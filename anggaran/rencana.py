"""The collaborative plan read against what was committed and realised (issue 15): the
Memorandum Program page (plan items × stakeholders), the funding gap in rupiah and a
stakeholder's commitments. A constant number of queries whatever the plan's size.

Definitions (docs/PLANNING.md):
- committed (``terjanji_rp``) = the sum of an item's commitments, money and the rupiah value
  of in-kind, person-days and people;
- delivered (``terealisasi_rp``) = the realised amounts of the funding lines made from those
  commitments (``Pendanaan.komitmen_item``);
- unfunded (``kurang_rp``) = estimated cost − committed, never below zero;
- remaining volume per criterion = the item's volume for it − the volume handled for it by
  the activities (not cancelled) that realise the item, never below zero.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from inti.uang import ZERO_RP
from kolaborasi.models import (
    ItemKriteria,
    ItemRencana,
    KomitmenItem,
    Pendekatan,
    StatusRencana,
)

from .models import KegiatanKriteria, Pendanaan, StatusKegiatan

NOL = Decimal(0)


@dataclass
class BarisKriteria:
    kode: str
    nama: str
    satuan: str
    volume: Decimal
    tertangani: Decimal = NOL

    @property
    def sisa(self) -> Decimal:
        return max(self.volume - self.tertangani, NOL)


@dataclass
class BarisItem:
    item: ItemRencana
    kriteria: list[BarisKriteria] = field(default_factory=list)
    komitmen: list[KomitmenItem] = field(default_factory=list)

    @property
    def terjanji_rp(self) -> Decimal:
        return sum((k.nilai_rp for k in self.komitmen), NOL)

    @property
    def terealisasi_rp(self) -> Decimal:
        return sum((k.terealisasi_rp for k in self.komitmen), NOL)

    @property
    def kurang_rp(self) -> Decimal:
        return max(self.item.biaya_rp - self.terjanji_rp, NOL)


def _terealisasi():
    lines = (Pendanaan.objects.filter(komitmen_item=OuterRef("pk")).order_by()
             .values("komitmen_item").annotate(s=Sum("realisasi_rp")).values("s"))
    return Coalesce(Subquery(lines), ZERO_RP)


def komitmen_dengan_realisasi(qs):
    """Plan commitments with ``terealisasi_rp`` (realised lines made from each), in SQL."""
    return qs.annotate(terealisasi_rp=_terealisasi())


def baca_item(items) -> list[BarisItem]:
    """The plan items of ``items`` (a queryset) with their criteria, handled volumes and
    commitments: four queries."""
    daftar = list(items.select_related("dokumen", "desa", "kawasan__desa", "lokasi")
                  .order_by("desa__nama", "tahun_target", "pk"))
    ids = [i.pk for i in daftar]
    baris = {i.pk: BarisItem(i) for i in daftar}
    if not ids:
        return []
    tertangani = defaultdict(lambda: NOL)
    for item_id, kriteria_id, vol in (
            KegiatanKriteria.objects.filter(kegiatan__item_rencana__in=ids)
            .exclude(kegiatan__status=StatusKegiatan.BATAL)
            .order_by().values("kegiatan__item_rencana", "kriteria_id")
            .annotate(v=Sum("volume")).values_list("kegiatan__item_rencana", "kriteria_id", "v")):
        tertangani[(item_id, kriteria_id)] += vol or NOL
    for r in (ItemKriteria.objects.filter(item_id__in=ids).select_related("kriteria")
              .order_by("item_id", "kriteria__kode")):
        baris[r.item_id].kriteria.append(BarisKriteria(
            r.kriteria.kode, r.kriteria.nama, r.kriteria.satuan, r.volume,
            tertangani[(r.item_id, r.kriteria_id)]))
    for k in (komitmen_dengan_realisasi(KomitmenItem.objects.filter(item_id__in=ids))
              .select_related("pemangku", "forum").order_by("item_id", "pk")):
        baris[k.item_id].komitmen.append(k)
    return list(baris.values())


def memorandum(dokumen) -> dict:
    """The Memorandum Program of a plan: items × stakeholders (committed and delivered),
    totals per stakeholder, per source of the realised lines and per kawasan, and what is
    still unfunded. Five queries."""
    rows = baca_item(ItemRencana.objects.filter(dokumen=dokumen))
    pemangku: dict[int, dict] = {}
    for b in rows:
        per = {}
        for k in b.komitmen:
            p = pemangku.setdefault(k.pemangku_id, {
                "pemangku": k.pemangku, "terjanji": NOL, "terealisasi": NOL})
            p["terjanji"] += k.nilai_rp
            p["terealisasi"] += k.terealisasi_rp
            sel = per.setdefault(k.pemangku_id, {"terjanji": NOL, "terealisasi": NOL,
                                                 "uraian": []})
            sel["terjanji"] += k.nilai_rp
            sel["terealisasi"] += k.terealisasi_rp
            if k.jumlah:
                sel["uraian"].append(f"{k.jumlah.normalize():f} {k.satuan}")
        b.per_pemangku = per
    kolom = sorted(pemangku.values(), key=lambda p: (-p["terjanji"], p["pemangku"].nama))
    for b in rows:
        b.sel = [b.per_pemangku.get(p["pemangku"].pk) for p in kolom]
    per_sumber = list(
        Pendanaan.objects.filter(komitmen_item__item__dokumen=dokumen)
        .values("sumber__nama").annotate(rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))
        .order_by("sumber__nama"))
    per_kawasan: dict[str, dict] = {}
    for b in rows:
        nama = str(b.item.kawasan) if b.item.kawasan_id else f"{b.item.desa.nama} (tanpa kawasan)"
        t = per_kawasan.setdefault(nama, {"nama": nama, "biaya": NOL, "terjanji": NOL,
                                          "terealisasi": NOL, "kurang": NOL})
        t["biaya"] += b.item.biaya_rp
        t["terjanji"] += b.terjanji_rp
        t["terealisasi"] += b.terealisasi_rp
        t["kurang"] += b.kurang_rp
    return {
        "dokumen": dokumen,
        "items": rows,
        "kolom": kolom,
        "per_sumber": per_sumber,
        "per_kawasan": sorted(per_kawasan.values(), key=lambda t: t["nama"]),
        "total": {
            "biaya": sum((b.item.biaya_rp for b in rows), NOL),
            "terjanji": sum((b.terjanji_rp for b in rows), NOL),
            "terealisasi": sum((b.terealisasi_rp for b in rows), NOL),
            "kurang": sum((b.kurang_rp for b in rows), NOL),
        },
    }


def item_terbuka(desa_ids=None, **filter_item):
    """Plan items of agreed plans, optionally limited to some desa (and further item
    filters): the queryset the gap and the public page read."""
    qs = ItemRencana.objects.filter(dokumen__status=StatusRencana.DISEPAKATI, **filter_item)
    if desa_ids is not None:
        qs = qs.filter(desa_id__in=desa_ids)
    return qs


def celah_rupiah(desa_ids=None, **filter_item) -> dict:
    """The funding gap in rupiah: the unfunded items of agreed plans with their remaining
    volume per criterion and what is missing, totalled by desa, kawasan, criterion and
    approach. An item addressing two criteria counts once in the rupiah totals and under
    each of its criteria in the per-criterion list (its cost is not split)."""
    rows = [b for b in baca_item(item_terbuka(desa_ids, **filter_item)) if b.kurang_rp > 0]
    per_desa: dict[int, dict] = {}
    per_kawasan: dict[str, dict] = {}
    per_kriteria: dict[str, dict] = {}
    per_pendekatan: dict[str, dict] = {}
    label_pendekatan = dict(Pendekatan.choices)

    def tambah(d, key, label, b):
        t = d.setdefault(key, {"label": label, "jumlah_item": 0, "biaya": NOL, "kurang": NOL})
        t["jumlah_item"] += 1
        t["biaya"] += b.item.biaya_rp
        t["kurang"] += b.kurang_rp
        return t

    for b in rows:
        tambah(per_desa, b.item.desa_id, b.item.desa.nama, b)
        tambah(per_kawasan, str(b.item.kawasan or "—"), str(b.item.kawasan or "—"), b)
        tambah(per_pendekatan, b.item.pendekatan,
               str(label_pendekatan.get(b.item.pendekatan, b.item.pendekatan)), b)
        for k in b.kriteria:
            t = tambah(per_kriteria, k.kode, f"{k.kode} {k.nama}", b)
            t["satuan"] = k.satuan
            t["sisa_volume"] = t.get("sisa_volume", NOL) + k.sisa
    urut = lambda d: sorted(d.values(), key=lambda t: (-t["kurang"], t["label"]))  # noqa: E731
    return {
        "items": rows,
        "total_kurang": sum((b.kurang_rp for b in rows), NOL),
        "total_biaya": sum((b.item.biaya_rp for b in rows), NOL),
        "per_desa": urut(per_desa),
        "per_kawasan": urut(per_kawasan),
        "per_kriteria": sorted(per_kriteria.values(), key=lambda t: t["label"]),
        "per_pendekatan": urut(per_pendekatan),
    }


def komitmen_pemangku(pemangku) -> list[KomitmenItem]:
    """A stakeholder's plan commitments, pledged vs delivered (one query)."""
    return list(komitmen_dengan_realisasi(KomitmenItem.objects.filter(pemangku=pemangku))
                .select_related("item", "item__desa", "item__dokumen", "forum")
                .order_by("-item__tahun_target", "pk"))


def target_vs_terukur(dokumen) -> list[dict]:
    """The kabupaten's yearly targets (ha of slum to reduce, RPJMD) beside the measured slum
    hectares (terukur, issue 14) at the end of each year and their fall since the year before.
    Only for a kabupaten plan; ``[]`` otherwise or without targets."""
    from desa import kondisi_tersimpan
    from kolaborasi.models import TargetTahunan
    from kolaborasi.target import baris_target

    if dokumen.kabupaten_id is None:
        return []
    targets = list(TargetTahunan.objects.filter(kabupaten_id=dokumen.kabupaten_id,
                                                kawasan__isnull=True).order_by("tahun"))
    if not targets:
        return []
    terukur = {t: a.luas_kumuh("terukur") for t, a in kondisi_tersimpan.luas_per_tahun(
        wilayah=dokumen.kabupaten.kode_wilayah, sampai=max(t.tahun for t in targets))}
    return baris_target(targets, terukur)
