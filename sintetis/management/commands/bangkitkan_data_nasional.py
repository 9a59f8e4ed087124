"""Generate a synthetic national data set: assessments, stakeholders, activities and up to
millions of funding lines, for benchmarks and scale tests.

    manage.py bangkitkan_data_nasional --seed 1 --lines 1000000

What it makes (all labelled: ``is_demo=True``, names end in "(sintetis)", ``keterangan`` /
``catatan`` carry :data:`MARK`):

- the regions first, through ``muat_wilayah_nasional`` (idempotent; ``--tanpa-wilayah`` skips);
- per programme desa (all loaded desa, or ``--desa N`` of them, or the ``--provinsi`` subset):
  its *Pemerintah Desa/Kelurahan* and its LKM (existing ones are reused); per kabupaten a
  Dinas PKP and a Dinas PUPR, per provinsi its housing agency, the ministry, and some companies
  (CSR), donors, universities and NGOs;
- for ``--porsi-penilaian`` of the programme desa: a slum kawasan, 1-2 assessment locations and
  one assessment per year of ``--tahun-penilaian``, each with its 16 volumes; percentages,
  scores, total, level and priority are computed by ``desa.scoring.score_assessment`` (the one
  engine), in Python, and stored with the rows;
- activities in the programme desa over ``--tahun-anggaran``, each co-financed by 1-6 funding
  lines drawn from realistic mixes (APBN grant via the ministry, APBD kabupaten/provinsi via
  their agencies, DAK, Dana Desa and BKK via the desa government, community self-help valued in
  rupiah and UPK profit via the LKM, CSR, donors, ...), until exactly ``--lines`` lines exist;
  a progress report for every started activity.

Speed: rows get their primary keys in Python and go to PostgreSQL with ``COPY ... FROM STDIN``
(psycopg2 ``copy_expert``) in large batches, inside one transaction (all or nothing), then
``VACUUM ANALYZE``; on other databases ``bulk_create`` in batches. Nothing goes through
``save()``: no django-simple-history rows are written for synthetic data (the history of a
record starts with its first real edit), and the dashboard cache's data version is bumped
once at the end instead of per row.

Deterministic: the same ``--seed`` on the same regions gives the same rows, counts and totals
(primary keys and, on SQLite, the ``dibuat_pada`` timestamps aside).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from types import SimpleNamespace

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Sum

from anggaran.models import (
    Kegiatan,
    LaporanProgres,
    Pendanaan,
    StatusKegiatan,
    SumberDana,
)
from anggaran.ringkasan import SEMUA_TABEL
from anggaran.ringkasan import bangun_ulang as bangun_ulang_ringkasan
from desa import kondisi_tersimpan, scoring
from desa.models import (
    AturanPenilaian,
    Desa,
    Kabupaten,
    Kawasan,
    Kecamatan,
    Kriteria,
    Lokasi,
    Penilaian,
    Provinsi,
    VolumePenilaian,
)
from desa.penilaian import kolom_tersimpan
from inti.cache import bump_data_version
from inti.tabel import segarkan_statistik
from kolaborasi.models import JenisPemangku, PemangkuKepentingan

MARK = "[sintetis: bangkitkan_data_nasional]"
SUFFIX = " (sintetis)"
UTC = dt.UTC
_MISSING = object()

# Activity names per criterion (what the money builds).
NAMA_KEGIATAN = {
    "1a": "Penataan bangunan", "1b": "Penataan kawasan padat",
    "1c": "Perbaikan rumah tidak layak huni",
    "2a": "Pembangunan jalan lingkungan", "2b": "Perbaikan jalan lingkungan (paving)",
    "3a": "Sambungan air minum", "3b": "Penambahan kapasitas air minum",
    "4a": "Penanganan genangan", "4b": "Pembangunan drainase lingkungan",
    "4c": "Perbaikan drainase lingkungan", "5a": "Pembangunan IPAL komunal",
    "5b": "Pembangunan jamban sehat", "6a": "Sarana persampahan (gerobak, TPS3R)",
    "6b": "Sistem pengelolaan sampah", "7a": "Prasarana proteksi kebakaran (hidran)",
    "7b": "Sarana proteksi kebakaran (APAR)",
}

# Co-financing components: (source code, funder role, min and max planned Rp in millions,
# weight). One activity draws 1-6 distinct components.
KOMPONEN = [
    ("apbn", "kementerian", 100, 600, 20),
    ("dak", "opd_pkp", 100, 800, 6),
    ("apbd-prov", "provinsi", 50, 400, 8),
    ("apbd-kab", "opd", 50, 500, 18),
    ("dana-desa", "pemdes", 10, 200, 18),
    ("bkk", "pemdes", 20, 150, 4),
    ("csr", "swasta", 10, 300, 6),
    ("swadaya", "lkm", 1, 40, 12),
    ("upk", "lkm", 1, 20, 3),
    ("donor", "donor", 100, 900, 3),
    ("lainnya", "lainnya", 5, 100, 2),
]
# Lines per activity: 1..6, mean 3.
JUMLAH_BARIS = [(1, 15), (2, 25), (3, 25), (4, 20), (5, 10), (6, 5)]


def _weighted(rng: random.Random, pairs):
    total = sum(w for _v, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


# ------------------------------------------------------------------------------ output helpers


class Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, label: str, total: int, stream=None, enabled: bool = True):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = self.last = time.monotonic()
        self.last_pct = -1

    def add(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        pct = min(100, int(self.done * 100 / self.total))
        if self.tty and now - self.last >= 0.2:
            self._draw(pct, now)
        elif not self.tty and pct >= self.last_pct + 10:
            self._draw(pct, now)

    def _draw(self, pct: int, now: float, end: str = "") -> None:
        self.last, self.last_pct = now, pct
        bar = "#" * (pct // 4) + "-" * (25 - pct // 4)
        line = (f"{self.label:<22} [{bar}] {pct:3d}% {self.done:>10,}/{self.total:,} "
                f"{now - self.start:6.1f} s")
        self.stream.write(("\r" + line + end) if self.tty else (line + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(min(100, int(self.done * 100 / self.total)), time.monotonic(),
                       end="\n" if self.tty else "")


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                     .replace("\r", "\\r"))
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value))
    return str(value)


class BulkWriter:
    """Rows of one model with primary keys assigned here: COPY on PostgreSQL, bulk_create
    elsewhere. Fields not given take their model default (so a field added to the model later
    with a default needs no change here)."""

    def __init__(self, model, batch: int = 100_000):
        self.model = model
        self.pg = connection.vendor == "postgresql"
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {}
        for f in self.fields:
            if f.primary_key:
                continue
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = dt.datetime(2024, 1, 1, tzinfo=UTC)
            elif f.blank and f.get_internal_type() in ("CharField", "TextField", "SlugField"):
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = _MISSING
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.batch = batch
        self.count = 0
        self._reset()

    def _reset(self):
        self.pending = 0
        self.buf = io.StringIO() if self.pg else []

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        if self.pg:
            out = []
            for f in self.fields:
                if f.primary_key:
                    out.append(str(pk))
                    continue
                v = values.get(f.attname, _MISSING)
                if v is _MISSING:
                    v = self.defaults[f.attname]
                    if v is _MISSING:
                        raise CommandError(f"{self.model.__name__}.{f.name}: tidak ada nilai.")
                out.append(_copy_text(v))
            self.buf.write("\t".join(out))
            self.buf.write("\n")
        else:
            self.buf.append(self.model(pk=pk, **values))
        self.pending += 1
        self.count += 1
        if self.pending >= self.batch:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.pending:
            return
        if self.pg:
            table = connection.ops.quote_name(self.model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            self.buf.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {table} ({cols}) FROM STDIN", self.buf)
        else:
            self.model.objects.bulk_create(self.buf, batch_size=2000)
        self._reset()

    def finish(self) -> None:
        self.flush()
        if self.pg and self.count:
            table = self.model._meta.db_table
            pk = self.model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f"(SELECT MAX({connection.ops.quote_name(pk)}) FROM "
                    f"{connection.ops.quote_name(table)}))", [table, pk])


# ---------------------------------------------------------------------------------- command


class Command(BaseCommand):
    help = (
        "Membangkitkan data sintetis skala nasional (berlabel demo): penilaian kekumuhan, "
        "pemangku kepentingan, kegiatan dan baris pendanaan (mis. --lines 1000000) dengan "
        "COPY/bulk insert. Deterministik dengan --seed. Tanpa riwayat (simple_history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--lines", type=int, default=1_000_000,
                            help="Jumlah baris pendanaan yang dibuat (default 1.000.000).")
        parser.add_argument("--desa", type=int, default=0,
                            help="Jumlah desa program (sampel acak); 0 = semua desa termuat.")
        parser.add_argument("--provinsi", default="",
                            help="Batasi ke provinsi ini (kode dipisah koma, mis. 35,75).")
        parser.add_argument("--porsi-penilaian", type=float, default=0.13,
                            help="Porsi desa program yang dinilai (default 0,13 ~ 11.000 desa).")
        parser.add_argument("--tahun-penilaian", default="2019,2021,2023")
        parser.add_argument("--tahun-anggaran", default="2016-2024")
        parser.add_argument("--tanpa-wilayah", action="store_true",
                            help="Jangan memuat wilayah nasional dulu (sudah dimuat).")
        parser.add_argument("--ganti", action="store_true",
                            help="Hapus data sintetis sebelumnya lebih dulu.")
        parser.add_argument("--tanpa-progres", action="store_true",
                            help="Jangan membuat laporan progres.")
        parser.add_argument("--fk-per-baris", action="store_true",
                            help="PostgreSQL: biarkan foreign key diperiksa per baris (lambat) "
                                 "alih-alih dilepas lalu dipasang-ulang dan divalidasi sekali.")

    # ----------------------------------------------------------------------------- handle

    def handle(self, *args, **opts):
        self.rng = random.Random(opts["seed"])
        self.verbose = opts["verbosity"] > 0
        self.timings: dict[str, float] = {}
        t_start = time.monotonic()
        self.tahun_penilaian = sorted({int(y) for y in opts["tahun_penilaian"].split(",") if y})
        self.tahun_anggaran = _years(opts["tahun_anggaran"])
        if not (0 <= opts["porsi_penilaian"] <= 1):
            raise CommandError("--porsi-penilaian harus antara 0 dan 1.")
        if opts["lines"] < 0:
            raise CommandError("--lines tidak boleh negatif.")

        t = time.monotonic()
        if not opts["tanpa_wilayah"]:
            call_command("muat_wilayah_nasional", provinsi=opts["provinsi"],
                         verbosity=0, stdout=io.StringIO())
        self.timings["wilayah"] = time.monotonic() - t

        self.counts: Counter = Counter()
        with transaction.atomic():
            if Kegiatan.objects.filter(keterangan=MARK).exists() or \
                    PemangkuKepentingan.objects.filter(keterangan=MARK).exists():
                if not opts["ganti"]:
                    raise CommandError("Data sintetis sudah ada. Pakai --ganti untuk "
                                       "menggantinya.")
                t = time.monotonic()
                self._hapus()
                self.timings["hapus"] = time.monotonic() - t
            self._referensi()
            self._pilih_desa(opts)
            fks = [] if opts["fk_per_baris"] else self._lepas_fk()
            t = time.monotonic()
            self._pemangku()
            self.timings["pemangku"] = time.monotonic() - t
            t = time.monotonic()
            self._penilaian(opts["porsi_penilaian"])
            self.timings["penilaian"] = time.monotonic() - t
            t = time.monotonic()
            self._kegiatan(opts["lines"], progres=not opts["tanpa_progres"])
            self.timings["kegiatan+pendanaan"] = time.monotonic() - t
            t = time.monotonic()
            self._pasang_fk(fks)
            self.timings["cek FK"] = time.monotonic() - t
            t = time.monotonic()
            # COPY sends no signals: the money rollups are rebuilt once, in the same
            # transaction (issue 16).
            bangun_ulang_ringkasan()
            self.timings["ringkasan dana"] = time.monotonic() - t
            t = time.monotonic()
            # Rows written by COPY/bulk_create skip the services: rebuild the stored slum
            # condition (desa.kondisi_tersimpan) in the same transaction.
            kondisi_tersimpan.bangun_ulang()
            self.timings["kondisi tersimpan"] = time.monotonic() - t
            t = time.monotonic()
        self.timings["commit"] = time.monotonic() - t
        t = time.monotonic()
        self._analyze()
        self.timings["analyze"] = time.monotonic() - t
        bump_data_version()
        self.timings["total"] = time.monotonic() - t_start
        self._ringkasan()

    # -------------------------------------------------------------------------- reference

    def _referensi(self):
        self.aturan = AturanPenilaian.objects.bawaan()
        if self.aturan is None:
            raise CommandError("Belum ada aturan penilaian (jalankan migrate).")
        self.rules = self.aturan.to_ruleset()
        self.kriteria = list(Kriteria.objects.filter(aturan=self.aturan)
                             .order_by("urutan", "kode"))
        self.sumber = {s.kode: s.pk for s in SumberDana.objects.all()}
        missing = {k[0] for k in KOMPONEN} - set(self.sumber)
        if missing:
            raise CommandError(f"Sumber dana belum ada: {', '.join(sorted(missing))}.")

    def _pilih_desa(self, opts):
        qs = Desa.objects.order_by("kode_wilayah")
        prov = [p.strip() for p in opts["provinsi"].split(",") if p.strip()]
        if prov:
            qs = qs.filter(kecamatan__kabupaten__provinsi__kode_wilayah__in=prov)
        rows = list(qs.values_list("pk", "nama", "tipe", "kecamatan__kabupaten_id",
                                   "kecamatan__kabupaten__provinsi_id"))
        if not rows:
            raise CommandError("Belum ada desa. Jalankan muat_wilayah_nasional.")
        if opts["desa"] and opts["desa"] < len(rows):
            picked = set(self.rng.sample(range(len(rows)), opts["desa"]))
            rows = [r for i, r in enumerate(rows) if i in picked]
        self.desa = [SimpleNamespace(pk=r[0], nama=r[1], tipe=r[2], kab=r[3], prov=r[4])
                     for r in rows]
        self.counts["desa program"] = len(self.desa)

    # ------------------------------------------------------------------------ stakeholders

    def _pemangku(self):
        rng = self.rng
        w = BulkWriter(PemangkuKepentingan)
        common = {"keterangan": MARK, "is_demo": True}
        existing = defaultdict(dict)
        for pk, jenis, desa_id in PemangkuKepentingan.objects.filter(
                jenis__in=[JenisPemangku.PEMDES, JenisPemangku.LKM]).values_list(
                "pk", "jenis", "desa_id").order_by("pk"):
            existing[desa_id].setdefault(jenis, pk)
        progress = Progress("pemangku", len(self.desa), enabled=self.verbose)
        for d in self.desa:
            have = existing.get(d.pk, {})
            label = "Kelurahan" if d.tipe == Desa.Tipe.KELURAHAN else "Desa"
            d.pemdes = have.get(JenisPemangku.PEMDES) or w.add(
                nama=f"Pemerintah {label} {d.nama}{SUFFIX}", jenis=JenisPemangku.PEMDES,
                desa_id=d.pk, kabupaten_id=d.kab, **common)
            d.lkm = have.get(JenisPemangku.LKM) or w.add(
                nama=f"LKM {d.nama}{SUFFIX}", jenis=JenisPemangku.LKM, desa_id=d.pk,
                kabupaten_id=d.kab, **common)
            progress.add()
        progress.close()

        kab_ids = sorted({d.kab for d in self.desa})
        prov_ids = sorted({d.prov for d in self.desa})
        kab_nama = dict(Kabupaten.objects.filter(pk__in=kab_ids).values_list("pk", "nama"))
        prov_nama = dict(Provinsi.objects.filter(pk__in=prov_ids).values_list("pk", "nama"))
        self.opd_pkp, self.opd = {}, {}
        for kab in kab_ids:
            pkp = w.add(nama=f"Dinas Perumahan dan Kawasan Permukiman {kab_nama[kab]}{SUFFIX}",
                        singkatan="Dinas PKP", jenis=JenisPemangku.OPD, kabupaten_id=kab,
                        **common)
            pupr = w.add(nama=f"Dinas PUPR {kab_nama[kab]}{SUFFIX}", singkatan="Dinas PUPR",
                         jenis=JenisPemangku.OPD, kabupaten_id=kab, **common)
            self.opd_pkp[kab] = [pkp]
            self.opd[kab] = [pkp, pupr]
        self.provinsi = {
            prov: w.add(nama=f"Dinas Perumahan Rakyat dan Kawasan Permukiman Provinsi "
                             f"{prov_nama[prov]}{SUFFIX}", jenis=JenisPemangku.PROVINSI, **common)
            for prov in prov_ids
        }
        ministry = (PemangkuKepentingan.objects.filter(jenis=JenisPemangku.KEMENTERIAN)
                    .order_by("pk").values_list("pk", flat=True).first())
        self.kementerian = ministry or w.add(
            nama=f"Kementerian PUPR (Ditjen Cipta Karya){SUFFIX}",
            jenis=JenisPemangku.KEMENTERIAN, **common)
        # Companies work in their home province; donors, universities and NGOs anywhere.
        self.swasta = defaultdict(list)
        for i in range(max(3, len(kab_ids) // 4)):
            prov = rng.choice(prov_ids)
            self.swasta[prov].append(w.add(
                nama=f"PT Contoh Nusantara {i + 1:03d}{SUFFIX}", jenis=JenisPemangku.SWASTA,
                **common))
        self.swasta_semua = [pk for pks in self.swasta.values() for pk in pks]
        self.donor = [w.add(nama=f"Lembaga Donor Contoh {i + 1:02d}{SUFFIX}",
                            jenis=JenisPemangku.DONOR, **common) for i in range(6)]
        self.lainnya = [w.add(nama=f"Universitas Contoh {i + 1:02d}{SUFFIX}",
                              jenis=JenisPemangku.PERGURUAN_TINGGI, **common)
                        for i in range(10)]
        self.lainnya += [w.add(nama=f"LSM Contoh {i + 1:02d}{SUFFIX}", jenis=JenisPemangku.LSM,
                               **common) for i in range(20)]
        w.finish()
        self.counts["pemangku"] = w.count

    # ------------------------------------------------------------------------ assessments

    def _penilaian(self, porsi: float):
        rng = self.rng
        n = round(len(self.desa) * porsi)
        dinilai = sorted(rng.sample(range(len(self.desa)), n))
        w_kaw = BulkWriter(Kawasan)
        w_lok = BulkWriter(Lokasi)
        w_pen = BulkWriter(Penilaian, batch=20_000)
        w_vol = BulkWriter(VolumePenilaian, batch=200_000)
        years = self.tahun_penilaian
        progress = Progress("penilaian", n, enabled=self.verbose)
        status_akhir = [(Penilaian.Status.DIVERIFIKASI, 85), (Penilaian.Status.DIAJUKAN, 10),
                        (Penilaian.Status.DRAFT, 5)]
        self.lokasi_desa: dict[int, list[tuple[int, int]]] = {}
        for i in dinilai:
            d = self.desa[i]
            n_lok = 1 if rng.random() < 0.7 else 2
            headers = [_header(rng) for _ in range(n_lok)]
            luas = sum((h["luas_ha"] for h in headers), Decimal(0))
            kaw = w_kaw.add(desa_id=d.pk, nama=f"Kawasan kumuh {d.nama}{SUFFIX}", luas_ha=luas,
                            sk_nomor="SK kumuh contoh (sintetis)", sk_tahun=years[0],
                            keterangan=MARK, is_demo=True)
            lokasi = []
            for j, header in enumerate(headers, start=1):
                rt, rw = f"{rng.randint(1, 30):02d}", f"{j:02d}"
                lok = w_lok.add(desa_id=d.pk, kawasan_id=kaw, nama=f"RT {rt} RW {rw}{SUFFIX}",
                                rt=rt, rw=rw, is_demo=True)
                lokasi.append((lok, kaw))
                legal = {
                    "status_lahan_jelas": rng.random() < 0.8,
                    "sesuai_tata_ruang": rng.random() < 0.85,
                    "nilai_strategis": rng.choice((1, 5)),
                    "kepadatan_penduduk": rng.choice((1, 3, 5)),
                    "potensi_sosial_ekonomi": rng.choice((1, 5)),
                }
                volumes = _volumes(rng, header, self.kriteria)
                for y, tahun in enumerate(years):
                    if y:  # later years: some of the deficit handled
                        volumes = {k: (v * Decimal(rng.randint(60, 100)) / 100).quantize(v)
                                   for k, v in volumes.items()}
                    status = (Penilaian.Status.DIVERIFIKASI if tahun != years[-1]
                              else _weighted(rng, status_akhir))
                    self._simpan_penilaian(w_pen, w_vol, lok, tahun, y, header, legal, volumes,
                                           status)
            self.lokasi_desa[d.pk] = lokasi
            progress.add()
        progress.close()
        for w in (w_kaw, w_lok, w_pen, w_vol):
            w.finish()
        self.counts.update({"desa dinilai": n, "kawasan": w_kaw.count, "lokasi": w_lok.count,
                            "penilaian": w_pen.count, "volume penilaian": w_vol.count})

    def _simpan_penilaian(self, w_pen, w_vol, lok, tahun, y, header, legal, volumes, status):
        rules = self.rules
        result = scoring.score_assessment(header, {k.kode: volumes[k.kode]
                                                   for k in self.kriteria}, rules=rules)
        waktu = dt.datetime(tahun, 3, 1, tzinfo=UTC) + dt.timedelta(days=self.rng.randint(0, 200))
        verified = status == Penilaian.Status.DIVERIFIKASI
        pen = w_pen.add(
            lokasi_id=lok, tahun=tahun, aturan_id=self.aturan.pk,
            jenis=Penilaian.Jenis.PEMUTAKHIRAN if y else Penilaian.Jenis.BASELINE,
            jumlah_penduduk=header["jumlah_kk"] * 4, **header, **legal,
            **kolom_tersimpan(SimpleNamespace(**legal), result, rules), status=status,
            diajukan_pada=waktu if status != Penilaian.Status.DRAFT else None,
            diverifikasi_pada=waktu + dt.timedelta(days=14) if verified else None,
            dibuat_pada=waktu, diubah_pada=waktu, versi=1, is_demo=True)
        crit = result.criteria
        for k in self.kriteria:
            c = crit[k.kode]
            w_vol.add(penilaian_id=pen, kriteria_id=k.pk, volume=volumes[k.kode],
                      persen=c.percent, skor=c.score)

    # --------------------------------------------------------------- activities and lines

    def _kegiatan(self, n_lines: int, progres: bool):
        rng = self.rng
        w_keg = BulkWriter(Kegiatan, batch=50_000)
        w_dana = BulkWriter(Pendanaan, batch=200_000)
        w_prog = BulkWriter(LaporanProgres, batch=50_000)
        komponen_w = [(k, k[4]) for k in KOMPONEN]
        total_rencana = total_realisasi = 0
        progress = Progress("kegiatan+pendanaan", n_lines, enabled=self.verbose)
        left = n_lines
        while left > 0:
            k = min(_weighted(rng, JUMLAH_BARIS), left)
            d = rng.choice(self.desa)
            kriteria = rng.choice(self.kriteria)
            tahun = rng.choice(self.tahun_anggaran)
            status = _status(rng, tahun, self.tahun_anggaran[-1])
            lokasi = self.lokasi_desa.get(d.pk)
            lok, kaw = rng.choice(lokasi) if lokasi and rng.random() < 0.6 else (None, None)
            mulai = dt.date(tahun, rng.randint(1, 9), rng.randint(1, 28))
            selesai = (mulai + dt.timedelta(days=rng.randint(30, 120))
                       if status == StatusKegiatan.SELESAI else None)
            dibuat = (dt.datetime(tahun - 1, 10, 1, tzinfo=UTC)
                      + dt.timedelta(minutes=rng.randint(0, 200 * 24 * 60)))
            keg = w_keg.add(
                desa_id=d.pk, kawasan_id=kaw, lokasi_id=lok, kriteria_id=kriteria.pk,
                nama=f"{NAMA_KEGIATAN.get(kriteria.kode, 'Kegiatan penanganan')} "
                     f"{d.nama}{SUFFIX}",
                volume=_volume_kegiatan(rng, kriteria.satuan), satuan=kriteria.satuan,
                tahun_anggaran=tahun, status=status, pelaksana_id=d.lkm,
                rt=f"{rng.randint(1, 30):02d}", rw=f"{rng.randint(1, 9):02d}",
                tanggal_mulai=mulai, tanggal_selesai=selesai, keterangan=MARK,
                dibuat_pada=dibuat, diubah_pada=dibuat, versi=1, is_demo=True)
            chosen: list = []
            while len(chosen) < k:
                c = _weighted(rng, komponen_w)
                if c not in chosen:
                    chosen.append(c)
            spent = 0
            for kode, role, lo, hi, _w in chosen:
                if kode == "dana-desa" and d.tipe == Desa.Tipe.KELURAHAN:
                    kode, role = "apbd-kab", "opd"  # a kelurahan has no Dana Desa
                rencana = rng.randint(lo * 1000, hi * 1000) * 1000
                realisasi, alasan = _realisasi(rng, status, rencana)
                natura = kode == "swadaya"
                w_dana.add(
                    kegiatan_id=keg, pemangku_id=self._pendana(role, d),
                    sumber_id=self.sumber[kode],
                    rencana_rp=rencana, realisasi_rp=realisasi, natura=natura,
                    uraian_natura="Tenaga kerja gotong royong dan bahan lokal (sintetis)"
                    if natura else "", alasan_lebih=alasan)
                total_rencana += rencana
                total_realisasi += realisasi
                spent += realisasi
            if progres and status in (StatusKegiatan.BERJALAN, StatusKegiatan.SELESAI):
                persen = 100 if status == StatusKegiatan.SELESAI else rng.randint(10, 90)
                w_prog.add(kegiatan_id=keg, tanggal=selesai or mulai + dt.timedelta(days=30),
                           persen_fisik=Decimal(persen), realisasi_rp=spent, catatan=MARK,
                           dibuat_pada=dibuat + dt.timedelta(days=60))
            left -= k
            progress.add(k)
        progress.close()
        for w in (w_keg, w_dana, w_prog):
            w.finish()
        self.counts.update({"kegiatan": w_keg.count, "pendanaan": w_dana.count,
                            "laporan progres": w_prog.count})
        self.total_rencana, self.total_realisasi = total_rencana, total_realisasi

    def _pendana(self, role: str, d) -> int:
        rng = self.rng
        if role == "kementerian":
            return self.kementerian
        if role == "opd_pkp":
            return self.opd_pkp[d.kab][0]
        if role == "opd":
            return rng.choice(self.opd[d.kab])
        if role == "provinsi":
            return self.provinsi[d.prov]
        if role == "pemdes":
            return d.pemdes
        if role == "lkm":
            return d.lkm
        if role == "swasta":
            return rng.choice(self.swasta.get(d.prov) or self.swasta_semua)
        if role == "donor":
            return rng.choice(self.donor)
        return rng.choice(self.lainnya)

    # ------------------------------------------------------------------ foreign keys

    LOADED = (PemangkuKepentingan, Kawasan, Lokasi, Penilaian, VolumePenilaian, Kegiatan,
              Pendanaan, LaporanProgres)

    def _lepas_fk(self) -> list[tuple[str, str, str]]:
        """PostgreSQL checks a foreign key per inserted row (a trigger and a lookup each: about
        6 million of them for a national load, a third of the run). Instead the foreign keys
        of the loaded tables are dropped and, after the load, added again with their exact
        definition (``pg_get_constraintdef``), which validates every row in one join per
        key. All inside the one transaction: on any error the constraints are back as they
        were. The tables stay locked until the commit (a bulk load, not for a live portal)."""
        if connection.vendor != "postgresql":
            return []
        tables = [m._meta.db_table for m in self.LOADED]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) "
                "ORDER BY 1, 2", [tables])
            fks = cursor.fetchall()
            # Checks still queued (by the DELETEs of --ganti) would forbid ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name, _definition in fks:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT "
                               f"{connection.ops.quote_name(name)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return fks

    def _pasang_fk(self, fks) -> None:
        with connection.cursor() as cursor:
            for table, name, definition in fks:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT "
                               f"{connection.ops.quote_name(name)} {definition}")

    # ------------------------------------------------------------------------- clean-up

    def _hapus(self):
        """Delete earlier synthetic rows with plain SQL (the ORM's cascade would load them)."""
        t = {m: connection.ops.quote_name(m._meta.db_table) for m in (
            Pendanaan, LaporanProgres, Kegiatan, VolumePenilaian, Penilaian, Lokasi, Kawasan,
            PemangkuKepentingan)}
        from anggaran.models import FotoProgres

        foto = connection.ops.quote_name(FotoProgres._meta.db_table)
        keg = f"SELECT id FROM {t[Kegiatan]} WHERE keterangan = %s"
        kaw = f"SELECT id FROM {t[Kawasan]} WHERE keterangan = %s"
        lok = f"SELECT id FROM {t[Lokasi]} WHERE kawasan_id IN ({kaw})"
        pen = f"SELECT id FROM {t[Penilaian]} WHERE lokasi_id IN ({lok})"
        statements = [
            f"DELETE FROM {t[Pendanaan]} WHERE kegiatan_id IN ({keg})",
            f"DELETE FROM {foto} WHERE laporan_id IN (SELECT id FROM {t[LaporanProgres]} "
            f"WHERE kegiatan_id IN ({keg}))",
            f"DELETE FROM {t[LaporanProgres]} WHERE kegiatan_id IN ({keg})",
            f"DELETE FROM {t[Kegiatan]} WHERE keterangan = %s",
            f"DELETE FROM {t[VolumePenilaian]} WHERE penilaian_id IN ({pen})",
            f"DELETE FROM {t[Penilaian]} WHERE lokasi_id IN ({lok})",
            f"DELETE FROM {t[Lokasi]} WHERE kawasan_id IN ({kaw})",
            f"DELETE FROM {t[Kawasan]} WHERE keterangan = %s",
            f"DELETE FROM {t[PemangkuKepentingan]} WHERE keterangan = %s",
        ]
        # The rollups (money, issue 16a) and the stored condition (16b) point at the rows
        # deleted here; both are rebuilt in full after the load, in this transaction.
        with connection.cursor() as cursor:
            for model in (*SEMUA_TABEL, *kondisi_tersimpan.TABEL_TERSIMPAN):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
            for sql in statements:
                cursor.execute(sql, [MARK])

    def _analyze(self):
        # VACUUM also sets the visibility map, so the planner can use index-only scans on the
        # fresh rows (inside a transaction, ANALYZE only).
        segarkan_statistik((
            Desa, Kecamatan, Kabupaten, Provinsi, PemangkuKepentingan, Kawasan, Lokasi,
            Penilaian, VolumePenilaian, Kegiatan, Pendanaan, LaporanProgres, *SEMUA_TABEL,
            *kondisi_tersimpan.TABEL_TERSIMPAN))

    # -------------------------------------------------------------------------- summary

    def _ringkasan(self):
        c = self.counts
        agg = Pendanaan.objects.filter(kegiatan__keterangan=MARK).aggregate(
            r=Sum("rencana_rp"), s=Sum("realisasi_rp"))
        lines = [
            "Data sintetis nasional (berlabel demo, tanpa riwayat simple_history):",
            f"  wilayah di basis data : {_n(Provinsi.objects.count())} provinsi, "
            f"{_n(Kabupaten.objects.count())} kabupaten/kota, {_n(Kecamatan.objects.count())} "
            f"kecamatan, {_n(Desa.objects.count())} desa/kelurahan",
            f"  desa program          : {_n(c['desa program'])} (dinilai {_n(c['desa dinilai'])})",
            f"  pemangku kepentingan  : {_n(c['pemangku'])} baru",
            f"  kawasan / lokasi      : {_n(c['kawasan'])} / {_n(c['lokasi'])}",
            f"  penilaian / volume    : {_n(c['penilaian'])} / {_n(c['volume penilaian'])}",
            f"  kegiatan              : {_n(c['kegiatan'])}",
            f"  baris pendanaan       : {_n(c['pendanaan'])}",
            f"  laporan progres       : {_n(c['laporan progres'])}",
            f"  total rencana         : Rp {_n(agg['r'] or 0)}",
            f"  total realisasi       : Rp {_n(agg['s'] or 0)}",
            "  waktu (detik)         : " + ", ".join(
                f"{k} {v:.1f}" for k, v in self.timings.items()),
        ]
        if c["pendanaan"] and self.timings.get("kegiatan+pendanaan"):
            rate = c["pendanaan"] / self.timings["kegiatan+pendanaan"]
            lines.append(f"  laju                  : {_n(round(rate))} baris pendanaan/detik")
        self.stdout.write("\n".join(lines))


def _n(value) -> str:
    """Thousands with dots, the Indonesian way: 1.000.000."""
    return f"{int(value):,}".replace(",", ".")


# ----------------------------------------------------------------------------- generators


def _years(spec: str) -> list[int]:
    spec = spec.strip()
    if "-" in spec:
        a, b = (int(x) for x in spec.split("-", 1))
        return list(range(a, b + 1))
    return sorted({int(y) for y in spec.split(",") if y})


def _header(rng: random.Random) -> dict:
    bangunan = rng.randint(40, 800)
    return {
        "luas_ha": Decimal(rng.randint(150, 4000)) / 100,
        "jumlah_bangunan": bangunan,
        "jumlah_kk": int(bangunan * rng.uniform(0.9, 1.3)),
        "panjang_jalan_ideal_m": Decimal(rng.randint(400, 6000)),
        "panjang_drainase_ideal_m": Decimal(rng.randint(500, 8000)),
    }


def _volumes(rng: random.Random, header: dict, kriteria) -> dict:
    """Deficient volume per criterion, never above its denominator (the entry form's rule)."""
    out = {}
    for k in kriteria:
        denom = Decimal(header[k.penyebut])
        share = Decimal(int(rng.random() ** 1.6 * 10000)) / 10000
        places = Decimal("0.01") if k.satuan in ("ha", "m") else Decimal(1)
        out[k.kode] = min(denom, (denom * share).quantize(places))
    return out


def _volume_kegiatan(rng: random.Random, satuan: str) -> Decimal:
    if satuan == "m":
        return Decimal(rng.randint(20, 1500))
    if satuan == "ha":
        return Decimal(rng.randint(10, 500)) / 100
    if satuan == "KK":
        return Decimal(rng.randint(5, 150))
    return Decimal(rng.randint(1, 40))


def _status(rng: random.Random, tahun: int, last: int) -> str:
    S = StatusKegiatan
    if rng.random() < 0.04:
        return S.BATAL
    if tahun >= last:
        return _weighted(rng, [(S.RENCANA, 50), (S.BERJALAN, 42), (S.SELESAI, 8)])
    if tahun >= last - 2:
        return _weighted(rng, [(S.RENCANA, 6), (S.BERJALAN, 30), (S.SELESAI, 64)])
    return _weighted(rng, [(S.BERJALAN, 6), (S.SELESAI, 94)])


def _realisasi(rng: random.Random, status: str, rencana: int) -> tuple[int, str]:
    if status == StatusKegiatan.SELESAI:
        if rng.random() < 0.005:
            return rencana + rng.randint(1, 50) * 100_000, "Tambahan volume pekerjaan (sintetis)"
        return rencana * rng.randint(85, 100) // 100 // 1000 * 1000, ""
    if status == StatusKegiatan.BERJALAN:
        return rencana * rng.randint(20, 80) // 100 // 1000 * 1000, ""
    return 0, ""
