"""Test data for the slum-assessment tests (plain functions; fixtures live in the test files)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from desa import kondisi_tersimpan
from desa.models import Kawasan, Lokasi, Penilaian
from desa.penilaian import default_aturan, simpan_penilaian

KEBUNAN = json.loads(
    (Path(__file__).resolve().parents[1] / "desa/data/scoring_example_kebunan.json").read_text()
)
HEADER_FIELDS = ("luas_ha", "jumlah_bangunan", "jumlah_kk", "panjang_jalan_ideal_m",
                 "panjang_drainase_ideal_m")


def buat_kawasan(desa, nama="Kawasan Krajan", luas="12.50", **extra) -> Kawasan:
    return Kawasan.objects.create(desa=desa, nama=nama, luas_ha=Decimal(luas),
                                  sk_nomor="188/123/KPTS/402.013/2021", sk_tahun=2021, **extra)


def buat_lokasi(desa, nama="Dusun Krajan", kawasan=None, rt="001", rw="002") -> Lokasi:
    return Lokasi.objects.create(desa=desa, nama=nama, kawasan=kawasan, rt=rt, rw=rw)


def kebunan_header() -> dict:
    return {k: Decimal(str(v)) for k, v in KEBUNAN["header"].items()}


def kebunan_volumes() -> dict:
    return {k: Decimal(str(v)) for k, v in KEBUNAN["volumes"].items()}


def buat_penilaian(lokasi, tahun=2024, header=None, volumes=None, status="draft",
                   user=None) -> Penilaian:
    """An assessment saved through the service (scores computed), then put in ``status``."""
    header = header if header is not None else kebunan_header()
    volumes = volumes if volumes is not None else kebunan_volumes()
    p = Penilaian(lokasi=lokasi, tahun=tahun, aturan=default_aturan(), **header)
    simpan_penilaian(p, volumes, user)
    now = timezone.now()
    extra = {}
    if status != "draft":
        extra["diajukan_pada"] = now
    if status == "diverifikasi":
        extra["diverifikasi_pada"] = now
    Penilaian.objects.filter(pk=p.pk).update(status=status, **extra)
    # The status is set behind the services' back: keep the stored condition current as
    # the services do (desa.kondisi_tersimpan).
    kondisi_tersimpan.perbarui(lokasi_ids=[p.lokasi_id])
    p.refresh_from_db()
    return p


def id_angka(value) -> str:
    """A number as a facilitator types it: "1,31", "540,9", "50"."""
    text = format(Decimal(str(value)), "f")
    return text.replace(".", ",")


def form_data(versi: int, header: dict | None = None, volumes: dict | None = None,
              aksi: str = "simpan", **extra) -> dict:
    """POST data of the entry form, typed the Indonesian way."""
    header = header if header is not None else KEBUNAN["header"]
    volumes = volumes if volumes is not None else KEBUNAN["volumes"]
    data = {"versi": str(versi), "jenis": "baseline", "aksi": aksi,
            "jumlah_penduduk": "", "status_lahan_jelas": "unknown",
            "sesuai_tata_ruang": "unknown", "nilai_strategis": "", "kepadatan_penduduk": "",
            "potensi_sosial_ekonomi": ""}
    data.update({k: id_angka(v) for k, v in header.items()})
    data.update({f"v_{k}": id_angka(v) for k, v in volumes.items()})
    data.update(extra)
    return data
