"""Compute the public dashboards' cached aggregates ahead of the first visitor.

    manage.py hangatkan_dasbor

Every committed change bumps the dashboards' data version (``inti.cache``), so the next
visitor of the Beranda or the matrix pays for the national aggregates (6-10 s with a million
funding lines). Run this after bulk loads and imports, or every few minutes from cron on a
large portal: it fills the shared cache for the current version with what the unfiltered
pages need (Beranda, the four matrix layouts and the flows, the portal's scope, the year
list) and prints how long each took. With caching off (a per-process cache) it does nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from anggaran import dashboard as dash
from anggaran.kondisi import kondisi, kondisi_per_tahun
from desa.tingkat import skor_desa
from desa.wilayah import cakupan_bawaan
from inti import cache as dasbor_cache
from inti.tahun import tahun_tersedia


class Command(BaseCommand):
    help = _("Hitung angka dasbor yang disimpan di cache sebelum pengunjung pertama datang.")

    def handle(self, *args, **options):
        if not dasbor_cache.enabled():
            self.stdout.write(_("Cache dasbor tidak aktif (cache per proses): tidak ada yang "
                                "dihangatkan."))
            return
        f = dash.Filter()
        tasks = [
            ("cakupan", cakupan_bawaan),
            ("tahun", lambda: tahun_tersedia("anggaran.Kegiatan", "tahun_anggaran")),
            ("skor desa", skor_desa),
            ("ringkasan", lambda: dash.ringkasan(f, dash.per_wilayah(f))),
            ("per sumber", lambda: dash.per_sumber(f)),
            ("per jenis", lambda: dash.per_jenis_pemangku(f)),
            ("aliran", lambda: dash.aliran(f)),
            ("data demo", lambda: dash.jumlah_demo(f)),
            ("kolaborasi per tingkat", lambda: dash.kolaborasi_per_tingkat(f)),
            ("kondisi per lokasi", kondisi),
            ("luas kumuh per tahun", kondisi_per_tahun),
        ] + [
            (f"matriks {baris} × {kolom}",
             (lambda baris=baris, kolom=kolom: dash.matriks(f, baris, kolom, "rencana")))
            for baris in ("pemangku", "sumber") for kolom in ("desa", "aspek")
        ]
        total = time.perf_counter()
        for label, task in tasks:
            start = time.perf_counter()
            task()
            self.stdout.write(f"  {label:<24} {time.perf_counter() - start:6.2f} s")
        self.stdout.write(_("Dasbor dihangatkan dalam %(s).1f detik (versi data %(v)s).") % {
            "s": time.perf_counter() - total, "v": dasbor_cache.data_version()})
