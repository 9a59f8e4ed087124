"""Permen PUPR 02/PRT/M/2016 drainage letters as the regulation lists them: 4c not connected
to the city drainage system, 4d not maintained, 4e poor construction quality (the seed had poor
construction at 4c). Stored volumes keep their meaning: the criterion rows are relabelled, the
assessment volumes point to the same rows."""

from django.db import migrations

KODE = "permen_02_2016"
# meaning (name prefix) -> code under the regulation's lettering
BENAR = {
    "Drainase lingkungan tidak terhubung": "4c",
    "Drainase lingkungan tidak dipelihara": "4d",
    "Kualitas konstruksi drainase": "4e",
}


def _relabel(apps, mapping_for):
    Kriteria = apps.get_model("desa", "Kriteria")
    rows = list(Kriteria.objects.filter(aturan__kode=KODE, kode__in=["4c", "4d", "4e"]))
    if len(rows) != 3:
        return
    orders = sorted(r.urutan for r in rows)
    for i, r in enumerate(rows):  # free the codes first (unique per rule set)
        r.kode = f"x{i}"
        r.save(update_fields=["kode"])
    for r in rows:
        kode = mapping_for(r.nama)
        r.kode = kode
        r.urutan = orders["cde".index(kode[1])]
        r.save(update_fields=["kode", "urutan"])


def forward(apps, schema_editor):
    _relabel(apps, lambda nama: next(k for p, k in BENAR.items() if nama.startswith(p)))


def backward(apps, schema_editor):
    old = {"4c": "4d", "4d": "4e", "4e": "4c"}
    _relabel(apps, lambda nama: old[next(k for p, k in BENAR.items() if nama.startswith(p))])


class Migration(migrations.Migration):
    dependencies = [("desa", "0005_luas_ha_empat_desimal")]
    operations = [migrations.RunPython(forward, backward)]
