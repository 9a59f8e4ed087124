"""Load Kab. Madiun, Kec. Jiwan and its 14 desa from the reference files in ``desa/data``."""

import csv
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from desa.geo import point_on_surface
from desa.kawasan import SK_MADIUN
from desa.models import (
    Desa,
    Kabupaten,
    Kawasan,
    KawasanDesa,
    Kecamatan,
    LembagaMasyarakat,
    Provinsi,
    SKKumuh,
)
from inti.sync import format_counts, sync_object

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
# The reference CSV starts at the kabupaten; the province is named here (Kemendagri code 35).
PROVINSI = {"kode_wilayah": "35", "nama": "Jawa Timur", "kode_bps": "35"}
# Where the common spelling differs from the official one, show the common one and keep the
# official spelling as the alias (both are searchable).
DISPLAY_NAMES = {"Klagenserut": "Klagen Serut"}
# Other spellings in use (searchable as the alias): "Kincangwetan" in one word.
ALIASES = {"Kincang Wetan": "Kincangwetan"}
# Slum areas are fixed by this decree [checked: programme blog of the Kab. Madiun team]; the CSV's
# luas_kumuh_ha column carries the hectares (Sukolilo: 10.2 ha, RT 24, 26, 27, 28).
SK_KUMUH = ("SK Bupati Madiun No. 118.45/325A/KPTS/402.013/2019", 2019)
KAWASAN_KETERANGAN = {"Sukolilo": "RT 24, 26, 27, 28"}
# The desa's LKMs named by the same source (docs/PLANNING.md "SK dan kawasan").
LKM = {"Kwangsen": "LKM Sejahtera Mandiri", "Wayut": "LKM Suroloyo",
       "Kincang Wetan": "LKM Tri Jaya Mandiri"}
LKM_SUMBER = "Blog program tim KOTAKU Kab. Madiun [checked]."


def _dec(value: str, places: int) -> Decimal | None:
    value = (value or "").strip()
    return Decimal(value).quantize(Decimal(1).scaleb(-places)) if value else None


def _int(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value else None


class Command(BaseCommand):
    help = (
        "Memuat Kab. Madiun, Kec. Jiwan dan 14 desanya (kode Kemendagri/BPS, luas, sentroid, "
        "batas wilayah) dari desa/data. Idempoten: menjalankan dua kali tidak mengubah apa pun."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(DATA_DIR / "jiwan_villages.csv"))
        parser.add_argument("--geojson", default=str(DATA_DIR / "jiwan_villages.geojson"))

    @transaction.atomic
    def handle(self, *args, **opts):
        with open(opts["csv"], encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        with open(opts["geojson"], encoding="utf-8") as fh:
            features = {
                f["properties"]["kode_wilayah"]: f["geometry"] for f in json.load(fh)["features"]
            }

        counts: Counter = Counter()
        provinsi = sync_object(
            Provinsi, {"kode_wilayah": PROVINSI["kode_wilayah"]},
            {"nama": PROVINSI["nama"], "kode_bps": PROVINSI["kode_bps"]}, counts,
        )
        kabupaten: dict[str, Kabupaten] = {}
        kecamatan: dict[str, Kecamatan] = {}
        n_desa = 0
        for row in rows:
            kode, tipe = row["kode_wilayah"], row["tipe"]
            common = {"nama": row["nama"], "kode_bps": row["kode_bps"] or None}
            if tipe in ("kabupaten", "kota"):
                kabupaten[kode] = sync_object(Kabupaten, {"kode_wilayah": kode}, {
                    **common, "provinsi": provinsi, "tipe": tipe,
                    "luas_km2": _dec(row["luas_km2"], 3),
                    "jumlah_penduduk": _int(row["jumlah_penduduk"]),
                }, counts)
            elif tipe == "kecamatan":
                kecamatan[kode] = sync_object(Kecamatan, {"kode_wilayah": kode}, {
                    **common, "kabupaten": kabupaten[row["kode_induk"]],
                }, counts)
            else:
                nama = DISPLAY_NAMES.get(row["nama"], row["nama"])
                alias = (row["nama"] if nama != row["nama"]
                         else row["nama_alias"] or ALIASES.get(nama, ""))
                geometry = features.get(kode)
                lat, lng = _dec(row["latitude"], 6), _dec(row["longitude"], 6)
                titik = None
                if geometry and lat is not None:
                    titik = point_on_surface(geometry, (float(lng), float(lat)))
                desa = sync_object(Desa, {"kode_wilayah": kode}, {
                    **common, "nama": nama, "nama_alias": alias,
                    "tipe": tipe, "kecamatan": kecamatan[row["kode_induk"]],
                    "kode_pos": row["kode_pos"], "luas_km2": _dec(row["luas_km2"], 3),
                    "luas_poligon_km2": _dec(row["luas_poligon_km2"], 3),
                    "jumlah_penduduk": _int(row["jumlah_penduduk"]),
                    "jumlah_kk": _int(row["jumlah_kk"]),
                    "centroid_lat": lat, "centroid_lng": lng,
                    "titik_lat": _dec(str(round(titik[1], 6)), 6) if titik else None,
                    "titik_lng": _dec(str(round(titik[0], 6)), 6) if titik else None,
                    "batas": geometry, "sumber": row["source"],
                }, counts)
                n_desa += 1
                if nama in LKM:
                    sync_object(LembagaMasyarakat, {"desa": desa, "nama": LKM[nama]}, {
                        "jenis": LembagaMasyarakat.Jenis.LKM,
                        "fungsi": LembagaMasyarakat.Fungsi.PERENCANAAN,
                        "sumber": LKM_SUMBER, "is_demo": False}, counts)
                luas_kumuh = _dec(row["luas_kumuh_ha"], 2)
                if luas_kumuh is not None:
                    sk = sync_object(SKKumuh, {"nomor": SK_MADIUN["nomor"]}, {
                        **{k: v for k, v in SK_MADIUN.items() if k != "nomor"},
                        "kabupaten": desa.kecamatan.kabupaten}, counts)
                    kw = sync_object(Kawasan, {"desa": desa, "nama": f"Kawasan kumuh {nama}"}, {
                        "luas_ha": luas_kumuh, "sk_nomor": SK_KUMUH[0], "sk_tahun": SK_KUMUH[1],
                        "sk": sk, "keterangan": KAWASAN_KETERANGAN.get(nama, ""),
                        "is_demo": False,
                    }, counts)
                    sync_object(KawasanDesa, {"kawasan": kw, "desa": desa},
                                {"luas_ha": luas_kumuh}, counts)
        self.stdout.write(
            f"Wilayah Jiwan: 1 provinsi, {len(kabupaten)} kabupaten, {len(kecamatan)} kecamatan, "
            f"{n_desa} desa, {Kawasan.objects.filter(is_demo=False).count()} kawasan SK "
            f"({format_counts(counts)})."
        )
