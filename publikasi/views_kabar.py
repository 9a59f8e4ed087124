"""Kabar (the team's stories, with live data beside them) and Masukan (public feedback).

Public: the list of published stories, a story with live cards of its activities and the slum
level of its desa, the Atom feed, and the feedback form on stories, activities and desa.
Facilitators (in their desa) and admins write and publish stories; admins and verifikator (in
their kecamatan) moderate feedback. A user's name never appears on a public page: stories are
by "Tim Fasilitator KOTAKU Kab. Madiun", replies by "Tim KOTAKU".
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anggaran.models import FotoProgres, Kegiatan, Pendanaan
from desa import akses
from desa.akses import verifier_required, writer_required
from desa.models import Desa
from desa.tingkat import tingkat_per_desa
from inti.services import ServiceError
from inti.teks import hapus_kontrol
from inti.viewutils import clean_params, hitung_demo
from kolaborasi.models import (
    PEMANGKU_PUBLIC_FIELDS,
    ItemRencana,
    PemangkuKepentingan,
    StatusRencana,
)
from publikasi.riwayat import riwayat_kabar

from . import masukan as layanan
from . import services
from .forms_kabar import KabarForm, MasukanForm, MinatForm
from .markdown_aman import plain
from .markdown_aman import render as render_md
from .models import PENULIS_PUBLIK, Kabar, Masukan, StatusKabar, TagKabar

PER_PAGE = 12
MODERASI_PER_PAGE = 50
MAX_PK = 2**63 - 1


def _pk_or_404(value: int) -> int:
    if value > MAX_PK:
        raise Http404
    return value


def _param(request, name: str, max_length: int = 100) -> str:
    value = clean_params(request.GET).get(name, "")
    return value if len(value) <= max_length else ""


# ------------------------------------------------------------------------------------ list


def _kabar_publik():
    return (Kabar.objects.terbit()
            .prefetch_related(Prefetch("desa", queryset=Desa.objects.order_by("nama")), "tag")
            .order_by("-tanggal_terbit", "-pk"))


@require_GET
def kabar_list(request):
    qs = _kabar_publik()
    desa_kode, tag_slug = _param(request, "desa", 20), _param(request, "tag", 50)
    desa_pilihan = list(Desa.objects.filter(kabar__status=StatusKabar.TERBIT).distinct()
                        .order_by("nama").values_list("kode_wilayah", "nama"))
    tag_pilihan = list(TagKabar.objects.filter(kabar__status=StatusKabar.TERBIT).distinct()
                       .order_by("nama").values_list("slug", "nama"))
    if desa_kode:
        qs = qs.filter(desa__kode_wilayah=desa_kode)
    if tag_slug:
        qs = qs.filter(tag__slug=tag_slug)
    page = Paginator(qs.distinct(), PER_PAGE).get_page(_param(request, "halaman", 10))
    return render(request, "kabar/kabar_list.html", {
        "page": page, "desa_pilihan": desa_pilihan, "tag_pilihan": tag_pilihan,
        "desa_aktif": desa_kode, "tag_aktif": tag_slug,
        "bisa_tulis": akses.can_write_anything(request.user),
        "bisa_moderasi": akses.is_admin(request.user) or akses.is_verifikator(request.user),
        "penulis": PENULIS_PUBLIK, "tanda": hitung_demo(page, _("kabar di halaman ini")),
    })


@require_GET
@writer_required
def kabar_saya(request):
    """Drafts and published stories the user may edit."""
    qs = (Kabar.objects.for_writer(request.user)
          .prefetch_related(Prefetch("desa", queryset=Desa.objects.order_by("nama")))
          .order_by("status", "-diubah_pada", "-pk"))
    page = Paginator(qs, MODERASI_PER_PAGE).get_page(_param(request, "halaman", 10))
    return render(request, "kabar/kabar_saya.html", {"page": page})


# ---------------------------------------------------------------------------------- detail


def kartu_kegiatan(kabar: Kabar) -> list[Kegiatan]:
    """The linked activities with their live numbers: totals, physical progress, latest
    photo (subqueries) and funding per source (one grouped query). Two queries in all."""
    latest_photo = (FotoProgres.objects.filter(laporan__kegiatan=OuterRef("pk"))
                    .order_by("-laporan__tanggal", "-laporan__pk", "-pk"))
    kegiatan = list(
        kabar.kegiatan.with_totals().select_related("desa", "kriteria")
        .annotate(foto_terakhir=Subquery(latest_photo.values("foto")[:1]),
                  foto_keterangan=Subquery(latest_photo.values("keterangan")[:1]))
        .order_by("tahun_anggaran", "pk"))
    per_sumber = defaultdict(list)
    rows = (Pendanaan.objects.filter(kegiatan__in=[k.pk for k in kegiatan]).order_by()
            .values("kegiatan_id", "sumber__nama", "sumber__urutan")
            .annotate(rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"))
            .order_by("kegiatan_id", "sumber__urutan", "sumber__nama")) if kegiatan else []
    for row in rows:
        per_sumber[row["kegiatan_id"]].append(row)
    for k in kegiatan:
        k.dana_per_sumber = per_sumber.get(k.pk, [])
        k.foto_url = default_storage.url(k.foto_terakhir) if k.foto_terakhir else ""
    return kegiatan


def kartu_desa(kabar: Kabar) -> list[Desa]:
    desa = list(kabar.desa.all())
    try:
        levels = tingkat_per_desa([d.pk for d in desa]) if desa else {}
    except ServiceError:  # no rule set configured yet: show "belum dinilai"
        levels = {}
    for d in desa:
        d.hasil = levels.get(d.pk)
    return desa


@require_GET
def kabar_detail(request, slug):
    kabar = get_object_or_404(
        Kabar.objects.prefetch_related(
            Prefetch("desa", queryset=Desa.objects.order_by("nama")), "tag",
            Prefetch("pemangku", queryset=PemangkuKepentingan.objects
                     .only(*PEMANGKU_PUBLIC_FIELDS).order_by("nama"))),
        slug=slug)
    bisa_ubah = (akses.can_write_anything(request.user)
                 and Kabar.objects.for_writer(request.user).filter(pk=kabar.pk).exists())
    if not kabar.terbit and not bisa_ubah:
        raise Http404
    return render(request, "kabar/kabar_detail.html", {
        "kabar": kabar, "isi_html": render_md(kabar.isi),
        "deskripsi": kabar.ringkasan or plain(kabar.isi, 30),
        "kegiatan_list": kartu_kegiatan(kabar), "desa_list": kartu_desa(kabar),
        "bisa_ubah": bisa_ubah, "penulis": PENULIS_PUBLIK,
        "tanda": hitung_demo([kabar], _("kabar")),
        # Who changed what: staff only (the public sees the team, never a name).
        "riwayat": riwayat_kabar(kabar) if akses.is_staff_reader(request.user) else None,
    })


# ------------------------------------------------------------------------------------ feed


class KabarFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Kabar KOTAKU Jiwan")
    subtitle = gettext_lazy("Cerita Tim Fasilitator KOTAKU Kab. Madiun, dengan data kegiatan "
                            "dan pendanaannya.")
    author_name = PENULIS_PUBLIK

    def link(self):
        return reverse("kolaborasi:kabar_list")

    def items(self):
        return _kabar_publik()[:20]

    def item_title(self, item):
        return hapus_kontrol(item.judul)

    def item_description(self, item):
        demo = ""
        if item.is_demo:  # the same mark as the pages, for readers of the feed
            demo = f"<p>{_('1 dari 1 kabar: data demo')}</p>"
        return demo + hapus_kontrol(render_md(item.isi))

    def item_author_name(self, item):
        return PENULIS_PUBLIK

    def item_pubdate(self, item):
        return item.tanggal_terbit

    def item_updateddate(self, item):
        return max(item.diubah_pada, item.tanggal_terbit)

    def item_categories(self, item):
        return [hapus_kontrol(t.nama) for t in item.tag.all()]


kabar_feed = require_GET(KabarFeed())


# ---------------------------------------------------------------------------------- writes


def _kabar_form(request, kabar: Kabar | None):
    if request.method == "POST":
        form = KabarForm(request.POST, request.FILES, instance=kabar, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            saved = services.simpan_kabar(
                form.save(commit=False), request.user, desa=data["desa"],
                kegiatan=data["kegiatan"], pemangku=data["pemangku"], tag=data["tag_teks"])
            messages.success(request, _("Kabar “%(judul)s” tersimpan.") % {"judul": saved.judul}
                             + ("" if saved.terbit else " " + _("Masih draf: tekan «Terbitkan» "
                                                                "agar tampil untuk umum.")))
            return redirect(saved)
    else:
        initial = {}
        if kabar is None:
            desa = akses.writable_desa(request.user)
            if akses.is_fasilitator(request.user) and desa.count() == 1:
                initial["desa"] = list(desa)
        form = KabarForm(instance=kabar, user=request.user, initial=initial)
    return render(request, "kabar/kabar_form.html", {"form": form, "kabar": kabar})


@require_http_methods(["GET", "POST"])
@writer_required
def kabar_baru(request):
    return _kabar_form(request, None)


def _kabar_for_writer(request, slug) -> Kabar:
    return get_object_or_404(Kabar.objects.for_writer(request.user), slug=slug)


@require_http_methods(["GET", "POST"])
@writer_required
def kabar_ubah(request, slug):
    return _kabar_form(request, _kabar_for_writer(request, slug))


@require_POST
@writer_required
def kabar_terbitkan(request, slug):
    kabar = _kabar_for_writer(request, slug)
    if not kabar.terbit:
        kabar.status = StatusKabar.TERBIT
        kabar.tanggal_terbit = kabar.tanggal_terbit or timezone.now()
        kabar._change_reason = "terbitkan"
        kabar.save()
        messages.success(request, _("Kabar diterbitkan dan tampil untuk umum."))
    return redirect(kabar)


@require_POST
@writer_required
def kabar_tarik(request, slug):
    kabar = _kabar_for_writer(request, slug)
    if kabar.terbit:
        kabar.status = StatusKabar.DRAF
        kabar._change_reason = "tarik ke draf"
        kabar.save()
        messages.success(request, _("Kabar ditarik menjadi draf; tidak tampil untuk umum."))
    return redirect(kabar)


# --------------------------------------------------------------------------------- masukan

SASARAN = {
    "kabar": lambda pk: get_object_or_404(Kabar.objects.terbit(), pk=pk),
    "kegiatan": lambda pk: get_object_or_404(Kegiatan, pk=pk),
    "desa": lambda pk: get_object_or_404(Desa, pk=pk),
    # Open items of agreed plans only (the "Peluang kolaborasi" page).
    "item": lambda pk: get_object_or_404(ItemRencana, pk=pk,
                                         dokumen__status=StatusRencana.DISEPAKATI),
}
#: The target field of Masukan for each kind of the URL.
FIELD_SASARAN = {"kabar": "kabar", "kegiatan": "kegiatan", "desa": "desa",
                 "item": "item_rencana"}


def masukan_url(target) -> str:
    jenis = {Kabar: "kabar", Kegiatan: "kegiatan", Desa: "desa",
             ItemRencana: "item"}[type(target)]
    return reverse("kolaborasi:masukan_kirim", args=[jenis, target.pk])


@require_POST
def masukan_kirim(request, jenis, pk):
    if jenis not in SASARAN:
        raise Http404
    target = SASARAN[jenis](_pk_or_404(pk))
    ip_hash = layanan.hash_ip(layanan.client_ip(request))
    if not layanan.catat_percobaan(ip_hash):
        response = render(request, "kabar/masukan_terlalu_sering.html", {
            "target": target, "menit": max(1, layanan.jendela_detik() // 60)}, status=429)
        response["Retry-After"] = str(layanan.jendela_detik())
        return response
    form = (MinatForm if jenis == "item" else MasukanForm)(request.POST, request.FILES)
    if form.is_valid():
        try:
            layanan.terima(sasaran={FIELD_SASARAN[jenis]: target},
                           nama=form.cleaned_data["nama"], pesan=form.cleaned_data["pesan"],
                           foto=form.cleaned_data.get("foto"), ip_hash=ip_hash,
                           kontak=form.cleaned_data.get("kontak", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            # The same thanks whatever the verdict: spammers learn nothing from it. It takes
            # the form's place (kabar/_masukan.html), where the sender is looking, not the
            # top of a long page (issue 17); static/js/masukan.js does it without reloading.
            return redirect(target.get_absolute_url() + "?masukan=terkirim#masukan-terkirim")
    status = 400 if form.penolakan in ("honeypot", "token") else 200
    if form.penolakan in ("terlalu_cepat", "kedaluwarsa", "token"):
        form.token_baru()
    return render(request, "kabar/masukan_form.html", {
        "form": form, "target": target, "url": masukan_url(target),
        "tolak": form.penolakan == "honeypot"}, status=status)


# -------------------------------------------------------------------------------- moderasi

TAB_STATUS = [("menunggu", gettext_lazy("Menunggu")), ("spam", gettext_lazy("Spam")),
              ("disetujui", gettext_lazy("Disetujui")), ("ditolak", gettext_lazy("Ditolak")),
              ("semua", gettext_lazy("Semua"))]


def _riwayat(items) -> dict[int, list]:
    """Decision history of the listed messages (one query): who, when, which status."""
    rows = (Masukan.history.filter(id__in=[m.pk for m in items])
            .select_related("history_user").order_by("id", "history_date", "history_id"))
    out = defaultdict(list)
    for h in rows:
        out[h.id].append(h)
    return out


@require_GET
@verifier_required
def moderasi(request):
    tab = _param(request, "status", 20)
    if tab not in dict(TAB_STATUS):
        tab = "menunggu"
    scope = Masukan.objects.for_moderator(request.user)
    qs = scope if tab == "semua" else scope.filter(status=tab)
    qs = qs.select_related("kabar", "kegiatan__desa", "desa", "item_rencana").order_by(
        "-dibuat_pada", "-pk")
    page = Paginator(qs, MODERASI_PER_PAGE).get_page(_param(request, "halaman", 10))
    riwayat = _riwayat(page.object_list)
    for m in page.object_list:
        m.riwayat = riwayat.get(m.pk, [])
    jumlah = dict(scope.order_by().values_list("status").annotate(n=Count("pk")))
    return render(request, "kabar/moderasi.html", {
        "page": page, "tab": tab, "tabs": [(k, label, jumlah.get(k, 0) if k != "semua"
                                            else sum(jumlah.values())) for k, label in TAB_STATUS],
    })


def _kembali_ke_antrian(request):
    tab = request.POST.get("status", "")
    url = reverse("kolaborasi:masukan_moderasi")
    return redirect(f"{url}?status={tab}" if tab in dict(TAB_STATUS) else url)


@require_POST
@verifier_required
def moderasi_aksi(request):
    aksi = request.POST.get("aksi", "")
    ids = [v for v in request.POST.getlist("pilih") if v.isascii() and v.isdigit()
           and len(v) <= 18]
    if not ids:
        messages.error(request, _("Pilih paling sedikit satu masukan."))
        return _kembali_ke_antrian(request)
    scope = Masukan.objects.for_moderator(request.user).filter(pk__in=ids)
    try:
        n = layanan.moderasi(request.user, scope, aksi)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        label = {"setujui": _("disetujui"), "tolak": _("ditolak"), "spam": _("ditandai spam")}
        messages.success(request, _("%(n)s masukan %(aksi)s.") % {"n": n, "aksi": label[aksi]})
    return _kembali_ke_antrian(request)


@require_POST
@verifier_required
def moderasi_balas(request, pk):
    masukan = get_object_or_404(Masukan.objects.for_moderator(request.user), pk=_pk_or_404(pk))
    teks = request.POST.get("balasan", "")
    if "\x00" in teks or not teks.strip() or len(teks) > Masukan._meta.get_field(
            "balasan").max_length:
        messages.error(request, _("Tulis balasan (paling panjang 2.000 karakter)."))
        return _kembali_ke_antrian(request)
    try:
        layanan.balas(request.user, masukan, teks)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Balasan tersimpan dan tampil di bawah masukan."))
    return _kembali_ke_antrian(request)

