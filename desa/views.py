from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inti.viewutils import hitung_demo

from .filters import DesaFilter
from .models import Desa, Penilaian
from .selectors import aturan_bawaan, skor_terkini_desa


@require_GET
def desa_list(request):
    qs = Desa.objects.select_related("kecamatan__kabupaten").order_by("kode_wilayah")
    filterset = DesaFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("halaman"))
    # Latest verified slum score of the desa on this page: two grouped queries, not one per desa.
    _aturan, rules = aturan_bawaan()
    skor = skor_terkini_desa([d.pk for d in page], rules)
    # Scores built from a demo assessment: one more grouped query, for the demo mark.
    demo = set(Penilaian.objects.terkini().filter(lokasi__desa_id__in=[d.pk for d in page],
                                                  is_demo=True)
               .order_by().values_list("lokasi__desa_id", flat=True).distinct())
    for d in page:
        d.skor_terkini = skor.get(d.pk)
    tanda = hitung_demo([d for d in page if d.skor_terkini], _("skor desa di halaman ini"),
                        lambda d: d.pk in demo)
    return render(request, "desa/desa_list.html", {"filter": filterset, "page": page,
                                                   "tanda": tanda})
