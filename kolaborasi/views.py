"""Entry forms of the collaboration app: forums and pledges. Their read pages show money
(pledged vs delivered), so they live with the project's pages (``kotaku/views_pemangku.py``).

Each create form carries a one-time token (``inti.idempoten``): a double tap or a retried send
returns the first forum or pledge instead of making a second one."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from desa import akses
from desa.akses import writer_required
from inti.idempoten import (
    baca_token,
    simpan_sekali,
    sudah_terkirim,
    sudah_tersimpan,
    tanda_tersimpan,
    token_formulir,
)

from . import services
from .forms import ForumForm, KomitmenForm
from .models import ForumKolaborasi, Komitmen


@require_http_methods(["GET", "POST"])
@writer_required
def forum_baru(request):
    desa = akses.writable_desa_or_404(request.user, request.GET.get("desa"))
    token = baca_token(request.POST) if request.method == "POST" else None
    forum_saya = ForumKolaborasi.objects.filter(
        Q(desa__isnull=True) | Q(desa__in=akses.writable_desa(request.user)))
    pertama = sudah_tersimpan(forum_saya, token)
    if pertama is not None:
        return sudah_terkirim(request, pertama)
    if request.method == "POST":
        form = ForumForm(request.POST, user=request.user)
        if form.is_valid():
            isian = form.save(commit=False)
            isian.token_kirim = token
            forum, baru = simpan_sekali(forum_saya, token, lambda: services.simpan_forum(
                isian, form.cleaned_data["peserta"]))
            if not baru:
                return sudah_terkirim(request, forum)
            messages.success(request, _("Forum “%(judul)s” tersimpan.") % {
                "judul": forum.judul}, extra_tags=tanda_tersimpan(token))
            return redirect(forum)
    else:
        form = ForumForm(user=request.user, initial={"desa": desa.pk if desa else None})
    return render(request, "kolaborasi/forum_form.html", {
        "form": form, "token_kirim": token_formulir(request)})


@require_http_methods(["GET", "POST"])
@writer_required
def komitmen_baru(request):
    initial = {}
    desa = akses.writable_desa_or_404(request.user, request.GET.get("desa"))
    if desa:
        initial["desa"] = desa.pk
    forum_id = request.GET.get("forum", "")
    if forum_id:
        if not (forum_id.isascii() and forum_id.isdigit()) or len(forum_id) > 18:
            raise Http404
        forum = get_object_or_404(ForumKolaborasi, pk=forum_id)
        if forum.desa_id and not akses.can_write_desa(request.user, forum.desa):
            raise Http404
        initial.update({"forum": forum.pk, "tahun": forum.tanggal.year})
        if forum.desa_id:
            initial["desa"] = forum.desa_id
    token = baca_token(request.POST) if request.method == "POST" else None
    komitmen_saya = Komitmen.objects.filter(desa__in=akses.writable_desa(request.user))
    pertama = sudah_tersimpan(komitmen_saya, token)
    if pertama is not None:
        return sudah_terkirim(request, pertama.forum or reverse("kolaborasi:komitmen_list"),
                              token)
    if request.method == "POST":
        form = KomitmenForm(request.POST, user=request.user)
        if form.is_valid():
            isian = form.save(commit=False)
            isian.token_kirim = token
            komitmen, baru = simpan_sekali(komitmen_saya, token,
                                           lambda: services.simpan_komitmen(isian))
            tujuan = komitmen.forum or reverse("kolaborasi:komitmen_list")
            if not baru:
                return sudah_terkirim(request, tujuan, token)
            messages.success(request, _("Komitmen tersimpan."),
                             extra_tags=tanda_tersimpan(token))
            return redirect(tujuan)
    else:
        form = KomitmenForm(user=request.user, initial=initial)
    return render(request, "kolaborasi/komitmen_form.html", {
        "form": form, "token_kirim": token_formulir(request)})
