from django.urls import path

from publikasi import views_kabar

from . import views

urlpatterns = [
    path("pemangku/", views.pemangku_list, name="pemangku_list"),
    path("pemangku/<int:pk>/", views.pemangku_detail, name="pemangku_detail"),
    path("forum/", views.forum_list, name="forum_list"),
    path("forum/baru/", views.forum_baru, name="forum_baru"),
    path("forum/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("komitmen/", views.komitmen_list, name="komitmen_list"),
    path("komitmen/baru/", views.komitmen_baru, name="komitmen_baru"),
]
