"""Load the labelled demo data set (accounts, and each app's demo records)."""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from desa import kondisi_tersimpan
from desa.models import Desa
from kotaku import demo


class Command(BaseCommand):
    help = (
        "Memuat data demo berlabel (akun demo dan contoh data). Jalankan setelah "
        "muat_wilayah_jiwan. Idempoten."
    )

    @transaction.atomic
    def handle(self, *args, **opts):
        if not Desa.objects.exists():
            raise CommandError("Belum ada desa: jalankan `manage.py muat_wilayah_jiwan` dulu.")
        counts: Counter = Counter()
        users = demo.seed_users(counts)
        # Seeders write in bulk (verification by update): the stored slum condition is
        # rebuilt once at the end, same transaction; the services' own upkeep in between is
        # deferred into the same end (29 rewrites of Jiwan's desa before).
        with kondisi_tersimpan.tunda():
            for seeder in demo.app_seeders():
                seeder(counts)
        kondisi_tersimpan.bangun_ulang()
        self.stdout.write("Data demo: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        self.stdout.write(f"Akun demo (kata sandi untuk semua: {demo.DEMO_PASSWORD}):")
        for username, role in users:
            self.stdout.write(f"  {username:<16} {role}")
