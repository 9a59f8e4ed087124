# Fills the kabupaten sums of the stored desa rows (derived data; a step of its own: SQLite
# cannot run it in the transaction that created the table). Uses the historical models.

from django.db import migrations


def bangun(apps, schema_editor):
    from desa.kondisi_tersimpan import bangun_kabupaten

    bangun_kabupaten(apps.get_model("desa", "KondisiDesaTahunan"),
                     apps.get_model("desa", "KondisiKabupatenTahunan"))


class Migration(migrations.Migration):

    dependencies = [
        ("desa", "0013_kondisi_kabupaten"),
    ]

    operations = [
        migrations.RunPython(bangun, migrations.RunPython.noop),
    ]
