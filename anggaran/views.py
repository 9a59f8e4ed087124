"""Activities: public list and page (who funds what), and the facilitators' entry forms."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from desa import akses
from desa.akses import writer_required
from desa.filters import label_kriteria
from desa.models import Desa
from inti import exports
from inti.cache import cached_aggregate
from inti.idempoten import (
    baca_token,
    sudah_terkirim,
    sudah_tersimpan,
    tanda_tersimpan,
    token_formulir,
)
from inti.images import max_upload_mb
from inti.numbers import format_decimal_id, format_rupiah
from inti.services import ServiceError, VersionConflict
from inti.tampil import perbedaan
from inti.uang import ZERO_RP
from inti.viewutils import PER_PAGE, clean_params, hitung_demo

from . import dashboard, services
from .filters import KegiatanFilter
from .forms import FotoFormSet, KegiatanForm, LaporanProgresForm, pendanaan_formset
from .models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan, StatusKegiatan
from .riwayat import riwayat_kegiatan

# ------------------------------------------------------------------------------- list + export


def kegiatan_rows(request):
    """The one queryset behind the activity list and its exports: ``(filterset, rows,
    with_share)``; ``with_share`` tells whether the filtered funding lines' share is added."""
    # (Not the desa's boundary polygon: the largest column, and the newest year's activities
    # are sorted with their rows before a page is cut: 160 -> 90 ms nationally.)
    qs = Kegiatan.objects.with_totals().select_related("desa", "kriteria__aspek").defer(
        "desa__batas")
    filterset = KegiatanFilter(clean_params(request.GET), queryset=qs, request=request)
    rows, with_share = _with_filtered_share(filterset, filterset.qs)
    return filterset, rows, with_share


# Parameters that change the rows' order or page, not which rows match.
_BUKAN_SARINGAN = ("halaman", "urut", "format")


@cached_aggregate("daftar_kegiatan", key=lambda filterset: sorted(
    (k, filterset.data.getlist(k)) for k in filterset.data if k not in _BUKAN_SARINGAN))
def ringkasan_daftar(filterset) -> dict:
    """How many activities match the list's filters (and how many are demo) and their
    planned/realised Rp: one aggregate from the activities to their lines with a
    funding-line filter, else two (the activities; their lines)."""
    q = filterset.pendanaan_q()
    total = _dari_ringkasan(filterset)
    if total is not None:
        # A year, a source, a funder type, a status, a province or kabupaten: the
        # kabupaten rows answer.
        counts = total
    elif q:
        # A funding-line filter (source, funder, its type): every listed activity has a line,
        # so one pass from the activities to all their lines (by index) counts them, sums
        # their whole cost, and the filtered share, what that source or stakeholder put in.
        # The filters on the activities are single-valued or EXISTS, so nothing multiplies.
        # Nationally 270 ms for the two queries below, 150 ms for this one.
        qp = filterset.pendanaan_q("pendanaan__")
        total = counts = filterset.qs.order_by().aggregate(
            jumlah=Count("pk", distinct=True),
            demo=Count("pk", distinct=True, filter=Q(is_demo=True)),
            batal=Count("pk", distinct=True, filter=Q(status=StatusKegiatan.BATAL)),
            rencana=Sum("pendanaan__rencana_rp"), realisasi=Sum("pendanaan__realisasi_rp"),
            rencana_f=Sum("pendanaan__rencana_rp", filter=qp),
            realisasi_f=Sum("pendanaan__realisasi_rp", filter=qp),
            rencana_batal=Sum("pendanaan__rencana_rp",
                              filter=qp & Q(status=StatusKegiatan.BATAL)))
    else:
        counts = filterset.qs.order_by().aggregate(
            jumlah=Count("pk"), demo=Count("pk", filter=Q(is_demo=True)),
            batal=Count("pk", filter=Q(status=StatusKegiatan.BATAL)))
        # The whole cost of the activities listed (all their funding lines).
        total = Pendanaan.objects.filter(
            kegiatan__in=filterset.qs.order_by().values("pk")).aggregate(
            rencana=Sum("rencana_rp"), realisasi=Sum("realisasi_rp"),
            rencana_batal=Sum("rencana_rp", filter=Q(kegiatan__status=StatusKegiatan.BATAL)))
    return {
        "jumlah": counts["jumlah"], "demo": counts["demo"],
        "total": {"rencana": total["rencana"], "realisasi": total["realisasi"]},
        "total_filter": ({"rencana": total["rencana_f"], "realisasi": total["realisasi_f"]}
                         if q else None),
        # Cancelled activities are listed (with their status) but counted on no dashboard:
        # how many, and their planned Rp (of the filtered lines, with a line filter).
        "batal": {"jumlah": counts["batal"], "rencana": total["rencana_batal"]},
    }


#: The list's filters the kabupaten rows hold (with a scope no finer than a kabupaten).
_DI_RINGKASAN = {"tahun_anggaran", "sumber", "jenis_pemangku", "status", "wilayah"}


def _dari_ringkasan(filterset) -> dict | None:
    """The list's totals from the kabupaten rows (``dashboard.daftar_kegiatan``) when the
    filters chosen are among those they hold; else None."""
    data = getattr(filterset.form, "cleaned_data", None)
    if not filterset.is_bound or data is None:
        return None
    dipakai = {k for k, v in data.items() if v not in (None, "", [], ()) and k != "urut"}
    if not dipakai <= _DI_RINGKASAN:
        return None
    return dashboard.daftar_kegiatan(dashboard.Filter(
        tahun=int(data["tahun_anggaran"]) if data.get("tahun_anggaran") else None,
        sumber=data["sumber"].kode if data.get("sumber") else None,
        jenis=data.get("jenis_pemangku") or None,
        wilayah=data.get("wilayah") or None), status=data.get("status") or None)


def _with_filtered_share(filterset, qs):
    """When funding lines are filtered (source, funder, its type), add their share of each
    activity: the part of the money that the filter is about."""
    q = filterset.pendanaan_q()
    if not q:
        return qs, False
    lines = (Pendanaan.objects.filter(q, kegiatan=OuterRef("pk")).order_by()
             .values("kegiatan"))
    return qs.annotate(
        rencana_filter=Coalesce(Subquery(lines.annotate(s=Sum("rencana_rp")).values("s")),
                                ZERO_RP),
        realisasi_filter=Coalesce(Subquery(lines.annotate(s=Sum("realisasi_rp")).values("s")),
                                  ZERO_RP),
    ), True


def kegiatan_columns(with_share: bool) -> list[exports.Column]:
    C = exports.Column
    columns = [
        C(_("Tahun anggaran"), "tahun_anggaran", "int"),
        C(_("Kode desa"), "desa.kode_wilayah", width=15),
        C(_("Desa"), "desa.nama", width=16),
        C(_("Kode kriteria"), "kriteria.kode", width=8),
        C(_("Kriteria"), lambda k: label_kriteria(k.kriteria), width=40),
        C(_("Aspek"), "kriteria.aspek.nama", width=20),
        C(_("Nama kegiatan"), "nama", width=40),
        C(_("Volume"), "volume", "decimal"),
        C(_("Satuan"), "satuan", width=8),
        C(_("Status"), "get_status_display", width=10),
        C(_("Rencana (Rp)"), "total_rencana", "rupiah"),
        C(_("Realisasi (Rp)"), "total_realisasi", "rupiah"),
    ]
    if with_share:
        columns += [C(_("Rencana sesuai filter (Rp)"), "rencana_filter", "rupiah"),
                    C(_("Realisasi sesuai filter (Rp)"), "realisasi_filter", "rupiah")]
    columns += [
        C(_("Jumlah sumber dana"), "jumlah_sumber", "int"),
        C(_("Jumlah pemberi dana"), "jumlah_pendana", "int"),
        C(_("Progres fisik (%)"), "progres_fisik", "percent"),
        C(_("Data demo"), lambda k: exports.ya_tidak(k.is_demo), width=8),
    ]
    return columns


@require_GET
def kegiatan_list(request):
    filterset, qs, with_share = kegiatan_rows(request)
    fmt = exports.requested_format(request)
    if fmt:
        return exports.export_response(fmt, "kegiatan-penanganan", kegiatan_columns(with_share),
                                       qs, title=_("Kegiatan"))
    ringkas = ringkasan_daftar(filterset)
    paginator = Paginator(qs, PER_PAGE)
    paginator.count = ringkas["jumlah"]  # (a cached_property: set, not computed again)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(request, "anggaran/kegiatan_list.html", {
        "filter": filterset, "page": page, "with_share": with_share, "total": ringkas["total"],
        "total_filter": ringkas.get("total_filter"), "jumlah_demo": ringkas.get("demo", 0),
        "batal": ringkas["batal"],
        "bisa_tulis": akses.can_write_anything(request.user),
    })


# ------------------------------------------------------------------------------------ detail


def _foto_per_tahap(laporan_list):
    """The latest photo of each stage (0/50/100%), for the before/during/after strip."""
    latest = {}
    for laporan in laporan_list:  # newest first
        for foto in laporan.foto.all():
            if foto.tahap != FotoProgres.Tahap.LAIN and foto.tahap not in latest:
                latest[foto.tahap] = foto
    return [(label, latest.get(value)) for value, label in FotoProgres.Tahap.choices
            if value != FotoProgres.Tahap.LAIN]


@require_GET
def kegiatan_detail(request, pk):
    kegiatan = get_object_or_404(
        Kegiatan.objects.with_totals().select_related(
            "desa", "kriteria__aspek", "kawasan", "lokasi", "pelaksana"),
        pk=pk)
    staff = akses.is_staff_reader(request.user)
    lines = list(kegiatan.pendanaan.select_related("pemangku", "sumber").order_by("pk"))
    laporan_qs = kegiatan.progres.prefetch_related("foto").order_by("-tanggal", "-pk")
    if staff:
        laporan_qs = laporan_qs.select_related("dibuat_oleh")
    laporan = list(laporan_qs)
    bisa_ubah = akses.can_write_desa(request.user, kegiatan.desa)
    return render(request, "anggaran/kegiatan_detail.html", {
        "kegiatan": kegiatan,
        "lines": lines,
        "laporan_list": laporan,
        "foto_tahap": _foto_per_tahap(laporan),
        "staff": staff,
        "riwayat": riwayat_kegiatan(kegiatan) if staff else None,
        "bisa_ubah": bisa_ubah,
        "bisa_hapus": bisa_ubah and (kegiatan.status == StatusKegiatan.RENCANA
                                     or akses.is_admin(request.user)),
        "kriteria_label": label_kriteria(kegiatan.kriteria),
        "tanda": hitung_demo([kegiatan], _("kegiatan")),
    })


# ------------------------------------------------------------------------------------ forms


def _kegiatan_form(request, kegiatan: Kegiatan, desa: Desa | None, extra: int):
    FormSet = pendanaan_formset(extra)
    konflik = None
    baru = kegiatan.pk is None
    token = baca_token(request.POST) if baru and request.method == "POST" else None
    if token is not None:
        # The same form sent again (double tap, retried offline send): the first result.
        pertama = sudah_tersimpan(Kegiatan.objects.for_writer(request.user), token)
        if pertama is not None:
            return sudah_terkirim(request, pertama)
    if request.method == "POST":
        form = KegiatanForm(request.POST, instance=kegiatan, user=request.user, desa=desa)
        formset = FormSet(request.POST, instance=kegiatan, prefix="dana")
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            try:
                unsaved = form.save(commit=False)
                if token is not None:
                    unsaved.token_kirim = token
                saved = services.simpan_kegiatan(
                    unsaved, services.baris_dari_formset(formset), request.user,
                    form.cleaned_data.get("versi"))
            except VersionConflict as exc:
                messages.error(request, exc.message)
                konflik = {"pesan": exc.message,
                           "perbedaan": _perbedaan_kegiatan(form, formset, kegiatan.pk)}
                # Keep what was typed; the next save knowingly overwrites the newer version.
                data = request.POST.copy()
                data["versi"] = str(Kegiatan.objects.filter(pk=kegiatan.pk)
                                    .values_list("versi", flat=True).first() or "")
                kegiatan.refresh_from_db()
                form = KegiatanForm(data, instance=kegiatan, user=request.user, desa=desa)
                formset = FormSet(data, instance=kegiatan, prefix="dana")
                form.is_valid()
                formset.is_valid()
            except ServiceError as exc:
                # A concurrent send of the same token won the race on its unique column.
                pertama = sudah_tersimpan(Kegiatan.objects.for_writer(request.user), token)
                if pertama is not None:
                    return sudah_terkirim(request, pertama)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Kegiatan “%(nama)s” tersimpan.") % {
                    "nama": saved.nama}, extra_tags=tanda_tersimpan(token))
                return redirect(saved)
    else:
        form = KegiatanForm(instance=kegiatan, user=request.user, desa=desa)
        formset = FormSet(instance=kegiatan, prefix="dana")
    return render(request, "anggaran/kegiatan_form.html", {
        "form": form, "formset": formset, "kegiatan": kegiatan if kegiatan.pk else None,
        "desa": desa, "konflik": konflik,
        "token_kirim": token_formulir(request) if baru else "",
    })



def _baris_dana(values: dict) -> str:
    text = _("%(p)s / %(s)s: rencana %(r)s, realisasi %(z)s") % {
        "p": values["pemangku"], "s": values["sumber"],
        "r": format_rupiah(values["rencana_rp"]), "z": format_rupiah(values["realisasi_rp"])}
    if values.get("natura"):
        text += _(" (natura: %(u)s)") % {"u": values.get("uraian_natura", "")}
    return text


def _perbedaan_kegiatan(form, formset, pk) -> list[dict]:
    """What the other user saved that differs from this user's input (a version conflict):
    the activity's fields, then its funding lines matched by id."""
    current = Kegiatan.objects.filter(pk=pk).first()
    if current is None:
        return []
    mine = {n: v for n, v in form.cleaned_data.items() if n != "versi"}
    rows = perbedaan(form.fields, mine, {n: getattr(current, n, None) for n in mine})
    fields = ("pemangku", "sumber", "rencana_rp", "realisasi_rp", "natura", "uraian_natura")
    tersimpan = {p.pk: _baris_dana({f: getattr(p, f) for f in fields})
                 for p in current.pendanaan.select_related("pemangku", "sumber").order_by("pk")}
    milik_anda, baru = {}, []
    for f in formset.forms:
        data = getattr(f, "cleaned_data", None) or {}
        if not data or not (f.instance.pk or f.has_changed()):
            continue
        text = "–" if data.get("DELETE") else _baris_dana(data)
        old = data.get("id")
        if old is not None:
            milik_anda[old.pk] = text
        else:
            baru.append(text)
    for line_pk in sorted(set(tersimpan) | set(milik_anda)):
        mine, theirs = milik_anda.get(line_pk, "–"), tersimpan.get(line_pk, "–")
        if mine != theirs:
            rows.append({"label": _("Pendanaan #%(n)s") % {"n": line_pk},
                         "milik_anda": mine, "tersimpan": theirs})
    for text in baru:
        rows.append({"label": _("Pendanaan baru"), "milik_anda": text, "tersimpan": "–"})
    return rows


@require_http_methods(["GET", "POST"])
@writer_required
def kegiatan_baru(request):
    desa = akses.writable_desa_or_404(request.user, request.GET.get("desa"))
    return _kegiatan_form(request, Kegiatan(desa=desa), desa, extra=3)


@require_http_methods(["GET", "POST"])
@writer_required
def kegiatan_ubah(request, pk):
    kegiatan = get_object_or_404(Kegiatan.objects.for_writer(request.user).select_related("desa"),
                                 pk=pk)
    return _kegiatan_form(request, kegiatan, kegiatan.desa, extra=1)


@require_http_methods(["GET", "POST"])
@writer_required
def progres_baru(request, pk):
    kegiatan = get_object_or_404(Kegiatan.objects.for_writer(request.user).select_related("desa"),
                                 pk=pk)
    terakhir = kegiatan.progres.order_by("-tanggal", "-pk").first()
    token = baca_token(request.POST) if request.method == "POST" else None
    laporan_saya = LaporanProgres.objects.filter(kegiatan=kegiatan)
    pertama = sudah_tersimpan(laporan_saya, token)
    if pertama is not None:
        return sudah_terkirim(request, kegiatan, token)
    if request.method == "POST":
        form = LaporanProgresForm(request.POST, terakhir=terakhir)
        fotos = FotoFormSet(request.POST, request.FILES, prefix="foto")
        valid = form.is_valid()
        valid = fotos.is_valid() and valid
        if valid:
            try:
                services.simpan_progres(kegiatan, form, fotos.forms, request.user, token=token)
            except ServiceError as exc:
                if sudah_tersimpan(laporan_saya, token) is not None:
                    return sudah_terkirim(request, kegiatan, token)
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Laporan progres tersimpan."),
                                 extra_tags=tanda_tersimpan(token))
                return redirect(kegiatan)
    else:
        form = LaporanProgresForm(terakhir=terakhir, initial={
            "tanggal": datetime.date.today(),
            "persen_fisik": terakhir.persen_fisik if terakhir else None,
        })
        fotos = FotoFormSet(prefix="foto")
    return render(request, "anggaran/progres_form.html", {
        "kegiatan": kegiatan, "form": form, "fotos": fotos, "terakhir": terakhir,
        "max_mb": max_upload_mb(), "token_kirim": token_formulir(request),
    })


# ------------------------------------------------------------------------------------ delete


def _konfirmasi_hapus(request, *, judul, pertanyaan, rincian, tombol, batal_url):
    return render(request, "hapus_konfirmasi.html", {
        "judul": judul, "pertanyaan": pertanyaan, "rincian": rincian, "tombol": tombol,
        "batal_url": batal_url})


@require_http_methods(["GET", "POST"])
@writer_required
def kegiatan_hapus(request, pk):
    """A facilitator deletes an activity entered by mistake while it is still "rencana"
    (with its funding lines and progress reports); anything further along, only an admin."""
    kegiatan = get_object_or_404(
        Kegiatan.objects.for_writer(request.user).with_totals().select_related("desa"), pk=pk)
    if kegiatan.status != StatusKegiatan.RENCANA and not akses.is_admin(request.user):
        raise PermissionDenied(_("Hanya kegiatan berstatus Rencana yang dapat dihapus "
                                 "fasilitator."))
    if request.method == "POST":
        nama = kegiatan.nama
        services.hapus_kegiatan(kegiatan)
        messages.success(request, _("Kegiatan “%(nama)s” dihapus.") % {"nama": nama})
        return redirect("anggaran:kegiatan_list")
    return _konfirmasi_hapus(
        request, judul=_("Hapus kegiatan"),
        pertanyaan=_("Hapus kegiatan “%(nama)s”?") % {"nama": kegiatan.nama},
        rincian=[
            f"{kegiatan.desa.nama} · {kegiatan.tahun_anggaran} · {kegiatan.get_status_display()}",
            _("Rencana %(r)s dalam %(n)s baris pendanaan ikut terhapus.") % {
                "r": format_rupiah(kegiatan.total_rencana),
                "n": kegiatan.pendanaan.count()},
            _("%(n)s laporan progres (dengan fotonya) ikut terhapus.") % {
                "n": kegiatan.progres.count()},
        ],
        tombol=_("Ya, hapus kegiatan"), batal_url=kegiatan.get_absolute_url())


@require_http_methods(["GET", "POST"])
@writer_required
def progres_hapus(request, pk):
    """A facilitator deletes a progress report of their desa (a double entry, a wrong
    activity), with its photo files."""
    laporan = get_object_or_404(
        LaporanProgres.objects.filter(kegiatan__in=Kegiatan.objects.for_writer(request.user))
        .select_related("kegiatan"), pk=pk)
    kegiatan = laporan.kegiatan
    if request.method == "POST":
        services.hapus_progres(laporan)
        messages.success(request, _("Laporan progres %(t)s dihapus.") % {
            "t": laporan.tanggal.strftime("%d-%m-%Y")})
        return redirect(kegiatan)
    return _konfirmasi_hapus(
        request, judul=_("Hapus laporan progres"),
        pertanyaan=_("Hapus laporan progres %(t)s dari “%(k)s”?") % {
            "t": laporan.tanggal.strftime("%d-%m-%Y"), "k": kegiatan.nama},
        rincian=[
            _("Progres fisik %(p)s%%, realisasi %(r)s") % {
                "p": format_decimal_id(laporan.persen_fisik, 0 if laporan.persen_fisik
                                       == laporan.persen_fisik.to_integral_value() else 2),
                "r": format_rupiah(laporan.realisasi_rp)},
            _("%(n)s foto ikut terhapus.") % {"n": laporan.foto.count()},
        ],
        tombol=_("Ya, hapus laporan"),
        batal_url=reverse("anggaran:kegiatan_detail", args=[kegiatan.pk]))
