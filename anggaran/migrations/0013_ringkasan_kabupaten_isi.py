# Fills the kabupaten rollups from the per-desa rollups (a data step of its own: SQLite cannot
# run it in the transaction that created the tables).

from django.db import migrations


def bangun(apps, schema_editor):
    # Today's code, as 0011 does: the rollups are derived data, rebuilt whole.
    from anggaran.ringkasan import bangun_kabupaten

    bangun_kabupaten()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0012_ringkasan_kabupaten"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
