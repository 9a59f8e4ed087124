from django.urls import path

from . import views, views_rencana

urlpatterns = [
    path("kegiatan/", views.kegiatan_list, name="kegiatan_list"),
    path("kegiatan/baru/", views.kegiatan_baru, name="kegiatan_baru"),
    path("kegiatan/<int:pk>/", views.kegiatan_detail, name="kegiatan_detail"),
    path("kegiatan/<int:pk>/ubah/", views.kegiatan_ubah, name="kegiatan_ubah"),
    path("kegiatan/<int:pk>/progres/baru/", views.progres_baru, name="progres_baru"),
    path("kegiatan/<int:pk>/hapus/", views.kegiatan_hapus, name="kegiatan_hapus"),
    path("progres/<int:pk>/hapus/", views.progres_hapus, name="progres_hapus"),
    path("kegiatan/dari-item/<int:pk>/", views_rencana.kegiatan_dari_item,
         name="kegiatan_dari_item"),
]
