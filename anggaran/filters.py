"""Filters of the activity list (the same queryset feeds the page and its CSV/XLSX exports)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from desa.filters import (
    AspekFilter,
    KriteriaFilter,
    WilayahFilter,
    aspek_bawaan,
    desa_filter,
    kriteria_bawaan,
)
from desa.wilayah import cakupan_bawaan, dalam_wilayah, satu_kecamatan
from inti import tahun
from inti.forms_base import FilterForm
from inti.pilihan import PemangkuPilihanFilter
from inti.tahun import TahunFilter
from kolaborasi.models import JenisPemangku, Komitmen, PemangkuKepentingan

from .models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana


def tahun_choices(model=Kegiatan, field="tahun_anggaran"):
    """The budget years present in the activities (or ``model``'s ``field``), newest first."""
    return tahun.tahun_choices(model, field)


def pendanaan_match(data, awalan: str = "") -> Q:
    """The funding lines that match the funding-line filters in ``data`` (cleaned);
    ``awalan`` is the path to the lines (``"pendanaan__"`` from an activity)."""
    q = Q()
    if data.get("sumber"):
        q &= Q(**{f"{awalan}sumber": data["sumber"]})
    if data.get("pemangku"):
        q &= Q(**{f"{awalan}pemangku": data["pemangku"]})
    if data.get("jenis_pemangku"):
        q &= Q(**{f"{awalan}pemangku__jenis": data["jenis_pemangku"]})
    return q


class KegiatanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama kegiatan"), method="filter_q")
    wilayah = WilayahFilter(label=_("Kode wilayah"), method="filter_wilayah")
    desa = desa_filter()
    tahun_anggaran = TahunFilter(field_name="tahun_anggaran", model=Kegiatan,
                                 label=_("Tahun anggaran"))
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

    def pendanaan_q(self, awalan: str = "") -> Q:
        """The funding-line condition chosen (empty Q when no line filter is used); the
        lines reached by ``awalan`` (see :func:`pendanaan_match`)."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return Q()
        return pendanaan_match(self.form.cleaned_data, awalan)


class PemangkuFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama atau singkatan"), method="filter_q")
    jenis = django_filters.ChoiceFilter(choices=JenisPemangku.choices, label=_("Jenis"),
                                        empty_label=_("Semua jenis"))
    desa = desa_filter(method="filter_desa")
    urut = django_filters.OrderingFilter(
        fields=(("nama", "nama"), ("jenis", "jenis"), ("total_rencana", "rencana"),
                ("total_realisasi", "realisasi"), ("jumlah_kegiatan", "kegiatan"),
                ("total_komitmen", "komitmen")),
        field_labels={"nama": _("Nama"), "jenis": _("Jenis"), "rencana": _("Rencana (Rp)"),
                      "realisasi": _("Realisasi (Rp)"), "kegiatan": _("Jumlah kegiatan"),
                      "komitmen": _("Komitmen (Rp)")},
        label=_("Urutkan"), empty_label=_("Urutan bawaan"),
    )

    class Meta:
        model = PemangkuKepentingan
        fields: list = []
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(nama__icontains=value) | Q(singkatan__icontains=value))

    def filter_desa(self, queryset, name, desa):
        """Active in the desa: based there, funds an activity there, or pledged to it."""
        return queryset.filter(
            Q(desa=desa)
            | Exists(Pendanaan.objects.filter(pemangku=OuterRef("pk"), kegiatan__desa=desa))
            | Exists(Komitmen.objects.filter(pemangku=OuterRef("pk"), desa=desa)))
