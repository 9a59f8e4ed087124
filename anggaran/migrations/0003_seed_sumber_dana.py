"""Seed the funding sources of the programme (DOMAIN §3)."""

from django.db import migrations

SOURCES = [
    # kode, nama, kategori, APBN grant?, keterangan
    ("apbn", "APBN (BPM/BDI)", "pusat", True,
     "Bantuan pemerintah pusat ke LKM (BPM, dahulu BDI/BLM)."),
    ("dak", "DAK", "pusat", False, "Dana Alokasi Khusus untuk penanganan kumuh."),
    ("apbd-prov", "APBD Provinsi", "daerah", False, ""),
    ("apbd-kab", "APBD Kabupaten", "daerah", False, ""),
    ("dana-desa", "Dana Desa / APBDes", "desa", False, ""),
    ("bkk", "BKK Desa", "daerah", False, "Bantuan keuangan khusus kabupaten kepada desa."),
    ("csr", "Swasta/CSR", "non_pemerintah", False, ""),
    ("swadaya", "Swadaya Masyarakat", "masyarakat", False,
     "Sering berupa natura: tenaga, lahan, bahan, dinilai dalam rupiah."),
    ("upk", "UPK/LKM", "masyarakat", False, "Laba Unit Pengelola Keuangan LKM."),
    ("donor", "Donor/Hibah", "non_pemerintah", False, ""),
    ("lainnya", "Lainnya", "non_pemerintah", False, ""),
]


def seed(apps, schema_editor):
    SumberDana = apps.get_model("anggaran", "SumberDana")
    for i, (kode, nama, kategori, apbn, ket) in enumerate(SOURCES, start=1):
        SumberDana.objects.update_or_create(kode=kode, defaults={
            "nama": nama, "kategori": kategori, "adalah_apbn": apbn, "keterangan": ket,
            "urutan": i,
        })


class Migration(migrations.Migration):
    dependencies = [("anggaran", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
