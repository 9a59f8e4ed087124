from django.urls import path

from . import views, views_kawasan, views_penilaian

urlpatterns = [
    path("", views.desa_list, name="list"),
    # Assessments; before the desa page "<str:kode>/" (kotaku/urls.py puts it last), which
    # would otherwise take "penilaian" as a desa code.
    path("sk-kumuh/", views_kawasan.sk_list, name="sk_list"),
    path("sk-kumuh/<int:pk>/", views_kawasan.sk_detail, name="sk_detail"),
    path("kawasan/", views_kawasan.kawasan_peringkat, name="kawasan_peringkat"),
    path("kawasan/<int:pk>/ubah/", views_kawasan.kawasan_ubah, name="kawasan_ubah"),
    path("lembaga/tinjau/", views_kawasan.lembaga_tinjau, name="lembaga_tinjau"),
    path("penilaian/", views_penilaian.penilaian_list, name="penilaian_list"),
    path("penilaian/antrian/", views_penilaian.antrian_verifikasi, name="antrian_verifikasi"),
    path("penilaian/<int:pk>/", views_penilaian.penilaian_detail, name="penilaian_detail"),
    path("penilaian/<int:pk>/ubah/", views_penilaian.penilaian_ubah, name="penilaian_ubah"),
    path("penilaian/<int:pk>/pratinjau/", views_penilaian.penilaian_pratinjau,
         name="penilaian_pratinjau"),
    path("penilaian/<int:pk>/hapus/", views_penilaian.penilaian_hapus, name="penilaian_hapus"),
    path("penilaian/<int:pk>/ajukan/", views_penilaian.penilaian_ajukan,
         name="penilaian_ajukan"),
    path("penilaian/<int:pk>/verifikasi/", views_penilaian.penilaian_verifikasi,
         name="penilaian_verifikasi"),
    path("penilaian/<int:pk>/kembalikan/", views_penilaian.penilaian_kembalikan,
         name="penilaian_kembalikan"),
    path("<str:kode>/penilaian/baru/", views_penilaian.penilaian_baru, name="penilaian_baru"),
]
