"""The collaborative plan's read pages (issue 15): plan documents, the Memorandum Program
(plan items × stakeholders, printable for signing), the funding gap in rupiah and its CSV.

Agreed plans are public; drafts only for programme staff (others get 404)."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran import rencana
from desa import akses
from inti import exports
from kolaborasi.models import DokumenRencana, StatusRencana

C = exports.Column


def _dokumen_terlihat(user):
    qs = DokumenRencana.objects.select_related("desa", "kabupaten", "forum")
    if not akses.is_staff_reader(user):
        qs = qs.filter(status=StatusRencana.DISEPAKATI)
    return qs


@require_GET
def rencana_list(request):
    return render(request, "kolaborasi/rencana_list.html", {
        "dokumen_list": list(_dokumen_terlihat(request.user).order_by("-tahun_mulai", "judul")),
    })


@require_GET
def rencana_detail(request, pk):
    dokumen = get_object_or_404(_dokumen_terlihat(request.user), pk=pk)
    data = rencana.memorandum(dokumen)
    if fmt := exports.requested_format(request):
        return exports.export_response(fmt, f"memorandum-{dokumen.pk}", kolom_item(),
                                       data["items"], title=_("Memorandum"))
    return render(request, "kolaborasi/rencana_detail.html", {
        **data,
        "cetak": request.GET.get("cetak") == "1",
        "bisa_ubah": akses.boleh_ubah_rencana(request.user, dokumen),
    })


def kolom_item():
    """The columns of plan-item exports (Memorandum CSV, open data)."""
    return [
        C(_("Kode desa (Kemendagri)"), "item.desa.kode_wilayah", width=16),
        C(_("Desa"), "item.desa.nama", width=20),
        C(_("Kawasan"), lambda b: str(b.item.kawasan or ""), width=20),
        C(_("Item"), "item.nama", width=40),
        C(_("Kriteria (volume satuan)"),
          lambda b: "; ".join(f"{k.kode} {k.volume} {k.satuan}" for k in b.kriteria), width=30),
        C(_("Komponen"), "item.get_komponen_display", width=16),
        C(_("Jenis investasi"), "item.get_jenis_investasi_display", width=16),
        C(_("Pendekatan"), "item.get_pendekatan_display", width=16),
        C(_("Volume"), "item.volume", "decimal"),
        C(_("Satuan"), "item.satuan", width=10),
        C(_("Tahun target"), "item.tahun_target", "int"),
        C(_("Perkiraan biaya (Rp)"), "item.biaya_rp", "rupiah"),
        C(_("Komitmen (Rp)"), "terjanji_rp", "rupiah"),
        C(_("Terealisasi (Rp)"), "terealisasi_rp", "rupiah"),
        C(_("Belum terdanai (Rp)"), "kurang_rp", "rupiah"),
        C(_("Data demo"), lambda b: exports.ya_tidak(b.item.is_demo), width=8),
    ]


@require_GET
def celah(request):
    """The funding gap in rupiah across agreed plans (public)."""
    data = rencana.celah_rupiah()
    if fmt := exports.requested_format(request):
        return exports.export_response(fmt, "celah-pendanaan", kolom_item(), data["items"],
                                       title=_("Celah pendanaan"))
    return render(request, "kolaborasi/celah_rupiah.html", data)
