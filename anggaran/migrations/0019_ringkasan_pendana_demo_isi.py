# Filled the kabupaten rows and the per-funder totals with the demo part of each funder's
# figures. Now a no-op: the fill runs the current code, which writes a table a later migration
# creates (0020), so 0021 does the same fill once it exists.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0018_ringkasan_pendana_demo"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
