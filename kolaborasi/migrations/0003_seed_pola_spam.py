"""Formerly seeded the spam patterns; the model and its seed moved to the publikasi app
(``publikasi/migrations/0002_seed_pola_spam.py``, idempotent). Kept, empty, because other
migrations depend on this node."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("kolaborasi", "0002_kabar_masukan")]
    operations = []
