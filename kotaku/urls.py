from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from anggaran import views_dashboard
from kotaku import views
from kotaku.forms import LoginForm

urlpatterns = [
    path("", views_dashboard.beranda, name="beranda"),
    path("siapa-mendanai/", views_dashboard.matriks, name="matriks"),
    path("siapa-mendanai/duplikasi/", views_dashboard.duplikasi, name="duplikasi"),
    path("dampak/", views_dashboard.dampak, name="dampak"),
    path("healthz", views.healthz, name="healthz"),
    path("tugas-saya/", views.tugas_saya, name="tugas_saya"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("desa/", include("desa.urls")),
    path("kolaborasi/", include("kolaborasi.urls")),
    path("anggaran/", include("anggaran.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
