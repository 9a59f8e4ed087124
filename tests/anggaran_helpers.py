"""Builders for activities, funding lines, stakeholders and uploads (anggaran, kolaborasi)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anggaran.models import Kegiatan, Pendanaan, SumberDana
from desa import kondisi_tersimpan
from desa.models import Kriteria
from kolaborasi.models import PemangkuKepentingan

KONTAK_TELEPON = "0812-9876-5432"
KONTAK_EMAIL = "rahasia.kontak@example.org"
KONTAK_NAMA = "Ibu Kontak Rahasia"


def kriteria(kode: str = "2b") -> Kriteria:
    """A criterion of the default rule set (Permen PUPR 14/2018)."""
    return Kriteria.objects.get(aturan__bawaan=True, kode=kode)


def sumber(kode: str) -> SumberDana:
    return SumberDana.objects.get(kode=kode)


def buat_pemangku(nama: str, jenis: str = "opd", desa=None, **extra) -> PemangkuKepentingan:
    return PemangkuKepentingan.objects.create(nama=nama, jenis=jenis, desa=desa, **extra)


def buat_kegiatan(desa, nama="Paving jalan akses kolam lele", tahun=2018, kode_kriteria="2b",
                  lines=(), **extra) -> Kegiatan:
    """An activity with funding lines ``(pemangku, kode_sumber, rencana[, realisasi])``."""
    values = {"volume": Decimal(170), "satuan": "m", "status": "selesai"} | extra
    kegiatan = Kegiatan.objects.create(desa=desa, kriteria=kriteria(kode_kriteria), nama=nama,
                                       tahun_anggaran=tahun, **values)
    for line in lines:
        pemangku, kode, rencana, *rest = line
        Pendanaan.objects.create(kegiatan=kegiatan, pemangku=pemangku, sumber=sumber(kode),
                                 rencana_rp=Decimal(rencana),
                                 realisasi_rp=Decimal(rest[0] if rest else 0))
    if kegiatan.status == "selesai":  # written behind the services' back: keep it current
        kondisi_tersimpan.perbarui([desa.pk])
    return kegiatan


def kegiatan_post(desa, lines, *, versi="", initial_forms=0, **over) -> dict:
    """POST data of the activity form; ``lines`` are dicts of one funding line's fields."""
    data = {
        "desa": desa.pk if desa is not None else "",
        "kriteria": kriteria("2b").pk,
        "nama": "Paving jalan akses kolam lele",
        "volume": "170",
        "satuan": "m",
        "tahun_anggaran": "2018",
        "status": "selesai",
        "kawasan": "", "lokasi": "", "rt": "", "rw": "", "pelaksana": "",
        "tanggal_mulai": "", "tanggal_selesai": "", "keterangan": "",
        "versi": versi,
        "dana-TOTAL_FORMS": str(len(lines)),
        "dana-INITIAL_FORMS": str(initial_forms),
        "dana-MIN_NUM_FORMS": "0",
        "dana-MAX_NUM_FORMS": "50",
    }
    data.update(over)
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"dana-{i}-{key}"] = value
    return data


def line(pemangku, kode_sumber, rencana, realisasi="", **extra) -> dict:
    values = {"pemangku": pemangku.pk if pemangku else "",
              "sumber": sumber(kode_sumber).pk if kode_sumber else "",
              "rencana_rp": rencana, "realisasi_rp": realisasi,
              "uraian_natura": "", "alasan_lebih": ""}
    values.update(extra)
    return values


def image_bytes(fmt: str = "PNG", size=(64, 48), color=(200, 60, 40), **save) -> bytes:
    mode = "P" if fmt == "GIF" else "RGB"
    image = Image.new("RGB", size, color)
    if mode == "P":
        image = image.convert("P")
    buf = io.BytesIO()
    image.save(buf, format=fmt, **save)
    return buf.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def progres_post(persen="50", catatan="", tanggal="2018-09-01", realisasi="50.000.000",
                 fotos=()) -> dict:
    """POST data of the progress form; ``fotos`` are (upload, tahap) pairs (max 3)."""
    data = {
        "tanggal": tanggal, "persen_fisik": persen, "realisasi_rp": realisasi,
        "catatan": catatan,
        "foto-TOTAL_FORMS": "3", "foto-INITIAL_FORMS": "0",
        "foto-MIN_NUM_FORMS": "0", "foto-MAX_NUM_FORMS": "3",
    }
    for i in range(3):
        data[f"foto-{i}-tahap"] = "lain"
        data[f"foto-{i}-keterangan"] = ""
    for i, (file, tahap) in enumerate(fotos):
        data[f"foto-{i}-foto"] = file
        data[f"foto-{i}-tahap"] = tahap
    return data
