from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .filters import DesaFilter
from .models import Desa
from .selectors import aturan_bawaan, skor_terkini_desa


@require_GET
def desa_list(request):
    qs = Desa.objects.select_related("kecamatan__kabupaten").order_by("kode_wilayah")
    filterset = DesaFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("halaman"))
    # Latest verified slum score of the desa on this page: two grouped queries, not one per desa.
    _aturan, rules = aturan_bawaan()
    skor = skor_terkini_desa([d.pk for d in page], rules)
    for d in page:
        d.skor_terkini = skor.get(d.pk)
    return render(request, "desa/desa_list.html", {"filter": filterset, "page": page})
