# Fills the funder x aspect rows from the per-desa rollups (derived data; a step of its own:
# SQLite cannot run it in the transaction that created the table).

from django.db import migrations


def bangun(apps, schema_editor):
    from anggaran.ringkasan import bangun_pendana_aspek

    bangun_pendana_aspek()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0016_ringkasan_pendana_aspek"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
