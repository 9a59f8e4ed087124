from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from anggaran import views_dashboard, views_ekspor
from kotaku import views, views_impor, views_laporan, views_opendata, views_saran
from kotaku.forms import LoginForm

urlpatterns = [
    path("", views_dashboard.beranda, name="beranda"),
    path("siapa-mendanai/", views_dashboard.matriks, name="matriks"),
    path("siapa-mendanai/duplikasi/", views_dashboard.duplikasi, name="duplikasi"),
    path("dampak/", views_dashboard.dampak, name="dampak"),
    path("ekspor/pendanaan.csv", views_ekspor.pendanaan_csv, name="ekspor_pendanaan"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("tugas-saya/", views.tugas_saya, name="tugas_saya"),
    # Suggestions for the desa / stakeholder text fields at national scale (kotaku/pilihan.py).
    path("saran/desa/", views_saran.saran_desa, name="saran_desa"),
    path("saran/pemangku/", views_saran.saran_pemangku, name="saran_pemangku"),
    path(
        "masuk/",
        views.MasukView.as_view(
            template_name="registration/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # Spreadsheet import (dry run → confirm), templates, exports in the import layout.
    path("impor/", views_impor.unggah, name="impor"),
    path("impor/konfirmasi/", views_impor.konfirmasi, name="impor_konfirmasi"),
    re_path(r"^impor/template/(?P<jenis>penilaian|kegiatan)\.(?P<fmt>xlsx|csv)$",
            views_impor.templat_berkas, name="impor_templat"),
    re_path(r"^impor/ekspor/(?P<jenis>penilaian|kegiatan)\.(?P<fmt>xlsx|csv)$",
            views_impor.ekspor, name="impor_ekspor"),
    # Printable reports (PDF) and open data.
    re_path(r"^laporan/desa/(?P<kode>[0-9.]{1,20})\.pdf$", views_laporan.laporan_desa,
            name="laporan_desa"),
    re_path(r"^laporan/kecamatan/(?P<kode>[0-9.]{1,20})\.pdf$",
            views_laporan.laporan_kecamatan, name="laporan_kecamatan"),
    path("data-terbuka/", views_opendata.indeks, name="data_terbuka"),
    re_path(r"^data-terbuka/desa/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_opendata.desa, name="data_terbuka_desa"),
    re_path(r"^data-terbuka/kecamatan/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_opendata.kecamatan, name="data_terbuka_kecamatan"),
    path("desa/", include("desa.urls")),
    path("kolaborasi/", include("kolaborasi.urls")),
    path("anggaran/", include("anggaran.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
