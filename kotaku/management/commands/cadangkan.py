"""``manage.py cadangkan <berkas.zip>``: a consistent, restorable backup (database + media)."""

import zipfile

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kotaku.backup import (
    DATA_NAME,
    LAJU_BARIS_PER_DETIK,
    BackupError,
    buat_cadangan,
    row_counts,
)


class Command(BaseCommand):
    help = (
        "Membuat cadangan lengkap portal dalam satu berkas zip: seluruh isi database (satu "
        "snapshot yang konsisten) dan semua berkas unggahan (MEDIA_ROOT), dengan manifest "
        "berisi jumlah baris per tabel, versi migrasi dan hash setiap berkas. Pulihkan dengan "
        "`manage.py pulihkan <berkas.zip> --yes`. Baris data ditulis satu per baris "
        "(data.jsonl) dan dipulihkan satu per satu, dalam satu transaksi; database nasional "
        "tetap lebih cepat dicadangkan dengan pg_dump dan arsip WAL (PITR), lihat "
        "docs/OPERATIONS.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("berkas", help="Berkas zip tujuan, mis. /var/backups/kotaku.zip")
        parser.add_argument("--database", default="default",
                            help="Alias database (bawaan: default).")
        parser.add_argument("--tanpa-batas", action="store_true",
                            help="Tetap buat cadangan portabel walau database melewati "
                                 "CADANGAN_BATAS_BARIS.")

    def handle(self, *args, berkas, database, tanpa_batas, **opts):
        batas = getattr(settings, "CADANGAN_BATAS_BARIS", None)
        if batas and not tanpa_batas:
            baris = sum(row_counts(database).values())
            if baris > batas:
                menit = baris / LAJU_BARIS_PER_DETIK / 60
                raise CommandError(
                    f"Database ini berisi {baris:,} baris (tanpa tabel turunan), di atas batas "
                    f"cadangan portabel ({batas:,}, CADANGAN_BATAS_BARIS): cadangan ini akan "
                    f"makan sekitar {menit:,.0f} menit dengan satu snapshot terbuka selama "
                    f"itu, dan pemulihannya lebih lama lagi. Untuk database sebesar ini pakai "
                    f"pg_dump -Fc dan arsip WAL (docs/OPERATIONS.md); --tanpa-batas untuk "
                    f"tetap membuatnya.")
        try:
            hasil = buat_cadangan(berkas, using=database)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Cadangan ditulis ke {berkas}: {hasil.total_baris} baris dari "
            f"{len(hasil.jumlah)} tabel, {len(hasil.media)} berkas media."))
        with zipfile.ZipFile(berkas) as zf:
            data_mb = zf.getinfo(DATA_NAME).file_size / 1e6
        self.stdout.write(
            f"{DATA_NAME} {data_mb:,.1f} MB tanpa kompresi; pulihkan membacanya baris demi baris "
            f"dalam satu transaksi (lama, tetapi memori tetap). Untuk database nasional "
            f"pg_dump/PITR lebih cepat (docs/OPERATIONS.md).")
        if opts["verbosity"] > 1:
            for label, n in sorted(hasil.jumlah.items()):
                self.stdout.write(f"  {label:<50} {n:>8}")
