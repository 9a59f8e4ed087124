"""Admin for money: sources, activities with their funding lines and progress, photos."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from inti.admin_base import CariPerTabel, HistoryAdmin, PerkiraanPaginator
from inti.numbers import format_rupiah

from .forms import FotoProgresAdminForm
from .models import (
    FotoProgres,
    Kegiatan,
    KegiatanKriteria,
    LaporanProgres,
    Pendanaan,
    SumberDana,
)


@admin.register(SumberDana)
class SumberDanaAdmin(HistoryAdmin):
    list_display = ["nama", "kode", "kategori", "tingkat", "adalah_bpm", "urutan"]
    list_editable = ["urutan"]
    list_filter = ["kategori", "tingkat", "adalah_bpm"]
    search_fields = ["nama", "kode"]


class PendanaanInline(admin.TabularInline):
    model = Pendanaan
    extra = 0
    autocomplete_fields = ["pemangku", "sumber"]
    fields = ["pemangku", "sumber", "rencana_rp", "realisasi_rp", "natura", "uraian_natura",
              "alasan_lebih", "komitmen_item"]
    raw_id_fields = ["komitmen_item"]


class KegiatanKriteriaInline(admin.TabularInline):
    """Every criterion the activity handles (the main one's row follows the main criterion
    when the activity is saved through the portal)."""

    model = KegiatanKriteria
    extra = 0
    fields = ["kriteria", "volume"]


class LaporanProgresInline(admin.TabularInline):
    model = LaporanProgres
    extra = 0
    fields = ["tanggal", "persen_fisik", "realisasi_rp", "catatan"]
    show_change_link = True


@admin.register(Kegiatan)
class KegiatanAdmin(CariPerTabel, HistoryAdmin):
    paginator = PerkiraanPaginator  # 330,000 activities nationally: no COUNT(*) per page
    list_display = ["nama", "desa", "kode_kriteria", "tahun_anggaran", "status", "volume",
                    "satuan", "rencana", "realisasi", "is_demo"]
    # No desa filter: a list of every desa does not scale (83,000 nationally); search by name.
    list_filter = ["tahun_anggaran", "status", "is_demo", "kriteria__aspek__nama",
                   "pendanaan__sumber"]
    list_select_related = ["desa", "kriteria"]
    ordering = ["-pk"]  # newest first by key (see PendanaanAdmin)
    search_fields = ["nama", "desa__nama", "kriteria__kode", "kriteria__nama"]
    autocomplete_fields = ["desa", "pelaksana"]
    raw_id_fields = ["kawasan", "lokasi", "item_rencana"]
    readonly_fields = ["dibuat_oleh", "dibuat_pada", "diubah_pada", "versi"]
    inlines = [PendanaanInline, KegiatanKriteriaInline, LaporanProgresInline]
    fieldsets = [
        (None, {"fields": ["desa", "kriteria", "nama", ("volume", "satuan", "volume_kriteria"),
                           "tahun_anggaran",
                           "status", "pelaksana", "is_demo"]}),
        (_("Lokasi"), {"fields": ["kawasan", "lokasi", ("rt", "rw"), ("lat", "lng")]}),
        (_("Rencana kolaboratif"), {"fields": ["item_rencana", "pendekatan", "komponen",
                                               "jenis_investasi"]}),
        (_("Waktu dan catatan"), {"fields": [("tanggal_mulai", "tanggal_selesai"),
                                             "keterangan"]}),
        (_("Sumber fakta (tanpa sumber = data demo)"),
         {"fields": ["sumber_judul", "sumber_url", "sumber_tanggal"]}),
        (_("Pencatatan"), {"fields": ["dibuat_oleh", "dibuat_pada", "diubah_pada", "versi"],
                           "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_totals()

    @admin.display(description=_("kriteria"), ordering="kriteria__kode")
    def kode_kriteria(self, obj):
        return obj.kriteria.kode

    @admin.display(description=_("rencana"), ordering="total_rencana")
    def rencana(self, obj):
        return format_rupiah(obj.total_rencana)

    @admin.display(description=_("realisasi"), ordering="total_realisasi")
    def realisasi(self, obj):
        return format_rupiah(obj.total_realisasi)

    def save_model(self, request, obj, form, change):
        # Bump the version so a facilitator's open form notices this edit (optimistic lock).
        if change:
            obj.versi = (obj.versi or 0) + 1
        else:
            obj.dibuat_oleh = request.user
        super().save_model(request, obj, form, change)


@admin.register(Pendanaan)
class PendanaanAdmin(CariPerTabel, HistoryAdmin):
    paginator = PerkiraanPaginator  # a million lines nationally: no COUNT(*) per page
    list_display = ["kegiatan", "pemangku", "sumber", "rencana", "realisasi", "natura"]
    list_filter = ["sumber", "natura", "pemangku__jenis", "kegiatan__tahun_anggaran"]
    list_select_related = ["kegiatan", "pemangku", "sumber"]
    # Newest first by key: the model's ordering (year, desa, activity across three tables)
    # sorts a million joined rows for every page (1.4 s nationally); a column sorts on click.
    ordering = ["-pk"]
    search_fields = ["kegiatan__nama", "pemangku__nama", "pemangku__singkatan", "sumber__nama"]
    autocomplete_fields = ["kegiatan", "pemangku", "sumber"]

    @admin.display(description=_("rencana"), ordering="rencana_rp")
    def rencana(self, obj):
        return format_rupiah(obj.rencana_rp)

    @admin.display(description=_("realisasi"), ordering="realisasi_rp")
    def realisasi(self, obj):
        return format_rupiah(obj.realisasi_rp)


class FotoProgresInline(admin.TabularInline):
    model = FotoProgres
    form = FotoProgresAdminForm
    extra = 0
    fields = ["foto", "tahap", "keterangan"]


@admin.register(LaporanProgres)
class LaporanProgresAdmin(HistoryAdmin):
    list_display = ["kegiatan", "tanggal", "persen_fisik", "realisasi", "dibuat_oleh"]
    list_filter = ["tanggal", "kegiatan__tahun_anggaran"]
    list_select_related = ["kegiatan", "dibuat_oleh"]
    search_fields = ["kegiatan__nama", "kegiatan__desa__nama", "catatan"]
    autocomplete_fields = ["kegiatan"]
    readonly_fields = ["dibuat_oleh", "dibuat_pada"]
    inlines = [FotoProgresInline]

    @admin.display(description=_("realisasi"), ordering="realisasi_rp")
    def realisasi(self, obj):
        return format_rupiah(obj.realisasi_rp)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.dibuat_oleh = request.user
        super().save_model(request, obj, form, change)


@admin.register(FotoProgres)
class FotoProgresAdmin(HistoryAdmin):
    form = FotoProgresAdminForm
    list_display = ["laporan", "tahap", "keterangan", "pratinjau"]
    list_filter = ["tahap"]
    list_select_related = ["laporan__kegiatan"]
    search_fields = ["laporan__kegiatan__nama", "keterangan"]
    autocomplete_fields = ["laporan"]

    @admin.display(description=_("foto"))
    def pratinjau(self, obj):
        if not obj.foto:
            return "–"
        return format_html('<img src="{}" alt="" height="60" loading="lazy">', obj.foto.url)
