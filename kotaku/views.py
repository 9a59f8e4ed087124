from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from desa.models import Desa
from desa.services import peta_geojson


@require_GET
def beranda(request):
    desa_list = list(Desa.objects.select_related("kecamatan__kabupaten").order_by("kode_wilayah"))
    return render(request, "beranda.html", {
        "desa_list": desa_list,
        "peta": peta_geojson(desa_list),
    })


@never_cache
@require_GET
def healthz(request):
    """For load balancers and benchmarks: 200 once the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return HttpResponse("db error\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
