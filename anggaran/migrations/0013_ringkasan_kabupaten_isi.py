# Fills the kabupaten rollups from the per-desa rollups (a data step of its own: SQLite cannot
# run it in the transaction that created the tables).

from django.db import migrations


def bangun(apps, schema_editor):
    # Filled by 0015 now: today's code writes columns added by 0014, which do not exist yet
    # here. A database that ran this step before is filled again there (derived data).
    return


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0012_ringkasan_kabupaten"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
