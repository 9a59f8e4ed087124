"""Suggestions for the desa and stakeholder text fields (``inti.pilihan``; ``js/saran.js``).

Public, GET only, bounded: at least :data:`MIN_HURUF` characters, at most :data:`MAKS_SARAN`
rows, one query. Only public data: a desa's name, code and region; a stakeholder's name,
short name, type and desa (never its contact person, phone or e-mail). The JSON escapes
``<``, ``>`` and ``&`` like ``json_script`` does, so nothing in it can ever read as markup.
"""

from __future__ import annotations

import json

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from desa.models import Desa
from inti.pilihan import DesaPilihanField, PemangkuPilihanField
from kolaborasi.models import JenisPemangku, PemangkuKepentingan

MIN_HURUF = 2
MAKS_SARAN = 20
MAKS_Q = 100
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _json(hasil: list[dict]) -> HttpResponse:
    body = json.dumps({"hasil": hasil}, ensure_ascii=False).translate(_ESCAPES)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=60"
    return response


def _q(request) -> str:
    q = " ".join(request.GET.get("q", "").split())
    if "\x00" in q or len(q) > MAKS_Q or len(q) < MIN_HURUF:
        return ""
    return q


def _urut(qs, q: str):
    """Names that start with the text first, then alphabetical."""
    return qs.annotate(_awal=Case(When(nama__istartswith=q, then=Value(0)), default=Value(1),
                                  output_field=IntegerField())).order_by("_awal", "nama", "pk")


@require_GET
def saran_desa(request):
    q = _q(request)
    if not q:
        return _json([])
    field = DesaPilihanField(queryset=Desa.objects.all())
    match = field.pola_kunci.search(q)
    qs = Desa.objects.filter(kode_wilayah=match.group(1)) if match else Desa.objects.search(q)
    rows = (_urut(qs, q).select_related("kecamatan__kabupaten")
            .only("kode_wilayah", "nama", "nama_alias", "kecamatan__nama",
                  "kecamatan__kabupaten__nama")[:MAKS_SARAN])
    hasil = []
    for d in rows:
        wilayah = f"Kec. {d.kecamatan.nama}, {d.kecamatan.kabupaten.nama}"
        if d.nama_alias:
            wilayah = f"{d.nama_alias} · {wilayah}"
        hasil.append({"nilai": field.teks(d), "kode": d.kode_wilayah, "label": wilayah})
    return _json(hasil)


@require_GET
def saran_pemangku(request):
    q = _q(request)
    if not q:
        return _json([])
    field = PemangkuPilihanField(queryset=PemangkuKepentingan.objects.all())
    match = field.pola_kunci.search(q) or field.pola_kunci_saja.fullmatch(q)
    qs = PemangkuKepentingan.objects.all()
    if match:
        qs = qs.filter(pk=int(match.group(1))) if int(match.group(1)) < 2**63 else qs.none()
    else:
        qs = qs.filter(Q(nama__icontains=q) | Q(singkatan__icontains=q))
    rows = (_urut(qs, q).select_related("desa")
            .only("nama", "singkatan", "jenis", "desa__nama")[:MAKS_SARAN])
    label_jenis = dict(JenisPemangku.choices)
    hasil = []
    for p in rows:
        bagian = [str(label_jenis.get(p.jenis, p.jenis))]
        if p.singkatan:
            bagian.insert(0, p.singkatan)
        if p.desa_id:
            bagian.append(p.desa.nama)
        hasil.append({"nilai": field.teks(p), "kode": str(p.pk), "label": " · ".join(bagian)})
    return _json(hasil)
