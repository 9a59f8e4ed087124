"""The collaboration article and demo feedback.

The article is a summary of the Kab. Madiun KOTAKU team's post "Platform Kolaborasi"
(18 September 2018), credited and linked as such, never presented as the team's own text; it
holds only what the post says (DOMAIN §1 and §6): the Bibrik paving (Rp 100.000.000 from APBD
Tahun Anggaran 2018, level not stated; 170 m to the catfish-farming area, for an educational
and culinary tourism destination; continued with Dana Desa, amount and length not stated), the
PACTS principles and what collaborative planning should produce. No added scenery.
It also seeds the gambling-spam comment that was the only comment on the team's blog article
(filed as spam, never shown) and one approved demo comment with a demo reply.
Idempotent: a second run changes nothing; an older seeded version of the article is corrected.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from anggaran.demo import PEMDA_APBD_2018, SUMBER_PLATFORM
from anggaran.models import Kegiatan
from desa.models import Desa
from kolaborasi.models import PemangkuKepentingan

from . import masukan as layanan
from .models import Kabar, Masukan, StatusKabar, StatusMasukan, TagKabar

JUDUL = "Platform kolaborasi: ringkasan tulisan Tim KOTAKU Kab. Madiun"
SLUG = "kolaborasi-pondasi-penanganan-kumuh-jalan-paving-bibrik"
TANGGAL = dt.datetime(2018, 9, 18, 9, 0)
RINGKASAN = (
    "Ringkasan tulisan Tim KOTAKU Kab. Madiun (18 September 2018): prinsip kolaborasi PACTS, "
    "hasil perencanaan kolaboratif, dan contoh Bibrik: APBD 2018 Rp 100.000.000 untuk 170 m "
    "paving jalan akses kawasan budidaya lele, dilanjutkan dengan Dana Desa.")
ISI = """\
*Ini ringkasan yang ditulis untuk portal, bukan teks asli. Sumber: tulisan Tim KOTAKU
Kab. Madiun \u201cPlatform Kolaborasi\u201d, 18 September 2018. Alamat persis tulisan itu belum
tercatat: tautan sumber di atas menuju arsip blog tim bulan September 2018 yang memuatnya.*

## Contoh dari Bibrik

LKM Bibrik menerima **Rp 100.000.000 dari APBD Tahun Anggaran 2018** (tulisan tidak menyebut
tingkat APBD-nya) dan membangun **170 m jalan paving** pada jalan akses menuju kawasan budidaya
lele, untuk mendukung destinasi wisata edukasi dan kuliner. Sisa ruasnya **dilanjutkan oleh
desa dengan Dana Desa**; nilai dan panjangnya tidak disebut.

## Prinsip kolaborasi: PACTS

- **Participation:** setiap pihak berhak bersuara dan ikut memutuskan, tepat waktu.
- **Acceptance:** setiap pihak diterima sebagai mitra yang setara dan bertanggung jawab.
- **Communication:** setiap pihak membuka rencananya supaya pekerjaan dapat dipadukan.
- **Trust:** keterbukaan dan transparansi.
- **Share:** waktu, dana, dan keahlian dihimpun bersama; kritik diterima.

## Hasil yang diharapkan dari perencanaan kolaboratif

1. Satu visi bersama dengan target yang terukur.
2. Lokasi prioritas yang disepakati, tempat semua pihak bekerja bersama.
3. Rencana yang mencakup infrastruktur, risiko bencana, legalitas, kesehatan, serta aspek
   sosial dan ekonomi.
4. Penanganan berbasis masyarakat dan berbasis kelembagaan.
5. Tidak ada lembaga masyarakat ganda dalam satu desa.
6. Gambaran terhimpun tentang apa yang diberikan setiap pemangku kepentingan (dana, waktu,
   tenaga) menurut komponen dan jenis investasi.
"""
TAGS = ["kolaborasi", "jalan lingkungan", "Bibrik"]
KEGIATAN = ["Jalan paving akses kawasan budidaya lele",
            "Lanjutan jalan paving akses kawasan budidaya lele (demo)"]

#: The kind of comment that was the only public reaction to the team's blog article.
SPAM_BLOG = ("Situs slot gacor hari ini gampang maxwin 🔥 deposit pulsa tanpa potongan, bonus "
             "new member 100%! Daftar sekarang klik bit.ly/slotgacor-maxwin88")
MASUKAN_WARGA = (
    "Jalan paving ke kolam lele sekarang bisa dilewati motor pengangkut pakan walaupun hujan. "
    "Ruas di ujung timur dekat sawah masih tanah; apakah bisa diusulkan lagi tahun depan?")
BALASAN_TIM = (
    "Terima kasih atas kabarnya. Ruas tersebut bisa diusulkan dalam musyawarah desa untuk "
    "RKPDes tahun depan; tim fasilitator akan membantu LKM menyiapkan data panjang dan kondisi "
    "ruasnya supaya bisa dibahas bersama pemerintah desa dan calon mitra.")


def seed_kabar(counts: Counter) -> None:
    bibrik = Desa.objects.filter(nama="Bibrik").first()
    if bibrik is None:
        return
    fields = {"judul": JUDUL, "ringkasan": RINGKASAN, "isi": ISI, "status": StatusKabar.TERBIT,
              "tanggal_terbit": timezone.make_aware(TANGGAL), "penulis": None,
              "is_demo": False, **SUMBER_PLATFORM}
    kabar = Kabar.objects.filter(slug=SLUG).first()
    if kabar is None:
        kabar = Kabar.objects.create(slug=SLUG, **fields)
        counts["kabar"] += 1
    elif any(getattr(kabar, k) != v for k, v in fields.items()):
        Kabar.objects.filter(pk=kabar.pk).update(**fields)  # an older seeded text: corrected
        kabar.refresh_from_db()
        counts["kabar diperbaiki"] += 1
    else:
        _seed_masukan(counts, kabar)
        return
    kabar.desa.set([bibrik])
    kabar.kegiatan.set(Kegiatan.objects.filter(desa=bibrik, nama__in=KEGIATAN))
    kabar.pemangku.set(PemangkuKepentingan.objects.filter(
        Q(desa=bibrik, singkatan__in=["LKM", "Pemdes"]) | Q(nama=PEMDA_APBD_2018)))
    tags = []
    for nama in TAGS:
        tag, _made = TagKabar.objects.get_or_create(slug=slugify(nama),
                                                    defaults={"nama": nama})
        tags.append(tag)
    kabar.tag.set(tags)
    _seed_masukan(counts, kabar)


def _seed_masukan(counts: Counter, kabar: Kabar) -> None:
    if not Masukan.objects.filter(kabar=kabar, pesan=SPAM_BLOG).exists():
        verdict = layanan.nilai(SPAM_BLOG, "Slot Gacor Maxwin")
        Masukan.objects.create(kabar=kabar, nama="Slot Gacor Maxwin", pesan=SPAM_BLOG,
                               status=verdict.status, alasan_tahan=verdict.alasan,
                               is_demo=True)
        counts["masukan demo"] += 1
    if not Masukan.objects.filter(kabar=kabar, pesan=MASUKAN_WARGA).exists():
        now = timezone.now()
        tim = User.objects.filter(username="verif.jiwan").first()
        Masukan.objects.create(
            kabar=kabar, nama="Warga RT 01 Bibrik (demo)", pesan=MASUKAN_WARGA,
            status=StatusMasukan.DISETUJUI, dimoderasi_oleh=tim, dimoderasi_pada=now,
            balasan=BALASAN_TIM, balasan_oleh=tim, balasan_pada=now, is_demo=True)
        counts["masukan demo"] += 1
