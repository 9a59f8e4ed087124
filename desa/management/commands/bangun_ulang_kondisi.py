"""Rebuild the stored slum condition (``desa.kondisi_tersimpan``) from the raw tables."""

import time

from django.core.management.base import BaseCommand

from desa import kondisi_tersimpan
from inti.tabel import segarkan_statistik


class Command(BaseCommand):
    help = ("Hitung ulang kondisi kumuh tersimpan (per lokasi dan desa × tahun) dari penilaian "
            "terverifikasi dan kegiatan selesai.")

    def handle(self, *args, **opts):
        t = time.monotonic()
        n = kondisi_tersimpan.bangun_ulang()
        # After the commit.
        segarkan_statistik(kondisi_tersimpan.TABEL_TERSIMPAN)
        self.stdout.write(f"Kondisi tersimpan dibangun ulang: {n} desa dalam "
                          f"{time.monotonic() - t:.1f} s.")
