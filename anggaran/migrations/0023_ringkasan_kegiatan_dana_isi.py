# Fills the kabupaten rows (now with the activities' whole cost, and the activities with a
# line of a source or funder type, 0022), the per-funder totals and the distinct-funder
# counts (derived data, rebuilt whole; a step of its own: SQLite cannot run it in the
# transaction that created the table). It supersedes the fills of 0015, 0019 and 0021, which
# are no-ops now: a fill runs the current code, which writes every column and table up to
# the last migration.

from django.db import migrations


def bangun(apps, schema_editor):
    from anggaran.ringkasan import bangun_kabupaten

    bangun_kabupaten()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0022_ringkasan_kegiatan_dana"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
