import django_filters
from django.utils.translation import gettext_lazy as _

from kotaku.forms_base import FilterForm
from kotaku.pilihan import DesaPilihanFilter, KecamatanPilihanField

from .models import Desa, Kecamatan, Penilaian, Tingkat


class KecamatanPilihanFilter(django_filters.ModelChoiceFilter):
    field_class = KecamatanPilihanField


class DesaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Cari nama atau kode"), method="filter_q",
    )
    # A select while few kecamatan are loaded; nationally (7,285) a text field for the
    # Kemendagri code or the name (kotaku.pilihan; an unknown one is a message, ignored).
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

