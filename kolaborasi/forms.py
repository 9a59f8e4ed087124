"""Entry forms for forums and pledges (facilitators in their desa, admins everywhere).

The desa and stakeholder fields are selects while the choices are few and text fields with
suggestions at national scale (``inti.pilihan``): a forum's participants use the
multi-value variant, one stakeholder per input.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from desa import akses
from desa.filters import KriteriaChoiceField, kriteria_bawaan
from inti.fields import RupiahField
from inti.forms_base import BootstrapFormMixin, DateInput
from inti.pilihan import (
    DesaPilihanField,
    PemangkuPilihanBanyakField,
    PemangkuPilihanField,
    PilihanBesarFormMixin,
)
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN

from .models import ForumKolaborasi, Komitmen, PemangkuKepentingan

_TAHUN_ERRORS = {
    "min_value": PESAN_TAHUN,
    "max_value": PESAN_TAHUN,
    "invalid": _("Tulis tahun dengan 4 angka, mis. 2024."),
    "required": _("Isi tahun."),
}


class ForumForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.ModelForm):
    class Meta:
        model = ForumKolaborasi
        fields = ["tanggal", "judul", "tempat", "desa", "peserta", "kesepakatan"]
        # The hint of the participants' control (select or text inputs) is the field's own.
        field_classes = {"desa": DesaPilihanField, "peserta": PemangkuPilihanBanyakField}
        widgets = {
            "tanggal": DateInput(),
            "peserta": forms.SelectMultiple(attrs={"size": 10}),
            "kesepakatan": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {"desa": _("Kosongkan untuk forum tingkat kecamatan/kabupaten.")}
        error_messages = {
            "tanggal": {"required": _("Isi tanggal forum."), "invalid": _("Tanggal tidak valid.")},
            "judul": {"required": _("Isi judul forum.")},
            "desa": {"invalid_choice": _("Pilih desa tugas Anda.")},
            "peserta": {"invalid_choice": _("Pilih peserta dari daftar."),
                        "invalid_pk_value": _("Pilih peserta dari daftar.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = akses.writable_desa(user).order_by("nama")
        self.fields["desa"].empty_label = _("– tanpa desa (forum lintas desa) –")
        self.fields["peserta"].queryset = PemangkuKepentingan.objects.order_by("nama")


class KomitmenForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.ModelForm):
    nilai_rp = RupiahField(label=_("Nilai janji (Rp)"), help_text=_("Mis. 50.000.000"),
                           error_messages={"required": _("Isi nilai janji.")})
    tahun = forms.IntegerField(label=_("Tahun"), min_value=TAHUN_MIN, max_value=TAHUN_MAX,
                               error_messages=_TAHUN_ERRORS,
                               widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                             "maxlength": "4"}))

    class Meta:
        model = Komitmen
        fields = ["pemangku", "desa", "kriteria", "tahun", "nilai_rp", "natura", "uraian",
                  "forum"]
        field_classes = {"kriteria": KriteriaChoiceField, "pemangku": PemangkuPilihanField,
                         "desa": DesaPilihanField}
        widgets = {"uraian": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "pemangku": {"required": _("Pilih pemangku kepentingan."),
                         "invalid_choice": _("Pilih pemangku kepentingan dari daftar.")},
            "desa": {"required": _("Pilih desa."), "invalid_choice": _("Pilih desa tugas Anda.")},
            "kriteria": {"invalid_choice": _("Pilih kriteria dari daftar.")},
            "forum": {"invalid_choice": _("Pilih forum dari daftar.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        writable = akses.writable_desa(user)
        self.fields["pemangku"].queryset = PemangkuKepentingan.objects.order_by("nama")
        self.fields["pemangku"].empty_label = _("– pilih pemangku –")
        self.fields["desa"].queryset = writable.order_by("nama")
        self.fields["desa"].empty_label = _("– pilih desa –")
        self.fields["kriteria"].queryset = kriteria_bawaan()
        self.fields["kriteria"].empty_label = _("– semua kriteria / tidak spesifik –")
        self.fields["forum"].queryset = ForumKolaborasi.objects.filter(
            Q(desa__isnull=True) | Q(desa__in=writable.values("pk"))).order_by("-tanggal")
        self.fields["forum"].empty_label = _("– tanpa forum –")
        self.fields["forum"].help_text = _("Forum tempat janji ini disepakati (bila ada).")

    def clean(self):
        data = super().clean()
        forum, desa = data.get("forum"), data.get("desa")
        if forum and desa and forum.desa_id and forum.desa_id != desa.pk:
            self.add_error("forum", _("Forum ini diadakan untuk desa lain."))
        if data.get("natura") and not (data.get("uraian") or "").strip():
            self.add_error("uraian", _("Janji natura perlu uraian (barang, tenaga, lahan)."))
        return data
