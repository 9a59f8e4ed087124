"""Stakeholders, forums and pledges: their public pages (never contact details), with what each
funded and what each pledge delivered (money from the anggaran app)."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anggaran import dashboard as dash
from anggaran.filters import PemangkuFilter
from anggaran.models import Kegiatan, Pendanaan, RingkasanPendanaSumber
from anggaran.rencana import komitmen_pemangku
from anggaran.selectors import UrutDana, komitmen_dengan_realisasi, pemangku_dengan_total
from desa import akses
from desa.filters import label_kriteria
from inti import exports
from inti.uang import ZERO_RP
from inti.viewutils import PER_PAGE, clean_params, hitung_demo
from kolaborasi.filters import ForumFilter, KomitmenFilter
from kolaborasi.models import (
    PEMANGKU_PUBLIC_FIELDS,
    ForumKolaborasi,
    JenisPemangku,
    Komitmen,
    PemangkuKepentingan,
)
from kolaborasi.riwayat import riwayat_forum, riwayat_pemangku

from .views_dashboard import TINGKAT_NAMA

C = exports.Column
# What public pages may show of a stakeholder: never its contact person, phone or e-mail.
def _kriteria(obj) -> str:
    return label_kriteria(obj.kriteria) if obj.kriteria_id else ""


# -------------------------------------------------------------------------------- pemangku


def pemangku_filterset(request) -> PemangkuFilter:
    qs = pemangku_dengan_total(PemangkuKepentingan.objects.only(*PEMANGKU_PUBLIC_FIELDS)
                               .select_related("desa"))
    return PemangkuFilter(clean_params(request.GET), queryset=qs, request=request)


def pemangku_columns():
    return [
        C(_("Nama"), "nama", width=40),
        C(_("Singkatan"), "singkatan", width=12),
        C(_("Jenis"), "get_jenis_display", width=22),
        C(_("Desa"), "desa.nama", width=16),
        C(_("Jumlah kegiatan didanai"), "jumlah_kegiatan", "int"),
        C(_("Jumlah desa"), "jumlah_desa", "int"),
        C(_("Rencana (Rp)"), "total_rencana", "rupiah"),
        C(_("Realisasi (Rp)"), "total_realisasi", "rupiah"),
        C(_("Komitmen (Rp)"), "total_komitmen", "rupiah"),
        C(_("Data demo"), lambda p: exports.ya_tidak(p.is_demo), width=8),
        C(_("Kegiatan demo di dalamnya"), "kegiatan_demo", "int"),
        C(_("Rencana demo di dalamnya (Rp)"), "rencana_demo", "rupiah"),
        C(_("Realisasi demo di dalamnya (Rp)"), "realisasi_demo", "rupiah"),
    ]


_KOLOM_DANA = {"rencana": "rencana_rp", "realisasi": "realisasi_rp"}


def _urut_dana(filterset):
    """The filtered stakeholders; sorted by plan or realisation along the per-funder
    rollup's index (:class:`UrutDana`), otherwise as the filter orders them."""
    qs = filterset.qs
    urut = filterset.form.cleaned_data.get("urut") or []
    if len(urut) == 1 and urut[0].lstrip("-") in _KOLOM_DANA:
        return UrutDana(qs, _KOLOM_DANA[urut[0].lstrip("-")], urut[0].startswith("-"))
    return qs


@require_GET
def pemangku_list(request):
    filterset = pemangku_filterset(request)
    fmt = exports.requested_format(request)
    if fmt:
        return exports.export_response(fmt, "pemangku-kepentingan", pemangku_columns(),
                                       filterset.qs, title=_("Pemangku"))
    page = Paginator(_urut_dana(filterset), PER_PAGE).get_page(request.GET.get("halaman"))
    return render(request, "kolaborasi/pemangku_list.html", {
        "filter": filterset, "page": page,
        "tanda": hitung_demo(page, _("pemangku di halaman ini")),
        "dana_demo": sum(1 for p in page if p.kegiatan_demo and not p.is_demo),
    })


@require_GET
def pemangku_detail(request, pk):
    pemangku = get_object_or_404(
        pemangku_dengan_total(PemangkuKepentingan.objects.only(*PEMANGKU_PUBLIC_FIELDS)
                              .select_related("desa", "kabupaten")), pk=pk)
    lines = Pendanaan.objects.filter(pemangku=pemangku)
    # Sums come from the dashboards' rollups (cancelled activities never count), so the
    # profile and the matrix agree and no request scans the funding lines: per source from
    # the funder × source rows (a national funder's 170,000 per-desa rows are not read).
    per_sumber = list(
        RingkasanPendanaSumber.objects.filter(pemangku=pemangku)
        .values("sumber__nama", rencana=F("rencana_rp"), realisasi=F("realisasi_rp"),
                kegiatan=F("jumlah_kegiatan"))
        .order_by("sumber__urutan", "sumber__nama"))
    total = sum((r["rencana"] for r in per_sumber), Decimal(0))
    for r in per_sumber:
        r["porsi"] = dash.share(r["rencana"], total)  # the source's part of this funder's plan
    # Per desa, or per region for a funder present in more than 50 desa (one per level).
    tingkat, per_desa = dash.pendanaan_per_wilayah(pemangku.pk)
    for row in per_desa:
        row["url"] = (f"{reverse('anggaran:kegiatan_list')}?"
                      + urlencode({"desa" if tingkat == "desa" else "wilayah": row["kode"],
                                   "pemangku": pemangku.pk}))
    # Newest year first. Within a year by desa and activity name for a funder of a few desa;
    # for one of more than 50 desa (a national funder has 175,000 lines) in the order of the
    # activities' (year, desa) index instead, still grouped by desa: sorting a whole year of
    # its lines by name cost 110 ms per page, the index order 3 ms.
    urutan = (("-kegiatan__tahun_anggaran", "kegiatan__desa__nama", "kegiatan__nama", "pk")
              if tingkat == "desa" else
              ("-kegiatan__tahun_anggaran", "-kegiatan__desa_id", "-kegiatan_id", "-pk"))
    page = Paginator(
        lines.select_related("kegiatan__desa", "kegiatan__kriteria", "sumber").order_by(*urutan),
        PER_PAGE,
    ).get_page(request.GET.get("halaman"))
    komitmen = list(
        komitmen_dengan_realisasi(Komitmen.objects.filter(pemangku=pemangku))
        .select_related("desa", "kriteria").order_by("-tahun", "desa__nama")[:100])
    dilaksanakan = None
    if pemangku.jenis in (JenisPemangku.LKM, JenisPemangku.KSM):
        dilaksanakan = list(
            Kegiatan.objects.filter(pelaksana=pemangku).with_totals()
            .select_related("desa", "kriteria").order_by("-tahun_anggaran", "nama")[:100])
    staff = akses.is_staff_reader(request.user)
    return render(request, "kolaborasi/pemangku_detail.html", {
        "pemangku": pemangku, "per_sumber": per_sumber, "per_desa": per_desa, "page": page,
        "tingkat": tingkat, "tingkat_nama": TINGKAT_NAMA[tingkat],
        "komitmen_list": komitmen, "dilaksanakan": dilaksanakan,
        "komitmen_rencana": komitmen_pemangku(pemangku),
        "tanda": hitung_demo(page, _("baris pendanaan di halaman ini"),
                             lambda line: line.kegiatan.is_demo or pemangku.is_demo),
        "riwayat": riwayat_pemangku(pemangku) if staff else None,
    })


# ----------------------------------------------------------------------------------- forum


def forum_filterset(request) -> ForumFilter:
    peserta = (ForumKolaborasi.peserta.through.objects.filter(forumkolaborasi=OuterRef("pk"))
               .order_by().values("forumkolaborasi"))
    pledges = Komitmen.objects.filter(forum=OuterRef("pk")).order_by().values("forum")
    qs = ForumKolaborasi.objects.select_related("desa").annotate(
        jumlah_peserta=Coalesce(Subquery(peserta.annotate(c=Count("pk")).values("c")), 0),
        jumlah_komitmen=Coalesce(Subquery(pledges.annotate(c=Count("pk")).values("c")), 0),
        total_komitmen=Coalesce(Subquery(pledges.annotate(s=Sum("nilai_rp")).values("s")),
                                ZERO_RP),
    ).order_by("-tanggal", "-pk")
    return ForumFilter(clean_params(request.GET), queryset=qs, request=request)


def forum_columns():
    return [
        C(_("Tanggal"), "tanggal", "date"),
        C(_("Judul"), "judul", width=40),
        C(_("Tempat"), "tempat", width=20),
        C(_("Desa"), "desa.nama", width=16),
        C(_("Jumlah peserta"), "jumlah_peserta", "int"),
        C(_("Jumlah komitmen"), "jumlah_komitmen", "int"),
        C(_("Nilai komitmen (Rp)"), "total_komitmen", "rupiah"),
        C(_("Kesepakatan"), "kesepakatan", width=60),
        C(_("Data demo"), lambda f: exports.ya_tidak(f.is_demo), width=8),
    ]


@require_GET
def forum_list(request):
    filterset = forum_filterset(request)
    fmt = exports.requested_format(request)
    if fmt:
        return exports.export_response(fmt, "forum-kolaborasi", forum_columns(), filterset.qs,
                                       title=_("Forum"))
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("halaman"))
    return render(request, "kolaborasi/forum_list.html", {
        "filter": filterset, "page": page,
        "bisa_tulis": akses.can_write_anything(request.user),
        "tanda": hitung_demo(page, _("forum di halaman ini")),
    })


@require_GET
def forum_detail(request, pk):
    forum = get_object_or_404(ForumKolaborasi.objects.select_related("desa"), pk=pk)
    peserta = list(forum.peserta.only(*PEMANGKU_PUBLIC_FIELDS).order_by("nama"))
    komitmen = list(komitmen_dengan_realisasi(forum.komitmen.all())
                    .select_related("pemangku", "desa", "kriteria").order_by("pemangku__nama"))
    bisa_tulis = akses.can_write_anything(request.user) and (
        akses.can_write_desa(request.user, forum.desa) if forum.desa_id
        else True)
    staff = akses.is_staff_reader(request.user)
    return render(request, "kolaborasi/forum_detail.html", {
        "forum": forum, "peserta": peserta, "komitmen_list": komitmen, "bisa_tulis": bisa_tulis,
        "riwayat": riwayat_forum(forum) if staff else None,
        "tanda": hitung_demo([forum, *komitmen], _("forum dan komitmennya")),
    })


# -------------------------------------------------------------------------------- komitmen


def komitmen_filterset(request) -> KomitmenFilter:
    qs = (komitmen_dengan_realisasi(Komitmen.objects.all())
          .select_related("pemangku", "desa", "kriteria", "forum")
          .order_by("-tahun", "desa__nama", "pemangku__nama"))
    return KomitmenFilter(clean_params(request.GET), queryset=qs, request=request)


def komitmen_columns():
    return [
        C(_("Tahun"), "tahun", "int"),
        C(_("Kode desa"), "desa.kode_wilayah", width=15),
        C(_("Desa"), "desa.nama", width=16),
        C(_("Pemangku kepentingan"), "pemangku.nama", width=36),
        C(_("Jenis pemangku"), "pemangku.get_jenis_display", width=22),
        C(_("Kriteria"), _kriteria, width=36),
        C(_("Nilai janji (Rp)"), "nilai_rp", "rupiah"),
        C(_("Direncanakan (Rp)"), "direncanakan", "rupiah"),
        C(_("Terealisasi (Rp)"), "terealisasi", "rupiah"),
        C(_("Terpenuhi (%)"), "persen_terpenuhi", "percent"),
        C(_("Natura"), lambda k: exports.ya_tidak(k.natura), width=8),
        C(_("Uraian"), "uraian", width=40),
        C(_("Forum"), "forum.judul", width=30),
        C(_("Data demo"), lambda k: exports.ya_tidak(k.is_demo), width=8),
    ]


@require_GET
def komitmen_list(request):
    filterset = komitmen_filterset(request)
    fmt = exports.requested_format(request)
    if fmt:
        return exports.export_response(fmt, "komitmen", komitmen_columns(), filterset.qs,
                                       title=_("Komitmen"))
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("halaman"))
    total = filterset.qs.order_by().aggregate(janji=Sum("nilai_rp"))
    return render(request, "kolaborasi/komitmen_list.html", {
        "filter": filterset, "page": page, "total": total,
        "bisa_tulis": akses.can_write_anything(request.user),
        "tanda": hitung_demo(page, _("komitmen di halaman ini")),
    })


