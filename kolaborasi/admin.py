"""Admin for stakeholders, forums and pledges. Contact details live here only."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from inti.admin_base import HistoryAdmin
from inti.numbers import format_rupiah

from .models import (
    DokumenRencana,
    ForumKolaborasi,
    ItemKriteria,
    ItemRencana,
    Komitmen,
    KomitmenItem,
    PemangkuKepentingan,
    TargetTahunan,
)


@admin.register(PemangkuKepentingan)
class PemangkuKepentinganAdmin(HistoryAdmin):
    list_display = ["nama", "singkatan", "jenis", "desa", "kabupaten", "kontak_nama",
                    "kontak_telepon", "kontak_email", "is_demo"]
    list_filter = ["jenis", "is_demo"]
    list_select_related = ["desa", "kabupaten"]
    search_fields = ["nama", "singkatan", "desa__nama", "kontak_nama", "kontak_email"]
    autocomplete_fields = ["desa", "kabupaten"]
    fieldsets = [
        (None, {"fields": ["nama", "singkatan", "jenis", "desa", "kabupaten", "keterangan",
                           "is_demo"]}),
        (_("Kontak (hanya untuk admin, tidak pernah tampil di halaman publik)"),
         {"fields": ["kontak_nama", "kontak_telepon", "kontak_email"]}),
    ]


class KomitmenInline(admin.TabularInline):
    model = Komitmen
    extra = 0
    autocomplete_fields = ["pemangku", "desa"]
    fields = ["pemangku", "desa", "kriteria", "tahun", "nilai_rp", "natura", "uraian", "is_demo"]


@admin.register(ForumKolaborasi)
class ForumKolaborasiAdmin(HistoryAdmin):
    list_display = ["judul", "tanggal", "desa", "jumlah_peserta", "is_demo"]
    list_filter = ["is_demo"]
    list_select_related = ["desa"]
    search_fields = ["judul", "tempat", "kesepakatan", "desa__nama"]
    autocomplete_fields = ["desa"]
    filter_horizontal = ["peserta"]
    date_hierarchy = "tanggal"
    inlines = [KomitmenInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_peserta=Count("peserta", distinct=True))

    @admin.display(description=_("peserta"), ordering="n_peserta")
    def jumlah_peserta(self, obj):
        return obj.n_peserta


@admin.register(Komitmen)
class KomitmenAdmin(HistoryAdmin):
    list_display = ["pemangku", "desa", "kriteria", "tahun", "nilai", "natura", "forum",
                    "is_demo"]
    list_filter = ["tahun", "natura", "is_demo", "pemangku__jenis"]
    list_select_related = ["pemangku", "desa", "kriteria", "forum"]
    search_fields = ["pemangku__nama", "desa__nama", "uraian", "forum__judul"]
    autocomplete_fields = ["pemangku", "desa", "forum"]

    @admin.display(description=_("nilai janji"), ordering="nilai_rp")
    def nilai(self, obj):
        return format_rupiah(obj.nilai_rp)


# ------------------------------------------------------------------------------ plan (issue 15)


class ItemRencanaInline(admin.TabularInline):
    model = ItemRencana
    extra = 0
    show_change_link = True
    fields = ["nama", "desa", "kawasan", "pendekatan", "komponen", "volume", "satuan",
              "biaya_rp", "tahun_target"]
    autocomplete_fields = ["desa"]


@admin.register(DokumenRencana)
class DokumenRencanaAdmin(HistoryAdmin):
    list_display = ["judul", "jenis", "desa", "kabupaten", "tahun_mulai", "tahun_selesai",
                    "status", "tanggal_disepakati", "is_demo"]
    list_filter = ["jenis", "status", "is_demo"]
    list_select_related = ["desa", "kabupaten"]
    search_fields = ["judul", "desa__nama", "kabupaten__nama"]
    autocomplete_fields = ["desa", "kabupaten", "forum"]
    inlines = [ItemRencanaInline]


class ItemKriteriaInline(admin.TabularInline):
    model = ItemKriteria
    extra = 1
    fields = ["kriteria", "volume"]


class KomitmenItemInline(admin.TabularInline):
    model = KomitmenItem
    extra = 0
    autocomplete_fields = ["pemangku", "forum"]
    fields = ["pemangku", "forum", "jenis", "jumlah", "nilai_rp", "uraian", "is_demo"]


@admin.register(ItemRencana)
class ItemRencanaAdmin(HistoryAdmin):
    list_display = ["nama", "dokumen", "desa", "kawasan", "pendekatan", "komponen", "biaya",
                    "tahun_target", "is_demo"]
    list_filter = ["pendekatan", "komponen", "jenis_investasi", "tahun_target", "is_demo"]
    list_select_related = ["dokumen", "desa", "kawasan__desa"]
    search_fields = ["nama", "desa__nama", "dokumen__judul"]
    autocomplete_fields = ["dokumen", "desa", "usulan_pendana"]
    raw_id_fields = ["kawasan", "lokasi"]
    inlines = [ItemKriteriaInline, KomitmenItemInline]

    @admin.display(description=_("perkiraan biaya"), ordering="biaya_rp")
    def biaya(self, obj):
        return format_rupiah(obj.biaya_rp)


@admin.register(KomitmenItem)
class KomitmenItemAdmin(HistoryAdmin):
    list_display = ["pemangku", "item", "jenis", "jumlah", "nilai", "forum", "is_demo"]
    list_filter = ["jenis", "is_demo", "pemangku__jenis"]
    list_select_related = ["pemangku", "item", "forum"]
    search_fields = ["pemangku__nama", "item__nama", "uraian"]
    autocomplete_fields = ["pemangku", "item", "forum"]

    @admin.display(description=_("nilai"), ordering="nilai_rp")
    def nilai(self, obj):
        return format_rupiah(obj.nilai_rp)


@admin.register(TargetTahunan)
class TargetTahunanAdmin(HistoryAdmin):
    list_display = ["kabupaten", "kawasan", "tahun", "target_ha", "sumber", "is_demo"]
    list_filter = ["tahun", "is_demo"]
    list_select_related = ["kabupaten", "kawasan__desa"]
    autocomplete_fields = ["kabupaten"]
    raw_id_fields = ["kawasan"]


# ------------------------------------------------------------------------------ kabar/masukan
