"""``manage.py siapkan_ekspor``: prebuild the public exports (nightly; kotaku/ekspor_latar.py)."""

from django.core.management.base import BaseCommand

from kotaku import ekspor_latar


class Command(BaseCommand):
    help = ("Menyiapkan berkas ekspor publik (semua baris pendanaan, CSV) lewat pekerja latar, "
            "untuk dijalankan tiap malam: unduhan memakai berkas ini selama datanya belum "
            "berubah. --sekarang membangunnya di proses ini.")

    def add_arguments(self, parser):
        parser.add_argument("--sekarang", action="store_true",
                            help="Bangun di proses ini, tanpa pekerja latar.")

    def handle(self, *args, sekarang, **opts):
        for nama in ekspor_latar.EKSPOR:
            if sekarang:
                stored = ekspor_latar.bangun_ekspor.call(nama)
                self.stdout.write(f"Ekspor {nama} dibangun: {stored}")
            else:
                result = ekspor_latar.bangun_ekspor.enqueue(nama)
                self.stdout.write(f"Ekspor {nama} diantrekan ({result.id}).")
