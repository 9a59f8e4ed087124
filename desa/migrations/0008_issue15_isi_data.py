"""Seed the SK Kumuh of Kab. Madiun, link the kawasan that cite it, record each kawasan's
area in its desa, and read the RT/RW numbers from the free text where they are plain numbers."""

import re

from django.db import migrations

# A frozen copy of desa.kawasan.SK_MADIUN and nomor_rt (a migration never imports live code).
SK_MADIUN = {
    "nomor": "118.45/325A/KPTS/402.013/2019",
    "judul": "Keputusan Bupati Madiun tentang Penetapan Lokasi Perumahan Kumuh dan "
             "Permukiman Kumuh di Kabupaten Madiun",
    "tahun": 2019,
    "ditandatangani_oleh": "Bupati Madiun",
    "sumber": "Nomor dan luas kawasan Sukolilo (10,2 ha; RT 24, 26, 27, 28) dan Ngampel "
              "(Kec. Mejayan, 14,6 ha): blog program tim KOTAKU Kab. Madiun. Tanggal "
              "penetapan, judul resmi dan daftar lengkap kawasan belum diketahui (judul di "
              "atas adalah judul lazim SK sejenis, belum terkonfirmasi). SK ini mencakup "
              "kawasan perkotaan Kab. Madiun di luar Jiwan; hanya kawasan Jiwan yang dimuat.",
}
_NOMOR = re.compile(r"^\s*(?:RT|RW)?\s*\.?\s*0*(\d{1,3})\s*$", re.IGNORECASE)


def nomor_rt(teks):
    m = _NOMOR.match(teks or "")
    return int(m.group(1)) if m else None


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
