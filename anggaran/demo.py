"""Demo funding data: the real Bibrik and Sukolilo facts plus labelled demo activities.

Real, with their source stored on the row (DOMAIN §1): Bibrik 2018, the LKM received
Rp 100.000.000 from "APBD Tahun Anggaran 2018" (the source states no level: provinsi or
kabupaten is not guessed) and built 170 m of paving on the access road to the catfish-farming
area, supporting an educational and culinary tourism destination; the desa continued the
remaining length from Dana Desa (amount and length not stated: that row is demo). Sukolilo
2020: the central grant built 2,823 m of drains and 4 waste carts (lengths real, rupiah demo:
the rows are flagged demo). Every other figure (amounts, lengths, dates, progress reports,
other activities, demo stakeholders and their contacts) is illustrative and flagged
``is_demo``.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from anggaran.demo_foto import ilustrasi_progres
from anggaran.models import (
    FotoProgres,
    Kegiatan,
    LaporanProgres,
    Pendanaan,
    StatusKegiatan,
    SumberDana,
)
from desa.models import AturanPenilaian, Desa, Kriteria, Lokasi, Penilaian, VolumePenilaian
from kolaborasi.models import ForumKolaborasi, JenisPemangku, Komitmen, PemangkuKepentingan

DEMO_STAKEHOLDERS = [
    # nama, jenis, desa name or None, contact (fake, for the "never shown" tests)
    ("PT Contoh Pangan Nusantara (demo)", JenisPemangku.SWASTA, None),
    ("Yayasan Air Bersih Nusantara (demo)", JenisPemangku.DONOR, None),
    ("Universitas Contoh Madiun (demo)", JenisPemangku.PERGURUAN_TINGGI, None),
    ("Pemerintah Provinsi Jawa Timur (demo)", JenisPemangku.PROVINSI, None),
]
# Cost per unit of the criterion's volume (demo unit costs, Rp).
UNIT_COST = {"m": 350_000, "KK": 2_500_000, "unit": 6_000_000, "ha": 150_000_000}
KEGIATAN_NAMA = {
    "1a": "Penataan bangunan", "1b": "Penataan kepadatan bangunan",
    "1c": "Perbaikan rumah tidak layak huni", "2a": "Pembangunan jalan lingkungan baru",
    "2b": "Perbaikan jalan lingkungan (paving)", "3a": "Sambungan air minum perpipaan",
    "3b": "Penambahan kapasitas air minum", "4a": "Penanganan genangan",
    "4b": "Pembangunan saluran drainase", "4c": "Rehabilitasi saluran drainase",
    "5a": "Pembangunan IPAL komunal", "5b": "Pembangunan jamban sehat",
    "6a": "Pengadaan sarana persampahan", "6b": "Pembentukan bank sampah",
    "7a": "Pembangunan hidran kebakaran", "7b": "Pengadaan APAR",
}


BLOG = "https://kabmadiunkotaku.blogspot.com"
# The team's post of 18 September 2018; its own address is not recorded, the month's archive
# of the blog holds it.
SUMBER_PLATFORM = {"sumber_judul": "Tim KOTAKU Kab. Madiun: \u201cPlatform Kolaborasi\u201d "
                                   "(tautan ke arsip blog September 2018; alamat tulisan "
                                   "belum tercatat)",
                   "sumber_url": f"{BLOG}/2018/09/", "sumber_tanggal": dt.date(2018, 9, 18)}
SUMBER_BIBRIK = {
    "sumber_judul": "Tim KOTAKU Kab. Madiun: \u201cWujudkan Kawasan Asri dan Instagramable\u201d",
    "sumber_url": f"{BLOG}/2019/01/wujudkan-kawasan-asri-dan-instagramable.html",
    "sumber_tanggal": dt.date(2019, 1, 15)}
SUMBER_SUKOLILO = {
    "sumber_judul": "Tim KOTAKU Kab. Madiun: drainase lingkungan Desa Sukolilo",
    "sumber_url": f"{BLOG}/2020/12/masalah-drainase-lingkungan-menjadi.html",
    "sumber_tanggal": dt.date(2020, 12, 28)}
PEMDA_APBD_2018 = "Pemerintah daerah pemberi APBD 2018 (tingkat tidak disebut sumber)"

# Demo activities with illustrated progress photos (the first ones seeded).
FOTO_DEMO_KEGIATAN = 6


def _get(model, **lookup):
    return model.objects.get(**lookup)


def seed_stakeholders(counts: Counter) -> dict:
    out = {}
    for i, (nama, jenis, _desa) in enumerate(DEMO_STAKEHOLDERS, start=1):
        obj, made = PemangkuKepentingan.objects.get_or_create(nama=nama, desa=None, defaults={
            "jenis": jenis, "is_demo": True, "kontak_nama": f"Kontak Demo {i}",
            "kontak_telepon": f"0812-0000-{i:04d}", "kontak_email": f"kontak{i}@contoh.invalid",
            "keterangan": "Pemangku kepentingan demo."})
        counts["pemangku demo"] += made
        out[jenis] = obj
    for desa in Desa.objects.filter(kecamatan__kode_wilayah="35.19.09"):
        if not PemangkuKepentingan.objects.filter(desa=desa, jenis=JenisPemangku.LKM).exists():
            _o, made = PemangkuKepentingan.objects.get_or_create(
                nama=f"LKM {desa.nama} (demo)", desa=desa,
                defaults={"jenis": JenisPemangku.LKM, "is_demo": True,
                          "kontak_telepon": "0813-0000-0000", "keterangan": "Nama LKM demo."})
            counts["pemangku demo"] += made
    return out


def _activity(counts, *, desa, kode, tahun, volume, status, lines, nama=None, satuan=None,
              is_demo=True, lokasi=None, keterangan="", start=None, sumber=None,
              realisasi=None):
    """One activity with its funding lines; demo rows get invented dates and progress
    reports, a real row only what its source says (``sumber``: title, URL, date)."""
    kriteria = Kriteria.objects.get(aturan=AturanPenilaian.objects.bawaan(), kode=kode)
    nama = nama or f"{KEGIATAN_NAMA[kode]} (demo)"
    if Kegiatan.objects.filter(desa=desa, nama=nama, tahun_anggaran=tahun).exists():
        return None
    lkm = PemangkuKepentingan.objects.filter(desa=desa, jenis=JenisPemangku.LKM).first()
    start = start or dt.date(tahun, 4, 1)
    real = not is_demo
    k = Kegiatan.objects.create(
        desa=desa, lokasi=lokasi, kawasan=lokasi.kawasan if lokasi else None, kriteria=kriteria,
        nama=nama, volume=volume, satuan=satuan or kriteria.satuan, tahun_anggaran=tahun,
        status=status, pelaksana=lkm, tanggal_mulai=None if real else start,
        tanggal_selesai=None if real else start + dt.timedelta(days=150),
        keterangan=keterangan, is_demo=is_demo, **(sumber or {}))
    done = {StatusKegiatan.SELESAI: Decimal(1), StatusKegiatan.BERJALAN: Decimal("0.5")}.get(
        status, Decimal(0))
    for pemangku, sumber_dana, rp, natura in lines:
        Pendanaan.objects.create(
            kegiatan=k, pemangku=pemangku, sumber=sumber_dana, rencana_rp=Decimal(rp),
            realisasi_rp=(Decimal(rp) * done).quantize(Decimal(1)) if realisasi is None
            else Decimal(realisasi), natura=natura,
            uraian_natura="Tenaga kerja gotong royong warga (dinilai Rp)" if natura else "")
    total = sum(Decimal(rp) for _p, _s, rp, _n in lines)
    steps = {StatusKegiatan.SELESAI: (0, 50, 100), StatusKegiatan.BERJALAN: (0, 45)}.get(status, ())
    if real:
        steps = ()  # no invented progress reports on a real row
    # A few demo activities get illustrated progress photos (labelled as such on the image).
    berfoto = is_demo and steps and counts["kegiatan berfoto"] < FOTO_DEMO_KEGIATAN
    counts["kegiatan berfoto"] += bool(berfoto)
    for i, pct in enumerate(steps):
        laporan = LaporanProgres.objects.create(
            kegiatan=k, tanggal=start + dt.timedelta(days=60 * i), persen_fisik=Decimal(pct),
            realisasi_rp=(total * Decimal(pct) / 100).quantize(Decimal(1)),
            catatan="Laporan progres demo.")
        if berfoto:
            tahap = str(pct) if pct in (0, 50, 100) else FotoProgres.Tahap.LAIN
            FotoProgres.objects.create(
                laporan=laporan, foto=ilustrasi_progres(nama, pct), tahap=tahap,
                keterangan="Ilustrasi demo, bukan foto lapangan")
            counts["foto demo"] += 1
    counts["kegiatan" + (" demo" if is_demo else " nyata")] += 1
    return k


def seed_activities(counts: Counter) -> None:
    """The demo activities; the money rollups are recomputed once at the end."""
    from anggaran import ringkasan

    with ringkasan.tunda():
        _seed_activities(counts)


def _seed_activities(counts: Counter) -> None:
    demo = seed_stakeholders(counts)
    S = {s.kode: s for s in SumberDana.objects.all()}
    pkp = _get(PemangkuKepentingan, singkatan="Dinas PKP", desa=None)
    pupr = _get(PemangkuKepentingan, singkatan="PUPR", desa=None)
    desa = {d.nama: d for d in Desa.objects.filter(kecamatan__kode_wilayah="35.19.09")}

    def pemdes(d):
        return _get(PemangkuKepentingan, jenis=JenisPemangku.PEMDES, desa=d)

    def lkm(d):
        return PemangkuKepentingan.objects.get(jenis=JenisPemangku.LKM, desa=d)

    bibrik = desa["Bibrik"]
    rt01 = Lokasi.objects.filter(desa=bibrik).order_by("nama").first()
    # The real story that started the project: only what the source says.
    pemda, _made = PemangkuKepentingan.objects.get_or_create(
        nama=PEMDA_APBD_2018, desa=None, defaults={
            "jenis": JenisPemangku.PEMDA, "is_demo": False,
            "keterangan": "Sumber menyebut \u201cAPBD Tahun Anggaran 2018\u201d tanpa tingkat "
                          "(provinsi atau kabupaten)."})
    _activity(counts, desa=bibrik, kode="2b", tahun=2018, volume=Decimal(170),
              status=StatusKegiatan.SELESAI, is_demo=False, lokasi=rt01,
              nama="Jalan paving akses kawasan budidaya lele",
              keterangan="LKM Bibrik menerima Rp 100.000.000 dari APBD Tahun Anggaran 2018 "
                         "(tingkat tidak disebut sumber) untuk 170 m paving jalan akses kawasan "
                         "budidaya lele, mendukung destinasi wisata edukasi dan kuliner. "
                         "Realisasi dicatat sebesar dana yang diterima LKM.",
              lines=[(pemda, S["apbd"], 100_000_000, False)], sumber=SUMBER_BIBRIK)
    _activity(counts, desa=bibrik, kode="2b", tahun=2019, volume=Decimal(230),
              status=StatusKegiatan.SELESAI, lokasi=rt01,
              nama="Lanjutan jalan paving akses kawasan budidaya lele (demo)",
              keterangan="Kelanjutan dari Dana Desa adalah fakta (sumber: tulisan Tim KOTAKU "
                         "Kab. Madiun, 18 September 2018); tahun, panjang dan nilainya tidak "
                         "disebut sumber: angka demo.",
              lines=[(pemdes(bibrik), S["dana-desa"], 80_000_000, False),
                     (lkm(bibrik), S["swadaya"], 6_000_000, True)])
    suko = desa["Sukolilo"]
    _activity(counts, desa=suko, kode="4b", tahun=2020, volume=Decimal(2823),
              status=StatusKegiatan.SELESAI, sumber=SUMBER_SUKOLILO,
              nama="Pembangunan saluran drainase lingkungan 2.823 m",
              keterangan="Fakta: BPM KOTAKU 2020 (APBN) membangun 2.823 m drainase. Nilai "
                         "rupiah, swadaya, tanggal dan progres adalah angka demo.",
              lines=[(pupr, S["apbn"], 650_000_000, False),
                     (lkm(suko), S["swadaya"], 35_000_000, True)])
    _activity(counts, desa=suko, kode="6a", tahun=2020, volume=Decimal(4), satuan="unit",
              status=StatusKegiatan.SELESAI, sumber=SUMBER_SUKOLILO,
              nama="Pengadaan 4 gerobak sampah",
              keterangan="Fakta: BPM KOTAKU 2020 (APBN) membeli 4 gerobak sampah. Nilai rupiah, "
                         "tanggal dan progres adalah angka demo.",
              lines=[(pupr, S["apbn"], 24_000_000, False)])
    # 2022 APBD work in Sambirejo and Kincang Wetan (real fact; details demo).
    for name, kode in (("Sambirejo", "4c"), ("Kincang Wetan", "2b")):
        d = desa[name]
        _activity(counts, desa=d, kode=kode, tahun=2022, volume=Decimal(300),
                  status=StatusKegiatan.SELESAI,
                  lokasi=Lokasi.objects.filter(desa=d).order_by("nama").first(),
                  lines=[(pkp, S["apbd-kab"], 120_000_000, False),
                         (pemdes(d), S["dana-desa"], 25_000_000, False)])
    _demo_spread(counts, desa, demo, S, pkp, pupr, pemdes, lkm)
    _forum(counts, desa, demo, pkp, pemdes, lkm)


def _baseline_volumes(d) -> dict:
    rows = VolumePenilaian.objects.filter(
        penilaian__lokasi__desa=d, penilaian__tahun=2019,
        penilaian__status=Penilaian.Status.DIVERIFIKASI,
    ).values_list("kriteria__kode", "volume", "skor", "penilaian__lokasi_id")
    return list(rows)


def _demo_spread(counts, desa, demo, S, pkp, pupr, pemdes, lkm):
    """2–3 co-financed activities per desa on its worst criteria, years 2019–2025."""
    mixes = [
        lambda d, rp: [(pupr, S["apbn"], rp * 0.8), (lkm(d), S["swadaya"], rp * 0.2, True)],
        lambda d, rp: [(pkp, S["apbd-kab"], rp * 0.6), (pemdes(d), S["dana-desa"], rp * 0.4)],
        lambda d, rp: [(pemdes(d), S["dana-desa"], rp * 0.5),
                       (demo[JenisPemangku.SWASTA], S["csr"], rp * 0.4),
                       (lkm(d), S["swadaya"], rp * 0.1, True)],
        lambda d, rp: [(demo[JenisPemangku.DONOR], S["donor"], rp * 0.7),
                       (pemdes(d), S["bkk"], rp * 0.3)],
        lambda d, rp: [(pkp, S["dak"], rp * 0.7), (demo[JenisPemangku.PROVINSI],
                                                   S["apbd-prov"], rp * 0.3)],
    ]
    years = [(2019, StatusKegiatan.SELESAI), (2021, StatusKegiatan.SELESAI),
             (2023, StatusKegiatan.SELESAI), (2024, StatusKegiatan.BERJALAN),
             (2025, StatusKegiatan.RENCANA)]
    for n, (_name, d) in enumerate(sorted(desa.items())):
        rng = random.Random(f"kegiatan-{d.kode_wilayah}")
        worst = sorted((r for r in _baseline_volumes(d) if r[2] >= 3), key=lambda r: -r[2])
        seen = set()
        for j, (kode, volume, _skor, lokasi_id) in enumerate(worst):
            if kode in seen or len(seen) >= 3:
                continue
            seen.add(kode)
            tahun, status = years[(n + j) % len(years)]
            vol = (volume * Decimal(str(rng.uniform(0.3, 0.6)))).quantize(Decimal("0.01"))
            if vol <= 0:
                continue
            kriteria_unit = Kriteria.objects.get(aturan__bawaan=True, kode=kode).satuan
            rp = float(vol) * UNIT_COST.get(kriteria_unit, 1_000_000)
            lines = [
                (p, s, Decimal(round(amount, -3)), *(flag or (False,)))
                for p, s, amount, *flag in mixes[(n + j) % len(mixes)](d, rp)
            ]
            _activity(counts, desa=d, kode=kode, tahun=tahun, volume=vol, status=status,
                      lokasi=Lokasi.objects.get(pk=lokasi_id), lines=lines)
    # A duplicate-funding case for the review list: same criterion, location and year from
    # two different funders.
    g = desa["Grobogan"]
    lok = Lokasi.objects.filter(desa=g).order_by("nama").first()
    for nama, line in (("Sambungan air minum (CSR) (demo)",
                        (demo[JenisPemangku.SWASTA], S["csr"], Decimal(60_000_000), False)),
                       ("Sambungan air minum (Dana Desa) (demo)",
                        (pemdes(g), S["dana-desa"], Decimal(45_000_000), False))):
        _activity(counts, desa=g, kode="3a", tahun=2024, volume=Decimal(20), lokasi=lok,
                  status=StatusKegiatan.BERJALAN, nama=nama, lines=[line])


def _forum(counts, desa, demo, pkp, pemdes, lkm):
    forum, made = ForumKolaborasi.objects.get_or_create(
        judul="Rembug kolaborasi penanganan kumuh Kec. Jiwan (demo)",
        defaults={"tanggal": dt.date(2021, 9, 14), "tempat": "Kantor Kecamatan Jiwan",
                  "kesepakatan": "Lokasi prioritas bersama: Sukolilo, Bibrik, Kwangsen, "
                                 "Grobogan. Setiap pihak mencatat kontribusinya di portal.",
                  "is_demo": True})
    if not made:
        return
    counts["forum demo"] += 1
    grobogan, sambirejo = desa["Grobogan"], desa["Sambirejo"]
    forum.peserta.add(pkp, demo[JenisPemangku.SWASTA], demo[JenisPemangku.DONOR],
                      pemdes(grobogan), pemdes(sambirejo), lkm(grobogan))
    k3a = Kriteria.objects.get(aturan__bawaan=True, kode="3a")
    for pemangku, d, kriteria, tahun, rp in (
        (demo[JenisPemangku.SWASTA], grobogan, k3a, 2024, 100_000_000),
        (pkp, sambirejo, None, 2022, 150_000_000),
        (demo[JenisPemangku.DONOR], desa["Kwangsen"], None, 2023, 200_000_000),
    ):
        Komitmen.objects.create(pemangku=pemangku, forum=forum, desa=d, kriteria=kriteria,
                                tahun=tahun, nilai_rp=Decimal(rp), is_demo=True,
                                uraian="Janji dukungan (demo).")
        counts["komitmen demo"] += 1
