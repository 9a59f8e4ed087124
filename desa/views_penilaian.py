"""Slum-assessment pages: list, official table, entry form with live score, submit/verify/return,
and the verifier's queue.

Permissions (PRODUCT.md): anonymous → login; a role that may not write (or verify) → 403, via
``writer_required`` / ``verifier_required``; an assessment outside the user's desa (or
kecamatan) → 404, by looking it up through the user's queryset. Every write is a POST.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from desa import akses, selectors
from desa.akses import verifier_required, writer_required
from desa.entri import buat_penilaian, penilaian_sebelumnya
from desa.filters import PenilaianFilter
from desa.forms import CatatanForm, PenilaianBaruForm, PenilaianForm
from desa.models import HEADER_CHOICES, Desa, Penilaian
from desa.penilaian import ajukan, hapus_penilaian, kembalikan, simpan_penilaian, verifikasi
from desa.scoring import HANDLING_PATTERNS, score_assessment
from inti.angka import parse_id
from inti.forms_base import FilterForm
from inti.idempoten import (
    baca_token,
    sudah_terkirim,
    sudah_tersimpan,
    tanda_tersimpan,
    token_formulir,
)
from inti.pilihan import DesaPilihanField
from inti.services import ServiceError, VersionConflict
from inti.tampil import perbedaan
from inti.viewutils import hitung_demo

_RELATED = ("lokasi__desa__kecamatan", "lokasi__kawasan", "aturan")


# ---------------------------------------------------------------------------------------------
# Lookups: each encodes who may touch which assessment
# ---------------------------------------------------------------------------------------------


def _untuk_ditulis(request, pk) -> Penilaian:
    """The assessment ``request.user`` may edit: other desa → 404; locked for them → 403."""
    penilaian = get_object_or_404(
        Penilaian.objects.for_writer(request.user).select_related(*_RELATED), pk=pk)
    if not akses.boleh_ubah_penilaian(request.user, penilaian, desa_diperiksa=True):
        raise PermissionDenied(_("Penilaian berstatus \u201c%(s)s\u201d tidak dapat diubah.")
                               % {"s": penilaian.get_status_display()})
    return penilaian


def _untuk_diverifikasi(request, pk) -> Penilaian:
    desa = akses.verifiable_desa(request.user)
    return get_object_or_404(
        Penilaian.objects.filter(lokasi__desa__in=desa).select_related(*_RELATED), pk=pk)


# ---------------------------------------------------------------------------------------------
# Read pages
# ---------------------------------------------------------------------------------------------


class TambahPenilaianForm(FilterForm):
    """"Tambah penilaian": the desa of the new assessment, among those the user may write.

    Few desa (a facilitator): the page lists them as links. Many (an admin nationally): a
    text field with suggestions, sent with GET as ``?tambah=`` to the list, which redirects
    to that desa's entry form (``penilaian_baru``).
    """

    tambah = DesaPilihanField(
        queryset=Desa.objects.none(), to_field_name="kode_wilayah", required=False,
        label=gettext_lazy("Desa penilaian baru"),
        error_messages={"invalid_choice": gettext_lazy("Pilih desa tugas Anda.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tambah"].queryset = akses.writable_desa(user).order_by("nama")
        self.fields["tambah"].siapkan()  # the probe: the links, or the text field

    @property
    def desa_tulis(self) -> list[tuple[str, str]]:
        """(code, name) of the writable desa while they are few, else ``[]``."""
        field = self.fields["tambah"]
        return [] if field.besar else [(k, n) for k, n in field.choices if k]


@require_GET
def penilaian_list(request):
    user = request.user
    tambah = None
    if akses.can_write_anything(user):
        tambah = TambahPenilaianForm(request.GET if "tambah" in request.GET else None,
                                     user=user)
        if tambah.is_bound and tambah.is_valid() and tambah.cleaned_data["tambah"]:
            return redirect("desa:penilaian_baru", tambah.cleaned_data["tambah"].kode_wilayah)
    lihat_status = akses.is_staff_reader(user)
    qs = (selectors.penilaian_terlihat(user)
          .select_related("lokasi__desa", "lokasi__kawasan")
          .order_by("-tahun", "lokasi__desa__nama", "lokasi__nama"))
    filterset = PenilaianFilter(request.GET, queryset=qs, lihat_status=lihat_status)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("halaman"))
    media = filterset.form.media + (tambah.media if tambah is not None else forms.Media())
    return render(request, "desa/penilaian_list.html", {
        "filter": filterset,
        "page": page,
        "lihat_status": lihat_status,
        "status_pilihan": Penilaian.Status.choices,
        "tambah": tambah,
        "desa_tulis": tambah.desa_tulis if tambah is not None else [],
        "media": media,
        "boleh_verifikasi": akses.can_verify_anything(user),
        "tanda": hitung_demo(page, gettext_lazy("penilaian di halaman ini")),
    })


def _render_detail(request, penilaian: Penilaian, catatan_form=None, status=200):
    user = request.user
    rules = penilaian.aturan.to_ruleset()
    hasil = selectors.hasil_penilaian(penilaian, rules)
    staf = akses.is_staff_reader(user)
    context = {
        "penilaian": penilaian,
        "hasil": hasil,
        "tabel": selectors.tabel_hasil(hasil),
        "header": [(label, getattr(penilaian, f)) for f, label in HEADER_CHOICES],
        "pola_label": dict(HANDLING_PATTERNS).get(penilaian.pola_penanganan, ""),
        "staf": staf,
        "boleh_ubah": staf and akses.boleh_ubah_penilaian(user, penilaian),
        "boleh_ajukan": staf and akses.boleh_ajukan_penilaian(user, penilaian),
        "boleh_verifikasi": staf and akses.boleh_verifikasi_penilaian(user, penilaian),
        "catatan_form": catatan_form or CatatanForm(),
        "riwayat": selectors.riwayat_perubahan(penilaian) if staf else [],
        "tanda": hitung_demo([penilaian], gettext_lazy("penilaian")),
    }
    return render(request, "desa/penilaian_detail.html", context, status=status)


@require_GET
def penilaian_detail(request, pk):
    penilaian = get_object_or_404(
        selectors.penilaian_terlihat(request.user).select_related(
            *_RELATED, "diverifikasi_oleh"), pk=pk)
    return _render_detail(request, penilaian)


@require_GET
@verifier_required
def antrian_verifikasi(request):
    """Submissions waiting for this verifier, oldest first."""
    qs = selectors.antrian_verifikasi(request.user).select_related("lokasi__kawasan",
                                                                   "dibuat_oleh")
    page = Paginator(qs, 50).get_page(request.GET.get("halaman"))
    return render(request, "desa/antrian_verifikasi.html", {"page": page})


# ---------------------------------------------------------------------------------------------
# Entry
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@writer_required
def penilaian_baru(request, kode):
    desa = get_object_or_404(akses.writable_desa(request.user), kode_wilayah=kode)
    # "?lokasi=<pk>" (from "Tugas saya": a location not assessed yet) preselects it.
    pilihan = request.GET.get("lokasi", "")
    lokasi_id = parse_id(pilihan)
    initial = {"lokasi": lokasi_id} if lokasi_id else {}
    token = baca_token(request.POST) if request.method == "POST" else None
    milik_desa = Penilaian.objects.filter(lokasi__desa=desa)
    pertama = sudah_tersimpan(milik_desa, token)
    if pertama is not None:
        return sudah_terkirim(request, reverse("desa:penilaian_ubah", args=[pertama.pk]), token)
    form = PenilaianBaruForm(request.POST or None, desa=desa, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            penilaian = buat_penilaian(
                desa, request.user, tahun=data["tahun"], lokasi=data["lokasi"],
                nama=data["nama"], rt=data["rt"], rw=data["rw"], kawasan=data["kawasan"],
                salin=data["salin"], token_kirim=token)
        except ServiceError as exc:
            pertama = sudah_tersimpan(milik_desa, token)
            if pertama is not None:  # a concurrent send of the same form won the race
                return sudah_terkirim(
                    request, reverse("desa:penilaian_ubah", args=[pertama.pk]), token)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            sebelum = (penilaian.jenis == Penilaian.Jenis.PEMUTAKHIRAN)
            messages.success(request, _(
                "Draf penilaian %(lokasi)s tahun %(tahun)s dibuat%(salin)s. Isi data dasar dan "
                "volume setiap kriteria.") % {
                "lokasi": penilaian.lokasi.nama, "tahun": penilaian.tahun,
                "salin": _(" dari penilaian sebelumnya") if sebelum else ""},
                extra_tags=tanda_tersimpan(token))
            return redirect("desa:penilaian_ubah", pk=penilaian.pk)
    return render(request, "desa/penilaian_baru.html", {
        "desa": desa, "form": form, "token_kirim": token_formulir(request)})


def _perbedaan(form: PenilaianForm, current: Penilaian) -> list[dict]:
    """What the other user saved that differs from this user's input (for a version conflict)."""
    saved = PenilaianForm.initial_for(current)
    mine = {n: v for n, v in form.cleaned_data.items() if n != "versi"}
    for name in mine:
        if name.startswith("v_"):  # an empty volume is 0
            mine[name], saved[name] = mine[name] or 0, saved.get(name) or 0
    return perbedaan(form.fields, mine, saved)


@require_http_methods(["GET", "POST"])
@writer_required
def penilaian_ubah(request, pk):
    penilaian = _untuk_ditulis(request, pk)
    rules = penilaian.aturan.to_ruleset()
    konflik = None
    if request.method == "POST":
        form = PenilaianForm(request.POST, rules=rules)
        mau_ajukan = request.POST.get("aksi") == "ajukan"
        if (not form.is_valid() and not mau_ajukan and "versi" not in form.errors
                and not any("\x00" in v for v in request.POST.values())):
            # "Simpan draf" keeps everything typed, even what is not right yet (issue 17).
            try:
                belum = simpan_draf_sebagian(penilaian, form, request.user)
            except ServiceError:
                pass  # a version conflict or a refused value: shown with the errors below
            else:
                messages.warning(request, _(
                    "Draf tersimpan dengan %(n)s isian yang belum benar (dicatat apa adanya "
                    "untuk diperbaiki; nilai yang dihitung tetap nilai benar terakhir). "
                    "Perbaiki sebelum mengajukan.") % {"n": len(belum)})
                return redirect("desa:penilaian_ubah", pk=penilaian.pk)
        if form.is_valid():
            form.apply_to(penilaian)
            penilaian.isian_belum_benar = {}
            try:
                simpan_penilaian(penilaian, form.volume_values(), request.user,
                                 versi=form.cleaned_data["versi"], lalu_ajukan=mau_ajukan)
            except VersionConflict as exc:
                current = Penilaian.objects.get(pk=penilaian.pk)
                konflik = {"pesan": exc.message, "perbedaan": _perbedaan(form, current),
                           "versi": current.versi}
                # Keep the user's input; the next save overwrites the other version
                # knowingly, having seen the differences.
                data = request.POST.copy()
                data["versi"] = str(current.versi)
                form = PenilaianForm(data, rules=rules)
                form.is_valid()
                form.add_error(None, exc.message)
            except ServiceError as exc:
                name = PenilaianForm.volume_name(exc.field) if exc.field else None
                form.add_error(name if name in form.fields else None, exc.message)
            else:
                if mau_ajukan:
                    messages.success(request, _(
                        "Penilaian disimpan dan diajukan untuk verifikasi. Total skor "
                        "%(t)s (%(l)s).") % {"t": penilaian.total_skor,
                                             "l": penilaian.get_tingkat_display()})
                    return redirect(penilaian)
                messages.success(request, _(
                    "Draf tersimpan. Total skor %(t)s (%(l)s).") % {
                    "t": penilaian.total_skor, "l": penilaian.get_tingkat_display()})
                return redirect("desa:penilaian_ubah", pk=penilaian.pk)
    else:
        form = PenilaianForm(initial=PenilaianForm.initial_for(penilaian), rules=rules)
    hasil = form.hasil() if form.is_bound else _hasil_awal(form, penilaian, rules)
    if not form.is_bound and penilaian.isian_belum_benar:
        # Show what was typed (not the last valid value) where the draft kept a mistake.
        for name, item in penilaian.isian_belum_benar.items():
            if name in form.fields:
                form.initial[name] = item.get("teks", "")
    return render(request, "desa/penilaian_form.html", {
        "penilaian": penilaian,
        "form": form,
        "hasil": hasil,
        "kelompok": form.volume_groups(hasil),
        "alasan_tak_terhitung": form.alasan_tak_terhitung() if form.is_bound else [],
        "konflik": konflik,
        "boleh_ajukan": penilaian.dapat_diubah_fasilitator,
        "sebelumnya": penilaian_sebelumnya(penilaian.lokasi, penilaian.tahun),
    })


def simpan_draf_sebagian(penilaian: Penilaian, form: PenilaianForm, user) -> dict:
    """Save a draft from a form with errors: every readable value is saved, each field that
    is not right yet keeps its last valid value and is recorded with what was typed and why
    (``Penilaian.isian_belum_benar``). Raises ``ServiceError``/``VersionConflict`` like a
    normal save. Returns the recorded fields."""
    errors = form.errors.as_data()
    parsed = form._values()
    belum = {}
    for name, field in form.fields.items():
        if name == "versi" or name not in errors:
            continue
        typed = str(form.data.get(form.add_prefix(name), ""))
        if not typed.strip() and all(e.code == "required" for e in errors[name]):
            continue  # not typed yet: nothing to keep
        belum[name] = {"teks": typed[:200], "label": str(field.label),
                       "pesan": str(errors[name][0].messages[0])}
    header_names = (*PenilaianForm.HEADER, "jumlah_penduduk", *PenilaianForm.LAIN, "jenis")
    for name in header_names:
        if name not in errors and name in parsed:
            value = parsed[name]
            if name == "jumlah_penduduk":
                value = value or 0
            if value is not None or name in PenilaianForm.LAIN:
                setattr(penilaian, name, value)
    rules = penilaian.aturan.to_ruleset()
    volumes = {v.kriteria.kode: v.volume for v in penilaian.volume.select_related("kriteria")}
    for c in rules.criteria:
        name = PenilaianForm.volume_name(c.code)
        if name not in errors:
            volumes[c.code] = parsed.get(name) or Decimal(0)
    # What the new header makes invalid is kept as typed too, and counts as 0 meanwhile.
    from desa.penilaian import volume_errors

    for code, message in volume_errors(penilaian.header(), volumes, rules).items():
        name = PenilaianForm.volume_name(code)
        belum.setdefault(name, {"teks": str(form.data.get(name, "")), "pesan": message,
                                "label": str(form.fields[name].label)})
        volumes[code] = Decimal(0)
    penilaian.isian_belum_benar = belum
    simpan_penilaian(penilaian, volumes, user, versi=parsed.get("versi"))
    return belum


def _hasil_awal(form: PenilaianForm, penilaian: Penilaian, rules):
    volumes = {c.code: form.initial.get(PenilaianForm.volume_name(c.code)) for c in rules.criteria}
    return score_assessment(penilaian.header(), volumes, rules)


@require_POST
@writer_required
def penilaian_pratinjau(request, pk):
    """Live score of the form as typed: the same form and engine as the save (htmx partial)."""
    penilaian = _untuk_ditulis(request, pk)
    form = PenilaianForm(request.POST, rules=penilaian.aturan.to_ruleset())
    form.is_valid()
    hasil = form.hasil()
    return render(request, "desa/_skor.html", {
        "form": form, "hasil": hasil, "kelompok": form.volume_groups(hasil),
        "galat": form.galat_langsung(), "penilaian": penilaian,
        "alasan_tak_terhitung": form.alasan_tak_terhitung(),
    })


# ---------------------------------------------------------------------------------------------
# Status changes (POST only)
# ---------------------------------------------------------------------------------------------


@require_POST
@writer_required
def penilaian_ajukan(request, pk):
    penilaian = get_object_or_404(
        Penilaian.objects.for_writer(request.user).select_related(*_RELATED), pk=pk)
    try:
        ajukan(penilaian, request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Penilaian diajukan untuk verifikasi."))
    return redirect(penilaian)


@require_POST
@verifier_required
def penilaian_verifikasi(request, pk):
    penilaian = _untuk_diverifikasi(request, pk)
    try:
        verifikasi(penilaian, request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Penilaian diverifikasi dan dikunci."))
    return redirect(penilaian)


@require_POST
@verifier_required
def penilaian_kembalikan(request, pk):
    penilaian = _untuk_diverifikasi(request, pk)
    form = CatatanForm(request.POST)
    if form.is_valid():
        try:
            kembalikan(penilaian, request.user, form.cleaned_data["catatan"])
        except ServiceError as exc:
            if exc.field == "catatan":
                form.add_error("catatan", exc.message)
            else:
                messages.error(request, exc.message)
                return redirect(penilaian)
        else:
            messages.success(request, _("Penilaian dikembalikan ke fasilitator dengan catatan."))
            return redirect(penilaian)
    messages.error(request, _("Penilaian belum dikembalikan: tuliskan catatan untuk "
                              "fasilitator."))
    return _render_detail(request, penilaian, catatan_form=form, status=200)


# ---------------------------------------------------------------------------------------------
# Delete a draft started by mistake
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@writer_required
def penilaian_hapus(request, pk):
    """A facilitator deletes a draft of their desa ("Batal" after step 1 no longer leaves a
    draft task for ever); submitted or verified assessments only an admin may delete. The
    deletion is kept in the history (django-simple-history records it, with the user)."""
    penilaian = get_object_or_404(
        Penilaian.objects.for_writer(request.user).select_related(*_RELATED), pk=pk)
    if penilaian.status != Penilaian.Status.DRAFT and not akses.is_admin(request.user):
        raise PermissionDenied(_("Hanya draf yang dapat dihapus fasilitator; penilaian "
                                 "berstatus \u201c%(s)s\u201d hanya oleh admin.")
                               % {"s": penilaian.get_status_display()})
    if request.method == "POST":
        desa = penilaian.lokasi.desa
        label = str(penilaian)
        hapus_penilaian(penilaian)
        messages.success(request, _("Penilaian %(p)s dihapus.") % {"p": label})
        return redirect(desa)
    return render(request, "hapus_konfirmasi.html", {
        "judul": _("Hapus penilaian"),
        "pertanyaan": _("Hapus penilaian %(lokasi)s tahun %(tahun)s?") % {
            "lokasi": penilaian.lokasi.nama, "tahun": penilaian.tahun},
        "rincian": [
            f"{penilaian.lokasi.desa.nama} · {penilaian.get_status_display()}",
            _("Data dasar dan volume 16 kriteria penilaian ini ikut terhapus; lokasinya "
              "tetap ada."),
        ],
        "tombol": _("Ya, hapus penilaian"),
        "batal_url": reverse("desa:penilaian_ubah", args=[penilaian.pk])
        if penilaian.dapat_diubah_fasilitator else penilaian.get_absolute_url(),
    })
