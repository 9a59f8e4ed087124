"""The kawasan page: its SK, area per desa, locations, delineation map, warnings, priority,
the responsible level of government and its yearly targets against the measured slum
hectares. A page of the project: the location-sum warning comes from the measured condition
(``anggaran.kondisi``, issue 14), computed once there."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran.kondisi import kondisi
from desa import akses
from desa.kawasan import KEWENANGAN_LABEL, kewenangan, luas_per_desa
from desa.models import Desa, Kawasan
from desa.selectors import kawasan_dengan_prioritas
from desa.services import peta_geojson
from inti.viewutils import hitung_demo
from kolaborasi.target import target_kawasan


def _is_demo(row) -> bool:
    return row["is_demo"] if isinstance(row, dict) else row.is_demo


@require_GET
def kawasan_detail(request, pk):
    qs = (Kawasan.objects.filter(pk=pk).select_related("desa__kecamatan", "sk")
          .prefetch_related("bagian_desa__desa"))
    get_object_or_404(qs)
    [kawasan], rules = kawasan_dengan_prioritas(qs)
    bagian, selisih_desa = luas_per_desa(kawasan)
    desa_ids = sorted({d.pk for d, _l in bagian} | {kawasan.desa_id})
    desa_list = list(Desa.objects.filter(pk__in=desa_ids).order_by("nama"))
    lokasi = list(kawasan.lokasi.select_related("desa").order_by("desa__nama", "rt_nomor",
                                                                  "nama"))
    selisih_lokasi = next((r for r in kondisi(desa_ids=tuple(desa_ids)).kawasan_selisih
                           if r["pk"] == kawasan.pk), None)
    level = kewenangan(kawasan.luas_ha)
    target = target_kawasan(kawasan)
    return render(request, "desa/kawasan_detail.html", {
        "kawasan": kawasan, "bagian": bagian, "selisih_desa": selisih_desa,
        "lokasi": lokasi, "selisih_lokasi": selisih_lokasi, "rules": rules,
        "demo": hitung_demo([kawasan, *lokasi, *target["baris"]],
                            _("kawasan, lokasi dan target"), flag=_is_demo),
        "prioritas": kawasan.hasil_prioritas,
        "kewenangan": level, "kewenangan_label": KEWENANGAN_LABEL[level],
        "peta": peta_geojson(desa_list, kawasan=[kawasan]),
        "target": target,
        "boleh_ubah": (request.user.is_authenticated
                       and akses.writable_desa(request.user, Desa.objects.filter(
                           pk__in=desa_ids)).exists()),
    })
