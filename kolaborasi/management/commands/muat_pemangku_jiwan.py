from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from desa.models import Desa
from inti.sync import format_counts
from kolaborasi.reference import seed_reference


class Command(BaseCommand):
    help = (
        "Memuat pemangku kepentingan nyata Kab. Madiun/Kec. Jiwan (Dinas PKP, Bappeda, "
        "Kementerian PUPR, 14 pemerintah desa, LKM yang tercatat). Idempoten."
    )

    @transaction.atomic
    def handle(self, *args, **opts):
        if not Desa.objects.exists():
            raise CommandError("Belum ada desa: jalankan `manage.py muat_wilayah_jiwan` dulu.")
        counts: Counter = Counter()
        seed_reference(counts)
        self.stdout.write(f"Pemangku kepentingan: {format_counts(counts)}.")
