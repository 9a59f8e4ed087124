"""The collaborative plan's read pages (issue 15): plan documents, the Memorandum Program
(plan items × stakeholders, printable for signing), the funding gap in rupiah and its CSV.

Agreed plans are public; drafts only for programme staff (others get 404)."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran import rencana
from desa import akses
from desa.models import Desa
from desa.wilayah import dalam_wilayah
from inti import exports
from inti.viewutils import hitung_demo
from kolaborasi.models import DokumenRencana, Komponen, Pendekatan, StatusRencana

C = exports.Column


def _dokumen_terlihat(user):
    qs = DokumenRencana.objects.select_related("desa", "kabupaten", "forum")
    if not akses.is_staff_reader(user):
        qs = qs.filter(status=StatusRencana.DISEPAKATI)
    return qs


@require_GET
def rencana_list(request):
    dokumen_list = list(_dokumen_terlihat(request.user).order_by("-tahun_mulai", "judul"))
    return render(request, "kolaborasi/rencana_list.html", {
        "dokumen_list": dokumen_list, "tanda": hitung_demo(dokumen_list, _("rencana")),
        "bisa_buat": (request.user.is_authenticated
                      and akses.writable_desa(request.user).exists()),
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
        "target": rencana.target_vs_terukur(dokumen),
        "tanda": hitung_demo(data["items"], _("item rencana"), _item_demo),
        "bisa_ubah": akses.boleh_ubah_rencana(request.user, dokumen),
    })


def _item_demo(b) -> bool:
    return b.item.is_demo


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
    return render(request, "kolaborasi/celah_rupiah.html", {
        **data, "tanda": hitung_demo(data["items"], _("item belum terdanai"), _item_demo)})


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
        "tanda": hitung_demo(items, _("item terbuka"), _item_demo),
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
        "tanda": hitung_demo([b], _("item"), _item_demo),
    })


# ------------------------------------------------------------------------------- open data


def _item_wilayah(kode: str):
    """Agreed plan items of a region given by its Kemendagri code (desa, kecamatan or
    kabupaten: ``35.19`` takes ``35.19.*``)."""
    if "\x00" in kode or len(kode) > 20 or not 1 <= kode.count(".") + 1 <= 4:
        raise Http404
    if not Desa.objects.filter(dalam_wilayah(kode)).exists():
        raise Http404
    return rencana.item_terbuka().filter(dalam_wilayah(kode, "desa__"))


def kolom_komitmen():
    return [
        C(_("Kode desa (Kemendagri)"), "item.desa.kode_wilayah", width=16),
        C(_("Item"), "item.nama", width=40),
        C(_("Pemangku kepentingan"), "pemangku.nama", width=30),
        C(_("Jenis pemangku"), "pemangku.get_jenis_display", width=20),
        C(_("Jenis sumber daya"), "get_jenis_display", width=16),
        C(_("Jumlah (HOK/orang)"), "jumlah", "decimal"),
        C(_("Nilai (Rp)"), "nilai_rp", "rupiah"),
        C(_("Terealisasi (Rp)"), "terealisasi_rp", "rupiah"),
        C(_("Forum"), lambda k: k.forum.judul if k.forum_id else "", width=30),
        C(_("Data demo"), lambda k: exports.ya_tidak(k.is_demo), width=8),
    ]


def _json_item(b) -> dict:
    i = b.item
    return {
        "id": i.pk, "kode_desa": i.desa.kode_wilayah, "desa": i.desa.nama,
        "kawasan": i.kawasan.nama if i.kawasan_id else None, "dokumen": i.dokumen.judul,
        "nama": i.nama, "komponen": i.komponen, "jenis_investasi": i.jenis_investasi,
        "pendekatan": i.pendekatan, "volume": str(i.volume), "satuan": i.satuan,
        "tahun_target": i.tahun_target, "perkiraan_biaya_rp": int(i.biaya_rp),
        "komitmen_rp": int(b.terjanji_rp), "terealisasi_rp": int(b.terealisasi_rp),
        "belum_terdanai_rp": int(b.kurang_rp),
        "kriteria": [{"kode": k.kode, "volume": str(k.volume), "satuan": k.satuan,
                      "sisa_volume": str(k.sisa)} for k in b.kriteria],
        # The stakeholder's public name and kind only: never its contact.
        "komitmen": [{"pemangku": k.pemangku.nama, "jenis_pemangku": k.pemangku.jenis,
                      "jenis": k.jenis, "jumlah": str(k.jumlah) if k.jumlah else None,
                      "nilai_rp": int(k.nilai_rp), "terealisasi_rp": int(k.terealisasi_rp)}
                     for k in b.komitmen],
        "data_demo": i.is_demo,
    }


@require_GET
def data_terbuka_rencana(request, kode: str, fmt: str):
    """Plan items (``rencana``) or their commitments (``komitmen``) of a region."""
    baris = rencana.baca_item(_item_wilayah(kode))
    jenis = request.resolver_match.url_name
    if fmt == "json":
        demo = sum(1 for b in baris if b.item.is_demo)
        response = JsonResponse({"kode_kemendagri": kode, "berisi_data_demo": demo > 0,
                                 "jumlah_item_demo": demo,
                                 "item_rencana": [_json_item(b) for b in baris]},
                                json_dumps_params={"ensure_ascii": False, "indent": 2})
    elif jenis == "data_terbuka_komitmen":
        response = exports.export_response(
            fmt, f"komitmen-{kode}", kolom_komitmen(),
            [k for b in baris for k in b.komitmen], title=_("Komitmen"))
    else:
        response = exports.export_response(fmt, f"item-rencana-{kode}", kolom_item(), baris,
                                           title=_("Item rencana"))
    response["Access-Control-Allow-Origin"] = "*"
    return response
