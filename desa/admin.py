import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from inti.admin_base import HistoryAdmin

from .filters import POLA_WILAYAH
from .models import (
    Aspek,
    AturanPenilaian,
    Desa,
    Kabupaten,
    Kawasan,
    KawasanDesa,
    Kecamatan,
    Kriteria,
    LembagaMasyarakat,
    Lokasi,
    Penilaian,
    Penugasan,
    Provinsi,
    SKKumuh,
    VolumePenilaian,
)
from .penilaian import buka_kembali
from .wilayah import MODEL_KODE, dalam_wilayah, jejak_wilayah, tingkat_bawah


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


class _WilayahFilter(admin.SimpleListFilter):
    """A region by Kemendagri code, drilled down one level at a time: the nation's provinces,
    then a province's kabupaten, a kabupaten's kecamatan, a kecamatan's desa, with the way
    back up. A plain filter on the desa listed every desa as a choice: 83,762 links, 2 s per
    changelist nationally."""

    title = _("wilayah")
    parameter_name = "wilayah"
    jalur = ""  # from the listed model to its desa ("" for Desa itself)

    def lookups(self, request, model_admin):
        kode = self.value() or ""
        if kode.count(".") >= 3:  # a desa: its kecamatan's desa
            kode = kode.rsplit(".", 1)[0]
        naik = [(j["kode"], f"↑ {j['judul']}") for j in jejak_wilayah(kode)]
        model = MODEL_KODE.get(tingkat_bawah(kode), Desa)
        bawah = model.objects.filter(kode_wilayah__startswith=f"{kode}." if kode else "")
        return naik + [(r.kode_wilayah, f"{r.kode_wilayah} {r.nama}")
                       for r in bawah.order_by("kode_wilayah").only("kode_wilayah", "nama")]

    def has_output(self):
        # A chosen code with nothing under it (a region not loaded) still filters: the
        # admin drops a filter without choices, and would list everything.
        return bool(self.lookup_choices) or self.value() is not None

    def queryset(self, request, queryset):
        kode = self.value()
        if not kode:
            return queryset
        if kode.count(".") >= 3:
            return queryset.filter(**{f"{self.jalur}kode_wilayah": kode})
        if not re.fullmatch(POLA_WILAYAH, kode):
            return queryset.none()
        return queryset.filter(dalam_wilayah(kode, self.jalur))


def filter_wilayah(jalur: str) -> type:
    """The region filter of a model whose desa lies at ``jalur`` (``"lokasi__desa__"``)."""
    return type("WilayahFilter", (_WilayahFilter,), {"jalur": jalur})


@admin.register(Desa)
class DesaAdmin(HistoryAdmin):
    list_display = ["kode_wilayah", "nama", "nama_alias", "tipe", "kecamatan", "kode_bps",
                    "luas_poligon"]
    list_filter = ["tipe", filter_wilayah("")]
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

    @admin.display(description="luas poligon (km²)", ordering="luas_poligon_km2")
    def luas_poligon(self, obj):
        """Indonesian decimals: "3,250" (the admin's own grouping showed "3.250", which an
        Indonesian reads as three thousand two hundred and fifty; issue 17)."""
        from inti.numbers import format_decimal_id

        value = obj.luas_poligon_km2
        return "–" if value is None else format_decimal_id(value, 3)


class PenugasanInline(admin.TabularInline):
    model = Penugasan
    extra = 1
    autocomplete_fields = ["desa", "kecamatan"]


@admin.register(Penugasan)
class PenugasanAdmin(HistoryAdmin):
    list_display = ["user", "desa", "kecamatan"]
    list_filter = [filter_wilayah("desa__")]
    list_select_related = ["user", "desa", "kecamatan"]
    search_fields = ["user__username", "user__first_name", "desa__nama", "kecamatan__nama"]
    autocomplete_fields = ["user", "desa", "kecamatan"]


# ---------------------------------------------------------------------------------------------
# Slum assessment: rule sets, kawasan, locations, assessments
# ---------------------------------------------------------------------------------------------

_RULE_TABLES = {
    "ambang_skor": list,
    "batas_tingkat": list,
    "tabel_prioritas": dict,
}


class AturanPenilaianForm(forms.ModelForm):
    class Meta:
        model = AturanPenilaian
        fields = ["kode", "nama", "dasar_hukum", "keterangan", "bawaan", "ambang_skor",
                  "batas_tingkat", "tabel_prioritas"]

    def clean(self):
        cleaned = super().clean()
        # A wrong JSON shape would make the rule set fail in surprising ways (and pages with
        # it): say which table is wrong before the model's own consistency check runs.
        for name, kind in _RULE_TABLES.items():
            value = cleaned.get(name)
            if value is not None and not isinstance(value, kind):
                self.add_error(name, _("Harus berupa %(jenis)s JSON.") % {
                    "jenis": _("daftar [ ... ]") if kind is list else _("objek { ... }")})
        return cleaned

    def _post_clean(self):
        try:
            super()._post_clean()
        except (AttributeError, KeyError, IndexError) as exc:  # shapes to_ruleset cannot read
            self.add_error(None, _("Aturan tidak konsisten: %(err)s") % {"err": exc})


class AspekInline(admin.TabularInline):
    model = Aspek
    extra = 0
    fields = ["kode", "nama"]


class KriteriaInlineForm(forms.ModelForm):
    class Meta:
        model = Kriteria
        fields = ["urutan", "kode", "aspek", "nama", "satuan", "penyebut"]

    def clean(self):
        cleaned = super().clean()
        aspek = cleaned.get("aspek")
        if aspek is not None and self.instance.aturan_id and aspek.aturan_id != \
                self.instance.aturan_id:
            self.add_error("aspek", _("Pilih aspek dari aturan penilaian yang sama."))
        return cleaned


class KriteriaInline(admin.TabularInline):
    model = Kriteria
    form = KriteriaInlineForm
    extra = 0
    fields = ["urutan", "kode", "aspek", "nama", "satuan", "penyebut"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("aspek")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "aspek":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Aspek.objects.filter(aturan_id=object_id) if object_id \
                else Aspek.objects.none()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AturanPenilaian)
class AturanPenilaianAdmin(HistoryAdmin):
    form = AturanPenilaianForm
    list_display = ["kode", "nama", "dasar_hukum", "bawaan"]
    list_filter = ["bawaan"]
    search_fields = ["kode", "nama", "dasar_hukum"]
    inlines = [AspekInline, KriteriaInline]

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            if change:
                from .penilaian import terapkan_aturan

                # Rules changed: every score under them and the stored condition follow.
                terapkan_aturan(form.instance)
    fieldsets = [
        (None, {"fields": ["kode", "nama", "dasar_hukum", "keterangan", "bawaan"]}),
        (_("Aturan (JSON)"), {
            "fields": ["ambang_skor", "batas_tingkat", "tabel_prioritas"],
            "description": _("Setelah aturan diubah, hitung ulang penilaian yang memakainya "
                             "(aksi \u201cHitung ulang skor\u201d di daftar penilaian)."),
        }),
    ]


class SKKumuhForm(forms.ModelForm):
    class Meta:
        model = SKKumuh
        fields = ["nomor", "judul", "tanggal", "tahun", "ditandatangani_oleh", "kabupaten",
                  "dokumen", "menggantikan", "sumber"]

    def clean_dokumen(self):
        from .kawasan import validasi_pdf

        berkas = self.cleaned_data.get("dokumen")
        if berkas and hasattr(berkas, "content_type"):  # a new upload
            validasi_pdf(berkas)
        return berkas


@admin.register(SKKumuh)
class SKKumuhAdmin(HistoryAdmin):
    form = SKKumuhForm
    list_display = ["nomor", "tahun", "kabupaten", "ditandatangani_oleh", "menggantikan"]
    list_select_related = ["kabupaten", "menggantikan"]
    search_fields = ["nomor", "judul"]
    autocomplete_fields = ["kabupaten", "menggantikan"]


class KawasanDesaInline(admin.TabularInline):
    model = KawasanDesa
    extra = 1
    autocomplete_fields = ["desa"]


class KawasanAdminForm(forms.ModelForm):
    class Meta:
        model = Kawasan
        fields = ["desa", "nama", "luas_ha", "sk", "sk_nomor", "sk_tahun", "jenis", "delineasi",
                  "jumlah_penduduk", "status_lahan_jelas", "sesuai_tata_ruang",
                  "nilai_strategis", "potensi_sosial_ekonomi", "keterangan", "is_demo"]

    def clean_delineasi(self):
        from .kawasan import validasi_delineasi

        data = self.cleaned_data.get("delineasi")
        return validasi_delineasi(data) if data else None


@admin.register(Kawasan)
class KawasanAdmin(HistoryAdmin):
    form = KawasanAdminForm
    list_display = ["nama", "desa", "luas_ha", "sk", "jenis", "is_demo"]
    list_filter = ["jenis", "is_demo", "sk"]
    list_select_related = ["desa", "sk"]
    search_fields = ["nama", "desa__nama", "sk_nomor"]
    autocomplete_fields = ["desa", "sk"]
    inlines = [KawasanDesaInline]


@admin.register(LembagaMasyarakat)
class LembagaMasyarakatAdmin(HistoryAdmin):
    list_display = ["nama", "desa", "jenis", "fungsi", "aktif", "is_demo"]
    list_filter = ["jenis", "fungsi", "aktif", "is_demo"]
    list_select_related = ["desa"]
    search_fields = ["nama", "desa__nama"]
    autocomplete_fields = ["desa"]


@admin.register(Lokasi)
class LokasiAdmin(HistoryAdmin):
    list_display = ["nama", "desa", "rt_nomor", "rw_nomor", "rt", "rw", "kawasan", "is_demo"]
    list_filter = ["is_demo", filter_wilayah("desa__")]
    list_select_related = ["desa", "kawasan"]
    search_fields = ["nama", "desa__nama", "rt", "rw", "kawasan__nama"]
    autocomplete_fields = ["desa", "kawasan"]


class VolumeInlineFormSet(BaseInlineFormSet):
    """The entry form's rules in the admin too: no negative volume, none above or over a zero
    denominator (``desa.penilaian.volume_errors``), against the header being saved."""

    def clean(self):
        super().clean()
        from .penilaian import volume_errors

        penilaian = self.instance
        if not penilaian.aturan_id:
            return
        forms_by_code, volumes = {}, {}
        for form in self.forms:
            volume = getattr(form, "cleaned_data", {}).get("volume")
            if volume is None or not form.instance.kriteria_id:
                continue
            code = form.instance.kriteria.kode
            forms_by_code[code], volumes[code] = form, volume
        try:
            errors = volume_errors(penilaian.header(), volumes, penilaian.aturan.to_ruleset())
        except (TypeError, ValueError, ArithmeticError):
            return  # the header itself is invalid; its fields already carry the errors
        for code, message in errors.items():
            forms_by_code[code].add_error("volume", message)
        if errors:
            raise ValidationError(_("Ada volume yang tidak wajar; lihat baris yang ditandai."))


class VolumeInline(admin.TabularInline):
    model = VolumePenilaian
    formset = VolumeInlineFormSet
    extra = 0
    can_delete = False
    fields = ["kriteria", "volume", "persen", "skor"]
    readonly_fields = ["kriteria", "persen", "skor"]

    def has_add_permission(self, request, obj=None):
        # Every criterion gets its row when the assessment is saved (see save_related).
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("kriteria")


@admin.register(Penilaian)
class PenilaianAdmin(HistoryAdmin):
    list_display = ["__str__", "desa", "tahun", "jenis", "status", "total_skor", "tingkat",
                    "is_demo", "diubah_pada"]
    list_filter = ["status", "tahun", "tingkat", filter_wilayah("lokasi__desa__"), "jenis",
                   "is_demo"]
    list_select_related = ["lokasi__desa"]
    search_fields = ["lokasi__nama", "lokasi__desa__nama", "lokasi__desa__kode_wilayah"]
    autocomplete_fields = ["lokasi"]
    date_hierarchy = "dibuat_pada"
    inlines = [VolumeInline]
    actions = ["hitung_ulang_skor"]
    readonly_fields = ["total_skor", "tingkat", "rata_rata_sektoral", "prioritas",
                       "pola_penanganan", "versi", "dibuat_oleh", "dibuat_pada", "diubah_pada",
                       "diajukan_pada", "diverifikasi_oleh", "diverifikasi_pada"]
    fieldsets = [
        (None, {"fields": ["lokasi", "tahun", "jenis", "aturan", "status", "is_demo"]}),
        (_("Data dasar (penyebut)"), {"fields": [
            "luas_ha", "jumlah_bangunan", "jumlah_kk", "jumlah_penduduk",
            "panjang_jalan_ideal_m", "panjang_drainase_ideal_m"]}),
        (_("Legalitas lahan dan pertimbangan lain"), {"fields": [
            "status_lahan_jelas", "sesuai_tata_ruang", "nilai_strategis", "kepadatan_penduduk",
            "potensi_sosial_ekonomi"], "classes": ["collapse"]}),
        (_("Hasil (dihitung otomatis)"), {"fields": [
            "total_skor", "tingkat", "rata_rata_sektoral", "prioritas", "pola_penanganan"]}),
        (_("Verifikasi"), {"fields": [
            "catatan_verifikasi", "diajukan_pada", "diverifikasi_oleh", "diverifikasi_pada"]}),
        (_("Catatan sistem"), {"fields": ["versi", "dibuat_oleh", "dibuat_pada",
                                          "diubah_pada"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("desa"), ordering="lokasi__desa__nama")
    def desa(self, obj):
        return obj.lokasi.desa.nama

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The volume rows belong to the rule set's criteria; switching it would orphan them.
            fields.append("aturan")
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lokasi__desa", "aturan")

    def save_model(self, request, obj, form, change):
        if change:
            obj._desa_lama = set(Penilaian.objects.filter(pk=obj.pk)
                                 .values_list("lokasi__desa_id", flat=True))
            # Bump the version so a portal form opened before this admin edit is refused.
            current = Penilaian.objects.filter(pk=obj.pk).values_list("versi", flat=True).first()
            obj.versi = (current or obj.versi) + 1
            # Editing the data of a verified assessment reopens it (issue 18): the verifier's
            # name must not stand under numbers they never saw.
            if (form.initial.get("status") == Penilaian.Status.DIVERIFIKASI
                    and obj.status == Penilaian.Status.DIVERIFIKASI
                    and set(form.changed_data) - {"status", "is_demo"}):
                buka_kembali(obj)
                self.message_user(request, _("Penilaian terverifikasi diubah: statusnya kembali "
                                             "menjadi diajukan dan perlu diverifikasi ulang."),
                                  messages.WARNING)
        else:
            obj.dibuat_oleh = obj.dibuat_oleh or request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            if (change and obj.status == Penilaian.Status.DIVERIFIKASI
                    and any(f.has_changed() for f in formsets)):
                buka_kembali(obj)
                obj.save(update_fields=["status", "diverifikasi_oleh", "diverifikasi_pada",
                                        "diajukan_pada"])
                self.message_user(request, _("Volume penilaian terverifikasi diubah: statusnya "
                                             "kembali menjadi diajukan."), messages.WARNING)
            _lengkapi_dan_hitung(obj)
            from . import kondisi_tersimpan

            # Status or data changed in the admin: the stored condition follows (same
            # transaction); the location may have moved, so both desa.
            kondisi_tersimpan.perbarui({obj.lokasi.desa_id, *getattr(obj, "_desa_lama", ())})

    @admin.action(description=_("Hitung ulang skor penilaian terpilih"))
    def hitung_ulang_skor(self, request, queryset):
        from .penilaian import hitung_ulang_skor

        n = hitung_ulang_skor(queryset)
        self.message_user(request, _("%(n)s penilaian dihitung ulang.") % {"n": n},
                          messages.SUCCESS)

    def delete_model(self, request, obj):
        from .penilaian import hapus_penilaian

        hapus_penilaian(obj)

    def delete_queryset(self, request, queryset):
        from . import kondisi_tersimpan

        with transaction.atomic():
            desa_ids = set(queryset.values_list("lokasi__desa_id", flat=True))
            super().delete_queryset(request, queryset)
            kondisi_tersimpan.perbarui(desa_ids)


def _lengkapi_dan_hitung(penilaian: Penilaian) -> None:
    from .penilaian import lengkapi_dan_hitung

    lengkapi_dan_hitung(penilaian)
