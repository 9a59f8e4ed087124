from django.contrib import admin

from kotaku.admin_base import HistoryAdmin

from .models import Desa, Kabupaten, Kecamatan, Penugasan, Provinsi


@admin.register(Provinsi)
class ProvinsiAdmin(HistoryAdmin):
    list_display = ["kode_wilayah", "nama", "kode_bps"]
    search_fields = ["nama", "kode_wilayah", "kode_bps"]


@admin.register(Kabupaten)
class KabupatenAdmin(HistoryAdmin):
    list_display = ["kode_wilayah", "nama", "tipe", "provinsi", "kode_bps"]
    list_filter = ["tipe", "provinsi"]
    list_select_related = ["provinsi"]
    search_fields = ["nama", "kode_wilayah", "kode_bps"]
    autocomplete_fields = ["provinsi"]


@admin.register(Kecamatan)
class KecamatanAdmin(HistoryAdmin):
    list_display = ["kode_wilayah", "nama", "kabupaten", "kode_bps"]
    list_filter = ["kabupaten__provinsi"]
    list_select_related = ["kabupaten"]
    search_fields = ["nama", "kode_wilayah", "kode_bps"]
    autocomplete_fields = ["kabupaten"]


@admin.register(Desa)
class DesaAdmin(HistoryAdmin):
    list_display = ["kode_wilayah", "nama", "nama_alias", "tipe", "kecamatan", "kode_bps",
                    "luas_poligon_km2"]
    list_filter = ["tipe", "kecamatan__kabupaten", "kecamatan"]
    list_select_related = ["kecamatan"]
    search_fields = ["nama", "nama_alias", "kode_wilayah", "kode_bps"]
    autocomplete_fields = ["kecamatan"]
    readonly_fields = ["centroid_lat", "centroid_lng", "titik_lat", "titik_lng"]
    fieldsets = [
        (None, {"fields": ["kecamatan", "kode_wilayah", "kode_bps", "nama", "nama_alias", "tipe",
                           "kode_pos"]}),
        ("Data", {"fields": ["luas_km2", "luas_poligon_km2", "jumlah_penduduk", "jumlah_kk"]}),
        ("Peta", {"fields": ["centroid_lat", "centroid_lng", "titik_lat", "titik_lng", "batas"],
                  "classes": ["collapse"]}),
        ("Sumber", {"fields": ["sumber"]}),
    ]


class PenugasanInline(admin.TabularInline):
    model = Penugasan
    extra = 1
    autocomplete_fields = ["desa", "kecamatan"]


@admin.register(Penugasan)
class PenugasanAdmin(HistoryAdmin):
    list_display = ["user", "desa", "kecamatan"]
    list_filter = ["kecamatan", "desa__kecamatan"]
    list_select_related = ["user", "desa", "kecamatan"]
    search_fields = ["user__username", "user__first_name", "desa__nama", "kecamatan__nama"]
    autocomplete_fields = ["user", "desa", "kecamatan"]
