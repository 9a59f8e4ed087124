"""Import assessments, activities or plan items from an XLSX/CSV file (the upload page's engine)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from inti.impor import berkas
from inti.impor.nilai import LOCALES
from kotaku.impor import layanan


class Command(BaseCommand):
    help = (
        "Mengimpor penilaian kekumuhan (satu baris per lokasi per tahun) atau kegiatan dan "
        "pendanaan (satu baris per baris pendanaan) atau item rencana kolaborasi (satu baris "
        "per item) dari berkas XLSX/CSV dengan kolom templat "
        "impor. Semua atau tidak sama sekali; mengimpor berkas yang sama dua kali tidak "
        "mengubah apa pun. Tanpa --pengguna, semua desa boleh ditulis (peran admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("berkas", help="Berkas .xlsx atau .csv")
        parser.add_argument("--type", dest="jenis", required=True, choices=layanan.JENIS,
                            help="penilaian, kegiatan atau rencana")
        parser.add_argument("--locale", default="auto", choices=LOCALES,
                            help="Format angka berupa teks: id (1.218,50), en (1,218.50) atau "
                                 "auto (menolak yang ambigu). Bawaan: auto.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Hanya periksa dan tampilkan rencana; tidak menyimpan apa pun.")
        parser.add_argument("--pengguna", help="Nama pengguna: hak tulis dan riwayat mengikuti "
                                               "pengguna ini.")

    def handle(self, *args, **opts):
        path = Path(opts["berkas"])
        if not path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        if path.stat().st_size > berkas.MAX_BYTES:
            raise CommandError("Berkas terlalu besar: paling besar 2 MB.")
        user = None
        if opts["pengguna"]:
            user = get_user_model().objects.filter(username=opts["pengguna"]).first()
            if user is None:
                raise CommandError(f"Pengguna tidak dikenal: {opts['pengguna']}")
        content = path.read_bytes()
        args = (content, path.name, opts["jenis"], opts["locale"], user)
        semua = user is None
        if opts["dry_run"]:
            rencana = layanan.pratinjau(*args, semua_desa=semua)
        else:
            rencana = layanan.impor(*args, semua_desa=semua)
        verbosity = opts["verbosity"]
        for p in rencana.peringatan:
            self.stdout.write(self.style.WARNING(p))
        if verbosity > 1:
            for item in rencana.items:
                if item.perubahan and not item.galat:
                    self.stdout.write(f"baris {item.baris_label} [{item.status_label}] "
                                      f"{item.kunci}: " + "; ".join(item.perubahan))
        for g in rencana.semua_galat:
            self.stderr.write(f"baris {g.baris or '-'}, kolom {g.kolom or '-'}: {g.pesan}")
        j = rencana.jumlah
        summary = (f"{j['buat']} baru, {j['ubah']} diubah, {j['tetap']} tidak berubah, "
                   f"{j['galat']} galat")
        if not rencana.ok:
            raise CommandError(f"Impor dibatalkan, tidak ada yang disimpan ({summary}).")
        if opts["dry_run"]:
            self.stdout.write(f"Uji coba (tidak disimpan): {summary}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Impor selesai: {summary}."))
