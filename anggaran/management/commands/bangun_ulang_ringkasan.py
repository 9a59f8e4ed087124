"""Rebuild the money rollups from the raw funding lines (issue 16)."""

import time

from django.core.management.base import BaseCommand

from anggaran.ringkasan import SEMUA_TABEL, bangun_ulang
from inti.tabel import segarkan_statistik


class Command(BaseCommand):
    help = "Bangun ulang ringkasan dana dari baris pendanaan mentah."

    def handle(self, *args, **options):
        mulai = time.monotonic()
        n = bangun_ulang()
        segarkan_statistik(SEMUA_TABEL)  # after the commit: dead rows out
        self.stdout.write(f"Ringkasan dana dibangun ulang: {n} baris pendana "
                          f"dalam {time.monotonic() - mulai:.1f} detik.")
