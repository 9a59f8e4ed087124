"""``manage.py cadangkan <berkas.zip>``: a consistent, restorable backup (database + media)."""

import zipfile

from django.core.management.base import BaseCommand, CommandError

from kotaku.backup import DATA_NAME, BackupError, buat_cadangan


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

    def handle(self, *args, berkas, database, **opts):
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
