"""SK Kumuh register, kawasan ranking and the review list of duplicate community bodies."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from desa import akses
from desa.filters import WilayahForm
from desa.forms import KawasanForm
from desa.kawasan import KEWENANGAN_LABEL, kewenangan, lembaga_ganda, peringkat, ubah_kawasan
from desa.models import Desa, Kawasan, LembagaMasyarakat, SKKumuh
from desa.selectors import aturan_bawaan, kawasan_dengan_prioritas
from desa.wilayah import dalam_wilayah, jejak_wilayah, melebihi
from inti.services import ServiceError
from inti.viewutils import hitung_demo


@require_GET
def sk_list(request):
    sk = SKKumuh.objects.select_related("kabupaten", "menggantikan").order_by("-tahun", "nomor")
    return render(request, "desa/sk_list.html", {"daftar_sk": sk})


@require_GET
def sk_detail(request, pk):
    sk = get_object_or_404(SKKumuh.objects.select_related("kabupaten", "menggantikan"), pk=pk)
    kawasan = list(sk.kawasan.select_related("desa").prefetch_related("bagian_desa__desa")
                   .order_by("desa__nama", "nama"))
    return render(request, "desa/sk_detail.html", {
        "sk": sk, "kawasan": kawasan, "demo": hitung_demo(kawasan, _("kawasan")),
        "revisi": SKKumuh.objects.filter(menggantikan=sk).first(),
    })


#: The most kawasan one ranking scores per request. A kabupaten (whose SK Kumuh names its
#: kawasan) holds tens to a few hundred; the nation's 10,903 took 4.5 s of scoring. Beyond,
#: the page asks for a region and lists the regions one level down with their counts.
MAKS_PERINGKAT = 1000


@require_GET
def kawasan_peringkat(request):
    form = WilayahForm(request.GET)
    wilayah = form.kode()
    qs = Kawasan.objects.all()
    if wilayah:
        qs = qs.filter(dalam_wilayah(wilayah, "desa__"))
    jejak = jejak_wilayah(wilayah)
    konteks = {"saring": {"form": form}, "wilayah": wilayah,
               "judul_wilayah": jejak[-1]["judul"] if jejak else ""}
    if lebih := melebihi(qs, wilayah, MAKS_PERINGKAT, "desa__kode_wilayah"):
        return render(request, "desa/kawasan_peringkat.html", {**konteks, **lebih})
    kawasan, rules = kawasan_dengan_prioritas(
        qs.select_related("desa", "sk").order_by("desa__nama", "nama"))
    baris = [{"nama": k.nama, "kawasan": k, "prioritas": k.hasil_prioritas,
              "kewenangan": KEWENANGAN_LABEL[kewenangan(k.luas_ha)]}
             for k in kawasan if k.hasil_prioritas is not None]
    return render(request, "desa/kawasan_peringkat.html", {
        **konteks, "baris": peringkat(baris),
        "demo": hitung_demo([b["kawasan"] for b in baris], _("kawasan")),
    })


@require_GET
@akses.staff_reader_required
def lembaga_tinjau(request):
    lembaga = LembagaMasyarakat.objects.select_related("desa").order_by("desa__nama", "fungsi")
    ganda = lembaga_ganda(lembaga)
    baris = [{"desa": v[0].desa, "fungsi": v[0].get_fungsi_display(), "lembaga": v}
             for v in ganda.values()]
    return render(request, "desa/lembaga_tinjau.html", {"baris": baris})


def boleh_ubah_kawasan(user, kawasan) -> bool:
    """Facilitators edit the kawasan of their desa (the main one or any it spans); Admin all."""
    desa = Desa.objects.filter(Q(pk=kawasan.desa_id) | Q(bagian_kawasan__kawasan=kawasan))
    return akses.writable_desa(user, desa).exists()


@require_http_methods(["GET", "POST"])
@akses.writer_required
def kawasan_ubah(request, pk):
    kawasan = get_object_or_404(Kawasan.objects.select_related("desa"), pk=pk)
    if not boleh_ubah_kawasan(request.user, kawasan):
        raise PermissionDenied
    _aturan, rules = aturan_bawaan()
    if rules is None:
        raise PermissionDenied
    if request.method == "POST":
        form = KawasanForm(request.POST, request.FILES, rules=rules)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ubah_kawasan(kawasan.pk, data, rules, delineasi=data.get("delineasi"),
                             hapus_delineasi=data.get("hapus_delineasi"))
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Data kawasan tersimpan."))
                return redirect(kawasan)
    else:
        form = KawasanForm(initial=KawasanForm.initial_for(kawasan), rules=rules)
    return render(request, "desa/kawasan_form.html", {"kawasan": kawasan, "form": form})
