"""The dashboards' filter form. Invalid values are ignored (never an error page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anggaran.dashboard import Filter
from anggaran.filters import aspek_bawaan, tahun_choices
from anggaran.models import SumberDana
from kolaborasi.models import JenisPemangku
from kotaku.forms_base import BootstrapFormMixin


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    tahun = forms.TypedChoiceField(label=_("Tahun anggaran"), required=False, coerce=int,
                                   empty_value=None)
    sumber = forms.ChoiceField(label=_("Sumber dana"), required=False)
    jenis = forms.ChoiceField(label=_("Jenis pemangku"), required=False)
    aspek = forms.ChoiceField(label=_("Aspek"), required=False)
    # A kabupaten scope (Kemendagri code); a free code field so it works at national scale
    # without listing 514 options.
    kabupaten = forms.RegexField(label=_("Kode kabupaten"), required=False,
                                 regex=r"^\d{2}\.\d{2}$", max_length=5,
                                 widget=forms.TextInput(attrs={"placeholder": "35.19",
                                                               "inputmode": "decimal"}))

    def __init__(self, *args, fields=("tahun", "sumber", "jenis", "aspek"), **kwargs):
        # The kabupaten scope matters only where more than one kabupaten is loaded.
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "tahun" in self.fields:
            self.fields["tahun"].choices = [("", _("Semua tahun"))] + tahun_choices()()
        if "sumber" in self.fields:
            self.fields["sumber"].choices = [("", _("Semua sumber"))] + list(
                SumberDana.objects.order_by("urutan").values_list("kode", "nama"))
        if "jenis" in self.fields:
            self.fields["jenis"].choices = [("", _("Semua jenis"))] + JenisPemangku.choices
        if "aspek" in self.fields:
            self.fields["aspek"].choices = [("", _("Semua aspek"))] + [
                (a.kode, f"{a.kode}. {a.nama}") for a in aspek_bawaan()]

    def to_filter(self) -> Filter:
        """The valid part of the input as a Filter (an invalid field counts as "all")."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filter(
            tahun=data.get("tahun") or None, sumber=data.get("sumber") or None,
            jenis=data.get("jenis") or None, aspek=data.get("aspek") or None,
            kabupaten=data.get("kabupaten") or None,
        )
