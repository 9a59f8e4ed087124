"""Stories and feedback. Their URLs stay below /kolaborasi/ in the ``kolaborasi`` namespace
(where they were first published); the project's root URLconf joins these patterns to that
namespace, so this app needs no namespace of its own."""

from django.urls import path

from . import views_kabar

urlpatterns = [
    # Kabar: fixed paths before the slug (their names are reserved slugs, models.SLUG_TERPAKAI).
    path("kabar/", views_kabar.kabar_list, name="kabar_list"),
    path("kabar/feed/", views_kabar.kabar_feed, name="kabar_feed"),
    path("kabar/baru/", views_kabar.kabar_baru, name="kabar_baru"),
    path("kabar/draf/", views_kabar.kabar_saya, name="kabar_saya"),
    path("kabar/<slug:slug>/", views_kabar.kabar_detail, name="kabar_detail"),
    path("kabar/<slug:slug>/ubah/", views_kabar.kabar_ubah, name="kabar_ubah"),
    path("kabar/<slug:slug>/terbitkan/", views_kabar.kabar_terbitkan, name="kabar_terbitkan"),
    path("kabar/<slug:slug>/tarik/", views_kabar.kabar_tarik, name="kabar_tarik"),
    # Masukan
    path("masukan/kirim/<str:jenis>/<int:pk>/", views_kabar.masukan_kirim,
         name="masukan_kirim"),
    path("masukan/moderasi/", views_kabar.moderasi, name="masukan_moderasi"),
    path("masukan/moderasi/aksi/", views_kabar.moderasi_aksi, name="masukan_aksi"),
    path("masukan/<int:pk>/balas/", views_kabar.moderasi_balas, name="masukan_balas"),
]
