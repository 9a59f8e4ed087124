"""Demo stories and feedback: the collaboration article, linked to the real Bibrik paving story.

The facts in the article are the real ones of DOMAIN §1 (Rp 100.000.000 APBD Kabupaten 2018,
170 m of paving to the catfish-farming area, the rest continued from Dana Desa); the text is
written for the portal (labelled demo), in the team's framing of collaboration (DOMAIN §6).
It also seeds the gambling-spam comment that was the only comment on the team's blog article
(filed as spam, never shown) and one approved comment with the team's reply.
Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from anggaran.models import Kegiatan
from desa.models import Desa
from kolaborasi.models import PemangkuKepentingan

from . import masukan as layanan
from .models import Kabar, Masukan, StatusKabar, StatusMasukan, TagKabar

JUDUL = "Kolaborasi, pondasi penanganan kumuh: belajar dari jalan paving Bibrik"
SLUG = "kolaborasi-pondasi-penanganan-kumuh-jalan-paving-bibrik"
RINGKASAN = (
    "Satu masalah kumuh jarang selesai oleh satu pihak. Di Bibrik, APBD 2018 membangun 170 m "
    "paving menuju kawasan budidaya lele, lalu desa menyambungnya dengan Dana Desa.")
ISI = """\
Permukiman kumuh bukan urusan satu dinas atau satu sumber dana. Jalan yang rusak, saluran yang
mampet, rumah yang tidak layak: semuanya saling terkait, dan tidak ada satu anggaran pun yang
cukup untuk membereskannya sendirian. Karena itu, dalam program KOTAKU kami memandang
kolaborasi sebagai pondasi, bukan pelengkap, penanganan kumuh. Pemerintah daerah memimpin,
tetapi pekerjaannya dipikul bersama: pemerintah pusat dan provinsi, pemerintah desa, LKM dan
KSM, dunia usaha, perguruan tinggi, sampai warga yang menyumbang tenaga.

## Cerita dari Bibrik

Di Desa Bibrik, jalan menuju kawasan budidaya lele dulu berupa tanah yang becek setiap musim
hujan. Pakan sulit masuk, hasil panen sulit keluar. Pada 2018, LKM Bibrik menerima
**Rp 100.000.000 dari APBD Kabupaten Madiun** dan bersama warga membangun **170 meter jalan
paving** di ruas akses itu.

Ceritanya tidak berhenti di situ. Jalan yang dibutuhkan lebih panjang daripada yang bisa
dibiayai satu paket anggaran. Pemerintah Desa Bibrik lalu **melanjutkan sisa ruasnya dengan
Dana Desa**. Dua sumber dana, dua pelaku, satu tujuan: jalan yang utuh dari permukiman sampai
ke kolam. Itulah wujud kolaborasi yang paling sederhana, dan paling meyakinkan.

Kartu data di samping tulisan ini menampilkan kedua kegiatan itu langsung dari portal: siapa
mendanai, dari sumber apa, dan sejauh mana progresnya.

## Lima prinsip yang kami pegang: PACTS

- **Participation (partisipasi):** setiap pihak berhak bersuara dan ikut memutuskan, dan
  kesempatan itu datang tepat waktu, bukan setelah semuanya diputuskan.
- **Acceptance (penerimaan):** setiap pihak duduk sejajar, diterima sebagai mitra yang setara,
  dan bertanggung jawab atas bagiannya.
- **Communication (komunikasi):** setiap pihak membuka rencananya, supaya pekerjaan bisa
  disambung, bukan ditumpuk.
- **Trust (kepercayaan):** kepercayaan tumbuh dari keterbukaan; data, anggaran, dan hasil bisa
  dilihat semua orang.
- **Share (berbagi):** waktu, dana, dan keahlian dikumpulkan bersama, dan kritik diterima
  sebagai bagian dari kerja.

## Yang ingin kami capai dari perencanaan bersama

Perencanaan kolaboratif baru berhasil bila menghasilkan enam hal:

1. **Satu visi bersama** dengan target yang bisa diukur, bukan visi masing-masing lembaga.
2. **Lokasi prioritas yang disepakati**, tempat semua pihak turun tangan bersama.
3. **Rencana yang utuh:** bukan hanya infrastruktur, tetapi juga pengurangan risiko bencana,
   kepastian status lahan, kesehatan, serta sisi sosial dan ekonomi warga.
4. **Penanganan berbasis masyarakat dan berbasis kelembagaan** yang berjalan beriringan.
5. **Tidak ada lembaga masyarakat ganda** dalam satu desa, supaya kerja tidak tumpang tindih.
6. **Gambaran kontribusi yang terkumpul:** apa yang diberikan setiap pemangku kepentingan
   (uang, waktu, tenaga) menurut komponen dan jenis investasinya.

## Mengapa portal ini

Poin keenam itulah alasan portal ini dibuat. Selama kontribusi setiap pihak tercatat di
tempat yang berbeda-beda, kolaborasi sulit dilihat, apalagi diukur. Di portal ini setiap
kegiatan mencatat semua sumber dananya, sehingga siapa pun bisa melihat siapa mendanai apa, di
mana, dan apa yang berubah. Pendanaan ganda untuk pekerjaan yang sama ketahuan lebih awal, dan
kebutuhan yang belum didanai terlihat oleh calon mitra.

Punya pengalaman atau usulan tentang penanganan kumuh di desa Anda? Tulis di kolom masukan di
bawah. Tim kami membaca dan menjawabnya.
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
    kabar = Kabar.objects.filter(slug=SLUG).first()
    if kabar is None:
        kabar = Kabar.objects.create(
            judul=JUDUL, slug=SLUG, ringkasan=RINGKASAN, isi=ISI, status=StatusKabar.TERBIT,
            tanggal_terbit=timezone.make_aware(dt.datetime(2024, 3, 12, 9, 0)),
            penulis=User.objects.filter(username="fasil.bibrik").first(), is_demo=True)
        kabar.desa.set([bibrik])
        kabar.kegiatan.set(Kegiatan.objects.filter(desa=bibrik, nama__in=KEGIATAN))
        kabar.pemangku.set(PemangkuKepentingan.objects.filter(
            Q(desa=bibrik) | Q(desa__isnull=True),
            singkatan__in=["Dinas PKP", "LKM", "Pemdes"]))
        tags = []
        for nama in TAGS:
            tag, _made = TagKabar.objects.get_or_create(slug=slugify(nama),
                                                        defaults={"nama": nama})
            tags.append(tag)
        kabar.tag.set(tags)
        counts["kabar demo"] += 1
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
