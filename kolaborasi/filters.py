"""Filters of the collaboration lists (each list page and its exports share the queryset)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from desa.filters import desa_filter
from inti.forms_base import FilterForm
from inti.pilihan import PemangkuPilihanFilter
from inti.tahun import TahunFilter

from .models import ForumKolaborasi, JenisPemangku, Komitmen, PemangkuKepentingan


class ForumFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari judul"), method="filter_q")
    desa = desa_filter()
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
    desa = desa_filter()
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
