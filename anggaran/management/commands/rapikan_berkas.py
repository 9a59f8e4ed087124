"""``manage.py rapikan_berkas``: remove the temporary upload files a killed worker left behind
(see ``anggaran.services.rapikan_berkas_sementara``). Safe to run from cron at any time."""

from django.core.management.base import BaseCommand, CommandError

from anggaran.services import rapikan_berkas_sementara
from inti.services import ServiceError


class Command(BaseCommand):
    help = "Hapus berkas unggahan sementara yang ditinggalkan proses yang terhenti."

    def add_arguments(self, parser):
        parser.add_argument(
            "--umur-menit", type=int, default=60,
            help="Hanya berkas sementara yang lebih tua dari ini (menit); bawaan 60.")

    def handle(self, *args, **options):
        try:
            counts = rapikan_berkas_sementara(umur_detik=options["umur_menit"] * 60)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Berkas sementara: {counts['diterbitkan']} diselesaikan (barisnya tersimpan), "
            f"{counts['dihapus']} dihapus.")
