"""Funding sources carry their level and whether they are the programme's own grant (BPM).

``adalah_apbn`` is renamed ``adalah_bpm`` (same meaning: the central KOTAKU grant; DAK and
Dana Desa are APBN transfers but collaboration money). The seeded sources get their level, and
a source "APBD (tingkat tidak disebut)" is added for facts whose source names no level (Bibrik
2018: "APBD Tahun Anggaran 2018").
"""

from django.db import migrations, models

TINGKAT = [
    ("pusat", "Pusat (APBN)"), ("transfer_pusat", "Transfer pusat (DAK, Dana Desa)"),
    ("provinsi", "Provinsi"), ("kabupaten", "Kabupaten/kota"),
    ("daerah", "APBD (tingkat tidak disebut)"), ("desa", "Desa"),
    ("non_pemerintah", "Non-pemerintah (CSR, donor, swadaya)"),
]
LEVELS = {
    "apbn": "pusat", "dak": "transfer_pusat", "apbd-prov": "provinsi", "apbd-kab": "kabupaten",
    "dana-desa": "transfer_pusat", "bkk": "kabupaten", "csr": "non_pemerintah",
    "swadaya": "non_pemerintah", "upk": "non_pemerintah", "donor": "non_pemerintah",
    "lainnya": "non_pemerintah",
}
APBD = ("apbd", "APBD (tingkat tidak disebut)", "daerah",
        "APBD yang sumbernya tidak menyebut tingkat (provinsi atau kabupaten).")


def seed(apps, schema_editor):
    SumberDana = apps.get_model("anggaran", "SumberDana")
    for kode, tingkat in LEVELS.items():
        SumberDana.objects.filter(kode=kode).update(tingkat=tingkat)
    kode, nama, tingkat, ket = APBD
    urutan = SumberDana.objects.filter(kode="apbd-kab").values_list("urutan", flat=True).first()
    SumberDana.objects.get_or_create(kode=kode, defaults={
        "nama": nama, "kategori": "daerah", "tingkat": tingkat, "keterangan": ket,
        "urutan": urutan or 0})


def unseed(apps, schema_editor):
    SumberDana = apps.get_model("anggaran", "SumberDana")
    SumberDana.objects.filter(kode=APBD[0], pendanaan__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("anggaran", "0006_token_kirim"),
    ]

    operations = [
        migrations.RenameField("sumberdana", "adalah_apbn", "adalah_bpm"),
        migrations.RenameField("historicalsumberdana", "adalah_apbn", "adalah_bpm"),
        migrations.AlterField(
            model_name="sumberdana", name="adalah_bpm",
            field=models.BooleanField(default=False,
                                      verbose_name="bantuan program KOTAKU (BPM)")),
        migrations.AlterField(
            model_name="historicalsumberdana", name="adalah_bpm",
            field=models.BooleanField(default=False,
                                      verbose_name="bantuan program KOTAKU (BPM)")),
        migrations.AddField(
            model_name="sumberdana", name="tingkat",
            field=models.CharField(choices=TINGKAT, default="non_pemerintah", max_length=20,
                                   verbose_name="tingkat")),
        migrations.AddField(
            model_name="historicalsumberdana", name="tingkat",
            field=models.CharField(choices=TINGKAT, default="non_pemerintah", max_length=20,
                                   verbose_name="tingkat")),
        migrations.RunPython(seed, unseed),
    ]
