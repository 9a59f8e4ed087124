"""Entry forms of the collaborative plan (issue 15): a plan item with up to three criteria,
a commitment on an item, the agreement of a plan. They only validate fields; the rules live
in ``kolaborasi.rencana`` (the services), whose messages come back on the field."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from desa.filters import KriteriaChoiceField, kriteria_bawaan
from desa.models import Desa, Kawasan
from inti.fields import DecimalIDField, RupiahField
from inti.forms_base import BootstrapFormMixin, DateInput
from inti.pilihan import PemangkuPilihanField, PilihanBesarFormMixin
from inti.tahun import PESAN_TAHUN, TAHUN_MAX, TAHUN_MIN

from .models import ForumKolaborasi, PemangkuKepentingan
from .models_rencana import DokumenRencana, ItemRencana, JenisRencana, KomitmenItem

#: How many criterion rows the item form offers.
BARIS_KRITERIA = 3


def _tahun(label, wajib) -> forms.IntegerField:
    """A year typed with 4 digits, within the portal's range."""
    return forms.IntegerField(
        label=label, min_value=TAHUN_MIN, max_value=TAHUN_MAX,
        error_messages={"min_value": PESAN_TAHUN, "max_value": PESAN_TAHUN, "required": wajib,
                        "invalid": _("Tulis tahun dengan 4 angka, mis. 2024.")})


class DokumenRencanaForm(BootstrapFormMixin, forms.ModelForm):
    """A plan document. A facilitator writes the RPLP of one of their desa; the Admin also
    the kabupaten plan (RP2KPKP with its Memorandum Program)."""

    tahun_mulai = _tahun(_("Tahun mulai"), _("Isi tahun mulai."))
    tahun_selesai = _tahun(_("Tahun selesai"), _("Isi tahun selesai."))

    class Meta:
        model = DokumenRencana
        fields = ["jenis", "judul", "desa", "kabupaten", "tahun_mulai", "tahun_selesai",
                  "keterangan"]
        widgets = {"keterangan": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"judul": {"required": _("Isi judul rencana.")},
                          "desa": {"invalid_choice": _("Pilih desa dari daftar.")}}

    def __init__(self, *args, desa_qs, admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].queryset = desa_qs.order_by("nama")
        if self.instance.pk:  # the kind and the region of a plan stay
            for name in ("jenis", "desa", "kabupaten"):
                del self.fields[name]
        elif not admin:
            del self.fields["jenis"], self.fields["kabupaten"]
            self.fields["desa"].required = True
            self.fields["desa"].error_messages["required"] = _("Pilih desa rencana.")

    def clean(self):
        data = super().clean()
        if "jenis" in self.fields and not self.instance.pk:
            jenis = data.get("jenis")
            if jenis == JenisRencana.RPLP and not data.get("desa"):
                self.add_error("desa", _("RPLP harus terkait satu desa."))
            if jenis == JenisRencana.RP2KPKP and not data.get("kabupaten"):
                self.add_error("kabupaten", _("RP2KPKP harus terkait satu kabupaten/kota."))
        return data

    def _post_clean(self):
        # The kind follows the region for a facilitator (RPLP); the services validate.
        if "jenis" not in self.fields and not self.instance.pk:
            self.instance.jenis = JenisRencana.RPLP
        if self.cleaned_data.get("jenis") == JenisRencana.RPLP:
            self.cleaned_data["kabupaten"] = None
        elif self.cleaned_data.get("jenis") == JenisRencana.RP2KPKP:
            self.cleaned_data["desa"] = None
        super()._post_clean()


class ItemRencanaForm(BootstrapFormMixin, forms.ModelForm):
    volume = DecimalIDField(label=_("Volume"), min_value=Decimal("0.01"),
                            max_value=Decimal("999999999999.99"),
                            help_text=_("Mis. 170 atau 1.218,50"))
    biaya_rp = RupiahField(label=_("Perkiraan biaya (Rp)"), help_text=_("Mis. 150.000.000"),
                           error_messages={"required": _("Isi perkiraan biaya.")})
    tahun_target = _tahun(_("Tahun target"), _("Isi tahun target."))

    class Meta:
        model = ItemRencana
        fields = ["desa", "kawasan", "nama", "komponen", "jenis_investasi", "pendekatan",
                  "volume", "satuan", "biaya_rp", "tahun_target", "keterangan"]
        widgets = {"keterangan": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"nama": {"required": _("Isi nama item.")},
                          "volume": {"required": _("Isi volume."),
                                     "invalid": _("Tulis volume dengan angka.")},
                          "satuan": {"required": _("Isi satuan (mis. m, KK, unit).")}}

    def __init__(self, *args, dokumen, **kwargs):
        super().__init__(*args, **kwargs)
        self.dokumen = dokumen
        if dokumen.desa_id:
            del self.fields["desa"]
            # A kawasan may span several desa: those lying (partly) in this desa.
            self.fields["kawasan"].queryset = Kawasan.objects.filter(
                Q(desa_id=dokumen.desa_id) | Q(bagian_desa__desa_id=dokumen.desa_id)).distinct()
        else:
            self.fields["desa"].queryset = Desa.objects.filter(
                kecamatan__kabupaten_id=dokumen.kabupaten_id).order_by("nama")
            self.fields["desa"].required = True
            self.fields["kawasan"].queryset = Kawasan.objects.filter(
                desa__kecamatan__kabupaten_id=dokumen.kabupaten_id)
        self.fields["kawasan"].required = False
        for i in range(1, BARIS_KRITERIA + 1):
            self.fields[f"kriteria_{i}"] = KriteriaChoiceField(
                queryset=kriteria_bawaan(), required=False, label=_("Kriteria %(i)s") % {"i": i},
                error_messages={"invalid_choice": _("Pilih kriteria dari daftar.")})
            self.fields[f"volume_{i}"] = DecimalIDField(
                label=_("Volume kriteria %(i)s (satuan kriteria)") % {"i": i}, required=False,
                min_value=Decimal("0.01"), max_value=Decimal("999999999999.99"))
        self.beri_kelas(self.fields[f"{n}_{i}"] for i in range(1, BARIS_KRITERIA + 1)
                        for n in ("kriteria", "volume"))

        if self.instance.pk and not self.is_bound:  # editing: the item's criteria rows
            for i, row in enumerate(self.instance.item_kriteria.select_related("kriteria")
                                    .order_by("kriteria__urutan")[:BARIS_KRITERIA], start=1):
                self.initial[f"kriteria_{i}"] = row.kriteria
                self.initial[f"volume_{i}"] = row.volume

    def baris_kriteria(self) -> list[dict]:
        rows = []
        for i in range(1, BARIS_KRITERIA + 1):
            kriteria = self.cleaned_data.get(f"kriteria_{i}")
            if kriteria is not None:
                rows.append({"kriteria": kriteria, "volume": self.cleaned_data.get(f"volume_{i}")})
        return rows


class KomitmenItemForm(BootstrapFormMixin, PilihanBesarFormMixin, forms.ModelForm):
    jumlah = DecimalIDField(label=_("Jumlah (HOK/orang)"), required=False,
                            min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"))
    nilai_rp = RupiahField(label=_("Nilai (Rp)"), help_text=_(
        "Uang, atau nilai rupiah natura/tenaga/orang."),
        error_messages={"required": _("Isi nilai dalam rupiah.")})

    class Meta:
        model = KomitmenItem
        fields = ["pemangku", "jenis", "jumlah", "nilai_rp", "uraian", "forum"]
        field_classes = {"pemangku": PemangkuPilihanField}
        error_messages = {"pemangku": {"required": _("Pilih pemangku kepentingan."),
                                       "invalid_choice": _("Pilih pemangku dari daftar.")}}

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pemangku"].queryset = PemangkuKepentingan.objects.order_by("nama")
        self.fields["forum"].queryset = ForumKolaborasi.objects.order_by("-tanggal")
        self.fields["forum"].required = False


class SepakatiForm(BootstrapFormMixin, forms.Form):
    forum = forms.ModelChoiceField(
        label=_("Forum yang menyepakati"), queryset=ForumKolaborasi.objects.order_by("-tanggal"),
        error_messages={"required": _("Pilih forum yang menyepakati rencana."),
                        "invalid_choice": _("Pilih forum dari daftar.")})
    tanggal = forms.DateField(label=_("Tanggal disepakati"), widget=DateInput(),
                              error_messages={"required": _("Isi tanggal kesepakatan."),
                                              "invalid": _("Tanggal tidak sah.")})
