"""Filters of the collaboration lists (each list page and its exports share the queryset)."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from anggaran.filters import TahunFilter
from anggaran.models import Pendanaan
from desa.models import Desa
from inti.forms_base import FilterForm
from inti.pilihan import DesaPilihanFilter, PemangkuPilihanFilter

from .models import ForumKolaborasi, JenisPemangku, Komitmen, PemangkuKepentingan


def _desa_filter(**kwargs):
    # A select while few desa are loaded, a text field with suggestions at national scale.
    return DesaPilihanFilter(
        queryset=Desa.objects.order_by("nama"), to_field_name="kode_wilayah", label=_("Desa"),
        empty_label=_("Semua desa"), **kwargs)


class PemangkuFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari nama atau singkatan"), method="filter_q")
    jenis = django_filters.ChoiceFilter(choices=JenisPemangku.choices, label=_("Jenis"),
                                        empty_label=_("Semua jenis"))
    desa = _desa_filter(method="filter_desa")
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


class ForumFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari judul"), method="filter_q")
    desa = _desa_filter()
    tahun = TahunFilter(field_name="tanggal__year", label=_("Tahun"),
                        choices=lambda: [
                            (d.year, str(d.year)) for d in
                            ForumKolaborasi.objects.dates("tanggal", "year", order="DESC")])
    urut = django_filters.OrderingFilter(
        fields=(("tanggal", "tanggal"), ("judul", "judul"), ("jumlah_peserta", "peserta"),
                ("total_komitmen", "komitmen")),
        field_labels={"tanggal": _("Tanggal"), "judul": _("Judul"), "peserta": _("Peserta"),
                      "komitmen": _("Nilai komitmen")},
        label=_("Urutkan"), empty_label=_("Urutan bawaan"),
    )

    class Meta:
        model = ForumKolaborasi
        fields: list = []
        form = FilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(judul__icontains=value) if value else queryset


class KomitmenFilter(django_filters.FilterSet):
    pemangku = PemangkuPilihanFilter(
        queryset=PemangkuKepentingan.objects.order_by("nama"), label=_("Pemangku kepentingan"),
        empty_label=_("Semua pemangku"))
    jenis = django_filters.ChoiceFilter(field_name="pemangku__jenis",
                                        choices=JenisPemangku.choices,
                                        label=_("Jenis pemangku"), empty_label=_("Semua jenis"))
    desa = _desa_filter()
    tahun = TahunFilter(field_name="tahun", model=Komitmen, label=_("Tahun"))
    urut = django_filters.OrderingFilter(
        fields=(("tahun", "tahun"), ("desa__nama", "desa"), ("pemangku__nama", "pemangku"),
                ("nilai_rp", "janji"), ("terealisasi", "terealisasi"),
                ("persen_terpenuhi", "persen")),
        field_labels={"tahun": _("Tahun"), "desa": _("Desa"), "pemangku": _("Pemangku"),
                      "janji": _("Nilai janji"), "terealisasi": _("Terealisasi"),
                      "persen": _("% terpenuhi")},
        label=_("Urutkan"), empty_label=_("Urutan bawaan"),
    )

    class Meta:
        model = Komitmen
        fields: list = []
        form = FilterForm
