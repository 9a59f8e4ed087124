"""The desa profile: its data and boundary, slum history, funding by source and stakeholder,
activities, and the public's feedback form. A page of the project: it combines the desa, money
and publication apps."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from anggaran.dashboard import profil_desa
from anggaran.kondisi import riwayat_terukur
from desa import akses
from desa.kawasan import lembaga_ganda
from desa.models import Desa, Kawasan
from desa.selectors import riwayat_desa
from desa.services import peta_geojson
from inti.cache import cached_aggregate


@cached_aggregate("halaman_desa", key=lambda desa, boleh_tulis: (desa.pk, boleh_tulis),
                  wilayah=lambda desa, boleh_tulis: desa.kode_wilayah)
def bagian_data_desa(desa: Desa, boleh_tulis: bool) -> dict:
    """The data sections of the desa page (slum history, funding), rendered to HTML and cached
    with the dashboards' data version: 20 queries and most of the rendering, done once per
    change rather than per visit. Nothing in them depends on the visitor but the "add
    assessment" button (``boleh_tulis``, part of the key); forms with a CSRF token stay out."""
    riwayat = riwayat_terukur(riwayat_desa(desa), desa.pk)
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
    # Kawasan lying (partly) in this desa, drawn over its boundary; its community bodies,
    # with the functions held twice flagged (issue 15): 2 queries.
    kawasan = list(Kawasan.objects.filter(Q(desa=desa) | Q(bagian_desa__desa=desa))
                   .distinct().order_by("nama"))
    lembaga = list(desa.lembaga.order_by("fungsi", "nama"))
    ganda = lembaga_ganda(lembaga)
    return render(request, "desa/desa_detail.html", {
        "desa": desa, "kawasan": kawasan, "lembaga": lembaga,
        "lembaga_ganda": [v for v in ganda.values()],
        "peta": peta_geojson([desa], kawasan=kawasan),
        "bagian": bagian_data_desa(desa, akses.can_write_desa(request.user, desa)),
    })
