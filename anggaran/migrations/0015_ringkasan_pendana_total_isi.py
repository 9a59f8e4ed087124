# Filled the kabupaten rows, the per-funder totals and the funder x source rows. Now a
# no-op: the fill runs the current code, which writes columns a later migration adds (0018),
# so 0021 does the same fill once every column and table exists.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0014_ringkasan_pendana_total"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
