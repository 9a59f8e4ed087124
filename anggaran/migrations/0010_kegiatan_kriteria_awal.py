"""Every existing activity keeps its single criterion: one KegiatanKriteria row with the
handled volume it already counted (``volume_kriteria``, else ``volume`` when the units match,
else unknown). A frozen copy of the rule (migrations never import live code)."""

from django.db import migrations


def isi(apps, schema_editor):
    Kegiatan = apps.get_model("anggaran", "Kegiatan")
    KegiatanKriteria = apps.get_model("anggaran", "KegiatanKriteria")
    rows = []
    qs = Kegiatan.objects.values_list("pk", "kriteria_id", "kriteria__satuan", "volume",
                                      "satuan", "volume_kriteria").order_by("pk")
    for pk, kriteria_id, satuan_kriteria, volume, satuan, volume_kriteria in qs.iterator(
            chunk_size=5000):
        if volume_kriteria is not None:
            vt = volume_kriteria
        else:
            vt = volume if satuan == satuan_kriteria else None
        rows.append(KegiatanKriteria(kegiatan_id=pk, kriteria_id=kriteria_id, volume=vt))
        if len(rows) >= 5000:
            KegiatanKriteria.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    KegiatanKriteria.objects.bulk_create(rows, ignore_conflicts=True)


def kosongkan(apps, schema_editor):
    apps.get_model("anggaran", "KegiatanKriteria").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("anggaran", "0009_kegiatan_rencana")]
    operations = [migrations.RunPython(isi, kosongkan)]
