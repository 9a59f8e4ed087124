"""The collaboration app's own pages (entry forms). Its read pages, which show money, are
joined to this namespace by kotaku/urls.py."""

from django.urls import path

from . import views, views_rencana

urlpatterns = [
    path("forum/baru/", views.forum_baru, name="forum_baru"),
    path("komitmen/baru/", views.komitmen_baru, name="komitmen_baru"),
    path("rencana/baru/", views_rencana.rencana_baru, name="rencana_baru"),
    path("rencana/<int:pk>/ubah/", views_rencana.rencana_ubah, name="rencana_ubah"),
    path("rencana/<int:pk>/item/baru/", views_rencana.item_baru, name="rencana_item_baru"),
    path("rencana/item/<int:pk>/ubah/", views_rencana.item_ubah, name="rencana_item_ubah"),
    path("rencana/<int:pk>/sepakati/", views_rencana.sepakati, name="rencana_sepakati"),
    path("rencana/item/<int:pk>/komitmen/baru/", views_rencana.komitmen_item_baru,
         name="rencana_komitmen_baru"),
]
