# Fills the kabupaten rows (the funder rows now with their distinct counts, the activity
# counts), the per-funder totals and the funder x source rows from the per-desa rollups and
# the raw rows (derived data, rebuilt whole; a step of its own: SQLite cannot run it in the
# transaction that changed the tables).

from django.db import migrations


def bangun(apps, schema_editor):
    from anggaran.ringkasan import bangun_kabupaten

    bangun_kabupaten()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0014_ringkasan_pendana_total"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
