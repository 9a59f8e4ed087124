from django.urls import path

from . import views, views_penilaian

urlpatterns = [
    path("", views.desa_list, name="list"),
    # Assessments; before the desa page "<str:kode>/" (kotaku/urls.py puts it last), which
    # would otherwise take "penilaian" as a desa code.
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
