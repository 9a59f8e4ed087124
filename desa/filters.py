"""Filters of the desa and assessment lists, and the desa, criterion and region fields that
the other apps' forms and filters share."""

import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from inti.forms_base import FilterForm
from inti.pilihan import DesaPilihanFilter, KecamatanPilihanField

from .models import Aspek, AturanPenilaian, Desa, Kecamatan, Kriteria, Penilaian, Tingkat


class KecamatanPilihanFilter(django_filters.ModelChoiceFilter):
    field_class = KecamatanPilihanField


class DesaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari nama atau kode"), method="filter_q",
    )
    # A select while few kecamatan are loaded; nationally (7,285) a text field for the
    # Kemendagri code or the name (inti.pilihan; an unknown one is a message, ignored).
    kecamatan = KecamatanPilihanFilter(
        queryset=Kecamatan.objects.all(), label=_("Kecamatan"), empty_label=_("Semua kecamatan"),
    )
    urut = django_filters.OrderingFilter(
        fields=(("kode_wilayah", "kode"), ("nama", "nama"), ("luas_poligon_km2", "luas")),
        field_labels={"kode": _("Kode"), "nama": _("Nama"), "luas": _("Luas")},
        label=_("Urutkan"), empty_label=_("Urutan bawaan"),
    )

    class Meta:
        model = Desa
        fields = ["q", "kecamatan"]
        form = FilterForm

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class PenilaianFilter(django_filters.FilterSet):
    """Assessment list filters; the view hands in the queryset the user may see."""

    # A select while few desa are loaded, a text field with suggestions at national scale.
    desa = DesaPilihanFilter(
        field_name="lokasi__desa", queryset=Desa.objects.order_by("nama"), label=_("Desa"),
        empty_label=_("Semua desa"),
    )
    tahun = django_filters.ChoiceFilter(label=_("Tahun"), empty_label=_("Semua tahun"))
    status = django_filters.ChoiceFilter(label=_("Status"), empty_label=_("Semua status"))
    tingkat = django_filters.ChoiceFilter(label=_("Tingkat kekumuhan"),
                                          empty_label=_("Semua tingkat"))
    urut = django_filters.OrderingFilter(
        fields=(("tahun", "tahun"), ("lokasi__desa__nama", "desa"), ("lokasi__nama", "lokasi"),
                ("total_skor", "skor"), ("status", "status"), ("diajukan_pada", "diajukan"),
                ("diubah_pada", "diubah")),
        field_labels={"tahun": _("Tahun"), "desa": _("Desa"), "lokasi": _("Lokasi"),
                      "skor": _("Total skor"), "status": _("Status"),
                      "diajukan": _("Tanggal diajukan"), "diubah": _("Terakhir diubah")},
        label=_("Urutkan"),
    )

    class Meta:
        model = Penilaian
        fields = ["desa", "tahun", "status", "tingkat"]
        form = FilterForm

    def __init__(self, *args, lihat_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        visible = self.queryset

        def tahun_choices():
            # Only the years of assessments this user may see (no hint of hidden drafts).
            years = visible.order_by("-tahun").values_list("tahun", flat=True).distinct()
            return [(y, str(y)) for y in years]

        self.filters["tahun"].extra["choices"] = tahun_choices
        self.filters["status"].extra["choices"] = Penilaian.Status.choices
        self.filters["tingkat"].extra["choices"] = Tingkat.choices
        if not lihat_status:
            # The public only ever sees verified data: a status filter would only confuse.
            del self.filters["status"]


# ---------------------------------------------------------------------------------------------
# Fields and filters other apps' forms share: criteria, aspects, a desa, a region code
# ---------------------------------------------------------------------------------------------


def label_kriteria(k) -> str:
    """``2b – Kualitas permukaan jalan lingkungan buruk``."""
    return f"{k.kode} – {k.nama}"


class KriteriaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return label_kriteria(obj)


class AspekChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.kode}. {obj.nama}"


class KriteriaFilter(django_filters.ModelChoiceFilter):
    field_class = KriteriaChoiceField


class AspekFilter(django_filters.ModelChoiceFilter):
    field_class = AspekChoiceField


def _aturan_bawaan():
    """The default rule set as a subquery: the same choice as ``AturanPenilaian.bawaan()``
    (the one marked default, else the newest), without a query of its own."""
    return AturanPenilaian.objects.order_by("-bawaan", "-pk").values("pk")[:1]


def kriteria_bawaan():
    """The 16 criteria of the default rule set, in their official order."""
    return (Kriteria.objects.filter(aturan=Subquery(_aturan_bawaan()))
            .order_by("urutan", "kode"))


def aspek_bawaan():
    return Aspek.objects.filter(aturan=Subquery(_aturan_bawaan())).order_by("kode")


def desa_filter(**kwargs):
    """A desa by Kemendagri code: a select while few desa are loaded, a text field with
    suggestions at national scale."""
    return DesaPilihanFilter(
        queryset=Desa.objects.order_by("nama"), to_field_name="kode_wilayah", label=_("Desa"),
        empty_label=_("Semua desa"), **kwargs)


#: A region code a scope takes: provinsi "35", kabupaten "35.19", kecamatan "35.19.09".
POLA_WILAYAH = r"^\d{2}(\.\d{2}(\.\d{2})?)?$"


class WilayahField(forms.RegexField):
    """A region scope by Kemendagri code: provinsi ``35``, kabupaten ``35.19`` or kecamatan
    ``35.19.09`` (the dashboards' ``?wilayah=``, which their links carry to the lists)."""

    default_error_messages = {"invalid": _(
        "Kode wilayah Kemendagri: provinsi 35, kabupaten 35.19 atau kecamatan 35.19.09.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Kode wilayah"))
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "35.19",
                                                           "inputmode": "decimal"}))
        super().__init__(POLA_WILAYAH, **kwargs)


class WilayahFilter(django_filters.CharFilter):
    field_class = WilayahField


class WilayahForm(FilterForm):
    """A page's region scope alone (``?wilayah=``), for pages without a filterset."""

    wilayah = WilayahField(required=False)

    def kode(self) -> str:
        """The valid code chosen, or "" (none, or refused: the field says why)."""
        return self.cleaned_data["wilayah"] if self.is_valid() else ""
