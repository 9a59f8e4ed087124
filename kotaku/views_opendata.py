"""Open data: per desa and per kecamatan, as JSON or CSV, keyed by Kemendagri code.

Documented in ``docs/OPEN_DATA.md``. Public, read-only and free of personal data: only
verified assessments (the latest per location, aggregated per desa exactly as the Beranda
does, through ``anggaran.dashboard.tingkat_per_desa``) and funding per source
(``anggaran.dashboard.pendanaan``: cancelled activities excluded). A fixed number of queries
whatever the number of desa.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran import dashboard as dash
from anggaran.kondisi import kondisi as kondisi_lokasi
from anggaran.models import Kegiatan, SumberDana
from desa import scoring
from desa.filters import WilayahForm
from desa.models import HEADER_CHOICES, Desa, Kecamatan, Penilaian
from desa.penilaian import skor_agregat
from desa.selectors import aturan_bawaan
from desa.tingkat import tingkat_per_desa
from desa.wilayah import dalam_wilayah, melebihi
from inti.exports import Column, export_response

FORMATS = ("json", "csv", "xlsx")
CACHE_SECONDS = 300


def _num(value):
    """A JSON number: whole values as int, others as float (at most 2 decimals here)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _kekumuhan(hasil: scoring.AssessmentResult, tahun: list[int], jumlah_lokasi: int) -> dict:
    labels = dict(HEADER_CHOICES)
    return {
        "aturan": hasil.rules_code,
        "tahun_penilaian": tahun,
        "jumlah_lokasi": jumlah_lokasi,
        "total_skor": hasil.total,
        "skor_maksimum": hasil.max_total,
        "tingkat": hasil.level,
        "tingkat_label": hasil.level_label,
        "rata_rata_kekumuhan_sektoral_persen": _num(hasil.sectoral_mean),
        "penyebut": {k: _num(v) for k, v in hasil.header.items()},
        "aspek": {a.code: {"nama": a.name, "rata_rata_persen": _num(a.mean_percent),
                           "skor": a.score} for a in hasil.aspect_results},
        "kriteria": {c.code: {
            "aspek": c.aspect, "nama": c.name, "satuan": c.unit,
            "penyebut": c.denominator_field, "penyebut_label": str(labels[c.denominator_field]),
            "volume": _num(c.volume), "nilai_penyebut": _num(c.denominator),
            "persen": _num(c.percent), "skor": c.score,
        } for c in hasil.criterion_results},
    }


def _ha(value):
    return None if value is None else float(Decimal(value).quantize(Decimal("0.0001")))


def _kondisi(a) -> dict | None:
    """Baseline, terukur (official) and proyeksi (estimate) with slum hectares by level, from
    the per-location model (``anggaran.kondisi``): the figures every page shows."""
    if a is None:
        return None

    def tahap(t, nama):
        x = getattr(a, nama)
        return {"total_skor": x.total, "tingkat": x.tingkat,
                "tingkat_label": x.hasil.level_label,
                "luas_kumuh_ha": _ha(a.luas_kumuh(nama)),
                "luas_per_tingkat_ha": {k: _ha(v) for k, v in a.luas[nama].items()}, **t}

    return {
        "baseline": tahap({"tahun": list(a.tahun_baseline or ())}, "baseline"),
        "terukur": tahap({"tahun": list(a.tahun_terukur or ()),
                          "arti": _("penilaian terverifikasi terakhir tiap lokasi (resmi)")},
                         "terukur"),
        "proyeksi": tahap({"tahun": a.proyeksi.tahun,
                           "arti": _("perkiraan: volume terukur dikurangi kegiatan selesai di "
                                     "lokasi itu sejak pengukuran; belum diukur")}, "proyeksi"),
        "penurunan_luas_kumuh_ha": _ha(a.penurunan_ha),
        "jumlah_lokasi": a.jumlah_lokasi, "jumlah_lokasi_demo": a.jumlah_demo,
    }


def kumpulkan(desa_list: list[Desa]) -> tuple[dict, list]:
    """Per desa pk: its open-data record; and the funding sources (in display order)."""
    ids = [d.pk for d in desa_list]
    hasil = tingkat_per_desa(desa_ids=ids)
    kondisi = kondisi_lokasi(None, tuple(ids))
    aturan, _rules = aturan_bawaan()
    terkini = Penilaian.objects.terkini().filter(lokasi__desa_id__in=ids, aturan=aturan).order_by()
    tahun = defaultdict(set)
    jumlah_lokasi = defaultdict(int)
    demo = set()
    for desa_id, th, is_demo in terkini.values_list("lokasi__desa_id", "tahun", "is_demo"):
        tahun[desa_id].add(th)
        jumlah_lokasi[desa_id] += 1
        if is_demo:
            demo.add(desa_id)
    demo_kegiatan, semua_kegiatan = {}, {}
    for desa_id, is_demo, n in (Kegiatan.objects.filter(desa_id__in=ids).order_by()
                                .values_list("desa_id", "is_demo").annotate(n=Count("pk"))):
        semua_kegiatan[desa_id] = semua_kegiatan.get(desa_id, 0) + n
        if is_demo:
            demo_kegiatan[desa_id] = n
            demo.add(desa_id)
    sumber = list(SumberDana.objects.order_by("urutan", "nama"))
    dana = defaultdict(dict)
    for row in (dash.pendanaan().filter(kegiatan__desa_id__in=ids)
                .values("kegiatan__desa_id", "sumber__kode")
                .annotate(rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
                          kegiatan=Count("kegiatan", distinct=True))):
        dana[row["kegiatan__desa_id"]][row["sumber__kode"]] = row
    records = {}
    for d in desa_list:
        per_sumber = {}
        for s in sumber:
            row = dana[d.pk].get(s.kode, {})
            per_sumber[s.kode] = {"nama": s.nama, "rencana_rp": _num(row.get("rencana") or 0),
                                  "realisasi_rp": _num(row.get("realisasi") or 0),
                                  "jumlah_kegiatan": row.get("kegiatan", 0)}
        h = hasil.get(d.pk)
        records[d.pk] = {
            "kode_kemendagri": d.kode_wilayah, "kode_bps": d.kode_bps, "nama": d.nama,
            "tipe": d.tipe,
            "kecamatan": {"kode_kemendagri": d.kecamatan.kode_wilayah,
                          "nama": d.kecamatan.nama},
            "kabupaten": {"kode_kemendagri": d.kecamatan.kabupaten.kode_wilayah,
                          "nama": d.kecamatan.kabupaten.nama},
            "kekumuhan": _kekumuhan(h, sorted(tahun[d.pk]), jumlah_lokasi[d.pk]) if h else None,
            "kondisi": _kondisi(kondisi.desa.get(d.pk)),
            "pendanaan": {
                "rencana_rp": sum(v["rencana_rp"] for v in per_sumber.values()),
                "realisasi_rp": sum(v["realisasi_rp"] for v in per_sumber.values()),
                "per_sumber": per_sumber,
            },
            "berisi_data_demo": d.pk in demo,
            "jumlah_kegiatan_demo": demo_kegiatan.get(d.pk, 0),
            "jumlah_kegiatan": semua_kegiatan.get(d.pk, 0),
            "_hasil": h,
        }
    return records, sumber


def _metadata(request) -> dict:
    aturan, _rules = aturan_bawaan()
    return {
        "sumber": settings.PORTAL_NAME,
        "url": request.build_absolute_uri(),
        "dokumentasi": "docs/OPEN_DATA.md",
        "dibuat": timezone.localtime().isoformat(timespec="seconds"),
        "aturan_penilaian": {"kode": aturan.kode, "nama": aturan.nama,
                             "dasar_hukum": aturan.dasar_hukum} if aturan else None,
        "catatan": _("Kekumuhan: gabungan penilaian terverifikasi terakhir setiap lokasi "
                     "(volume dan penyebut dijumlahkan, lalu dinilai). Pendanaan: rupiah utuh, "
                     "kegiatan batal tidak dihitung. Record dengan berisi_data_demo=true memuat "
                     "data demo."),
    }


def _bersih(record: dict) -> dict:
    return {k: v for k, v in record.items() if not k.startswith("_")}


def _json(request, data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _headers(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def kolom_csv(sumber: list, rules: scoring.RuleSet | None) -> list[Column]:
    """One row per desa: identity, latest verified score, per-criterion figures, funding."""

    def k(code, field):
        return lambda r: (r["kekumuhan"] or {}).get("kriteria", {}).get(code, {}).get(field)

    def kk(field):
        return lambda r: (r["kekumuhan"] or {}).get(field)

    columns = [
        Column("kode_kemendagri", "kode_kemendagri"), Column("kode_bps", "kode_bps"),
        Column("nama", "nama"), Column("kecamatan", "kecamatan.nama"),
        Column("kabupaten", "kabupaten.nama"),
        Column("tahun_penilaian", lambda r: ";".join(
            str(t) for t in (r["kekumuhan"] or {}).get("tahun_penilaian", []))),
        Column("jumlah_lokasi", kk("jumlah_lokasi"), "int"),
        Column("total_skor", kk("total_skor"), "int"), Column("tingkat", kk("tingkat")),
        Column("rata_rata_kekumuhan_sektoral_persen",
               kk("rata_rata_kekumuhan_sektoral_persen"), "percent"),
    ]
    for c in (rules.criteria if rules else ()):
        columns += [Column(f"volume_{c.code}", k(c.code, "volume"), "decimal"),
                    Column(f"penyebut_{c.code}", k(c.code, "nilai_penyebut"), "decimal"),
                    Column(f"persen_{c.code}", k(c.code, "persen"), "percent"),
                    Column(f"skor_{c.code}", k(c.code, "skor"), "int")]
    for s in sumber:
        columns += [
            Column(f"rencana_rp_{s.kode}",
                   lambda r, s=s.kode: r["pendanaan"]["per_sumber"][s]["rencana_rp"], "rupiah"),
            Column(f"realisasi_rp_{s.kode}",
                   lambda r, s=s.kode: r["pendanaan"]["per_sumber"][s]["realisasi_rp"],
                   "rupiah")]
    def kd(tahap, field):
        return lambda r: ((r["kondisi"] or {}).get(tahap) or {}).get(field)

    columns += [
        Column("terukur_tahun", lambda r: ";".join(
            str(t) for t in ((r["kondisi"] or {}).get("terukur") or {}).get("tahun", []))),
        Column("terukur_total_skor", kd("terukur", "total_skor"), "int"),
        Column("terukur_tingkat", kd("terukur", "tingkat")),
        Column("proyeksi_perkiraan_total_skor", kd("proyeksi", "total_skor"), "int"),
        Column("proyeksi_perkiraan_tingkat", kd("proyeksi", "tingkat")),
        Column("luas_kumuh_baseline_ha", kd("baseline", "luas_kumuh_ha"), "decimal"),
        Column("luas_kumuh_terukur_ha", kd("terukur", "luas_kumuh_ha"), "decimal"),
        Column("luas_kumuh_proyeksi_ha", kd("proyeksi", "luas_kumuh_ha"), "decimal"),
        Column("jumlah_lokasi_demo", lambda r: (r["kondisi"] or {}).get("jumlah_lokasi_demo"),
               "int"),
    ]
    columns += [Column("rencana_rp", "pendanaan.rencana_rp", "rupiah"),
                Column("realisasi_rp", "pendanaan.realisasi_rp", "rupiah"),
                Column("berisi_data_demo", lambda r: "ya" if r["berisi_data_demo"] else "tidak"),
                Column("jumlah_kegiatan_demo", "jumlah_kegiatan_demo", "int"),
                Column("jumlah_kegiatan", "jumlah_kegiatan", "int")]
    return columns


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


#: The most desa whose files the index page lists (the JSON index lists every one): a
#: kabupaten holds a few hundred; the nation's 83,762 made a 4-second, 25 MB page. Beyond,
#: the page lists the regions one level down, each a link to its own list.
MAKS_INDEKS = 1000


def _pola_url(request, name: str):
    """``(kode, fmt) -> absolute URL`` of an open-data file: reversed once per format, the
    code put in by text (reversing per desa cost 2 s for the nation)."""
    contoh = "00.00.00.0000"
    pola = {fmt: request.build_absolute_uri(reverse(name, args=[contoh, fmt]))
            for fmt in ("json", "csv")}
    return lambda kode, fmt: pola[fmt].replace(contoh, kode)


@require_GET
def indeks(request):
    """Where the files are: every kecamatan and desa (of ``?wilayah=``, if given) with its
    JSON and CSV URLs."""
    form = WilayahForm(request.GET)
    wilayah = form.kode()
    desa = Desa.objects.all()
    if wilayah:
        desa = desa.filter(dalam_wilayah(wilayah))
    html = _mau_html(request)
    konteks = {"metadata": _metadata(request), "json_url": request.path + "?format=json",
               "saring": {"form": form}, "wilayah": wilayah}
    if html and (lebih := melebihi(desa, wilayah, MAKS_INDEKS, "kode_wilayah")):
        response = render(request, "data_terbuka.html", {**konteks, **lebih})
        response["Vary"] = "Accept"
        return response
    url_desa = _pola_url(request, "data_terbuka_desa")
    url_kec = _pola_url(request, "data_terbuka_kecamatan")
    rows = list(desa.order_by("kode_wilayah").values_list(
        "kode_wilayah", "nama", "kecamatan__kode_wilayah", "kecamatan__nama"))
    data = {
        "metadata": konteks["metadata"],
        "kecamatan": {kode: {"nama": nama, **{fmt: url_kec(kode, fmt) for fmt in ("json", "csv")}}
                      for kode, nama in sorted({(r[2], r[3]) for r in rows})},
        "desa": {kode: {"nama": nama, **{fmt: url_desa(kode, fmt) for fmt in ("json", "csv")}}
                 for kode, nama, _k, _n in rows},
    }
    if html:
        # People (a browser) get a page: what each file holds, formats, licence, links
        # (issue 17); programs keep the JSON (no Accept: text/html, or ?format=json).
        response = render(request, "data_terbuka.html", {
            **konteks, "kecamatan": data["kecamatan"], "desa": data["desa"]})
        response["Vary"] = "Accept"
        return response
    response = _headers(_json(request, data, "data-terbuka.json"))
    response["Vary"] = "Accept"
    return response


def _mau_html(request) -> bool:
    if request.GET.get("format") == "json":
        return False
    accept = request.headers.get("Accept", "")
    return "text/html" in accept


@require_GET
def desa(request, kode: str, fmt: str):
    fmt = _fmt(fmt)
    d = get_object_or_404(Desa.objects.select_related("kecamatan__kabupaten"), kode_wilayah=kode)
    records, sumber = kumpulkan([d])
    record = records[d.pk]
    if fmt == "json":
        return _headers(_json(request, {"metadata": _metadata(request),
                                        "desa": {d.kode_wilayah: _bersih(record)}},
                              f"desa-{d.kode_wilayah}.json"))
    _aturan, rules = aturan_bawaan()
    return _headers(export_response(fmt, f"data-terbuka-desa-{d.kode_wilayah}",
                                    kolom_csv(sumber, rules), [record], title=d.nama))


@require_GET
def kecamatan(request, kode: str, fmt: str):
    fmt = _fmt(fmt)
    kec = get_object_or_404(Kecamatan.objects.select_related("kabupaten"), kode_wilayah=kode)
    desa_list = list(Desa.objects.filter(kecamatan=kec).select_related("kecamatan__kabupaten")
                     .order_by("kode_wilayah"))
    records, sumber = kumpulkan(desa_list)
    _aturan, rules = aturan_bawaan()
    if fmt != "json":
        return _headers(export_response(fmt, f"data-terbuka-kecamatan-{kec.kode_wilayah}",
                                        kolom_csv(sumber, rules),
                                        [records[d.pk] for d in desa_list], title=kec.nama))
    agregat = None
    if rules is not None:
        qs = Penilaian.objects.terkini().filter(lokasi__desa__kecamatan=kec)
        hasil = skor_agregat(qs, "lokasi__desa__kecamatan", rules).get(kec.pk)
        if hasil is not None:
            tahun = sorted({t for r in records.values() for t in
                            (r["kekumuhan"] or {}).get("tahun_penilaian", [])})
            lokasi = sum((r["kekumuhan"] or {}).get("jumlah_lokasi", 0)
                         for r in records.values())
            agregat = _kekumuhan(hasil, tahun, lokasi)
    per_sumber = {s.kode: {
        "nama": s.nama,
        "rencana_rp": sum(r["pendanaan"]["per_sumber"][s.kode]["rencana_rp"]
                          for r in records.values()),
        "realisasi_rp": sum(r["pendanaan"]["per_sumber"][s.kode]["realisasi_rp"]
                            for r in records.values()),
    } for s in sumber}
    per_tingkat = defaultdict(int)
    for r in records.values():
        per_tingkat[(r["kekumuhan"] or {}).get("tingkat", "belum_dinilai")] += 1
    data = {
        "metadata": _metadata(request),
        "kecamatan": {
            "kode_kemendagri": kec.kode_wilayah, "kode_bps": kec.kode_bps, "nama": kec.nama,
            "kabupaten": {"kode_kemendagri": kec.kabupaten.kode_wilayah,
                          "nama": kec.kabupaten.nama},
            "jumlah_desa": len(desa_list),
            "desa_per_tingkat": dict(sorted(per_tingkat.items())),
            "kekumuhan": agregat,
            "kondisi": _kondisi(kondisi_lokasi(None, tuple(d.pk for d in desa_list)).total),
            "pendanaan": {
                "rencana_rp": sum(v["rencana_rp"] for v in per_sumber.values()),
                "realisasi_rp": sum(v["realisasi_rp"] for v in per_sumber.values()),
                "per_sumber": per_sumber,
            },
            "berisi_data_demo": any(r["berisi_data_demo"] for r in records.values()),
        },
        "desa": {records[d.pk]["kode_kemendagri"]: _bersih(records[d.pk]) for d in desa_list},
    }
    return _headers(_json(request, data, f"kecamatan-{kec.kode_wilayah}.json"))
