import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Desa, Kecamatan


class DesaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari nama atau kode"), method="filter_q",
    )
    kecamatan = django_filters.ModelChoiceFilter(
        queryset=Kecamatan.objects.all(), label=_("Kecamatan"), empty_label=_("Semua kecamatan"),
    )
    urut = django_filters.OrderingFilter(
        fields=(("kode_wilayah", "kode"), ("nama", "nama"), ("luas_poligon_km2", "luas")),
        field_labels={"kode": _("Kode"), "nama": _("Nama"), "luas": _("Luas")},
        label=_("Urutkan"),
    )

    class Meta:
        model = Desa
        fields = ["q", "kecamatan"]

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
