"""Public dashboards: Beranda, who funds what where (matrix + flows), impact, duplicates.

Each view asks ``anggaran.dashboard`` for its numbers and renders them or exports them; the
page and its CSV/XLSX come from the same function, so they always agree.
"""

from collections import Counter
from decimal import Decimal

from django import forms
from django.db.models import Case, Exists, F, JSONField, Value, When
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from anggaran import dashboard as dash
from anggaran.kondisi import biaya_satuan, kondisi
from desa import kondisi_tersimpan
from desa.kondisi import LAYANAN, persen
from desa.models import Desa, Kawasan, Tingkat
from desa.services import peta_geojson
from desa.tingkat import LEVEL_COLOURS, NOT_ASSESSED_COLOUR, TINGKAT_LABEL
from desa.wilayah import (
    PANJANG_KODE,
    cakupan_bawaan,
    desa_dalam,
    satu_kecamatan,
    tingkat_rincian,
)
from inti.exports import Column, export_response, requested_format
from inti.viewutils import hitung_demo
from kotaku.dashboard_forms import DashboardFilterForm
from publikasi.masukan import suara_warga_per_desa
from publikasi.models import Kabar, Masukan


def _filter(request, fields=("tahun", "sumber", "jenis", "aspek")):
    """The page's filter form and Filter; the region scope (``wilayah``) is offered where more
    than one kecamatan is loaded (a one-kecamatan portal has nothing to narrow).
    ``form.bawaan`` is the portal's own scope (``dashboard.cakupan_bawaan``)."""
    bawaan = cakupan_bawaan()
    form = DashboardFilterForm(request.GET or None, fields=fields)
    if "wilayah" in form.fields and satu_kecamatan(bawaan):
        form.fields["wilayah"].widget = forms.HiddenInput()  # still honoured in links
    form.bawaan = bawaan
    return form, form.to_filter()


def _query_wilayah(f: dash.Filter, kode: str | None, **extra) -> str:
    """The query string of the same page scoped to region ``kode`` (None: no scope), the
    other filters kept."""
    params = {k: v for k, v in f.as_query().items() if k != "wilayah"}
    return urlencode({**params, **extra, **({"wilayah": kode} if kode else {})})


def _cakupan(form, f: dash.Filter) -> dict:
    """Where the page looks: the title ("Kecamatan Jiwan") and the trail of wider regions,
    each linking to its own scope (with the other filters kept)."""
    bawaan = form.bawaan["kode"]
    jejak = form.jejak if f.wilayah else form.bawaan["jejak"]
    if bawaan:  # regions wider than the loaded data add nothing to the trail
        jejak = [j for j in jejak if len(j["kode"]) >= len(bawaan)] or jejak[-1:]
    trail = [] if bawaan else [{"judul": _("Indonesia"), "kode": None}]
    trail += [dict(j) for j in jejak]
    for item in trail:
        item["query"] = _query_wilayah(f, item["kode"])
    kode = f.wilayah or bawaan
    kecamatan = jejak[-1] if kode and kode.count(".") == 2 and jejak else None
    return {"judul": trail[-1]["judul"] if trail else _("Indonesia"),
            "jejak": trail if len(trail) > 1 else [], "kecamatan": kecamatan}


def _kegiatan_list_url(f: dash.Filter, **extra) -> str:
    params = {"tahun_anggaran": f.tahun, "sumber": f.sumber, "jenis_pemangku": f.jenis,
              "aspek": f.aspek, "wilayah": f.wilayah, **extra}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse('anggaran:kegiatan_list')}?{query}"


SUMBER_COLUMNS = [
    Column(_("Sumber dana"), "nama"), Column(_("Kategori"), "kategori"),
    Column(_("Rencana (Rp)"), "rencana", "rupiah"), Column(_("Realisasi (Rp)"), "realisasi",
                                                          "rupiah"),
    Column(_("Porsi rencana (%)"), "porsi", "percent"), Column(_("Kegiatan"), "kegiatan", "int"),
]
JENIS_COLUMNS = [
    Column(_("Jenis pemangku"), "nama"), Column(_("Rencana (Rp)"), "rencana", "rupiah"),
    Column(_("Realisasi (Rp)"), "realisasi", "rupiah"),
    Column(_("Porsi rencana (%)"), "porsi", "percent"), Column(_("Pemberi dana"), "pendana",
                                                               "int"),
]


DESA_COLUMNS = [
    Column(_("Kode Kemendagri"), "kode"), Column(_("Desa"), "nama"),
    Column(_("Skor terukur"), "skor", "int"), Column(_("Tingkat"), "tingkat_label"),
    Column(_("Tahun terukur"), "tahun_terukur", "int"),
    Column(_("Skor proyeksi (perkiraan)"), "proyeksi", "int"),
    Column(_("Jumlah sumber dana"), "sumber", "int"),
    Column(_("Jumlah pemberi dana"), "pendana", "int"),
    Column(_("Rencana dana (Rp)"), "rencana", "rupiah"),
    Column(_("Realisasi dana (Rp)"), "realisasi", "rupiah"),
]


def wilayah_columns(tingkat: str) -> list[Column]:
    """Columns of the per-region table: per desa its score, per wider region its desa counted
    by slum level."""
    if tingkat == "desa":
        return DESA_COLUMNS
    return [
        Column(_("Kode Kemendagri"), "kode"), Column(str(TINGKAT_NAMA[tingkat]), "nama"),
        Column(_("Jumlah desa"), "jumlah_desa", "int"),
        *[Column(str(label), (lambda r, i=i: r["per_tingkat"][i]), "int")
          for i, (_code, label) in enumerate(Tingkat.choices)],
        Column(_("Belum dinilai"), "belum", "int"),
        *DESA_COLUMNS[6:],
    ]


TINGKAT_NAMA = {"desa": _("Desa"), "kecamatan": _("Kecamatan"),
                "kabupaten": _("Kabupaten/kota"), "provinsi": _("Provinsi")}
# Above this many desa in scope the map is not drawn (83,000 boundaries are no map).
MAKS_PETA = 500
SUARA_WARGA_BARIS = 10


@require_GET
def beranda(request):
    form, f = _filter(request, fields=("tahun", "wilayah"))
    wilayah = dash.per_wilayah(f)
    ringkasan = dash.ringkasan(f, wilayah)
    tabel = request.GET.get("tabel")
    fmt = requested_format(request)
    if fmt or tabel:
        tables = {
            "sumber": (SUMBER_COLUMNS, lambda: dash.per_sumber(f)),
            "jenis": (JENIS_COLUMNS, lambda: dash.per_jenis_pemangku(f)),
            "desa": (wilayah_columns(wilayah["tingkat"]), lambda: wilayah["rows"]),
        }
        if tabel not in tables:
            raise Http404
        columns, rows = tables[tabel]
        name = f"dana-per-{tabel if tabel != 'desa' else wilayah['tingkat']}"
        return export_response(fmt, name, columns, rows())
    per_sumber = dash.per_sumber(f)
    per_jenis = dash.per_jenis_pemangku(f)
    for row in wilayah["rows"]:
        if wilayah["tingkat"] == "desa":
            row["url"] = reverse("desa:detail", args=[row["kode"]])
        else:
            row["url"] = f"{reverse('beranda')}?{_query_wilayah(f, row['kode'])}"
    # The map: the desa in scope when there are at most MAKS_PETA, in one bounded query at any
    # scale; the boundaries (kilobytes each) only come back when the map will be drawn.
    peta = None
    scope = desa_dalam(f)
    terlalu_banyak = Exists(scope.order_by().values("pk")[MAKS_PETA:])
    peta_desa = list(scope.order_by("kode_wilayah").only(
        "kode_wilayah", "nama", "titik_lat", "titik_lng").annotate(batas_peta=Case(
            When(terlalu_banyak, then=Value(None)), default=F("batas"),
            output_field=JSONField()))[:MAKS_PETA + 1])
    # Stored scores of the map's desa only (one query at any scale).
    scores = kondisi_tersimpan.skor_per_desa(desa_ids=[d.pk for d in peta_desa])
    if len(peta_desa) <= MAKS_PETA:
        for d in peta_desa:
            d.batas = d.batas_peta
        warna = {}
        for d in peta_desa:
            skor, tingkat = scores.get(d.pk, (None, ""))
            label = TINGKAT_LABEL.get(tingkat, _("Belum dinilai"))
            warna[d.pk] = {
                "warna": LEVEL_COLOURS.get(tingkat, NOT_ASSESSED_COLOUR),
                "keterangan": f"{label}" + (f" (skor {skor})" if skor is not None else ""),
            }
        # Kawasan delineations drawn beside the desa boundaries (issue 15): 1 query.
        kawasan = (Kawasan.objects.filter(desa__in=[d.pk for d in peta_desa],
                                          delineasi__isnull=False)
                   .only("pk", "nama", "luas_ha", "delineasi").order_by("pk"))
        peta = peta_geojson(peta_desa, warna, kawasan=kawasan)
    terbaru = (dash.kegiatan(f).with_totals().select_related("desa", "kriteria")
               .order_by("-dibuat_pada", "-pk")[:8])
    suara = suara_warga_per_desa()
    suara_rows = sorted(
        ({"nama": nama, "url": reverse("desa:detail", args=[kode]), "n": suara[pk]}
         for pk, nama, kode in desa_dalam(f).filter(pk__in=list(suara))
         .values_list("pk", "nama", "kode_wilayah")),
        key=lambda r: (-r["n"], r["nama"]))[:SUARA_WARGA_BARIS]
    cakupan = _cakupan(form, f)
    return render(request, "dashboard/beranda.html", {
        # Public feedback (approved only): the desa with the most, in scope.
        "suara_warga": suara_rows,
        "suara_warga_total": Masukan.objects.disetujui().count(),
        "kabar_terbaru": list(Kabar.objects.terbit().prefetch_related("desa")
                              .order_by("-tanggal_terbit", "-pk")[:3]),
        "form": form, "filter": f, "r": ringkasan, "wilayah": wilayah,
        "wilayah_nama": TINGKAT_NAMA[wilayah["tingkat"]], "cakupan": cakupan,
        "laporan_kecamatan": cakupan["kecamatan"], "maks_peta": MAKS_PETA,
        "tingkat_choices": Tingkat.choices,
        "per_sumber": per_sumber, "per_jenis": per_jenis, "terbaru": terbaru,
        "kolaborasi": dash.kolaborasi_per_tingkat(f),
        "peta": peta,
        "legenda": [{"warna": LEVEL_COLOURS[c], "label": str(lbl)}
                    for c, lbl in Tingkat.choices]
        + [{"warna": NOT_ASSESSED_COLOUR, "label": _("Belum dinilai")}],
        "grafik": {
            "sumber": {"labels": [r["nama"] for r in per_sumber if r["rencana"]],
                       "rencana": [float(r["rencana"]) for r in per_sumber if r["rencana"]],
                       "realisasi": [float(r["realisasi"]) for r in per_sumber if r["rencana"]]},
            "jenis": {"labels": [r["nama"] for r in per_jenis],
                      "rencana": [float(r["rencana"]) for r in per_jenis]},
        },
        "query": f.as_query(),
    })


@require_GET
def matriks(request):
    form, f = _filter(request, fields=("tahun", "sumber", "jenis", "aspek", "wilayah"))
    baris = request.GET.get("baris") if request.GET.get("baris") in dash.ROW_KEYS else "pemangku"
    kolom = request.GET.get("kolom") if request.GET.get("kolom") in dash.COL_KEYS else "desa"
    nilai = "realisasi" if request.GET.get("nilai") == "realisasi" else "rencana"
    m = dash.matriks(f, baris, kolom, nilai)
    row_param = "pemangku" if baris == "pemangku" else "sumber"
    col_keys = {}
    if kolom == "desa":
        col_keys = dict(Desa.objects.filter(pk__in=[k for k, _l in m.columns])
                        .values_list("pk", "kode_wilayah"))
    sumber_kode = {}
    if baris == "sumber":
        from anggaran.models import SumberDana

        sumber_kode = dict(SumberDana.objects.values_list("pk", "kode"))

    def link(row_key, col_key=None):
        if row_key is None:  # the pooled "other stakeholders" row
            return None
        extra = {row_param: sumber_kode.get(row_key, row_key) if baris == "sumber" else row_key}
        if col_key is not None:
            if m.kolom in ("kecamatan", "kabupaten", "provinsi"):
                # Rolled-up region columns drill down into that region's own matrix.
                query = _query_wilayah(f, m.kolom_kode[col_key], baris=baris, kolom=kolom,
                                       nilai=nilai)
                return f"{reverse('matriks')}?{query}"
            extra["desa" if kolom == "desa" else "aspek"] = col_keys.get(col_key, col_key)
        return _kegiatan_list_url(f, **extra)

    rows = [{**row, "url": link(row["key"]),
             "cells": [(v, link(row["key"], m.columns[i][0]) if v else None)
                       for i, v in enumerate(row["cells"])]} for row in m.rows]
    fmt = requested_format(request)
    if fmt:
        label = _("Pemangku kepentingan") if baris == "pemangku" else _("Sumber dana")
        columns = [Column(label, "label")] + [
            Column(str(col_label), (lambda r, i=i: r["cells"][i]), "rupiah")
            for i, (_k, col_label) in enumerate(m.columns)
        ] + [Column(_("Total (Rp)"), "total", "rupiah")]
        total_row = {"label": _("Total"), "cells": m.col_totals, "total": m.total}
        return export_response(fmt, f"matriks-{baris}-{kolom}-{nilai}", columns,
                               [*m.rows, total_row])
    return render(request, "dashboard/matriks.html", {
        "form": form, "filter": f, "m": m, "rows": rows, "baris": baris, "kolom": kolom,
        "nilai": nilai, "aliran": dash.aliran(f), "query": f.as_query(),
        "demo": dash.jumlah_demo(f),
        "cakupan": _cakupan(form, f),
        "keep": {"baris": baris, "kolom": kolom, "nilai": nilai},
    })


DAMPAK_COLUMNS = [
    Column(_("Desa"), "label"),
    Column(_("Skor baseline"), lambda d: d.baseline.total, "int"),
    Column(_("Tahun baseline"), lambda d: d.agregat.tahun_baseline[1], "int"),
    Column(_("Tingkat baseline"), lambda d: d.baseline.hasil.level_label),
    Column(_("Skor terukur (penilaian terverifikasi terakhir)"), lambda d: d.terukur.total,
           "int"),
    Column(_("Tahun terukur"), lambda d: d.agregat.tahun_terukur[1], "int"),
    Column(_("Tingkat terukur"), lambda d: d.terukur.hasil.level_label),
    Column(_("Skor proyeksi (perkiraan)"), lambda d: d.proyeksi.total, "int"),
    Column(_("Tingkat proyeksi (perkiraan)"), lambda d: d.proyeksi.hasil.level_label),
    Column(_("Luas kumuh baseline (ha)"), lambda d: d.agregat.luas_kumuh("baseline"), "decimal"),
    Column(_("Luas kumuh terukur (ha)"), lambda d: d.agregat.luas_kumuh("terukur"), "decimal"),
    Column(_("Luas kumuh proyeksi (ha)"), lambda d: d.agregat.luas_kumuh("proyeksi"),
           "decimal"),
    Column(_("Realisasi di lokasinya sejak baseline (Rp)"), "realisasi", "rupiah"),
    Column(_("Keluar dari kumuh (terukur)"),
           lambda d: _("ya") if d.keluar_dari_kumuh else _("tidak")),
    Column(_("Lokasi data demo"), lambda d: d.agregat.jumlah_demo, "int"),
    Column(_("Jumlah lokasi"), lambda d: d.agregat.jumlah_lokasi, "int"),
]


def grafik_luas(per_tahun) -> dict:
    """Chart data: slum hectares by level per year (terukur), and the projected total."""
    levels = [c for c, _l in Tingkat.choices]
    return {
        "tahun": [t for t, _a in per_tahun],
        "tingkat": [{"label": str(TINGKAT_LABEL[c]), "warna": LEVEL_COLOURS[c],
                     "data": [float(a.luas["terukur"][c]) for _t, a in per_tahun]}
                    for c in levels],
        "proyeksi": [float(a.luas_kumuh("proyeksi")) for _t, a in per_tahun],
    }


DAMPAK_WILAYAH_COLUMNS = [
    Column(_("Kode Kemendagri"), "kode"), Column(_("Wilayah"), "nama"),
    Column(_("Desa dinilai"), "desa", "int"),
    *[Column(str(label), (lambda r, c=code: r["per_tingkat"].get(c, 0)), "int")
      for code, label in Tingkat.choices],
    Column(_("Lokasi"), "lokasi", "int"), Column(_("Lokasi data demo"), "lokasi_demo", "int"),
    Column(_("Luas kumuh baseline (ha)"), "baseline", "decimal"),
    Column(_("Luas kumuh terukur (ha)"), "terukur", "decimal"),
    Column(_("Luas kumuh proyeksi (ha, perkiraan)"), "proyeksi", "decimal"),
    Column(_("Tahun pengukuran terakhir"), "tahun", "int"),
]


def _dampak_wilayah(f: dash.Filter, level: tuple) -> tuple[list[dict], dict]:
    """Dampak of a scope wider than MAKS_KOLOM desa: per region (the scope's next level) and
    in total, from the stored condition rows only (no location is rescored per request)."""
    name, _path, model = level
    data = kondisi_tersimpan.per_wilayah(PANJANG_KODE[name], wilayah=f.wilayah)
    rows = []
    for kode, nama in (model.objects.filter(kode_wilayah__in=list(data))
                       .order_by("kode_wilayah").values_list("kode_wilayah", "nama")):
        rows.append({"kode": kode, "nama": nama, **data[kode],
                     "url": f"{reverse('dampak')}?{_query_wilayah(f, kode)}"})
    total = {key: sum((r[key] for r in rows), Decimal(0))
             for key in ("desa", "lokasi", "lokasi_demo", "baseline", "terukur", "proyeksi",
                         "luas")}
    total["per_tingkat"] = Counter()
    for r in rows:
        total["per_tingkat"].update(r["per_tingkat"])
    total["tahun"] = max((r["tahun"] for r in rows if r["tahun"]), default=None)
    total["penurunan"] = total["baseline"] - total["terukur"]
    total["penurunan_persen"] = persen(total["penurunan"], total["baseline"])
    total["persen_kumuh"] = persen(total["terukur"], total["luas"])
    return rows, total


@require_GET
def dampak(request):
    form, f = _filter(request, fields=("wilayah",))
    level = tingkat_rincian(f)
    fmt = requested_format(request)

    def tampil(template, context):
        # The page's shared parts, only when a page is rendered (an export needs none):
        # hectares by level per year from the stored location rows (one grouped query).
        per_tahun = kondisi_tersimpan.luas_per_tahun(wilayah=f.wilayah)
        return render(request, template, {
            "form": form, "filter": f, "cakupan": _cakupan(form, f), "per_tahun": per_tahun,
            "grafik_luas": grafik_luas(per_tahun), "tingkat_choices": Tingkat.choices,
            "layanan_daftar": LAYANAN, **context})

    if level[0] != "desa":
        # A wide scope (a kabupaten, a province, the nation): regions, not desa, and every
        # figure from the stored rows, so the page costs the same few queries at any size.
        rows, total = _dampak_wilayah(f, level)
        if fmt:
            return export_response(fmt, f"dampak-per-{level[0]}", DAMPAK_WILAYAH_COLUMNS,
                                   rows)
        return tampil("dashboard/dampak_wilayah.html", {
            "rows": rows, "total": total, "wilayah_nama": TINGKAT_NAMA[level[0]],
            "desa_per_tingkat": [(c, lbl, total["per_tingkat"].get(c, 0))
                                 for c, lbl in Tingkat.choices],
            "gabungan": kondisi_tersimpan.gabungan(wilayah=f.wilayah),
            "lokasi_keluar": kondisi_tersimpan.lokasi_keluar_dari_kumuh(wilayah=f.wilayah),
        })
    # At most MAKS_KOLOM desa: per desa and per location, by the engine (bounded work).
    ids = tuple(desa_dalam(f).order_by("pk").values_list("pk", flat=True))
    rows, total = dash.dampak(ids)
    if fmt:
        return export_response(fmt, "dampak-penanganan", DAMPAK_COLUMNS,
                               [*rows, *([total] if total else [])])
    h = kondisi(desa_ids=ids)
    per_tingkat = Counter(d.terukur.tingkat for d in rows)
    return tampil("dashboard/dampak.html", {
        "rows": rows, "total": total,
        "keluar": [d for d in rows if d.keluar_dari_kumuh],
        "kondisi": h, "lokasi_keluar": h.keluar_dari_kumuh(),
        "desa_per_tingkat": [(c, lbl, per_tingkat.get(c, 0)) for c, lbl in Tingkat.choices],
        "biaya": biaya_satuan(ids),
    })


DUPLIKASI_COLUMNS = [
    Column(_("Tahun"), "tahun_anggaran", "int"), Column(_("Desa"), "desa.nama"),
    Column(_("Lokasi"), "lokasi.nama"), Column(_("Kriteria"), "kriteria.kode"),
    Column(_("Kegiatan"), "nama"), Column(_("Rencana (Rp)"), "total_rencana", "rupiah"),
    Column(_("Pemberi dana"), lambda k: ", ".join(
        sorted({p.pemangku.nama for p in k.pendanaan.all()}))),
]


@require_GET
def duplikasi(request):
    form, f = _filter(request, fields=("tahun",))
    qs = dash.duplikasi(f)
    fmt = requested_format(request)
    if fmt:
        return export_response(fmt, "kemungkinan-duplikasi", DUPLIKASI_COLUMNS, list(qs))
    kegiatan = list(qs)
    return render(request, "dashboard/duplikasi.html", {
        "form": form, "kegiatan": kegiatan, "query": f.as_query(),
        "tanda": hitung_demo(kegiatan, _("kegiatan")),
    })
