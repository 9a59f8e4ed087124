"""The collaboration app's own pages (entry forms). Its read pages, which show money, are
joined to this namespace by kotaku/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("forum/baru/", views.forum_baru, name="forum_baru"),
    path("komitmen/baru/", views.komitmen_baru, name="komitmen_baru"),
]
