"""``manage.py cadangkan <berkas.zip>``: a consistent, restorable backup (database + media)."""

from django.core.management.base import BaseCommand, CommandError

from kotaku.backup import BackupError, buat_cadangan


class Command(BaseCommand):
    help = (
        "Membuat cadangan lengkap portal dalam satu berkas zip: seluruh isi database (satu "
        "snapshot yang konsisten) dan semua berkas unggahan (MEDIA_ROOT), dengan manifest "
        "berisi jumlah baris per tabel, versi migrasi dan hash setiap berkas. Pulihkan dengan "
        "`manage.py pulihkan <berkas.zip> --yes`."
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
        if opts["verbosity"] > 1:
            for label, n in sorted(hasil.jumlah.items()):
                self.stdout.write(f"  {label:<50} {n:>8}")
