from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kotaku import roles

from .filters import DesaFilter
from .models import Desa
from .selectors import aturan_bawaan, riwayat_desa, skor_terkini_desa
from .services import peta_geojson


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


@require_GET
def desa_detail(request, kode):
    desa = get_object_or_404(
        Desa.objects.select_related("kecamatan__kabupaten__provinsi"), kode_wilayah=kode
    )
    from anggaran.dashboard import profil_desa

    riwayat = riwayat_desa(desa)
    return render(request, "desa/desa_detail.html", {
        "desa": desa,
        "peta": peta_geojson([desa]),
        "riwayat": riwayat,
        "dana": profil_desa(desa, riwayat["terkini"]),
        "boleh_tulis_desa": roles.can_write_desa(request.user, desa),
    })
