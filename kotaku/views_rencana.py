"""The collaborative plan's read pages (issue 15): plan documents, the Memorandum Program
(plan items × stakeholders, printable for signing), the funding gap in rupiah and its CSV.

Agreed plans are public; drafts only for programme staff (others get 404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran import rencana
from desa import akses
from inti import exports
from kolaborasi.models import DokumenRencana, Komponen, Pendekatan, StatusRencana

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


# ------------------------------------------------------------------ Peluang kolaborasi (public)


def _pilihan(request, name: str, allowed) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


@require_GET
def peluang(request):
    """Open items of agreed plans that still need funding, for a CSR office or a donor:
    filter by desa, approach, component and criterion; each item has its own page with an
    expression-of-interest form. No contact data of anyone is shown."""
    semua = rencana.celah_rupiah()
    desa_opsi = sorted({(b.item.desa.kode_wilayah, b.item.desa.nama) for b in semua["items"]},
                       key=lambda d: d[1])
    kriteria_opsi = sorted({(k.kode, k.nama) for b in semua["items"] for k in b.kriteria})
    pilih = {
        "desa": _pilihan(request, "desa", {d[0] for d in desa_opsi}),
        "pendekatan": _pilihan(request, "pendekatan", Pendekatan.values),
        "komponen": _pilihan(request, "komponen", Komponen.values),
        "kriteria": _pilihan(request, "kriteria", {k[0] for k in kriteria_opsi}),
    }
    items = [b for b in semua["items"]
             if (not pilih["desa"] or b.item.desa.kode_wilayah == pilih["desa"])
             and (not pilih["pendekatan"] or b.item.pendekatan == pilih["pendekatan"])
             and (not pilih["komponen"] or b.item.komponen == pilih["komponen"])
             and (not pilih["kriteria"] or any(k.kode == pilih["kriteria"] for k in b.kriteria))]
    return render(request, "kolaborasi/peluang.html", {
        "items": items, "pilih": pilih, "desa_opsi": desa_opsi, "kriteria_opsi": kriteria_opsi,
        "pendekatan_opsi": Pendekatan.choices, "komponen_opsi": Komponen.choices,
        "total_kurang": sum((b.kurang_rp for b in items), 0),
    })


@require_GET
def peluang_item(request, pk):
    qs = rencana.item_terbuka(pk=pk)
    baris = rencana.baca_item(qs)
    if not baris:
        raise Http404
    from publikasi.forms_kabar import MinatForm
    from publikasi.views_kabar import masukan_url

    b = baris[0]
    return render(request, "kolaborasi/peluang_item.html", {
        "b": b, "form": MinatForm(), "url": masukan_url(b.item),
    })
