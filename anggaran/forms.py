"""Entry forms: an activity with its funding lines, and a progress report with photos.

Every message is Indonesian and sits on the field it is about; the model's constraints stay
the last line of defence (their messages explain them too).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from desa import akses
from desa.filters import KriteriaChoiceField, kriteria_bawaan
from desa.models import Kawasan, Kriteria, Lokasi
from inti import images
from inti.fields import DecimalIDField, RupiahField
from inti.forms_base import BootstrapFormMixin, DateInput
from inti.numbers import format_decimal_id
from inti.pilihan import (
    DesaPilihanField,
    PemangkuPilihanField,
    PilihanBesarFormMixin,
    contoh,
)
from inti.tahun import TAHUN_MAX, TAHUN_MIN
from kolaborasi.models import PemangkuKepentingan

from .models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan, SumberDana


def persen_text(value) -> str:
    """``Decimal("72.50")`` → ``"72,5"``; ``Decimal("100.00")`` → ``"100"``."""
    return format_decimal_id(value, 2).rstrip("0").rstrip(",")


class LokasiChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        rt_rw = " ".join(filter(None, [obj.rt and f"RT {obj.rt}", obj.rw and f"RW {obj.rw}"]))
        return f"{obj.desa.nama}: {obj.nama}" + (f" ({rt_rw})" if rt_rw else "")


class KawasanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.desa.nama}: {obj.nama}"


class KegiatanForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.ModelForm):
    """The activity itself. ``versi`` carries the version the form was opened at.

    ``desa`` is a select for a facilitator's few desa and a text field with suggestions for
    an admin at national scale (``inti.pilihan``). Kawasan, location and executing body
    belong to one desa: with that many desa they are offered for the desa chosen (the one
    asked for, the activity's, or the one posted), else ``pilih_desa_dulu`` is set and the
    page asks for the desa first.
    """

    volume = DecimalIDField(label=_("Volume"), min_value=Decimal("0.01"),
                            max_value=Decimal("999999999999.99"),
                            help_text=_("Mis. 170 atau 1.218,50"))
    volume_kriteria = DecimalIDField(
        label=_("Volume tertangani (satuan kriteria)"), required=False, min_value=Decimal(0),
        max_value=Decimal("999999999999.99"), help_text=_(
            "Hanya bila satuan kegiatan lain dari satuan kriteria: mis. 4 gerobak sampah "
            "melayani 120 KK → isi 120. Dipakai untuk menghitung dampak (kumuh akhir)."))
    tahun_anggaran = forms.IntegerField(
        label=_("Tahun anggaran"), min_value=TAHUN_MIN, max_value=TAHUN_MAX,
        error_messages={
            "min_value": _("Tahun anggaran harus antara 2000 dan 2100."),
            "max_value": _("Tahun anggaran harus antara 2000 dan 2100."),
            "invalid": _("Tulis tahun dengan 4 angka, mis. 2018."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
    )
    versi = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                               max_value=2**31)

    class Meta:
        model = Kegiatan
        fields = ["desa", "kriteria", "nama", "volume", "satuan", "volume_kriteria",
                  "tahun_anggaran", "status",
                  "kawasan", "lokasi", "rt", "rw", "pelaksana", "tanggal_mulai",
                  "tanggal_selesai", "keterangan"]
        field_classes = {"kriteria": KriteriaChoiceField, "lokasi": LokasiChoiceField,
                         "kawasan": KawasanChoiceField, "desa": DesaPilihanField}
        widgets = {
            "tanggal_mulai": DateInput(), "tanggal_selesai": DateInput(),
            "keterangan": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "desa": {"required": _("Pilih desa."),
                     "invalid_choice": _("Pilih desa tugas Anda.")},
            "kriteria": {"required": _("Pilih kriteria yang ditangani."),
                         "invalid_choice": _("Pilih kriteria dari daftar.")},
            "nama": {"required": _("Isi nama kegiatan.")},
            "satuan": {"required": _("Isi satuan volume, mis. m, unit, KK.")},
            "tanggal_mulai": {"invalid": _("Tanggal tidak valid.")},
            "tanggal_selesai": {"invalid": _("Tanggal tidak valid.")},
        }

    def __init__(self, *args, user, desa=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        writable = akses.writable_desa(user)
        desa_field = self.fields["desa"]
        desa_field.queryset = writable.order_by("nama")
        desa_field.empty_label = _("– pilih desa –")
        self.pilih_desa_dulu = False
        # Choices of the desa being edited (or the one asked for); the model's clean() still
        # checks that they belong to the activity's desa.
        if desa is not None:
            scope = [desa.pk]
            desa_field.simpan_label([desa])
        else:
            scope = writable.values("pk")
            desa_field.siapkan()  # the probe that also fills the select
            if desa_field.besar:
                chosen = self._desa_dikirim(desa_field)
                scope = [chosen.pk] if chosen is not None else []
                self.pilih_desa_dulu = chosen is None
        if self.pilih_desa_dulu:
            for name in ("kawasan", "lokasi", "pelaksana"):
                self.fields[name].help_text = _("Pilihan muncul setelah desa dipilih (kotak "
                                                "“Pilih desa dulu” di atas).")
        self.fields["kawasan"].queryset = (
            Kawasan.objects.filter(desa__in=scope).select_related("desa").order_by("desa__nama",
                                                                                   "nama"))
        self.fields["lokasi"].queryset = (
            Lokasi.objects.filter(desa__in=scope).select_related("desa").order_by("desa__nama",
                                                                                  "nama"))
        self.fields["pelaksana"].queryset = (
            PemangkuKepentingan.objects.pelaksana().filter(desa__in=scope).order_by("nama"))
        kriteria = kriteria_bawaan()
        if self.instance.pk and self.instance.kriteria_id:
            # An older activity may address a criterion of an older rule set: keep it valid.
            kriteria = Kriteria.objects.filter(
                Q(pk__in=kriteria.values("pk")) | Q(pk=self.instance.kriteria_id)
            ).order_by("aturan__bawaan", "urutan", "kode")
        self.fields["kriteria"].queryset = kriteria
        self.fields["kriteria"].empty_label = _("– pilih kriteria –")
        for name in ("kawasan", "lokasi", "pelaksana"):
            self.fields[name].empty_label = _("– tidak ada –")
        self.fields["nama"].widget.attrs["maxlength"] = "200"
        if not self.is_bound:
            self.fields["versi"].initial = self.instance.versi if self.instance.pk else None
            if desa is not None and not self.instance.pk:
                self.fields["desa"].initial = desa.pk
            if not self.instance.pk and self.initial.get("tahun_anggaran") is None:
                # The year being entered is nearly always this budget year (issue 17).
                import datetime

                self.initial["tahun_anggaran"] = datetime.date.today().year

    def _desa_dikirim(self, field):
        """The desa posted in the form, if it resolves (validation reuses the lookup)."""
        if not self.is_bound:
            return None
        try:
            return field.clean(field.widget.value_from_datadict(
                self.data, self.files, self.add_prefix("desa")))
        except ValidationError:
            return None

    def clean(self):
        data = super().clean()
        mulai, selesai = data.get("tanggal_mulai"), data.get("tanggal_selesai")
        if mulai and selesai and selesai < mulai:
            self.add_error("tanggal_selesai",
                           _("Tanggal selesai tidak boleh sebelum tanggal mulai."))
        return data


class PendanaanForm(BootstrapFormMixin, forms.ModelForm):
    rencana_rp = RupiahField(label=_("Rencana (Rp)"), help_text=_("Mis. 100.000.000"),
                             error_messages={"required": _("Isi nilai rencana.")})
    realisasi_rp = RupiahField(label=_("Realisasi (Rp)"), required=False)

    class Meta:
        model = Pendanaan
        fields = ["pemangku", "sumber", "rencana_rp", "realisasi_rp", "natura",
                  "uraian_natura", "alasan_lebih"]
        field_classes = {"pemangku": PemangkuPilihanField}
        error_messages = {
            "pemangku": {"required": _("Pilih pemberi dana."),
                         "invalid_choice": _("Pilih pemberi dana dari daftar.")},
            "sumber": {"required": _("Pilih sumber dana."),
                       "invalid_choice": _("Pilih sumber dana dari daftar.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pemangku"].empty_label = _("– pilih pemberi dana –")
        self.fields["sumber"].empty_label = _("– pilih sumber –")

    def clean_realisasi_rp(self):
        value = self.cleaned_data.get("realisasi_rp")
        return Decimal(0) if value is None else value

    # The line's rules are the model's (``Pendanaan.clean``), which the ModelForm runs.


class BasePendanaanFormSet(forms.BaseInlineFormSet):
    """Funding lines of one activity: at least one, choices read once for every row.

    The funder is a select while there are few stakeholders and a text field with
    suggestions at national scale (``inti.pilihan``); one probe decides for every row.
    """

    def __init__(self, *args, **kwargs):
        # The saved lines come with their funder: its label in a text field costs no query.
        kwargs.setdefault("queryset", Pendanaan.objects.select_related("pemangku"))
        super().__init__(*args, **kwargs)
        # One query per choice list for the whole formset, not one per row.
        self._pemangku_baris = contoh(PemangkuKepentingan.objects.all(),
                                      PemangkuPilihanField.kolom)
        sumber = list(SumberDana.objects.values_list("pk", "nama"))
        self._choices = {"sumber": sumber}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        self._share_choices(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        self._share_choices(form)
        return form

    def _share_choices(self, form):
        for name, choices in self._choices.items():
            field = form.fields[name]
            field.choices = [("", field.empty_label), *choices]
        field = form.fields["pemangku"]
        field.pakai_baris(self._pemangku_baris)
        if field.besar and form.instance.pk and form.instance.pemangku_id:
            field.simpan_label([form.instance.pemangku])

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        lines = [f for f in self.forms
                 if not self._should_delete_form(f) and (f.instance.pk or f.has_changed())]
        if not lines:
            raise ValidationError(_("Isi paling sedikit satu baris pendanaan."),
                                  code="no_lines")


def pendanaan_formset(extra: int):
    return forms.inlineformset_factory(
        Kegiatan, Pendanaan, form=PendanaanForm, formset=BasePendanaanFormSet,
        extra=extra, can_delete=True, max_num=50, validate_max=True, absolute_max=60)


class LaporanProgresForm(BootstrapFormMixin, forms.ModelForm):
    persen_fisik = DecimalIDField(label=_("Progres fisik (%)"), min_value=Decimal(0),
                                  max_value=Decimal(100), help_text=_("0 sampai 100, mis. 50 "
                                                                      "atau 72,5"))
    realisasi_rp = RupiahField(label=_("Realisasi s.d. tanggal ini (Rp)"), required=False)

    class Meta:
        model = LaporanProgres
        fields = ["tanggal", "persen_fisik", "realisasi_rp", "catatan"]
        widgets = {"tanggal": DateInput(), "catatan": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"tanggal": {"required": _("Isi tanggal laporan."),
                                      "invalid": _("Tanggal tidak valid.")}}

    def __init__(self, *args, terakhir=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.terakhir = terakhir
        if terakhir is not None:
            self.fields["persen_fisik"].help_text = _(
                "Laporan terakhir: %(p)s%%. Bila lebih rendah, jelaskan di catatan."
            ) % {"p": persen_text(terakhir.persen_fisik)}

    def clean_realisasi_rp(self):
        value = self.cleaned_data.get("realisasi_rp")
        return Decimal(0) if value is None else value

    def clean(self):
        data = super().clean()
        persen = data.get("persen_fisik")
        if (self.terakhir is not None and persen is not None
                and persen < self.terakhir.persen_fisik
                and not (data.get("catatan") or "").strip()):
            self.add_error("persen_fisik", _(
                "Progres fisik tidak boleh turun dari laporan terakhir (%(p)s%%) tanpa "
                "catatan yang menjelaskan alasannya."
            ) % {"p": persen_text(self.terakhir.persen_fisik)})
        return data


class FotoForm(BootstrapFormMixin, forms.Form):
    foto = forms.FileField(
        label=_("Foto"), required=False,
        widget=forms.FileInput(attrs={"accept": images.ACCEPT}),
        error_messages={"invalid": _("Berkas tidak terbaca."),
                        "empty": _("Berkas foto kosong.")},
    )
    tahap = forms.ChoiceField(label=_("Tahap"), choices=FotoProgres.Tahap.choices,
                              initial=FotoProgres.Tahap.LAIN)
    keterangan = forms.CharField(label=_("Keterangan foto"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["foto"].widget
        widget.attrs["data-preview"] = "1"
        widget.attrs["data-max-mb"] = str(images.max_upload_mb())
        self.fields["foto"].help_text = _("JPEG, PNG atau WebP, paling besar %(mb)s MB.") % {
            "mb": images.max_upload_mb()}

    def clean_foto(self):
        upload = self.cleaned_data.get("foto")
        if not upload:
            return None
        return images.proses_foto(upload)


FotoFormSet = forms.formset_factory(FotoForm, extra=3, max_num=3, absolute_max=3,
                                    validate_max=True)


class FotoProgresAdminForm(forms.ModelForm):
    """The admin stores photos through the same checks and re-encoding as the portal."""

    class Meta:
        model = FotoProgres
        fields = ["laporan", "foto", "tahap", "keterangan"]

    def clean_foto(self):
        upload = self.cleaned_data.get("foto")
        if isinstance(upload, UploadedFile):  # a new file (not the one already stored)
            return images.proses_foto(upload)
        return upload
