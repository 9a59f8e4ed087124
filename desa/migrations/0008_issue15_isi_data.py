"""Seed the SK Kumuh of Kab. Madiun, link the kawasan that cite it, record each kawasan's
area in its desa, and read the RT/RW numbers from the free text where they are plain numbers."""

from django.db import migrations

from desa.kawasan import SK_MADIUN, nomor_rt


def isi(apps, schema_editor):
    Kabupaten = apps.get_model("desa", "Kabupaten")
    SKKumuh = apps.get_model("desa", "SKKumuh")
    Kawasan = apps.get_model("desa", "Kawasan")
    KawasanDesa = apps.get_model("desa", "KawasanDesa")
    Lokasi = apps.get_model("desa", "Lokasi")
    kab = Kabupaten.objects.filter(kode_wilayah="35.19").first()
    sk = None
    if kab is not None:
        sk, _ = SKKumuh.objects.get_or_create(nomor=SK_MADIUN["nomor"], defaults={
            **{k: v for k, v in SK_MADIUN.items() if k != "nomor"}, "kabupaten": kab})
    for kw in Kawasan.objects.all():
        if sk is not None and SK_MADIUN["nomor"] in kw.sk_nomor:
            kw.sk = sk
            kw.save(update_fields=["sk"])
        KawasanDesa.objects.get_or_create(kawasan=kw, desa_id=kw.desa_id,
                                          defaults={"luas_ha": kw.luas_ha})
    for lok in Lokasi.objects.all():
        rt, rw = nomor_rt(lok.rt), nomor_rt(lok.rw)
        if rt is not None or rw is not None:
            lok.rt_nomor, lok.rw_nomor = rt, rw
            lok.save(update_fields=["rt_nomor", "rw_nomor"])


class Migration(migrations.Migration):
    dependencies = [("desa", "0007_issue15_sk_kawasan")]
    operations = [migrations.RunPython(isi, migrations.RunPython.noop)]
