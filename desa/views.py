from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .filters import DesaFilter
from .models import Desa
from .services import peta_geojson


@require_GET
def desa_list(request):
    qs = Desa.objects.select_related("kecamatan__kabupaten").order_by("kode_wilayah")
    filterset = DesaFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("halaman"))
    return render(request, "desa/desa_list.html", {"filter": filterset, "page": page})


@require_GET
def desa_detail(request, kode):
    desa = get_object_or_404(
        Desa.objects.select_related("kecamatan__kabupaten__provinsi"), kode_wilayah=kode
    )
    return render(request, "desa/desa_detail.html", {
        "desa": desa,
        "peta": peta_geojson([desa]),
    })
