# Marks the last stored year of each desa and location (a data step of its own: SQLite
# cannot run it in the transaction that built the new indexes).

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery


def tandai_terakhir(apps, schema_editor):
    """The last stored year of each desa and location gets ``terakhir`` (rows written before
    the flag existed)."""
    for model, kunci in (("KondisiDesaTahunan", "desa_id"), ("KondisiLokasiTahunan", "lokasi_id")):
        Model = apps.get_model("desa", model)
        akhir = (Model.objects.filter(**{kunci: OuterRef(kunci)}).order_by()
                 .values(kunci).annotate(t=Max("tahun")).values("t"))
        Model.objects.filter(tahun=Subquery(akhir)).update(terakhir=True)



class Migration(migrations.Migration):

    dependencies = [
        ("desa", "0010_kondisi_terakhir"),
    ]

    operations = [
        migrations.RunPython(tandai_terakhir, migrations.RunPython.noop),
    ]
