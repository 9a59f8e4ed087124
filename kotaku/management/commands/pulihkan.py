"""``manage.py pulihkan <berkas.zip> --yes``: replace the database and media with a backup."""

from django.core.management.base import BaseCommand, CommandError

from kotaku.backup import BackupError, pulihkan_cadangan


class Command(BaseCommand):
    help = (
        "Memulihkan cadangan buatan `manage.py cadangkan`: MENGHAPUS seluruh isi database "
        "lalu memuat isi cadangan (dalam satu transaksi, dicek terhadap manifest), lalu "
        "menaruh berkas unggahan ke MEDIA_ROOT. Database tujuan harus sudah dimigrasi ke "
        "versi yang sama dengan cadangan. Semua sesi login berakhir."
    )

    def add_arguments(self, parser):
        parser.add_argument("berkas", help="Berkas zip cadangan.")
        parser.add_argument("--yes", action="store_true",
                            help="Konfirmasi: isi database sekarang akan diganti.")
        parser.add_argument("--hapus-media-lain", action="store_true",
                            help="Hapus berkas di MEDIA_ROOT yang tidak ada di cadangan.")
        parser.add_argument("--database", default="default",
                            help="Alias database (bawaan: default).")

    def handle(self, *args, berkas, yes, hapus_media_lain, database, **opts):
        if not yes:
            raise CommandError(
                "Pemulihan mengganti SELURUH isi database dan tidak bisa dibatalkan. "
                "Jalankan lagi dengan --yes bila sudah yakin (buat cadangan dulu bila perlu).")
        try:
            hasil = pulihkan_cadangan(berkas, using=database,
                                      hapus_media_lain=hapus_media_lain)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Pemulihan gagal: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Cadangan {berkas} dipulihkan: {hasil.total_baris} baris dari "
            f"{len(hasil.jumlah)} tabel, {len(hasil.media)} berkas media."))
        if hasil.media_lain:
            action = "dihapus" if hapus_media_lain else "dibiarkan (tidak ada di cadangan)"
            self.stdout.write(f"{len(hasil.media_lain)} berkas media lain {action}.")
