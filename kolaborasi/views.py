"""Entry forms of the collaboration app: forums and pledges. Their read pages show money
(pledged vs delivered), so they live with the project's pages (``kotaku/views_pemangku.py``)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from desa import akses
from desa.akses import writer_required

from . import services
from .forms import ForumForm, KomitmenForm
from .models import ForumKolaborasi


@require_http_methods(["GET", "POST"])
@writer_required
def forum_baru(request):
    desa = akses.writable_desa_or_404(request.user, request.GET.get("desa"))
    if request.method == "POST":
        form = ForumForm(request.POST, user=request.user)
        if form.is_valid():
            forum = services.simpan_forum(form.save(commit=False),
                                          form.cleaned_data["peserta"])
            messages.success(request, _("Forum “%(judul)s” tersimpan.") % {"judul": forum.judul})
            return redirect(forum)
    else:
        form = ForumForm(user=request.user, initial={"desa": desa.pk if desa else None})
    return render(request, "kolaborasi/forum_form.html", {"form": form})


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
    if request.method == "POST":
        form = KomitmenForm(request.POST, user=request.user)
        if form.is_valid():
            services.simpan_komitmen(form.save(commit=False))
            messages.success(request, _("Komitmen tersimpan."))
            if form.cleaned_data.get("forum"):
                return redirect(form.cleaned_data["forum"])
            return redirect("kolaborasi:komitmen_list")
    else:
        form = KomitmenForm(user=request.user, initial=initial)
    return render(request, "kolaborasi/komitmen_form.html", {"form": form})
