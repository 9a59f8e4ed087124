"""Load every provinsi, kabupaten/kota, kecamatan and desa/kelurahan of Indonesia, in bulk.

The source is ``desa/data/wilayah_indonesia.csv`` (``kode,nama,level``; 91,599 rows, MIT,
cahyadsn/wilayah). Rows are inserted with ``bulk_create`` in batches, level by level, so a full
load is a few dozen INSERT statements instead of 91,599 saves.

Idempotent: a region whose Kemendagri code is already in the database is left exactly as it is
(so the richer rows of ``muat_wilayah_jiwan``, with BPS codes, areas and boundaries, are never
overwritten); only missing regions are created. Running it twice creates nothing the second time.

Bulk inserts bypass ``save()``, so no django-simple-history rows are written for these reference
rows (the same as for any ``bulk_create``); their provenance is the CSV itself.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from desa.models import Desa, Kabupaten, Kecamatan, Provinsi

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_CSV = DATA_DIR / "wilayah_indonesia.csv"
BATCH = 5000

# CSV level → (model, extra field values)
LEVELS = {
    "provinsi": (Provinsi, {}),
    "kabupaten": (Kabupaten, {"tipe": Kabupaten.Tipe.KABUPATEN}),
    "kota": (Kabupaten, {"tipe": Kabupaten.Tipe.KOTA}),
    "kecamatan": (Kecamatan, {}),
    "desa": (Desa, {"tipe": Desa.Tipe.DESA}),
    # Papua's customary villages are desa in the Kemendagri list.
    "desa_adat": (Desa, {"tipe": Desa.Tipe.DESA}),
    "kelurahan": (Desa, {"tipe": Desa.Tipe.KELURAHAN}),
}
ORDER = (Provinsi, Kabupaten, Kecamatan, Desa)
PARENT_FIELD = {Kabupaten: "provinsi_id", Kecamatan: "kabupaten_id", Desa: "kecamatan_id"}
LABELS = {Provinsi: "provinsi", Kabupaten: "kabupaten/kota", Kecamatan: "kecamatan",
          Desa: "desa/kelurahan"}


def read_rows(path: Path, provinsi: set[str] | None) -> dict:
    """CSV rows grouped by model, parents before children; ``provinsi`` limits the codes."""
    grouped: dict = {model: [] for model in ORDER}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            level = row["level"].strip()
            if level not in LEVELS:
                raise CommandError(f"Level tidak dikenal: {level!r} (kode {row['kode']}).")
            kode = row["kode"].strip()
            if provinsi and kode.split(".", 1)[0] not in provinsi:
                continue
            model, extra = LEVELS[level]
            grouped[model].append((kode, row["nama"].strip(), extra))
    return grouped


class Command(BaseCommand):
    help = (
        "Memuat seluruh provinsi, kabupaten/kota, kecamatan dan desa/kelurahan Indonesia dari "
        "desa/data/wilayah_indonesia.csv secara massal (bulk). Idempoten: wilayah yang kodenya "
        "sudah ada tidak diubah. Tanpa riwayat (simple_history) untuk baris massal ini."
    )

    def add_arguments(self, parser):
        parser.add_argument("--csv", default=str(DEFAULT_CSV), help="Berkas CSV kode,nama,level.")
        parser.add_argument(
            "--provinsi", default="",
            help="Hanya provinsi ini (kode Kemendagri dipisah koma, mis. 35,75).")

    @transaction.atomic
    def handle(self, *args, **opts):
        path = Path(opts["csv"])
        if not path.exists():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        provinsi = {p.strip() for p in opts["provinsi"].split(",") if p.strip()} or None
        grouped = read_rows(path, provinsi)
        created: Counter = Counter()
        kept: Counter = Counter()
        ids: dict = {}  # model -> {kode: pk}
        for model in ORDER:
            existing = dict(model.objects.values_list("kode_wilayah", "pk"))
            parent_field = PARENT_FIELD.get(model)
            parent_ids = ids.get(ORDER[ORDER.index(model) - 1]) if parent_field else None
            new = []
            for kode, nama, extra in grouped[model]:
                if kode in existing:
                    kept[model] += 1
                    continue
                values = {"kode_wilayah": kode, "nama": nama, **extra}
                if parent_field:
                    parent = parent_ids.get(kode.rsplit(".", 1)[0])
                    if parent is None:
                        raise CommandError(f"Induk wilayah {kode} tidak ada di berkas.")
                    values[parent_field] = parent
                new.append(model(**values))
            model.objects.bulk_create(new, batch_size=BATCH)
            created[model] = len(new)
            ids[model] = dict(model.objects.values_list("kode_wilayah", "pk"))
        if sum(created.values()):
            # bulk_create sends no signals: invalidate the cached dashboards ourselves.
            from inti.cache import bump_data_version

            transaction.on_commit(bump_data_version)
        if opts["verbosity"]:
            parts = [f"{created[m]} {LABELS[m]} dibuat, {kept[m]} sudah ada" for m in ORDER]
            self.stdout.write("Wilayah nasional: " + "; ".join(parts) + ".")
