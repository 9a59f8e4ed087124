"""Builders for stories (kabar) and public feedback (masukan)."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils import timezone

from publikasi import masukan as layanan
from publikasi.models import Kabar, Masukan, StatusKabar

TEST_IP = "127.0.0.1"  # Django's test client's REMOTE_ADDR


def buat_kabar(desa=(), kegiatan=(), *, judul="Paving Bibrik dan kolaborasi", status="terbit",
               isi="Kabar **kolaborasi** dari lapangan.", penulis=None, slug=None,
               **extra) -> Kabar:
    kabar = Kabar.objects.create(
        judul=judul, slug=slug or f"kabar-{Kabar.objects.count() + 1}", isi=isi, status=status,
        tanggal_terbit=timezone.now() if status == StatusKabar.TERBIT else None,
        penulis=penulis, **extra)
    kabar.desa.set(desa)
    kabar.kegiatan.set(kegiatan)
    return kabar


def token_lama(detik: float = 10) -> str:
    """A form shown ``detik`` seconds ago (past the minimum fill time)."""
    return layanan.buat_token(time.time() - detik)


def masukan_post(pesan="Jalan paving sudah bagus, terima kasih.", nama="Bu Sri", **extra) -> dict:
    data = {"nama": nama, "pesan": pesan, "website": "", "mulai": token_lama()}
    data.update(extra)
    return data


def reset_batas(ip: str = TEST_IP) -> None:
    """Forget the feedback rate-limit count of an address."""
    cache.delete(layanan._BATAS_KEY.format(layanan.hash_ip(ip)))


# ------------------------------------------------------------------- for the permission matrix


def kabar_dunia(d) -> Kabar:
    """A published story about desa A (linked to its activity) with one waiting message,
    made once per matrix world."""
    if not hasattr(d, "kabar"):
        d.kabar = buat_kabar([d.desa], [d.kegiatan], judul="Kabar paving Bibrik",
                             slug="kabar-paving-bibrik")
        d.masukan = Masukan.objects.create(kabar=d.kabar, pesan="Pertanyaan warga.",
                                           ip_hash=layanan.hash_ip(TEST_IP))
    return d.kabar


def kabar_slug(d) -> dict:
    return {"slug": kabar_dunia(d).slug}


def masukan_pk(d) -> dict:
    kabar_dunia(d)
    return {"pk": d.masukan.pk}


def masukan_kirim_kwargs(d) -> dict:
    return {"jenis": "kabar", "pk": kabar_dunia(d).pk}


def tanpa_batas(d) -> dict:
    """POST data for the public feedback URL: nothing, and the per-address count reset (all
    matrix roles post from the same test address; the matrix checks permissions, not the
    throttle, which ``tests/test_masukan.py`` tests)."""
    reset_batas()
    return {}
