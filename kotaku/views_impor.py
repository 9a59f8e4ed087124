"""Spreadsheet import pages: upload → dry run (row by row) → confirm (all or nothing).

Between the two steps the uploaded bytes stay on the server, in the user's session (base64,
at most 2 MB); the confirm form only carries the file's SHA-256 fingerprint, so a plan is
never taken from the browser: the confirm step plans again from the stored bytes, inside the
transaction that writes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from desa.akses import writer_required
from inti.exports import export_response
from inti.forms_base import BootstrapFormMixin
from inti.impor import berkas
from inti.impor.nilai import LOCALES
from kotaku.impor import latar, layanan, templat
from kotaku.models import ImporLatar

SESSION_KEY = "kotaku_impor"
JENIS_PILIHAN = [
    ("penilaian", gettext_lazy("Penilaian kekumuhan (satu baris per lokasi per tahun)")),
    ("kegiatan", gettext_lazy("Kegiatan dan pendanaan (satu baris per baris pendanaan)")),
    ("rencana", gettext_lazy("Item rencana kolaborasi (satu baris per item rencana)")),
]
LOCALE_PILIHAN = [
    ("auto", gettext_lazy("Otomatis: tolak penulisan ambigu seperti 1.218")),
    ("id", gettext_lazy("Indonesia: 1.218,50 (titik ribuan, koma desimal)")),
    ("en", gettext_lazy("Inggris: 1,218.50 (koma ribuan, titik desimal)")),
]
MAX_TAMPIL = 1000  # rows listed on the dry-run page (the counts cover all)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImporForm(BootstrapFormMixin, forms.Form):
    jenis = forms.ChoiceField(label=gettext_lazy("Jenis data"), choices=JENIS_PILIHAN,
                              initial="penilaian")
    berkas = forms.FileField(
        label=gettext_lazy("Berkas XLSX atau CSV"),
        help_text=gettext_lazy("Paling besar 2 MB. Pakai templat di bawah: judul kolom di baris "
                               "pertama."),
        error_messages={"required": gettext_lazy("Pilih berkas yang akan diimpor."),
                        "empty": gettext_lazy("Berkas kosong."),
                        "invalid": gettext_lazy("Berkas tidak terbaca.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv," + XLSX_TYPE}),
    )
    format_angka = forms.ChoiceField(
        label=gettext_lazy("Format angka yang diketik sebagai teks"), choices=LOCALE_PILIHAN,
        initial="auto",
        help_text=gettext_lazy("Sel angka Excel dibaca apa adanya; pilihan ini berlaku untuk "
                               "angka berupa teks, termasuk seluruh isi CSV."))

    def clean_berkas(self):
        upload = self.cleaned_data["berkas"]
        if upload.size > berkas.MAX_BYTES:
            raise ValidationError(_("Berkas terlalu besar: paling besar 2 MB. Bagi menjadi "
                                    "beberapa berkas."))
        content = b"".join(upload.chunks())
        if not content:
            raise ValidationError(_("Berkas kosong."))
        return {"nama": (upload.name or "berkas")[:200], "isi": content}


def _simpan_sesi(request, data: dict, baris: int = 0) -> str:
    content = data["isi"]
    sidik = hashlib.sha256(content).hexdigest()
    request.session[SESSION_KEY] = {
        "isi": base64.b64encode(content).decode("ascii"), "nama": data["nama"],
        "jenis": data["jenis"], "locale": data["locale"], "sidik": sidik, "baris": baris,
    }
    return sidik


def _ambil_sesi(request) -> dict | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        data = dict(data)
        data["isi"] = base64.b64decode(data["isi"], validate=True)
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None
    if data.get("jenis") not in layanan.JENIS or data.get("locale") not in LOCALES:
        return None
    return data


def _halaman_rencana(request, rencana, data: dict, sidik: str | None, form=None):
    items = rencana.items
    context = {
        "rencana": rencana, "nama_berkas": data["nama"], "sidik": sidik,
        "jenis_label": dict(JENIS_PILIHAN)[data["jenis"]],
        "locale_label": dict(LOCALE_PILIHAN)[data["locale"]],
        "items": items[:MAX_TAMPIL], "terpotong": max(0, len(items) - MAX_TAMPIL),
        "galat": rencana.semua_galat[:MAX_TAMPIL], "form": form or ImporForm(initial={
            "jenis": data["jenis"], "format_angka": data["locale"]}),
    }
    return render(request, "impor/rencana.html", context)


@require_http_methods(["GET", "POST"])
@writer_required
def unggah(request):
    """Upload form; on POST the dry run (nothing is written)."""
    if request.method == "POST":
        form = ImporForm(request.POST, request.FILES)
        if form.is_valid():
            data = {**form.cleaned_data["berkas"], "jenis": form.cleaned_data["jenis"],
                    "locale": form.cleaned_data["format_angka"]}
            rencana = layanan.pratinjau(data["isi"], data["nama"], data["jenis"],
                                        data["locale"], request.user)
            sidik = None
            if rencana.ok and rencana.ada_perubahan:
                sidik = _simpan_sesi(request, data, len(rencana.items))
            else:
                request.session.pop(SESSION_KEY, None)
            return _halaman_rencana(request, rencana, data, sidik)
    else:
        # ``?jenis=rencana`` (the plan page's button) preselects the kind.
        jenis = request.GET.get("jenis")
        form = ImporForm(initial={"jenis": jenis} if jenis in layanan.JENIS else None)
    return render(request, "impor/unggah.html", {"form": form})


@require_POST
@writer_required
def konfirmasi(request):
    """Import the file kept from the dry run, planning it again inside the transaction."""
    data = _ambil_sesi(request)
    if data is None or request.POST.get("sidik") != data["sidik"]:
        messages.error(request, _("Pratinjau impor sudah tidak berlaku (berkas lain telah "
                                  "diunggah, atau sesi berakhir). Unggah ulang berkasnya."))
        return redirect("impor")
    baris = data.get("baris") if isinstance(data.get("baris"), int) else 0
    if baris > latar.ambang_baris():
        # Too long for a web request: the background worker imports, a page shows progress.
        request.session.pop(SESSION_KEY, None)
        job = latar.antrekan(request.user, data, baris)
        return redirect("impor_status", pk=job.pk)
    rencana = layanan.impor(data["isi"], data["nama"], data["jenis"], data["locale"],
                            request.user)
    if not rencana.diterapkan:
        # Something changed since the dry run (or a write was refused): nothing was saved.
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Impor dibatalkan: tidak ada yang tersimpan. Perbaiki galat "
                                  "di bawah lalu unggah ulang."))
        return _halaman_rencana(request, rencana, data, None)
    request.session.pop(SESSION_KEY, None)
    j = rencana.jumlah
    messages.success(request, _(
        "Impor \u201c%(nama)s\u201d selesai: %(buat)s baru, %(ubah)s diubah, %(tetap)s tidak "
        "berubah.") % {"nama": data["nama"], **j})
    return redirect("impor")


@require_GET
@writer_required
def status(request, pk: int):
    """Progress of a background import (its owner only: anyone else gets 404)."""
    job = get_object_or_404(ImporLatar.objects.defer("isi"), pk=pk, user=request.user)
    selesai = job.status in (ImporLatar.Status.SELESAI, ImporLatar.Status.GAGAL)
    response = render(request, "impor/status.html", {
        "job": job, "selesai": selesai, "detik": 3, "S": ImporLatar.Status})
    if not selesai:
        response["Retry-After"] = "3"
    return response


@require_GET
@writer_required
def templat_berkas(request, jenis: str, fmt: str):
    """The import template: exact columns, one example row (and instructions in XLSX)."""
    if jenis not in layanan.JENIS or fmt not in ("xlsx", "csv"):
        raise Http404
    if fmt == "xlsx":
        content, ctype = templat.templat_xlsx(jenis, request.user), XLSX_TYPE
    else:
        content, ctype = templat.templat_csv(jenis, request.user), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=ctype)
    response["Content-Disposition"] = content_disposition_header(
        True, f"templat-impor-{jenis}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@writer_required
def ekspor(request, jenis: str, fmt: str):
    """The user's data in the import layout (edit in Excel, import again)."""
    from desa import impor as imp_penilaian

    if jenis == "penilaian":
        columns, rows = templat.kolom_ekspor_penilaian(), imp_penilaian.ekspor_qs(request.user)
    elif jenis == "kegiatan":
        columns, rows = templat.kolom_ekspor_kegiatan(), templat.ekspor_kegiatan_qs(request.user)
    elif jenis == "rencana":
        columns, rows = templat.kolom_ekspor_rencana(), templat.ekspor_rencana_qs(request.user)
    else:
        raise Http404
    return export_response(fmt, f"data-{jenis}-format-impor", columns, rows, title=jenis)
