"""Compare the stored slum condition with the engine's result from the raw tables; a non-zero
exit status when they differ (CI runs it on demo data and after the generator)."""

from django.core.management.base import BaseCommand, CommandError

from desa import kondisi_tersimpan

MAKS_BARIS = 20


class Command(BaseCommand):
    help = "Periksa bahwa kondisi kumuh tersimpan sama dengan hasil mesin skor dari data mentah."

    def handle(self, *args, **opts):
        beda = kondisi_tersimpan.periksa()
        if beda:
            for baris in beda[:MAKS_BARIS]:
                self.stderr.write(baris)
            raise CommandError(f"{len(beda)} baris kondisi tersimpan berbeda dari hasil hitung "
                               "ulang: jalankan `manage.py bangun_ulang_kondisi`.")
        self.stdout.write("Kondisi tersimpan sesuai dengan data mentah.")
