"""Real stakeholders of KOTAKU Jiwan (reference data, not demo).

Sources: DOMAIN.md §1 (programme blog of the Kab. Madiun team): the LKMs Sejahtera Mandiri
(Kwangsen), Suroloyo (Wayut) and Tri Jaya Mandiri (Kincang Wetan); the Bibrik LKM received the
2018 APBD grant (its name is not recorded in the sources, so a descriptive name is used).
"""

from collections import Counter

from desa.models import Desa, Kabupaten
from inti.sync import sync_object
from kolaborasi.models import JenisPemangku, PemangkuKepentingan

KAB_MADIUN = "35.19"
OPD = [
    ("Dinas Perumahan dan Kawasan Permukiman Kab. Madiun", "Dinas PKP", JenisPemangku.OPD,
     "Perangkat daerah pemimpin program KOTAKU di kabupaten."),
    ("Badan Perencanaan Pembangunan Daerah Kab. Madiun", "Bappeda", JenisPemangku.OPD,
     "Perencanaan dan penganggaran daerah; anggota Pokja PKP."),
    ("Kementerian PUPR (Ditjen Cipta Karya)", "PUPR", JenisPemangku.KEMENTERIAN,
     "Pengelola program KOTAKU nasional; penyalur BPM (APBN) ke LKM."),
]
# desa code → (LKM name, note)
LKM = {
    "35.19.09.2007": ("LKM Sejahtera Mandiri", "LKM Desa Kwangsen."),
    "35.19.09.2009": ("LKM Suroloyo", "LKM Desa Wayut."),
    "35.19.09.2006": ("LKM Tri Jaya Mandiri", "LKM Desa Kincang Wetan."),
    "35.19.09.2014": ("LKM Desa Bibrik", "Nama resmi LKM belum tercatat di portal."),
}


def seed_reference(counts: Counter) -> None:
    kab = Kabupaten.objects.filter(kode_wilayah=KAB_MADIUN).first()
    for nama, singkatan, jenis, ket in OPD:
        sync_object(PemangkuKepentingan, {"nama": nama, "desa": None}, {
            "singkatan": singkatan, "jenis": jenis, "keterangan": ket,
            "kabupaten": kab if jenis == JenisPemangku.OPD else None, "is_demo": False,
        }, counts)
    for desa in Desa.objects.filter(kecamatan__kabupaten=kab):
        sync_object(PemangkuKepentingan, {"nama": f"Pemerintah Desa {desa.nama}", "desa": desa}, {
            "jenis": JenisPemangku.PEMDES, "singkatan": "Pemdes", "is_demo": False,
        }, counts)
    for kode, (nama, ket) in LKM.items():
        desa = Desa.objects.filter(kode_wilayah=kode).first()
        if desa:
            sync_object(PemangkuKepentingan, {"nama": nama, "desa": desa}, {
                "jenis": JenisPemangku.LKM, "singkatan": "LKM", "keterangan": ket,
                "is_demo": False,
            }, counts)
