from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from anggaran import urls as anggaran_urls
from desa import urls as desa_urls
from kolaborasi import urls as kolaborasi_urls
from kotaku import (
    ekspor_latar,
    views,
    views_dashboard,
    views_desa,
    views_impor,
    views_kawasan,
    views_laporan,
    views_opendata,
    views_pemangku,
    views_rencana,
    views_saran,
)
from kotaku.forms import LoginForm
from publikasi import urls as publikasi_urls


def bagian(prefix: str, namespace: str, *patterns):
    """One URL namespace below ``prefix`` made of several apps' pattern lists, in order."""
    return path(prefix, include(([p for ps in patterns for p in ps], namespace)))


urlpatterns = [
    path("", views_dashboard.beranda, name="beranda"),
    path("siapa-mendanai/", views_dashboard.matriks, name="matriks"),
    path("siapa-mendanai/duplikasi/", views_dashboard.duplikasi, name="duplikasi"),
    path("dampak/", views_dashboard.dampak, name="dampak"),
    path("peluang-kolaborasi/", views_rencana.peluang, name="peluang"),
    path("peluang-kolaborasi/<int:pk>/", views_rencana.peluang_item, name="peluang_item"),
    path("ekspor/pendanaan.csv", ekspor_latar.pendanaan_csv, name="ekspor_pendanaan"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path(".well-known/security.txt", views.security_txt, name="security_txt"),
    path("tugas-saya/", views.tugas_saya, name="tugas_saya"),
    # Suggestions for the desa / stakeholder text fields at national scale (inti/pilihan.py).
    path("saran/desa/", views_saran.saran_desa, name="saran_desa"),
    path("saran/pemangku/", views_saran.saran_pemangku, name="saran_pemangku"),
    path(
        "masuk/",
        views.MasukView.as_view(
            template_name="registration/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
            # Not Django's PUT-as-POST: like every view, the login page refuses PUT (405).
            http_method_names=["get", "post", "head", "options"],
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    # Spreadsheet import (dry run → confirm), templates, exports in the import layout.
    path("impor/", views_impor.unggah, name="impor"),
    path("impor/konfirmasi/", views_impor.konfirmasi, name="impor_konfirmasi"),
    path("impor/status/<int:pk>/", views_impor.status, name="impor_status"),
    re_path(r"^impor/template/(?P<jenis>penilaian|kegiatan|rencana)\.(?P<fmt>xlsx|csv)$",
            views_impor.templat_berkas, name="impor_templat"),
    re_path(r"^impor/ekspor/(?P<jenis>penilaian|kegiatan|rencana)\.(?P<fmt>xlsx|csv)$",
            views_impor.ekspor, name="impor_ekspor"),
    # Printable reports (PDF) and open data.
    re_path(r"^laporan/desa/(?P<kode>[0-9.]{1,20})\.pdf$", views_laporan.laporan_desa,
            name="laporan_desa"),
    re_path(r"^laporan/kecamatan/(?P<kode>[0-9.]{1,20})\.pdf$",
            views_laporan.laporan_kecamatan, name="laporan_kecamatan"),
    path("laporan/memorandum/<int:pk>.pdf", views_laporan.laporan_memorandum,
         name="laporan_memorandum"),
    path("data-terbuka/", views_opendata.indeks, name="data_terbuka"),
    re_path(r"^data-terbuka/desa/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_opendata.desa, name="data_terbuka_desa"),
    re_path(r"^data-terbuka/kecamatan/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_opendata.kecamatan, name="data_terbuka_kecamatan"),
    re_path(r"^data-terbuka/rencana/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_rencana.data_terbuka_rencana, name="data_terbuka_rencana"),
    re_path(r"^data-terbuka/komitmen/(?P<kode>[0-9.]{1,20})\.(?P<fmt>json|csv|xlsx)$",
            views_rencana.data_terbuka_rencana, name="data_terbuka_komitmen"),
    # Each URL space is one namespace, joined here from the apps that serve pages in it (the
    # lower apps cannot import the pages above them that combine several apps).
    bagian("desa/", "desa", desa_urls.urlpatterns,
           [path("kawasan/<int:pk>/", views_kawasan.kawasan_detail, name="kawasan_detail"),
            path("<str:kode>/", views_desa.desa_detail, name="detail")]),
    bagian("kolaborasi/", "kolaborasi", kolaborasi_urls.urlpatterns, [
        path("pemangku/", views_pemangku.pemangku_list, name="pemangku_list"),
        path("pemangku/<int:pk>/", views_pemangku.pemangku_detail, name="pemangku_detail"),
        path("forum/", views_pemangku.forum_list, name="forum_list"),
        path("forum/<int:pk>/", views_pemangku.forum_detail, name="forum_detail"),
        path("komitmen/", views_pemangku.komitmen_list, name="komitmen_list"),
        path("rencana/", views_rencana.rencana_list, name="rencana_list"),
        path("rencana/<int:pk>/", views_rencana.rencana_detail, name="rencana_detail"),
        path("celah-pendanaan/", views_rencana.celah, name="celah_rupiah"),
    ], publikasi_urls.urlpatterns),
    bagian("anggaran/", "anggaran", anggaran_urls.urlpatterns),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Indonesian error pages; a database outage is a 503 with Retry-After (inti/galat.py).
handler400 = "inti.galat.bad_request"
handler403 = "inti.galat.permission_denied"
handler404 = "inti.galat.page_not_found"
handler500 = "inti.galat.server_error"
