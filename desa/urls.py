from django.urls import path

from . import views

app_name = "desa"

urlpatterns = [
    path("", views.desa_list, name="list"),
    path("<str:kode>/", views.desa_detail, name="detail"),
]
