"""Money rollups (issue 16): ``RingkasanPendana``/``RingkasanDana`` equal the raw sums after
every write path (form, service, import, admin edit and delete action, funder type change,
demo loader, synthetic generator, random writes), in the same transaction as the write."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.urls import reverse

from anggaran import ringkasan
from anggaran.models import (
    Kegiatan,
    LaporanProgres,
    Pendanaan,
    RingkasanDana,
    RingkasanKegiatanKabupaten,
    RingkasanPendana,
)
from anggaran.services import hapus_kegiatan, simpan_kegiatan
from desa.models import Desa
from inti.services import ServiceError
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, kegiatan_post, line, sumber
from tests.demo_cepat import muat_demo


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pemangku(desa_a):
    return {
        "dinas": buat_pemangku("Dinas PKP Kab. Madiun", "opd", singkatan="Dinas PKP"),
        "pemdes": buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a),
        "lkm": buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a),
    }


def sesuai():
    """The check agrees, and the headline sums agree with the raw lines."""
    assert ringkasan.periksa() == []
    raw = Pendanaan.objects.exclude(kegiatan__status="batal").aggregate(
        r=Sum("rencana_rp"), s=Sum("realisasi_rp"))
    for model in (RingkasanDana, RingkasanPendana):
        got = model.objects.aggregate(r=Sum("rencana_rp"), s=Sum("realisasi_rp"))
        assert got == raw, model


def test_form_create_edit_and_delete_keep_rollups(client_for, fasilitator_a, desa_a, pemangku):
    c = client_for(fasilitator_a)
    response = c.post(reverse("anggaran:kegiatan_baru"), kegiatan_post(desa_a, [
        line(pemangku["dinas"], "apbd-kab", "100.000.000", "100.000.000"),
        line(pemangku["pemdes"], "dana-desa", "35.000.000", "30000000"),
        line(pemangku["lkm"], "swadaya", "7.500.000", "7.500.000", natura="on",
             uraian_natura="Tenaga kerja warga 25 HOK"),
    ]))
    assert response.status_code == 302
    sesuai()
    assert RingkasanDana.objects.get(sumber__kode="dana-desa").realisasi_rp == 30_000_000
    assert RingkasanPendana.objects.filter(desa=desa_a).count() == 3
    k = Kegiatan.objects.get()
    # Edit through the service: one amount changes, one line goes, the year moves.
    lines = list(k.pendanaan.order_by("pk"))
    k.tahun_anggaran = 2019
    baris = [{"pk": ln.pk, **{f: getattr(ln, f) for f in (
        "pemangku", "sumber", "rencana_rp", "realisasi_rp", "natura", "uraian_natura",
        "alasan_lebih")}} for ln in lines[:2]]
    baris[0]["rencana_rp"] = Decimal(120_000_000)
    simpan_kegiatan(k, baris, fasilitator_a, k.versi)
    sesuai()
    assert set(RingkasanDana.objects.values_list("tahun", flat=True)) == {2019}
    assert RingkasanDana.objects.aggregate(r=Sum("rencana_rp"))["r"] == 155_000_000
    hapus_kegiatan(k)
    sesuai()
    assert not RingkasanDana.objects.exists() and not RingkasanPendana.objects.exists()


def test_refused_save_leaves_rollups_as_they_were(desa_a, pemangku, fasilitator_a):
    k = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100)])
    before = list(RingkasanPendana.objects.values())
    ln = k.pendanaan.get()
    with pytest.raises(ServiceError):
        simpan_kegiatan(k, [{"pk": ln.pk, "pemangku": ln.pemangku, "sumber": ln.sumber,
                             "rencana_rp": Decimal(100), "realisasi_rp": Decimal(500),
                             "natura": False, "uraian_natura": "", "alasan_lebih": ""}],
                        fasilitator_a, k.versi)
    assert list(RingkasanPendana.objects.values()) == before
    sesuai()


def test_plain_saves_moves_cancel_and_funder_type(desa_a, desa_b, pemangku):
    """The signals: a shell or admin ``save()``, moving a line or an activity, cancelling,
    and changing a funder's type all reach the rollups."""
    k = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100, 50),
                                     (pemangku["lkm"], "swadaya", 10)])
    sesuai()
    k.desa = desa_b
    k.save()
    sesuai()
    assert set(RingkasanDana.objects.values_list("desa_id", flat=True)) == {desa_b.pk}
    k2 = buat_kegiatan(desa_a, nama="Drainase", lines=[(pemangku["pemdes"], "dana-desa", 7)])
    ln = k.pendanaan.first()
    ln.kegiatan = k2
    ln.save()
    sesuai()
    k2.status = "batal"
    k2.save()
    sesuai()
    assert not RingkasanDana.objects.filter(desa=desa_a).exists()
    k2.status = "berjalan"
    k2.save()
    dinas = pemangku["dinas"]
    dinas.jenis = "kementerian"
    dinas.save()
    sesuai()
    assert RingkasanDana.objects.filter(jenis="kementerian").exists()
    # A name change writes nothing to the rollups.
    k2.nama = "Drainase lingkungan"
    k2.save()
    sesuai()
    # A save rewrites only the kabupaten rows of the years it touched: a year change moves
    # the activity out of the old year's rows too, also when the old year was not loaded.
    k2.tahun_anggaran = 2020
    k2.save()
    sesuai()
    ditunda = Kegiatan.objects.only("pk", "desa").get(pk=k2.pk)
    ditunda.tahun_anggaran = 2021
    ditunda.save()
    sesuai()
    assert not RingkasanKegiatanKabupaten.objects.filter(tahun=2020).exists()


def test_funder_counts_per_kabupaten_and_totals(desa_a, desa_b, pemangku):
    """A funder's kabupaten row counts distinct activities, desa and kecamatan (an activity
    with lines from two sources of one funder counts once), and its total row sums them; a
    cancelled activity and a funder with no line left leave them."""
    from anggaran.models import RingkasanPendanaKabupaten, RingkasanPendanaTotal

    dinas = pemangku["dinas"]
    k = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100, 40), (dinas, "apbn", 50)])
    buat_kegiatan(desa_b, nama="Drainase", lines=[(dinas, "apbd-kab", 30)])
    sesuai()
    row = RingkasanPendanaKabupaten.objects.get(pemangku=dinas)
    assert (row.jumlah_kegiatan, row.jumlah_desa, row.jumlah_kecamatan) == (2, 2, 1)
    total = RingkasanPendanaTotal.objects.get(pemangku=dinas)
    assert (total.rencana_rp, total.realisasi_rp, total.jumlah_kegiatan, total.jumlah_desa,
            total.jumlah_kabupaten) == (Decimal(180), Decimal(40), 2, 2, 1)
    from anggaran.models import RingkasanPendanaSumber

    assert {(r.sumber.kode, r.rencana_rp, r.jumlah_kegiatan) for r in
            RingkasanPendanaSumber.objects.filter(pemangku=dinas)} == {
        ("apbd-kab", Decimal(130), 2), ("apbn", Decimal(50), 1)}
    k.status = "batal"
    k.save()
    sesuai()
    assert {(r.sumber.kode, r.rencana_rp) for r in
            RingkasanPendanaSumber.objects.filter(pemangku=dinas)} == {("apbd-kab", Decimal(30))}
    total = RingkasanPendanaTotal.objects.get(pemangku=dinas)
    assert (total.rencana_rp, total.jumlah_kegiatan, total.jumlah_desa) == (Decimal(30), 1, 1)
    Pendanaan.objects.filter(pemangku=dinas).delete()
    sesuai()
    assert not RingkasanPendanaTotal.objects.filter(pemangku=dinas).exists()


def test_stakeholder_list_and_profile_read_the_funder_totals(client, desa_a, pemangku):
    """The list sorted by plan and the profile's headline read the per-funder rollup: a
    cancelled activity counts nowhere (as in the profile's tables and the dashboards)."""
    dinas, lkm = pemangku["dinas"], pemangku["lkm"]
    buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100), (lkm, "swadaya", 300)])
    buat_kegiatan(desa_a, nama="Batal", status="batal", lines=[(dinas, "apbd-kab", 900)])
    response = client.get(reverse("kolaborasi:pemangku_list"), {"urut": "-rencana"})
    names = [p.nama for p in response.context["page"]]
    assert names.index(lkm.nama) < names.index(dinas.nama)
    row = next(p for p in response.context["page"] if p.pk == dinas.pk)
    assert (row.total_rencana, row.jumlah_kegiatan, row.jumlah_desa) == (Decimal(100), 1, 1)
    profil = client.get(reverse("kolaborasi:pemangku_detail", args=[dinas.pk])).context
    assert profil["pemangku"].total_rencana == Decimal(100)
    assert sum(r["rencana"] for r in profil["per_sumber"]) == Decimal(100)
    # A funder with no line: zeros, not blanks.
    row = next(p for p in response.context["page"] if p.pk == pemangku["pemdes"].pk)
    assert (row.total_rencana, row.jumlah_kegiatan) == (Decimal(0), 0)


def test_real_funder_totals_carry_their_demo_part(client, desa_a, desa_b, pemangku):
    """A real funder's totals that include demo activities say how much: the kabupaten rows
    and the total count the demo activities and sum their lines, a demo flag change moves
    them, the check holds them to the raw lines, and the list, the profile and the export
    show the demo part beside the total."""
    from anggaran.models import RingkasanPendanaKabupaten, RingkasanPendanaTotal

    dinas = pemangku["dinas"]
    buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100, 40)])
    demo = buat_kegiatan(desa_b, nama="Demo", is_demo=True,
                         lines=[(dinas, "apbd-kab", 30, 10), (dinas, "apbn", 5)])
    sesuai()
    total = RingkasanPendanaTotal.objects.get(pemangku=dinas)
    assert (total.rencana_rp, total.kegiatan_demo, total.rencana_demo_rp,
            total.realisasi_demo_rp) == (Decimal(135), 1, Decimal(35), Decimal(10))
    assert RingkasanPendanaKabupaten.objects.get(pemangku=dinas).kegiatan_demo == 1
    page = client.get(reverse("kolaborasi:pemangku_list"))
    assert page.context["dana_demo"] == 1
    assert "termasuk Rp 35 dari 1 kegiatan demo" in " ".join(
        page.content.decode().replace("\xa0", " ").split())
    profil = client.get(reverse("kolaborasi:pemangku_detail", args=[dinas.pk])).content.decode()
    assert "1 kegiatan demo dengan rencana" in profil
    csv = b"".join(client.get(reverse("kolaborasi:pemangku_list"),
                              {"format": "csv"}).streaming_content).decode()
    assert "Kegiatan demo di dalamnya" in csv
    # All of it demo: said so; none: nothing shown.
    Kegiatan.objects.exclude(pk=demo.pk).update(is_demo=True)
    ringkasan.bangun_ulang()
    assert "seluruhnya data demo" in client.get(
        reverse("kolaborasi:pemangku_list")).content.decode()
    demo.is_demo = False
    demo.save()
    sesuai()
    assert RingkasanPendanaTotal.objects.get(pemangku=dinas).rencana_demo_rp == Decimal(100)
    Kegiatan.objects.update(is_demo=False)
    ringkasan.bangun_ulang()
    total = RingkasanPendanaTotal.objects.get(pemangku=dinas)
    assert (total.kegiatan_demo, total.rencana_demo_rp) == (0, Decimal(0))
    assert "kegiatan demo" not in client.get(
        reverse("kolaborasi:pemangku_detail", args=[dinas.pk])).content.decode()
    RingkasanPendanaTotal.objects.update(kegiatan_demo=2)
    assert any(s.startswith("total pendana") for s in ringkasan.periksa())


def test_stakeholder_list_sorted_by_money_pages_along_the_rollup(
        client, desa_a, desa_b, pemangku, django_assert_num_queries):
    """Sorted by plan or realisation, every slice of the list equals the same slice of all
    stakeholders sorted by that total (ties by id; those without a funding line, a total of
    0, after the funders when descending, before them when ascending), across the boundary
    between the two parts; a page reads one part, or both where it crosses."""
    from anggaran.selectors import UrutDana, pemangku_dengan_total
    from kolaborasi.models import PemangkuKepentingan

    lain = [buat_pemangku(f"Swasta {i}", "swasta") for i in range(4)]
    dinas, lkm, pemdes = pemangku["dinas"], pemangku["lkm"], pemangku["pemdes"]
    buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100, 10), (lkm, "swadaya", 100, 50),
                                 (lain[0], "csr", 0)])
    buat_kegiatan(desa_b, nama="Drainase", lines=[(lain[1], "csr", 300, 10)])
    qs = pemangku_dengan_total(PemangkuKepentingan.objects.all())
    rows = list(qs)
    dana = {p.pk for p in rows if p.jumlah_kegiatan}
    for kolom, total in (("rencana_rp", "total_rencana"), ("realisasi_rp", "total_realisasi")):
        turun = sorted(rows, key=lambda p: (-getattr(p, total), p.pk not in dana, p.pk))
        naik = sorted(rows, key=lambda p: (getattr(p, total), p.pk in dana,
                                           -p.pk if p.pk in dana else p.pk))
        for urut, expected in ((True, turun), (False, naik)):
            seq = UrutDana(qs, kolom, urut)
            assert len(seq) == len(rows) == 7
            ids = [p.pk for p in expected]
            for i in range(len(rows) + 1):
                for j in range(i, len(rows) + 2):
                    assert [p.pk for p in seq[i:j]] == ids[i:j], (kolom, urut, i, j)
            assert seq[2].pk == ids[2]
    assert lkm.pk in dana and pemdes.pk not in dana
    url = reverse("kolaborasi:pemangku_list")
    # Count, desa choices, the funders' part and (this page crosses into it) the rest.
    with django_assert_num_queries(4):
        page = client.get(url, {"urut": "-rencana"}).context["page"]
    assert [p.nama for p in page][:3] == ["Swasta 1", dinas.nama, lkm.nama]
    # A filter narrows both parts; any other sort is the filter's own.
    page = client.get(url, {"urut": "rencana", "jenis": "swasta"}).context["page"]
    assert [p.nama for p in page] == ["Swasta 2", "Swasta 3", "Swasta 0", "Swasta 1"]
    assert client.get(url, {"urut": "-kegiatan"}).status_code == 200


def test_wide_funder_lines_page_in_index_order(client, desa_a, desa_b, pemangku, monkeypatch):
    """A funder's lines: newest year first, then by desa and activity name; for a funder of
    more than 50 desa (its tables per region), by desa and activity in recorded order."""
    from desa import wilayah as wil

    dinas = pemangku["dinas"]
    a = buat_kegiatan(desa_a, nama="B", tahun=2019, lines=[(dinas, "apbd-kab", 1)])
    b = buat_kegiatan(desa_b, nama="A", tahun=2019, lines=[(dinas, "apbd-kab", 1)])
    c = buat_kegiatan(desa_a, nama="C", tahun=2018, lines=[(dinas, "apbd-kab", 1)])
    url = reverse("kolaborasi:pemangku_detail", args=[dinas.pk])
    by_name = sorted([a, b], key=lambda k: (k.desa.nama, k.nama))
    assert [x.kegiatan for x in client.get(url).context["page"]] == [*by_name, c]
    monkeypatch.setattr(wil, "MAKS_KOLOM", 1)
    response = client.get(url)
    assert response.context["tingkat"] != "desa"
    by_index = sorted([a, b], key=lambda k: (-k.desa_id, -k.pk))
    assert [x.kegiatan for x in response.context["page"]] == [*by_index, c]
    assert "bukan abjad" in response.content.decode()


def test_activity_counts_follow_status_demo_and_year(desa_a, pemangku):
    """Beranda's activity counts per status and its demo count come from the kabupaten
    activity counts for a year and a region scope, equal to counting the activities; a
    line-less or cancelled activity counts, a demo flag change moves it."""
    from anggaran import dashboard as dash
    from anggaran.models import Kegiatan, RingkasanKegiatanKabupaten

    buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100)])
    batal = buat_kegiatan(desa_a, nama="Batal", status="batal", tahun=2019,
                          lines=[(pemangku["dinas"], "apbd-kab", 5)])
    tanpa = buat_kegiatan(desa_a, nama="Tanpa baris", status="rencana")
    sesuai()
    tanpa.is_demo = True
    tanpa.save()
    sesuai()
    for f in (dash.Filter(), dash.Filter(tahun=2018), dash.Filter(wilayah="35"),
              dash.Filter(wilayah="35.19", tahun=2019)):
        assert dash.kegiatan_terhitung(f) is not None
        raw = dash.kegiatan(f)
        got = dash._ringkasan_dana.uncached(f)
        assert got["status"] == {s: n for s, n in raw.values_list("status").annotate(
            n=Count("pk")) if n}, f
        assert got["demo"] == raw.filter(is_demo=True).count()
        assert dash.jumlah_demo(f) == {"n": raw.count(), "demo": raw.filter(is_demo=True).count()}
    assert dash.kegiatan_terhitung(dash.Filter(wilayah="35.19.09")) is None
    batal.delete()
    sesuai()
    assert sum(RingkasanKegiatanKabupaten.objects.values_list("jumlah", flat=True)) == \
        Kegiatan.objects.count() == 2


@pytest.mark.parametrize("maks_baris", [2, 50])
@pytest.mark.parametrize("jenis", [None, "pemdes"])
def test_aspect_matrix_from_the_funder_aspect_rollup(jiwan, monkeypatch, maks_baris, jenis):
    """The funder × aspect matrix of an unfiltered scope (or one funder type) read from
    ``RingkasanPendanaAspek`` (top funders' cells, "lainnya" as the rest) equals the one
    grouped from the per-desa rows, pooled or not, planned and realised."""
    from anggaran import dashboard as dash

    muat_demo()
    sesuai()
    monkeypatch.setattr(dash, "MAKS_BARIS", maks_baris)
    f = dash.Filter(jenis=jenis)
    for nilai in ("rencana", "realisasi"):
        cepat = dash.matriks.uncached(f, kolom="aspek", nilai=nilai)
        with monkeypatch.context() as m:
            m.setattr(dash, "pendana_total", lambda f: None)
            lambat = dash.matriks.uncached(f, kolom="aspek", nilai=nilai)
        assert cepat == lambat
        assert cepat.rows


def test_check_finds_a_wrong_funder_total(desa_a, pemangku):
    from anggaran.models import RingkasanPendanaKabupaten, RingkasanPendanaTotal

    buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100)])
    RingkasanPendanaTotal.objects.update(jumlah_kegiatan=5)
    assert any(s.startswith("total pendana") for s in ringkasan.periksa())
    ringkasan.bangun_ulang()
    from anggaran.models import RingkasanPendanaSumber

    RingkasanPendanaSumber.objects.update(rencana_rp=1)
    assert any(s.startswith("pendana sumber") for s in ringkasan.periksa())
    ringkasan.bangun_ulang()
    RingkasanPendanaKabupaten.objects.update(jumlah_desa=3)
    assert any(s.startswith("kabupaten pendana") for s in ringkasan.periksa())


def test_admin_edit_and_delete_action(client_for, admin_user, desa_a, pemangku):
    k = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    buat_kegiatan(desa_a, nama="Drainase", lines=[(pemangku["lkm"], "swadaya", 5_000_000)])
    c = client_for(admin_user)
    ln = k.pendanaan.get()
    response = c.post(reverse("admin:anggaran_pendanaan_change", args=[ln.pk]), {
        "kegiatan": k.pk, "pemangku": ln.pemangku_id, "sumber": sumber("apbn").pk,
        "rencana_rp": "90000000", "realisasi_rp": "0", "uraian_natura": "",
        "alasan_lebih": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    sesuai()
    assert RingkasanDana.objects.filter(sumber__kode="apbn").get().rencana_rp == 90_000_000
    response = c.post(reverse("admin:anggaran_kegiatan_changelist"), {
        "action": "delete_selected", "_selected_action": [k.pk], "post": "yes"})
    assert response.status_code == 302
    LaporanProgres.objects.all().delete()
    sesuai()
    assert RingkasanDana.objects.aggregate(r=Sum("rencana_rp"))["r"] == 5_000_000


def test_import_keeps_rollups(client_for, admin_user, jiwan):
    from tests.test_impor import confirm, upload

    muat_demo()
    sesuai()
    client = client_for(admin_user)
    content = b"".join(client.get(
        reverse("impor_ekspor", args=["kegiatan", "xlsx"])).streaming_content)
    before = sorted(RingkasanPendana.objects.values_list(
        "desa_id", "tahun", "sumber_id", "pemangku_id", "kriteria_id", "rencana_rp"))
    LaporanProgres.objects.all().delete()
    Kegiatan.objects.all().delete()
    assert not RingkasanPendana.objects.exists()
    confirm(client, upload(client, content, jenis="kegiatan"))
    sesuai()
    assert sorted(RingkasanPendana.objects.values_list(
        "desa_id", "tahun", "sumber_id", "pemangku_id", "kriteria_id", "rencana_rp")) == before


def test_commands_rebuild_and_check(jiwan):
    muat_demo()
    out = io.StringIO()
    call_command("periksa_ringkasan", stdout=out)
    assert "sesuai" in out.getvalue()
    RingkasanDana.objects.filter(pk=RingkasanDana.objects.first().pk).update(rencana_rp=1)
    RingkasanPendana.objects.filter(pk=RingkasanPendana.objects.first().pk).delete()
    with pytest.raises(CommandError, match="selisih"):
        call_command("periksa_ringkasan", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("bangun_ulang_ringkasan", stdout=io.StringIO())
    call_command("periksa_ringkasan", stdout=io.StringIO())
    sesuai()


def test_rebuild_on_empty_database(db):
    Pendanaan.objects.all().delete()
    assert ringkasan.bangun_ulang() == 0
    assert ringkasan.periksa() == []


def test_generator_keeps_rollups(db):
    call_command("bangkitkan_data_nasional", stdout=io.StringIO(), stderr=io.StringIO(),
                 seed=7, lines=300, desa=30, provinsi="31", verbosity=0)
    assert Pendanaan.objects.count() >= 300
    sesuai()


def test_random_writes_keep_rollups(desa_a, desa_b, pemangku, fasilitator_a):
    """Property-style: a seeded random sequence of creates, edits, moves, cancels and deletes
    through every path; after each step the rollups equal the raw sums."""
    rng = random.Random(16)
    desas = [desa_a, desa_b, Desa.objects.exclude(pk__in=[desa_a.pk, desa_b.pk]).first()]
    funders = list(pemangku.values())
    kode = ["apbn", "apbd-kab", "dana-desa", "swadaya", "csr"]
    kriteria = ["1a", "2b", "3a", "6a"]

    def baris_acak(n):
        out = []
        for _ in range(n):
            r = Decimal(rng.randint(0, 9) * 1_000_000)
            out.append({"pk": None, "pemangku": rng.choice(funders),
                        "sumber": sumber(rng.choice(kode)), "rencana_rp": r,
                        "realisasi_rp": min(r, Decimal(rng.randint(0, 9) * 1_000_000)),
                        "natura": False, "uraian_natura": "", "alasan_lebih": ""})
        return out

    for step in range(40):
        aksi = rng.choice(["buat", "buat", "ubah", "pindah", "status", "hapus", "baris"])
        semua = list(Kegiatan.objects.order_by("pk"))
        if aksi == "buat" or not semua:
            k = buat_kegiatan(rng.choice(desas), nama=f"Kegiatan {step}",
                              kode_kriteria=rng.choice(kriteria),
                              tahun=rng.choice([2018, 2019]))
            simpan_kegiatan(k, baris_acak(rng.randint(1, 3)), fasilitator_a, k.versi)
        else:
            k = rng.choice(semua)
            if aksi == "ubah":
                lama = [{"pk": ln.pk, "pemangku": ln.pemangku, "sumber": ln.sumber,
                         "rencana_rp": ln.rencana_rp, "realisasi_rp": ln.realisasi_rp,
                         "natura": False, "uraian_natura": "", "alasan_lebih": ""}
                        for ln in k.pendanaan.all()]
                rng.shuffle(lama)
                simpan_kegiatan(k, lama[:max(1, len(lama) - 1)] + baris_acak(rng.randint(0, 2)),
                                fasilitator_a, k.versi)
            elif aksi == "pindah":
                k.desa = rng.choice(desas)
                k.tahun_anggaran = rng.choice([2018, 2019, 2020])
                k.save()
            elif aksi == "status":
                k.status = rng.choice(["rencana", "berjalan", "selesai", "batal"])
                k.save()
            elif aksi == "hapus":
                hapus_kegiatan(k)
            else:
                ln = k.pendanaan.first()
                if ln:
                    ln.rencana_rp = ln.realisasi_rp + rng.randint(0, 5)
                    ln.save()
        assert ringkasan.periksa() == [], (step, aksi)
    sesuai()
