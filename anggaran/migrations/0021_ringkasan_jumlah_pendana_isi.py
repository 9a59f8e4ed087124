# Filled the kabupaten rows, the per-funder totals and the distinct-funder counts per
# province and type. Now a no-op: the fill runs the current code, which writes columns and a
# table a later migration creates (0022), so 0023 does the same fill once they exist.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0020_ringkasan_jumlah_pendana"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop),
    ]
