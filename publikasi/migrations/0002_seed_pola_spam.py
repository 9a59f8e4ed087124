"""Seed the spam patterns: gambling spam in Indonesian (the only comment ever left on the
team's blog article was one) and link shorteners. Admins edit them in the Django admin.

First written as kolaborasi 0003; it moved here with the model (idempotent: on a database
that ran kolaborasi 0003 every pattern exists already).

Weight 3 files a message as spam at once; 1–2 holds it for review and adds up (threshold 3).
Words that can appear in an honest message ("situs", "deposit", "judi" in a complaint about
gambling) only hold it.
"""

from django.db import migrations

# pola, jenis ("kata" = whole word/phrase, "teks" = anywhere), bobot, keterangan
POLA = [
    ("gacor", "kata", 3, "judi online"),
    ("maxwin", "kata", 3, "judi online"),
    ("togel", "kata", 3, "judi online"),
    ("judol", "kata", 3, "judi online"),
    ("judi online", "kata", 3, "judi online"),
    ("slot gacor", "kata", 3, "judi online"),
    ("slot online", "kata", 3, "judi online"),
    ("anti rungkad", "kata", 3, "judi online"),
    ("bonus new member", "kata", 3, "judi online"),
    ("link alternatif", "kata", 3, "judi online"),
    ("pulsa tanpa potongan", "kata", 3, "judi online"),
    ("bit.ly", "kata", 3, "penyingkat tautan"),
    ("s.id", "kata", 3, "penyingkat tautan"),
    ("cutt.ly", "kata", 3, "penyingkat tautan"),
    ("tinyurl", "teks", 3, "penyingkat tautan"),
    ("shorturl", "teks", 3, "penyingkat tautan"),
    ("slot", "kata", 2, "judi online"),
    ("zeus", "kata", 2, "judi online (nama permainan)"),
    ("olympus", "kata", 2, "judi online (nama permainan)"),
    ("pragmatic", "kata", 2, "judi online (penyedia permainan)"),
    ("scatter", "kata", 2, "judi online"),
    ("rtp", "kata", 2, "judi online (return to player)"),
    ("jackpot", "kata", 2, "judi online"),
    ("toto", "kata", 2, "judi online"),
    ("judi", "kata", 2, "bisa juga keluhan warga: ditahan, tidak langsung spam"),
    ("situs", "kata", 1, "sering di spam; juga kata biasa"),
    ("deposit", "kata", 1, "sering di spam; juga kata biasa"),
    ("daftar sekarang", "kata", 1, "ajakan khas spam"),
    ("wa.me", "kata", 2, "ajakan ke WhatsApp"),
    ("t.me", "kata", 2, "ajakan ke Telegram"),
]


def seed(apps, schema_editor):
    PolaSpam = apps.get_model("publikasi", "PolaSpam")
    for pola, jenis, bobot, keterangan in POLA:
        PolaSpam.objects.get_or_create(pola=pola, defaults={
            "jenis": jenis, "bobot": bobot, "keterangan": keterangan, "aktif": True})


def unseed(apps, schema_editor):
    PolaSpam = apps.get_model("publikasi", "PolaSpam")
    PolaSpam.objects.filter(pola__in=[p[0] for p in POLA]).delete()


class Migration(migrations.Migration):
    dependencies = [("publikasi", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
