"""Compare the money rollups with the raw funding lines; exit 1 on any difference."""

from django.core.management.base import BaseCommand, CommandError

from anggaran.ringkasan import periksa


class Command(BaseCommand):
    help = "Periksa ringkasan dana terhadap jumlah baris pendanaan mentah."

    def handle(self, *args, **options):
        salah = periksa()
        if salah:
            for baris in salah[:50]:
                self.stderr.write(baris)
            raise CommandError(f"{len(salah)} selisih antara ringkasan dan data mentah; "
                               "jalankan bangun_ulang_ringkasan.")
        self.stdout.write("Ringkasan dana sesuai dengan data mentah.")
