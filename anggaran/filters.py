"""Filters of the activity list (the same queryset feeds the page and its CSV/XLSX exports)."""

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from desa.models import Aspek, AturanPenilaian, Desa, Kriteria
from inti.cache import cached_aggregate
from inti.forms_base import FilterForm
from inti.pilihan import DesaPilihanFilter, PemangkuPilihanFilter
from kolaborasi.models import JenisPemangku, PemangkuKepentingan

from .dashboard import cakupan_bawaan, dalam_wilayah, satu_kecamatan
from .models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana


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


@cached_aggregate("tahun_tersedia")
def tahun_tersedia(model_label: str, field: str) -> list[int]:
    """The years present in ``model_label``'s ``field``, newest first.

    At national scale ``SELECT DISTINCT`` over 333,898 activities costs 70-170 ms on every
    page with a year filter (the list and every dashboard), for a list that changes about
    once a year. It is cached under the dashboards' data version (``anggaran.cache``): any
    committed save or delete of an activity or pledge bumps the version, so a new or vanished
    year shows at the next request. Uncached with a per-process cache, as the dashboards.
    """
    model = apps.get_model(model_label)
    return list(model.objects.order_by(f"-{field}").values_list(field, flat=True).distinct())


def tahun_choices(model=Kegiatan, field="tahun_anggaran"):
    """The years present in the data, newest first (cached; one query when not)."""
    def choices():
        return [(y, str(y)) for y in tahun_tersedia(model._meta.label, field)]

    return choices


def _sekali(fn):
    """``fn`` called at most once (the form validates and renders the same choices)."""
    hasil = []

    def wrapper():
        if not hasil:
            hasil.append(fn())
        return hasil[0]

    return wrapper


class TahunFilter(django_filters.ChoiceFilter):
    """A year from the data; anything else (text, "1e309") is simply ignored as invalid."""

    def __init__(self, *args, model=Kegiatan, **kwargs):
        if "choices" not in kwargs:
            kwargs["choices"] = tahun_choices(model, kwargs["field_name"])
        kwargs.setdefault("empty_label", _("Semua tahun"))
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        # Each filterset has its own copy of the filter: read the years once per request.
        if not hasattr(self, "_field") and callable(self.extra.get("choices")):
            self.extra["choices"] = _sekali(self.extra["choices"])
        return super().field


def pendanaan_match(data) -> Q:
    """The funding lines that match the funding-line filters in ``data`` (cleaned)."""
    q = Q()
    if data.get("sumber"):
        q &= Q(sumber=data["sumber"])
    if data.get("pemangku"):
        q &= Q(pemangku=data["pemangku"])
    if data.get("jenis_pemangku"):
        q &= Q(pemangku__jenis=data["jenis_pemangku"])
    return q


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
        super().__init__(r"^\d{2}(\.\d{2}(\.\d{2})?)?$", **kwargs)


class WilayahFilter(django_filters.CharFilter):
    field_class = WilayahField


class KegiatanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama kegiatan"), method="filter_q")
    wilayah = WilayahFilter(label=_("Kode wilayah"), method="filter_wilayah")
    desa = DesaPilihanFilter(
        queryset=Desa.objects.order_by("nama"), to_field_name="kode_wilayah",
        label=_("Desa"), empty_label=_("Semua desa"))
    tahun_anggaran = TahunFilter(field_name="tahun_anggaran", label=_("Tahun anggaran"))
    sumber = django_filters.ModelChoiceFilter(
        queryset=SumberDana.objects.all(), to_field_name="kode", label=_("Sumber dana"),
        empty_label=_("Semua sumber"), method="filter_pendanaan")
    pemangku = PemangkuPilihanFilter(
        queryset=PemangkuKepentingan.objects.order_by("nama"), label=_("Pemberi dana"),
        empty_label=_("Semua pemberi dana"), method="filter_pendanaan")
    jenis_pemangku = django_filters.ChoiceFilter(
        choices=JenisPemangku.choices, label=_("Jenis pemberi dana"),
        empty_label=_("Semua jenis"), method="filter_pendanaan")
    kriteria = KriteriaFilter(
        queryset=lambda request: kriteria_bawaan(),
        to_field_name="kode", label=_("Kriteria"), empty_label=_("Semua kriteria"),
        method="filter_kriteria")
    aspek = AspekFilter(
        queryset=lambda request: aspek_bawaan(), to_field_name="kode", label=_("Aspek"),
        empty_label=_("Semua aspek"), method="filter_aspek")
    status = django_filters.ChoiceFilter(choices=StatusKegiatan.choices, label=_("Status"),
                                         empty_label=_("Semua status"))
    urut = django_filters.OrderingFilter(
        fields=(
            ("tahun_anggaran", "tahun"), ("desa__nama", "desa"), ("nama", "nama"),
            ("kriteria__kode", "kriteria"), ("total_rencana", "rencana"),
            ("total_realisasi", "realisasi"), ("progres_fisik", "progres"),
        ),
        field_labels={
            "tahun": _("Tahun"), "desa": _("Desa"), "nama": _("Nama"), "kriteria": _("Kriteria"),
            "rencana": _("Rencana (Rp)"), "realisasi": _("Realisasi (Rp)"),
            "progres": _("Progres fisik"),
        },
        label=_("Urutkan"), empty_label=_("Urutan bawaan"),
    )

    class Meta:
        model = Kegiatan
        fields: list = []
        form = FilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if satu_kecamatan(cakupan_bawaan()):  # a one-kecamatan portal has nothing to narrow
            self.filters["wilayah"].extra["widget"] = forms.HiddenInput()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(nama__icontains=value) if value else queryset

    def filter_wilayah(self, queryset, name, value):
        return queryset.filter(dalam_wilayah(value, "desa__")) if value else queryset

    def filter_pendanaan(self, queryset, name, value):
        # Applied once for all funding-line filters together (see filter_queryset): an
        # activity matches when ONE of its lines matches every chosen line filter.
        return queryset

    def filter_kriteria(self, queryset, name, value):
        return queryset.filter(kriteria__kode=value.kode)

    def filter_aspek(self, queryset, name, value):
        return queryset.filter(kriteria__aspek__kode=value.kode)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        q = self.pendanaan_q()
        if q:
            queryset = queryset.filter(
                Exists(Pendanaan.objects.filter(q, kegiatan=OuterRef("pk"))))
        return queryset

    def pendanaan_q(self) -> Q:
        """The funding-line condition chosen (empty Q when no line filter is used)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return Q()
        return pendanaan_match(self.form.cleaned_data)
