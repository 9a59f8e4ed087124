# Fills the kabupaten rows, the per-funder totals (with their demo part, 0018) and the
# distinct-funder counts per province and type (derived data, rebuilt whole; a step of its
# own: SQLite cannot run it in the transaction that created the table). It supersedes the
# fills of 0015 and 0019, which are no-ops now: a fill runs the current code, which writes
# every column and table up to the last migration.

from django.db import migrations


def bangun(apps, schema_editor):
    from anggaran.ringkasan import bangun_kabupaten

    bangun_kabupaten()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0020_ringkasan_jumlah_pendana"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
