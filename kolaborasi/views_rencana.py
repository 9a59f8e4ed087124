"""Entry pages of the collaborative plan: add a plan item, a commitment, agree a plan.
Who may: ``DokumenRencana.objects.for_writer`` (a desa's facilitators and Admin its RPLP;
Admin alone the kabupaten plan; anyone else's plan is a 404, a reading role a 403), the same
rule as ``desa.akses.boleh_ubah_rencana``. The Memorandum page is ``kotaku/views_rencana.py``."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from desa import akses
from desa.akses import writer_required
from inti.services import ServiceError

from . import rencana as layanan
from .forms_rencana import DokumenRencanaForm, ItemRencanaForm, KomitmenItemForm, SepakatiForm
from .models_rencana import DokumenRencana, ItemRencana


def _galat(form, exc: ServiceError):
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _simpan_dokumen(request, form, pesan: str):
    """The plan form's save: the writer check on the region, then the service."""
    dokumen = form.save(commit=False)
    if not akses.boleh_ubah_rencana(request.user, dokumen):
        form.add_error("desa" if "desa" in form.fields else None,
                       _("Anda tidak dapat menulis rencana untuk wilayah ini."))
        return None
    try:
        layanan.simpan_dokumen(dokumen)
    except ServiceError as exc:
        _galat(form, exc)
        return None
    messages.success(request, pesan)
    return redirect(dokumen)


@require_http_methods(["GET", "POST"])
@writer_required
def rencana_baru(request):
    """A new plan document: a facilitator's RPLP for one of their desa (``?desa=<kode>``
    preselects it); the Admin also the kabupaten plan."""
    desa_qs = akses.writable_desa(request.user)
    initial = {}
    if kode := request.GET.get("desa"):
        initial["desa"] = desa_qs.filter(kode_wilayah=kode).first()
    elif len(satu := list(desa_qs[:2])) == 1:  # a facilitator of one desa
        initial["desa"] = satu[0]
    form = DokumenRencanaForm(request.POST or None, initial=initial, desa_qs=desa_qs,
                              admin=akses.is_admin(request.user))
    if request.method == "POST" and form.is_valid():
        response = _simpan_dokumen(request, form, _("Rencana tersimpan sebagai draf. "
                                                    "Tambahkan item rencananya."))
        if response is not None:
            return response
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "judul": _("Rencana baru"),
        "pengantar": _("RPLP: rencana penataan lingkungan permukiman satu desa untuk satu "
                       "periode. Rencana disimpan sebagai draf; tambahkan item rencananya, "
                       "lalu tandai disepakati setelah forum kolaborasi menyepakatinya.")})


@require_http_methods(["GET", "POST"])
@writer_required
def rencana_ubah(request, pk):
    """Title, period and notes of a plan (its kind and region stay)."""
    dokumen = get_object_or_404(
        DokumenRencana.objects.for_writer(request.user).select_related("desa", "kabupaten"),
        pk=pk)
    form = DokumenRencanaForm(request.POST or None, instance=dokumen,
                              desa_qs=akses.writable_desa(request.user),
                              admin=akses.is_admin(request.user))
    if request.method == "POST":
        if form.is_valid():
            response = _simpan_dokumen(request, form, _("Rencana tersimpan."))
            if response is not None:
                return response
        dokumen.refresh_from_db()  # the heading shows what is saved, not what was typed
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": dokumen, "judul": _("Ubah rencana")})


@require_http_methods(["GET", "POST"])
@writer_required
def item_ubah(request, pk):
    """Correct a plan item (its criteria rows included); the history keeps each change."""
    item = get_object_or_404(ItemRencana.objects.select_related("dokumen__desa").filter(
        dokumen__in=DokumenRencana.objects.for_writer(request.user)), pk=pk)
    dokumen = item.dokumen
    form = ItemRencanaForm(request.POST or None, instance=item, dokumen=dokumen)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        try:
            layanan.simpan_item(item, form.baris_kriteria(), item.usulan_pendana.all())
        except ServiceError as exc:
            _galat(form, exc)
        else:
            messages.success(request, _("Item rencana tersimpan."))
            return redirect(dokumen)
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": dokumen,
        "judul": _("Ubah item: %(item)s") % {"item": item.nama}})


@require_http_methods(["GET", "POST"])
@writer_required
def item_baru(request, pk):
    dokumen = get_object_or_404(
        DokumenRencana.objects.for_writer(request.user).select_related("desa", "kabupaten"),
        pk=pk)
    form = ItemRencanaForm(request.POST or None, dokumen=dokumen)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.dokumen = dokumen
        if dokumen.desa_id:
            item.desa_id = dokumen.desa_id
        try:
            layanan.simpan_item(item, form.baris_kriteria())
        except ServiceError as exc:
            item.pk = None
            _galat(form, exc)
        else:
            messages.success(request, _("Item rencana tersimpan."))
            return redirect(dokumen)
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": dokumen, "judul": _("Tambah item rencana")})


@require_http_methods(["GET", "POST"])
@writer_required
def komitmen_item_baru(request, pk):
    item = get_object_or_404(ItemRencana.objects.select_related("dokumen__desa").filter(
        dokumen__in=DokumenRencana.objects.for_writer(request.user)), pk=pk)
    form = KomitmenItemForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        komitmen = form.save(commit=False)
        komitmen.item = item
        try:
            layanan.simpan_komitmen_item(komitmen)
        except ServiceError as exc:
            komitmen.pk = None
            _galat(form, exc)
        else:
            messages.success(request, _("Komitmen tersimpan."))
            return redirect(item.dokumen)
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": item.dokumen,
        "judul": _("Catat komitmen: %(item)s") % {"item": item.nama}})


@require_http_methods(["GET", "POST"])
@writer_required
def sepakati(request, pk):
    dokumen = get_object_or_404(
        DokumenRencana.objects.for_writer(request.user).select_related("desa"), pk=pk)
    form = SepakatiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            layanan.sepakati(dokumen, form.cleaned_data["forum"], form.cleaned_data["tanggal"])
        except ServiceError as exc:
            dokumen.refresh_from_db()
            _galat(form, exc)
        else:
            messages.success(request, _("Rencana ditandai disepakati."))
            return redirect(dokumen)
    return render(request, "kolaborasi/rencana_form.html", {
        "form": form, "dokumen": dokumen, "judul": _("Tandai rencana disepakati")})
