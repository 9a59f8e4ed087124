# Fills the kabupaten rows and the per-funder totals again, now with the demo part of each
# funder's figures (derived data, rebuilt whole; a step of its own: SQLite cannot run it in
# the transaction that changed the tables). It supersedes 0015, which is a no-op now: a fill
# runs the current code, which writes every column up to the last migration.

from django.db import migrations


def bangun(apps, schema_editor):
    from anggaran.ringkasan import bangun_kabupaten

    bangun_kabupaten()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0018_ringkasan_pendana_demo"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
