"""Admin of the stories, the feedback and its spam patterns."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inti.admin_base import HistoryAdmin

from . import masukan as layanan
from .models import Kabar, Masukan, PolaSpam, StatusKabar, TagKabar


@admin.register(TagKabar)
class TagKabarAdmin(admin.ModelAdmin):
    list_display = ["nama", "slug"]
    search_fields = ["nama", "slug"]
    prepopulated_fields = {"slug": ["nama"]}


class MasukanInline(admin.TabularInline):
    model = Masukan
    extra = 0
    fields = ["dibuat_pada", "nama", "pesan", "status", "balasan"]
    readonly_fields = ["dibuat_pada", "nama", "pesan"]
    show_change_link = True
    can_delete = False


@admin.register(Kabar)
class KabarAdmin(HistoryAdmin):
    list_display = ["judul", "status", "tanggal_terbit", "daftar_desa", "penulis", "is_demo"]
    list_filter = ["status", "is_demo", "tag"]
    list_select_related = ["penulis"]
    search_fields = ["judul", "ringkasan", "isi", "slug", "desa__nama"]
    date_hierarchy = "tanggal_terbit"
    autocomplete_fields = ["desa", "pemangku", "kegiatan"]
    filter_horizontal = ["tag"]
    prepopulated_fields = {"slug": ["judul"]}
    readonly_fields = ["dibuat_pada", "diubah_pada"]
    fieldsets = [
        (None, {"fields": ["judul", "slug", "ringkasan", "isi", "foto_sampul",
                           "keterangan_sampul"]}),
        (_("Terbit"), {"fields": ["status", "tanggal_terbit", "is_demo"]}),
        (_("Ringkasan dari tulisan lain: sumbernya"),
         {"fields": ["sumber_judul", "sumber_url", "sumber_tanggal"]}),
        (_("Data yang diceritakan"), {"fields": ["desa", "kegiatan", "pemangku", "tag"]}),
        (_("Internal (tidak pernah tampil di halaman umum)"),
         {"fields": ["penulis", "dibuat_pada", "diubah_pada"]}),
    ]
    actions = ["terbitkan", "jadikan_draf"]
    inlines = [MasukanInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("desa")

    @admin.display(description=_("desa"))
    def daftar_desa(self, obj):
        return ", ".join(d.nama for d in obj.desa.all())

    @admin.action(description=_("Terbitkan kabar terpilih"))
    def terbitkan(self, request, queryset):
        n = 0
        for kabar in queryset.exclude(status=StatusKabar.TERBIT):
            kabar.status = StatusKabar.TERBIT
            kabar.tanggal_terbit = kabar.tanggal_terbit or timezone.now()
            kabar.save()  # one by one: every change gets its history row
            n += 1
        self.message_user(request, ngettext("%d kabar diterbitkan.", "%d kabar diterbitkan.",
                                            n) % n, messages.SUCCESS)

    @admin.action(description=_("Jadikan draf (tarik dari halaman umum)"))
    def jadikan_draf(self, request, queryset):
        n = 0
        for kabar in queryset.filter(status=StatusKabar.TERBIT):
            kabar.status = StatusKabar.DRAF
            kabar.save()
            n += 1
        self.message_user(request, ngettext("%d kabar dijadikan draf.",
                                            "%d kabar dijadikan draf.", n) % n, messages.SUCCESS)


@admin.register(Masukan)
class MasukanAdmin(HistoryAdmin):
    list_display = ["ringkas", "nama", "sasaran_label", "status", "alasan_tahan", "dibuat_pada",
                    "ada_balasan", "is_demo"]
    list_filter = ["status", "is_demo", "dibuat_pada"]
    list_select_related = ["kabar", "kegiatan", "desa"]
    search_fields = ["pesan", "nama", "balasan", "alasan_tahan", "ip_hash"]
    date_hierarchy = "dibuat_pada"
    readonly_fields = ["kabar", "kegiatan", "desa", "nama", "pesan", "foto", "ip_hash",
                       "alasan_tahan", "dibuat_pada", "dimoderasi_oleh", "dimoderasi_pada",
                       "balasan_oleh", "balasan_pada"]
    fields = ["kabar", "kegiatan", "desa", "nama", "pesan", "foto", "status", "alasan_tahan",
              "balasan", "balasan_oleh", "balasan_pada", "dimoderasi_oleh", "dimoderasi_pada",
              "ip_hash", "dibuat_pada", "is_demo"]
    actions = ["setujui", "tolak", "tandai_spam"]

    def has_add_permission(self, request):
        return False  # feedback comes from the public form

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.dimoderasi_oleh, obj.dimoderasi_pada = request.user, timezone.now()
        if "balasan" in form.changed_data:
            obj.balasan_oleh, obj.balasan_pada = request.user, timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("pesan"))
    def ringkas(self, obj):
        return obj.pesan[:80]

    @admin.display(description=_("sasaran"))
    def sasaran_label(self, obj):
        return str(obj.sasaran)

    @admin.display(description=_("dibalas"), boolean=True)
    def ada_balasan(self, obj):
        return bool(obj.balasan)

    def _moderasi(self, request, queryset, aksi):
        n = layanan.moderasi(request.user, queryset, aksi)
        self.message_user(request, ngettext("%d masukan diperbarui.", "%d masukan diperbarui.",
                                            n) % n, messages.SUCCESS)

    @admin.action(description=_("Setujui (tampilkan untuk umum)"))
    def setujui(self, request, queryset):
        self._moderasi(request, queryset, layanan.Aksi.SETUJUI)

    @admin.action(description=_("Tolak"))
    def tolak(self, request, queryset):
        self._moderasi(request, queryset, layanan.Aksi.TOLAK)

    @admin.action(description=_("Tandai spam"))
    def tandai_spam(self, request, queryset):
        self._moderasi(request, queryset, layanan.Aksi.SPAM)


@admin.register(PolaSpam)
class PolaSpamAdmin(HistoryAdmin):
    list_display = ["pola", "jenis", "bobot", "aktif", "keterangan"]
    list_editable = ["bobot", "aktif"]
    list_filter = ["aktif", "jenis", "bobot"]
    search_fields = ["pola", "keterangan"]
    actions = ["aktifkan", "nonaktifkan"]

    @admin.action(description=_("Aktifkan"))
    def aktifkan(self, request, queryset):
        for p in queryset.filter(aktif=False):
            p.aktif = True
            p.save()

    @admin.action(description=_("Nonaktifkan"))
    def nonaktifkan(self, request, queryset):
        for p in queryset.filter(aktif=True):
            p.aktif = False
            p.save()
