"""The dashboards' filter form. Invalid values are ignored (never an error page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from anggaran.dashboard import Filter
from anggaran.filters import tahun_choices
from anggaran.models import SumberDana
from desa.filters import WilayahField, aspek_bawaan
from desa.wilayah import jejak_wilayah
from inti.forms_base import BootstrapFormMixin
from kolaborasi.models import JenisPemangku


class DashboardFilterForm(BootstrapFormMixin, forms.Form):
    tahun = forms.TypedChoiceField(label=_("Tahun anggaran"), required=False, coerce=int,
                                   empty_value=None)
    sumber = forms.ChoiceField(label=_("Sumber dana"), required=False)
    jenis = forms.ChoiceField(label=_("Jenis pemangku"), required=False)
    aspek = forms.ChoiceField(label=_("Aspek"), required=False)
    # A region scope: the Kemendagri code of a provinsi, kabupaten/kota or kecamatan; a free
    # code field so it works at national scale without listing 7,000 options (the pages link
    # every region to its scope, so nobody has to type one).
    wilayah = WilayahField(required=False)

    def __init__(self, data=None, *args, fields=("tahun", "sumber", "jenis", "aspek"),
                 **kwargs):
        if data is not None and data.get("kabupaten") and not data.get("wilayah"):
            data = data.copy()  # the old ?kabupaten=35.19 links keep working
            data["wilayah"] = data["kabupaten"]
        super().__init__(data, *args, **kwargs)
        self.jejak: list[dict] = []
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

    def clean_wilayah(self):
        kode = self.cleaned_data.get("wilayah")
        if kode:
            self.jejak = jejak_wilayah(kode)
            if not self.jejak:
                raise forms.ValidationError(
                    _("Tidak ada wilayah dengan kode %(kode)s."), params={"kode": kode})
        return kode

    def to_filter(self) -> Filter:
        """The valid part of the input as a Filter (an invalid field counts as "all")."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filter(
            tahun=data.get("tahun") or None, sumber=data.get("sumber") or None,
            jenis=data.get("jenis") or None, aspek=data.get("aspek") or None,
            wilayah=data.get("wilayah") or None,
        )
