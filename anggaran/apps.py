from django.apps import AppConfig


class AnggaranConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'anggaran'

    def ready(self):
        from . import ringkasan

        ringkasan.hubungkan()
        # The stored slum condition (desa.kondisi_tersimpan) needs the handled volumes of
        # completed activities; desa sits below anggaran, so anggaran hands them over.
        from anggaran.kondisi import penanganan_per_lokasi
        from desa import kondisi_tersimpan

        kondisi_tersimpan.daftarkan_penanganan(penanganan_per_lokasi)
