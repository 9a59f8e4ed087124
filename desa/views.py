from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from desa import akses
from inti.cache import cached_aggregate

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


@cached_aggregate("halaman_desa", key=lambda desa, boleh_tulis: (desa.pk, boleh_tulis))
def bagian_data_desa(desa: Desa, boleh_tulis: bool) -> dict:
    """The data sections of the desa page (slum history, funding), rendered to HTML and cached
    with the dashboards' data version: 20 queries and most of the rendering, done once per
    change rather than per visit. Nothing in them depends on the visitor but the "add
    assessment" button (``boleh_tulis``, part of the key); forms with a CSRF token stay out."""
    from anggaran.dashboard import profil_desa

    riwayat = riwayat_desa(desa)
    html = render_to_string("desa/_desa_data.html", {
        "desa": desa, "riwayat": riwayat, "dana": profil_desa(desa, riwayat["terkini"]),
        "boleh_tulis_desa": boleh_tulis,
    })
    return {"html": html, "grafik": bool(riwayat["per_tahun"])}


@require_GET
def desa_detail(request, kode):
    desa = get_object_or_404(
        Desa.objects.select_related("kecamatan__kabupaten__provinsi"), kode_wilayah=kode
    )
    return render(request, "desa/desa_detail.html", {
        "desa": desa,
        "peta": peta_geojson([desa]),
        "bagian": bagian_data_desa(desa, akses.can_write_desa(request.user, desa)),
    })
