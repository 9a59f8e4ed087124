"""What the money changed: the slum condition per location and year, read from the database
in a fixed number of queries and computed by the pure ``desa.kondisi``.

This module reads; ``desa.kondisi`` decides (baseline, terukur, proyeksi, hectares by level,
services, unit costs). Every page showing a terukur or proyeksi figure (Beranda, desa page,
history, Dampak, district PDF, open data) takes it from :func:`kondisi`, so a desa shows one
picture everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from anggaran.models import VOLUME_TERTANGANI, Kegiatan, Pendanaan, StatusKegiatan
from desa import kondisi as k
from desa import scoring
from desa.kondisi_tersimpan import muat_pengukuran, tahun_sekarang
from desa.models import Desa, Kawasan, Lokasi
from desa.penilaian import default_aturan, ruleset_of
from desa.wilayah import dalam_wilayah
from inti.cache import cached_aggregate
from inti.uang import ZERO_RP

# Differences below this are rounding, not a missing location (ha, 4 decimals).
TOLERANSI_HA = Decimal("0.0001")


@dataclass
class Data:
    """Everything the computation needs, loaded once (7 queries incl. the rule set)."""

    rules: scoring.RuleSet
    pengukuran: dict  # lokasi pk -> [Pengukuran]
    penanganan: dict  # lokasi pk -> [Penanganan]
    lokasi: dict  # pk -> {"nama", "desa_id", "kawasan_id"}
    desa: dict  # pk -> nama
    kawasan: dict  # pk -> {"nama", "desa_id", "luas_ha", "is_demo"}
    kegiatan: list  # completed or not: {"pk", "nama", "desa_id", "lokasi_id", ...}
    belum_dipetakan: list = field(default_factory=list)


def _muat(desa_ids=None, wilayah: str | None = None) -> Data:
    aturan = default_aturan()
    rules = ruleset_of(aturan)
    desa_qs = Desa.objects.all()
    if desa_ids is not None:
        desa_qs = desa_qs.filter(pk__in=desa_ids)
    if wilayah:
        desa_qs = desa_qs.filter(dalam_wilayah(wilayah, ""))
    desa_nama = dict(desa_qs.values_list("pk", "nama"))
    in_scope = desa_qs.values("pk")
    pengukuran = muat_pengukuran(aturan, in_scope)
    lokasi = {r["pk"]: r for r in Lokasi.objects.filter(desa__in=in_scope).order_by()
              .values("pk", "nama", "desa_id", "kawasan_id", "is_demo")}
    per_desa: dict = defaultdict(list)
    for pk, r in lokasi.items():
        per_desa[r["desa_id"]].append(pk)
    kegiatan = _kegiatan(in_scope, aturan)
    penanganan, belum = _penanganan(kegiatan, per_desa)
    kawasan = {r["pk"]: r for r in Kawasan.objects.filter(desa__in=in_scope).order_by()
               .values("pk", "nama", "desa_id", "luas_ha", "is_demo")}
    return Data(rules, pengukuran, penanganan, lokasi, desa_nama, kawasan,
                kegiatan, belum)


def _kegiatan(in_scope, aturan) -> list[dict]:
    spent = (Pendanaan.objects.filter(kegiatan=OuterRef("pk")).order_by().values("kegiatan")
             .annotate(s=Sum("realisasi_rp")).values("s"))
    return list(
        Kegiatan.objects.filter(desa__in=in_scope, kriteria__aturan=aturan)
        .exclude(status=StatusKegiatan.BATAL).order_by("tahun_anggaran", "pk")
        .values("pk", "nama", "desa_id", "lokasi_id", "tahun_anggaran", "status", "is_demo",
                kode=F("kriteria__kode"),
                tertangani=VOLUME_TERTANGANI,
                realisasi=Coalesce(Subquery(spent), ZERO_RP)))


def _penanganan(kegiatan: list[dict], per_desa: dict) -> tuple[dict, list]:
    """Handled volumes per location of the completed activities (an activity without a
    location counts at its desa's only location), and the completed ones counted nowhere."""
    penanganan: dict = defaultdict(list)
    belum = []
    for r in kegiatan:
        lok = r["lokasi_id"]
        if lok is None and len(per_desa.get(r["desa_id"], ())) == 1:
            lok = per_desa[r["desa_id"]][0]  # the desa's only location
        r["lokasi_hitung"] = lok
        if r["status"] != StatusKegiatan.SELESAI:
            continue
        if lok is None:
            belum.append(r)  # listed for the facilitator, counted nowhere
            continue
        penanganan[lok].append(k.Penanganan(r["tahun_anggaran"], r["kode"], r["tertangani"]))
    return dict(penanganan), belum


def penanganan_per_lokasi(desa_ids) -> dict:
    """The provider ``desa.kondisi_tersimpan`` calls (registered in ``anggaran.apps``):
    handled volumes per location of the given desa, as :func:`kondisi` counts them."""
    in_scope = Desa.objects.filter(pk__in=list(desa_ids)).values("pk")
    per_desa: dict = defaultdict(list)
    for pk, d in Lokasi.objects.filter(desa__in=in_scope).order_by().values_list("pk", "desa_id"):
        per_desa[d].append(pk)
    return _penanganan(_kegiatan(in_scope, default_aturan()), per_desa)[0]


@dataclass
class Kondisi:
    """The condition of every location in scope for one year, and its aggregates."""

    tahun: int
    lokasi: dict  # lokasi pk -> KondisiLokasi
    lokasi_info: dict
    desa: dict  # desa pk -> Agregat
    desa_nama: dict
    total: k.Agregat | None
    belum_dipetakan: list
    kawasan_selisih: list
    realisasi_lokasi: dict  # lokasi pk -> Rp realised since its baseline year
    kegiatan_demo: int
    kegiatan_jumlah: int

    def baris_desa(self) -> list[tuple[int, str, k.Agregat]]:
        return sorted(((pk, self.desa_nama.get(pk, str(pk)), a) for pk, a in self.desa.items()),
                      key=lambda r: (-r[2].terukur.total, r[1]))

    def keluar_dari_kumuh(self) -> list[dict]:
        """Locations measured out of slum, their area and the money realised there since the
        baseline (all activities at the location, completed or not)."""
        out = []
        for pk, kl in self.lokasi.items():
            if kl.keluar_dari_kumuh:
                info = self.lokasi_info[pk]
                out.append({"pk": pk, "nama": info["nama"],
                            "desa": self.desa_nama.get(info["desa_id"], ""),
                            "luas_ha": kl.terukur.luas_ha, "baseline": kl.baseline,
                            "terukur": kl.terukur,
                            "realisasi": self.realisasi_lokasi.get(pk, Decimal(0))})
        return sorted(out, key=lambda r: (r["desa"], r["nama"]))


def _hitung(data: Data, tahun: int) -> Kondisi:
    rules = data.rules
    lokasi = {}
    for pk, ukur in data.pengukuran.items():
        kl = k.kondisi_lokasi(ukur, data.penanganan.get(pk, ()), tahun, rules=rules, key=pk)
        if kl is not None:
            lokasi[pk] = kl
    per_desa: dict = defaultdict(list)
    for pk, kl in lokasi.items():
        per_desa[data.lokasi[pk]["desa_id"]].append(kl)
    desa = {d: k.agregat(items, rules=rules, tahun=tahun) for d, items in per_desa.items()}
    total = k.agregat(lokasi.values(), rules=rules, tahun=tahun)
    # Kawasan whose locations' measured areas do not add up to the SK area.
    luas_kawasan: dict = defaultdict(lambda: Decimal(0))
    for pk, kl in lokasi.items():
        kw = data.lokasi[pk]["kawasan_id"]
        if kw is not None:
            luas_kawasan[kw] += kl.terukur.luas_ha
    selisih = []
    for kw, r in sorted(data.kawasan.items()):
        if kw not in luas_kawasan:
            continue
        diff = luas_kawasan[kw] - Decimal(r["luas_ha"])
        if abs(diff) >= TOLERANSI_HA:
            selisih.append({**r, "luas_lokasi": luas_kawasan[kw], "selisih": diff,
                            "desa": data.desa.get(r["desa_id"], "")})
    realisasi: dict = defaultdict(lambda: Decimal(0))
    for r in data.kegiatan:
        lok = r["lokasi_hitung"]
        if lok in lokasi and lokasi[lok].baseline.tahun <= r["tahun_anggaran"] <= tahun:
            realisasi[lok] += r["realisasi"]
    return Kondisi(tahun, lokasi, data.lokasi, desa, data.desa, total,
                   [r for r in data.belum_dipetakan if r["tahun_anggaran"] <= tahun],
                   selisih, dict(realisasi),
                   kegiatan_demo=sum(1 for r in data.kegiatan if r["is_demo"]),
                   kegiatan_jumlah=len(data.kegiatan))


def hitung_kondisi(tahun: int, desa_ids: tuple | None, wilayah: str | None) -> Kondisi:
    """:func:`kondisi` without the cache."""
    return _hitung(_muat(desa_ids, wilayah), tahun)


_kondisi_tersimpan = cached_aggregate(
    "kondisi", wilayah=lambda tahun, desa_ids, wilayah: wilayah)(hitung_kondisi)


def kondisi(tahun: int | None = None, desa_ids: tuple | None = None,
            wilayah: str | None = None) -> Kondisi:
    """The condition of every location in scope in ``tahun`` (default: this year), cached
    under the full argument list so every caller of the same scope shares one entry."""
    return _kondisi_tersimpan(tahun or tahun_sekarang(),
                              tuple(desa_ids) if desa_ids is not None else None, wilayah or None)


def kondisi_per_tahun(desa_ids: tuple | None = None, wilayah: str | None = None,
                      sampai: int | None = None) -> list[tuple[int, k.Agregat]]:
    """``(year, aggregate)`` from the first verified assessment's year to ``sampai`` (default
    this year), computed from the raw tables. Pages read the stored rows instead
    (``desa.kondisi_tersimpan.luas_per_tahun``, one grouped query); this is the engine's own
    figure the tests hold them to."""
    return _per_tahun_tersimpan(tuple(desa_ids) if desa_ids is not None else None,
                                wilayah or None, sampai or tahun_sekarang())


@cached_aggregate("kondisi_per_tahun", wilayah=lambda desa_ids, wilayah, sampai: wilayah)
def _per_tahun_tersimpan(desa_ids, wilayah, sampai) -> list[tuple[int, k.Agregat]]:
    data = _muat(desa_ids, wilayah)
    years = [p.tahun for ps in data.pengukuran.values() for p in ps]
    if not years:
        return []
    out = []
    for tahun in range(min(years), sampai + 1):
        hasil = _hitung(data, tahun)
        if hasil.total is not None:
            out.append((tahun, hasil.total))
    return out


def biaya_satuan(desa_ids=None) -> list[dict]:
    """Unit cost per criterion (Rp realised per unit of handled volume) of completed
    activities with a handled volume, with median, min and max. One query."""
    rows = (Kegiatan.objects.filter(status=StatusKegiatan.SELESAI, kriteria__aturan__bawaan=True)
            .annotate(vt=VOLUME_TERTANGANI).filter(vt__isnull=False))
    if desa_ids is not None:
        rows = rows.filter(desa_id__in=desa_ids)
    spent = (Pendanaan.objects.filter(kegiatan=OuterRef("pk")).order_by().values("kegiatan")
             .annotate(s=Sum("realisasi_rp")).values("s"))
    data = list(rows.annotate(rp=Coalesce(Subquery(spent), ZERO_RP)).order_by().values_list(
        "kriteria__kode", "kriteria__nama", "kriteria__satuan", "vt", "is_demo", "rp"))
    names = {r[0]: (r[1], r[2]) for r in data}
    demo: dict = defaultdict(int)
    for r in data:
        demo[r[0]] += bool(r[4])
    hasil = k.biaya_satuan((r[0], r[3], r[5]) for r in data)
    return [{"kode": kode, "nama": names[kode][0], "satuan": names[kode][1],
             "demo": demo[kode], **v} for kode, v in sorted(hasil.items())]


def riwayat_terukur(riwayat: dict, desa_pk: int) -> dict:
    """The desa page's (and desa PDF's) history rebuilt from the per-location model, so the
    page shows the figures Beranda and Dampak show: per year the *terukur* aggregate (every
    location's latest verified assessment up to that year, not only those verified that
    year) and its *proyeksi*; ``gambaran`` is this year's aggregate (None: never assessed)."""
    data = _muat((desa_pk,), None)  # one load for every year (the page is cached whole)
    years = [p.tahun for ps in data.pengukuran.values() for p in ps]
    hasil = [_hitung(data, t) for t in range(min(years), tahun_sekarang() + 1)] if years else []
    semua = [(h.tahun, h.total) for h in hasil if h.total is not None]
    riwayat = dict(riwayat)
    # Kawasan whose locations' measured areas do not add up to the SK area, by kawasan pk.
    riwayat["kawasan_selisih"] = {r["pk"]: r for r in (hasil[-1].kawasan_selisih
                                                       if hasil else ())}
    # The years someone measured (a location of the desa verified that year); the terukur of
    # such a year counts every location's latest measurement up to it.
    diukur = {r["tahun"] for r in riwayat.get("per_tahun", ())}
    per_tahun = [(t, a) for t, a in semua if t in diukur]
    riwayat["per_tahun"] = [
        {"tahun": t, "hasil": a.terukur.hasil, "proyeksi": a.proyeksi.hasil,
         "jumlah_lokasi": a.jumlah_lokasi, "jumlah_demo": a.jumlah_demo,
         "luas_kumuh": a.luas_kumuh("terukur"), "luas_kumuh_proyeksi": a.luas_kumuh("proyeksi")}
        for t, a in per_tahun]
    riwayat["gambaran"] = semua[-1][1] if semua else None
    # Basic services per location (terukur: % served, 100 − the deficiency % of the criteria
    # concerned, docs/SCORING.md), then the desa aggregate: the same figures as Dampak's.
    kini = hasil[-1] if hasil else None
    riwayat["layanan_daftar"] = k.LAYANAN
    riwayat["layanan_lokasi"] = [
        {"nama": kini.lokasi_info[pk]["nama"], "tahun": kl.terukur.tahun,
         "layanan": k.layanan(kl.terukur.hasil), "is_demo": kl.is_demo}
        for pk, kl in sorted(kini.lokasi.items(), key=lambda i: kini.lokasi_info[i[0]]["nama"])
    ] if kini else []
    if riwayat.get("grafik") is not None:
        grafik = dict(riwayat["grafik"])
        grafik.update({
            "tahun": [str(t) for t, _a in per_tahun],
            "total": [a.terukur.total for _t, a in per_tahun],
            "tingkat": [a.terukur.hasil.level_label for _t, a in per_tahun],
            "proyeksi": [a.proyeksi.total for _t, a in per_tahun],
            "label": "Skor terukur",
            "label_proyeksi": "Skor proyeksi (perkiraan)",
        })
        riwayat["grafik"] = grafik
    return riwayat
