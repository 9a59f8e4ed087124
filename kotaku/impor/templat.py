"""Import templates (exact columns + one example row) and exports in the import layout.

The exports go through :mod:`inti.exports` (``Column`` + ``export_response``), so they look
like every other download of the portal, and their header row is the import's column keys:
a file exported here can be edited and imported again.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from anggaran import impor as imp_kegiatan
from anggaran.models import Pendanaan
from desa import akses
from desa import impor as imp_penilaian
from desa.models import Desa
from inti.exports import Column
from kolaborasi import impor as imp_rencana
from kolaborasi.models import DokumenRencana, JenisPemangku, PemangkuKepentingan

KEBUNAN = Path(__file__).resolve().parents[2] / "desa" / "data" / "scoring_example_kebunan.json"
KODE_CONTOH = "35.19.09.2014"  # Bibrik
TEKS_KOLOM = {"kode_desa", "kawasan", "lokasi", "rt", "rw", "jenis", "aturan", "nama_kegiatan",
              "kriteria", "satuan", "status", "pelaksana", "keterangan", "pemangku", "sumber",
              "natura", "uraian_natura", "alasan_lebih", "status_lahan_jelas",
              "sesuai_tata_ruang", "dokumen", "nama_item", "komponen", "jenis_investasi",
              "pendekatan", "usulan_pendana"}


def _kode_contoh(user) -> str:
    """The example row uses a desa the user may write in (so it is a realistic code)."""
    desa = akses.writable_desa(user).order_by("kode_wilayah").first() if user else None
    if desa is None:
        desa = Desa.objects.filter(kode_wilayah=KODE_CONTOH).first()
    return desa.kode_wilayah if desa else KODE_CONTOH


def contoh_penilaian(user=None) -> dict:
    """The published Kebunan assessment (total 14, tidak kumuh), marked as an example."""
    data = json.loads(KEBUNAN.read_text(encoding="utf-8"))
    row = {"kode_desa": _kode_contoh(user), "kawasan": "Bunan Pamol (contoh)",
           "lokasi": "RT 001 RW 001 (contoh)", "rt": "001", "rw": "001", "tahun": 2024,
           "jenis": "baseline", "aturan": "", "jumlah_penduduk": ""}
    row.update({k: Decimal(str(v)) for k, v in data["header"].items()})
    row.update({imp_penilaian.volume_kolom(k): Decimal(str(v))
                for k, v in data["volumes"].items()})
    return row


def contoh_kegiatan(user=None) -> dict:
    opd = PemangkuKepentingan.objects.filter(jenis=JenisPemangku.OPD)
    pemangku = (opd.filter(nama__istartswith="Dinas Perumahan").values_list("nama", flat=True)
                .first() or opd.order_by("nama").values_list("nama", flat=True).first()
                or "Dinas Perumahan dan Kawasan Permukiman Kab. Madiun")
    return {"kode_desa": _kode_contoh(user),
            "nama_kegiatan": "Paving jalan akses kolam lele (contoh)", "tahun_anggaran": 2018,
            "kriteria": "2b", "volume": Decimal(170), "satuan": "m", "status": "selesai",
            "tanggal_mulai": "2018-04-01", "tanggal_selesai": "2018-08-31",
            "keterangan": _("Baris contoh: hapus sebelum mengimpor."), "pemangku": pemangku,
            "sumber": "apbd-kab", "rencana_rp": Decimal(100_000_000),
            "realisasi_rp": Decimal(100_000_000), "natura": "tidak"}


def contoh_rencana(user=None) -> dict:
    """An item of a plan the user may edit (its ID and desa), else of the example desa."""
    dokumen = (DokumenRencana.objects.for_writer(user).select_related("desa")
               .order_by("-tahun_mulai", "pk").first() if user else None)
    kode = dokumen.desa.kode_wilayah if dokumen and dokumen.desa_id else _kode_contoh(user)
    tahun = dokumen.tahun_mulai if dokumen else 2025
    opd = PemangkuKepentingan.objects.filter(jenis=JenisPemangku.OPD)
    pendana = (opd.filter(nama__istartswith="Dinas Perumahan").values_list("nama", flat=True)
               .first() or opd.order_by("nama").values_list("nama", flat=True).first() or "")
    return {"dokumen": dokumen.pk if dokumen else "", "kode_desa": kode,
            "nama_item": "Jalan lingkungan dan drainase RW 02 (contoh)",
            "kriteria": "2b:300; 4b:250", "komponen": "infrastruktur",
            "jenis_investasi": "tersier", "pendekatan": "masyarakat", "volume": Decimal(300),
            "satuan": "m", "biaya_rp": Decimal(400_000_000), "tahun_target": tahun,
            "usulan_pendana": pendana,
            "keterangan": _("Baris contoh: hapus sebelum mengimpor.")}


def _layout(jenis: str):
    return {imp_penilaian.JENIS: imp_penilaian.layout, imp_kegiatan.JENIS: imp_kegiatan.layout,
            imp_rencana.JENIS: imp_rencana.layout}[jenis]()


def _contoh(jenis: str, user) -> dict:
    return {imp_penilaian.JENIS: contoh_penilaian, imp_kegiatan.JENIS: contoh_kegiatan,
            imp_rencana.JENIS: contoh_rencana}[jenis](user)


def templat_csv(jenis: str, user=None) -> bytes:
    """Header + example row; numbers written plainly (1.31), like every CSV of the portal."""
    columns = _layout(jenis)
    row = _contoh(jenis, user)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.kunci for c in columns])
    writer.writerow([_csv(row.get(c.kunci)) for c in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def templat_xlsx(jenis: str, user=None) -> bytes:
    """Sheet "Data" (header, example row, text-formatted code columns) and "Petunjuk"."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = _layout(jenis)
    row = _contoh(jenis, user)
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    bold = Font(bold=True)
    wajib_fill = PatternFill("solid", fgColor="FFF2CC")
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.kunci)
        cell.font = bold
        if col.wajib:
            cell.fill = wajib_fill
        cell.comment = Comment(str(col.label) + (_(" (wajib)") if col.wajib else ""), "KOTAKU")
        value = row.get(col.kunci)
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        data_cell = ws.cell(row=2, column=i, value=None if value == "" else value)
        if col.kunci in TEKS_KOLOM:
            data_cell.number_format = "@"
        elif isinstance(value, float):
            data_cell.number_format = "0.00"
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(10, min(len(col.kunci) + 4, 40))
        if col.kunci in TEKS_KOLOM:
            # Codes and RT "001" keep their leading zeros in the rows people add.
            for r in range(3, 502):
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A2"

    info = wb.create_sheet("Petunjuk")
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 8
    info.column_dimensions["C"].width = 90
    judul = {
        imp_penilaian.JENIS: _("Templat impor penilaian kekumuhan: satu baris per lokasi per "
                               "tahun."),
        imp_kegiatan.JENIS: _("Templat impor kegiatan: satu baris per baris pendanaan; "
                              "baris-baris satu kegiatan mengulang (atau mengosongkan) kolom "
                              "kegiatan."),
        imp_rencana.JENIS: _("Templat impor item rencana: satu baris per item. Kunci item: ID "
                             "dokumen + kode desa + nama item + tahun target; baris dengan "
                             "kunci yang sudah ada mengubah item itu. Kriteria ditulis "
                             "kode:volume dipisah titik koma, mis. 2b:300; 4b:250."),
    }[jenis]
    notes = [
        judul,
        _("Baris 2 lembar Data adalah contoh: hapus atau timpa sebelum mengimpor (baris "
          "bertanda \u201c(contoh)\u201d ditolak)."),
        _("Angka: sel angka Excel dibaca apa adanya. Angka yang diketik sebagai teks dibaca "
          "menurut format angka yang dipilih saat mengunggah (Indonesia 1.218,50 / Inggris "
          "1,218.50 / otomatis, yang menolak penulisan ambigu seperti 1.218)."),
        _("Mengimpor berkas yang sama dua kali tidak mengubah apa pun; sebelum disimpan, "
          "portal menampilkan pratinjau per baris."),
    ]
    for r, text in enumerate(notes, start=1):
        info.cell(row=r, column=1, value=text).alignment = Alignment(wrap_text=False)
    start = len(notes) + 2
    for c, text in enumerate((_("Kolom"), _("Wajib"), _("Keterangan")), start=1):
        info.cell(row=start, column=c, value=text).font = bold
    for r, col in enumerate(columns, start=start + 1):
        info.cell(row=r, column=1, value=col.kunci)
        info.cell(row=r, column=2, value=_("ya") if col.wajib else "")
        info.cell(row=r, column=3, value=str(col.label))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Exports in the import layout
# ---------------------------------------------------------------------------------------------


def _ya_tidak(value) -> str:
    return "" if value is None else ("ya" if value else "tidak")


def _volume(p, code):
    cache = getattr(p, "_volumes_by_code", None)
    if cache is None:
        cache = p._volumes_by_code = {v.kriteria.kode: v.volume for v in p.volume.all()}
    return cache.get(code)


def kolom_ekspor_penilaian() -> list[Column]:
    aturan_columns = imp_penilaian.layout()
    kinds = {"tahun": "int", "jumlah_bangunan": "int", "jumlah_kk": "int",
             "jumlah_penduduk": "int", "luas_ha": "decimal", "panjang_jalan_ideal_m": "decimal",
             "panjang_drainase_ideal_m": "decimal", "nilai_strategis": "int",
             "kepadatan_penduduk": "int", "potensi_sosial_ekonomi": "int"}
    accessors = {
        "kode_desa": "lokasi.desa.kode_wilayah", "kawasan": "lokasi.kawasan.nama",
        "lokasi": "lokasi.nama", "rt": "lokasi.rt", "rw": "lokasi.rw", "tahun": "tahun",
        "jenis": "jenis", "aturan": "aturan.kode",
        "status_lahan_jelas": lambda p: _ya_tidak(p.status_lahan_jelas),
        "sesuai_tata_ruang": lambda p: _ya_tidak(p.sesuai_tata_ruang),
    }
    columns = []
    for col in aturan_columns:
        key = col.kunci
        if key.startswith("v_"):
            code = key[2:]
            columns.append(Column(key, (lambda p, code=code: _volume(p, code)), "decimal"))
        else:
            columns.append(Column(key, accessors.get(key, key), kinds.get(key, "text")))
    return columns


def kolom_ekspor_kegiatan() -> list[Column]:
    k = "kegiatan."
    return [
        Column("kode_desa", k + "desa.kode_wilayah"), Column("nama_kegiatan", k + "nama"),
        Column("tahun_anggaran", k + "tahun_anggaran", "int"),
        Column("kriteria", k + "kriteria.kode"), Column("volume", k + "volume", "decimal"),
        Column("satuan", k + "satuan"),
        Column("volume_kriteria", k + "volume_kriteria", "decimal"),
        Column("status", k + "status"),
        Column("kawasan", k + "kawasan.nama"), Column("lokasi", k + "lokasi.nama"),
        Column("rt", k + "rt"), Column("rw", k + "rw"),
        Column("pelaksana", k + "pelaksana.nama"),
        Column("tanggal_mulai", k + "tanggal_mulai", "date"),
        Column("tanggal_selesai", k + "tanggal_selesai", "date"),
        Column("keterangan", k + "keterangan", width=40),
        Column("pemangku", "pemangku.nama", width=40), Column("sumber", "sumber.kode"),
        Column("rencana_rp", "rencana_rp", "rupiah"),
        Column("realisasi_rp", "realisasi_rp", "rupiah"),
        Column("natura", lambda p: _ya_tidak(p.natura)),
        Column("uraian_natura", "uraian_natura"), Column("alasan_lebih", "alasan_lebih"),
    ]


def ekspor_kegiatan_qs(user, semua: bool = False):
    qs = Pendanaan.objects.select_related(
        "kegiatan__desa", "kegiatan__kriteria", "kegiatan__kawasan", "kegiatan__lokasi",
        "kegiatan__pelaksana", "pemangku", "sumber")
    if not (semua or akses.is_admin(user)):
        qs = qs.filter(kegiatan__desa__in=akses.writable_desa(user))
    return qs.order_by("kegiatan__desa__kode_wilayah", "kegiatan__tahun_anggaran",
                       "kegiatan__nama", "kegiatan_id", "pk")


def kolom_ekspor_rencana() -> list[Column]:
    return [
        Column("dokumen", "dokumen_id", "int"), Column("kode_desa", "desa.kode_wilayah"),
        Column("kawasan", "kawasan.nama"), Column("lokasi", "lokasi.nama"),
        Column("nama_item", "nama", width=40), Column("kriteria", imp_rencana.kriteria_sel),
        Column("komponen", "komponen"), Column("jenis_investasi", "jenis_investasi"),
        Column("pendekatan", "pendekatan"), Column("volume", "volume", "decimal"),
        Column("satuan", "satuan"), Column("biaya_rp", "biaya_rp", "rupiah"),
        Column("tahun_target", "tahun_target", "int"),
        Column("usulan_pendana", imp_rencana.pendana_sel, width=40),
        Column("keterangan", "keterangan", width=40),
    ]


def ekspor_rencana_qs(user, semua: bool = False):
    return imp_rencana.ekspor_qs(user, semua or akses.is_admin(user))
