"""Stakeholders, forums and pledges: public pages without contact data, pledged vs delivered,
entry forms and their permissions, exports, constant query counts."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import (
    KONTAK_EMAIL,
    KONTAK_NAMA,
    KONTAK_TELEPON,
    buat_kegiatan,
    buat_pemangku,
    kriteria,
)
from tests.keamanan_helpers import assert_no_inline_script_or_style

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dunia(desa_a, desa_b):
    """A small collaboration picture in Bibrik, with contact details that must stay hidden."""
    kontak = {"kontak_nama": KONTAK_NAMA, "kontak_telepon": KONTAK_TELEPON,
              "kontak_email": KONTAK_EMAIL}
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd", **kontak)
    csr = buat_pemangku("PT Contoh Peduli", "swasta", **kontak)
    lkm = buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a, **kontak)
    paving = buat_kegiatan(desa_a, pelaksana=lkm, lines=[
        (dinas, "apbd-kab", 100_000_000, 100_000_000), (csr, "csr", 20_000_000, 15_000_000)])
    buat_kegiatan(desa_a, nama="Drainase Bibrik", kode_kriteria="4b", lines=[
        (csr, "csr", 10_000_000, 10_000_000)])
    forum = ForumKolaborasi.objects.create(tanggal="2018-02-10", judul="Rembug kumuh Bibrik",
                                           desa=desa_a, kesepakatan="Paving akses kolam lele.")
    forum.peserta.set([dinas, csr, lkm])
    # CSR pledged 50 M to Bibrik 2018 in general, and 20 M for road surface (2b) in particular.
    umum = Komitmen.objects.create(pemangku=csr, forum=forum, desa=desa_a, tahun=2018,
                                   nilai_rp=50_000_000)
    jalan = Komitmen.objects.create(pemangku=csr, forum=forum, desa=desa_a, tahun=2018,
                                    kriteria=kriteria("2b"), nilai_rp=20_000_000)
    return {"dinas": dinas, "csr": csr, "lkm": lkm, "paving": paving, "forum": forum,
            "umum": umum, "jalan": jalan}


def public_urls(d):
    return [
        reverse("kolaborasi:pemangku_list"),
        reverse("kolaborasi:pemangku_list") + "?format=csv",
        reverse("kolaborasi:pemangku_list") + "?format=xlsx",
        *(p.get_absolute_url() for p in (d["dinas"], d["csr"], d["lkm"])),
        reverse("kolaborasi:forum_list"),
        reverse("kolaborasi:forum_list") + "?format=csv",
        d["forum"].get_absolute_url(),
        reverse("kolaborasi:komitmen_list"),
        reverse("kolaborasi:komitmen_list") + "?format=csv",
        reverse("kolaborasi:komitmen_list") + "?format=xlsx",
        reverse("anggaran:kegiatan_list"),
        reverse("anggaran:kegiatan_list") + "?format=csv",
        d["paving"].get_absolute_url(),
    ]


def content(response) -> bytes:
    if response.streaming:
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if raw.startswith(b"PK"):  # xlsx: look inside the sheets
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                         for v in row).encode()
    return raw


def test_no_contact_details_on_any_public_page(client, client_for, dunia, pimpinan):
    for c in (client, client_for(pimpinan)):
        for url in public_urls(dunia):
            response = c.get(url)
            assert response.status_code == 200, url
            body = content(response).decode("utf-8-sig")
            for secret in (KONTAK_TELEPON, KONTAK_EMAIL, KONTAK_NAMA, "rahasia"):
                assert secret not in body, (url, secret)


def test_pemangku_detail_shows_funding_by_source_and_desa_and_pledges(client, dunia):
    response = client.get(dunia["csr"].get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    per_sumber = response.context["per_sumber"]
    assert per_sumber == [{"sumber__nama": "Swasta/CSR", "rencana": Decimal(30_000_000),
                           "realisasi": Decimal(25_000_000), "kegiatan": 2,
                           "porsi": Decimal("100.0")}]
    assert [r["nama"] for r in response.context["per_desa"]] == ["Bibrik"]
    for text in ("Paving jalan akses kolam lele", "Drainase Bibrik", "Rp 30.000.000",
                 "Rp 25.000.000", "Rp 70.000.000"):
        assert text in body, text
    pledges = {k.pk: k for k in response.context["komitmen_list"]}
    # General pledge: everything CSR realised in Bibrik 2018 (15 M + 10 M).
    assert pledges[dunia["umum"].pk].terealisasi == Decimal(25_000_000)
    assert pledges[dunia["umum"].pk].persen_terpenuhi == Decimal(50)
    # Road pledge: only the 2b activity (15 M of the paving).
    assert pledges[dunia["jalan"].pk].terealisasi == Decimal(15_000_000)
    assert pledges[dunia["jalan"].pk].direncanakan == Decimal(20_000_000)
    assert response.context["dilaksanakan"] is None


def test_lkm_page_lists_executed_activities(client, dunia):
    response = client.get(dunia["lkm"].get_absolute_url())
    assert [k.pk for k in response.context["dilaksanakan"]] == [dunia["paving"].pk]
    assert "Kegiatan yang dilaksanakan" in response.content.decode()


def test_pemangku_list_filters_and_sorting(client, dunia, desa_b):
    url = reverse("kolaborasi:pemangku_list")

    def names(**params):
        return [p.nama for p in client.get(url, params).context["page"]]

    assert names(jenis="swasta") == ["PT Contoh Peduli"]
    assert names(q="lkm") == ["LKM Bibrik Sejahtera"]
    assert set(names(desa=dunia["lkm"].desa.kode_wilayah)) == {
        "Dinas PKP Kabupaten Madiun", "PT Contoh Peduli", "LKM Bibrik Sejahtera"}
    assert names(desa=desa_b.kode_wilayah) == []
    assert names(urut="-rencana")[0] == "Dinas PKP Kabupaten Madiun"
    row = next(p for p in client.get(url).context["page"] if p.nama == "PT Contoh Peduli")
    assert (row.total_rencana, row.total_realisasi, row.jumlah_kegiatan, row.total_komitmen) == (
        Decimal(30_000_000), Decimal(25_000_000), 2, Decimal(70_000_000))


def test_komitmen_list_pledged_vs_delivered_and_exports(client, dunia, desa_b):
    url = reverse("kolaborasi:komitmen_list")
    Komitmen.objects.create(pemangku=dunia["dinas"], desa=desa_b, tahun=2019,
                            nilai_rp=5_000_000)
    params = {"pemangku": str(dunia["csr"].pk), "tahun": "2018"}
    response = client.get(url, params)
    assert {k.pk for k in response.context["page"]} == {dunia["umum"].pk, dunia["jalan"].pk}
    body = response.content.decode()
    assert "Rp 50.000.000" in body and "Rp 25.000.000" in body and "50%" in body

    raw = b"".join(client.get(url, {**params, "format": "csv"}).streaming_content)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted((r["Nilai janji (Rp)"], r["Terealisasi (Rp)"]) for r in rows) == [
        ("20000000", "15000000"), ("50000000", "25000000")]
    raw = b"".join(client.get(url, {**params, "format": "xlsx"}).streaming_content)
    ws = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    assert len(values) == 3
    assert client.get(url, {"desa": desa_b.kode_wilayah}).context["page"].paginator.count == 1


def test_forum_list_and_detail(client, dunia):
    response = client.get(reverse("kolaborasi:forum_list"), {"tahun": "2018"})
    (forum,) = response.context["page"]
    assert (forum.jumlah_peserta, forum.jumlah_komitmen, forum.total_komitmen) == (
        3, 2, Decimal(70_000_000))
    detail = client.get(dunia["forum"].get_absolute_url())
    body = detail.content.decode()
    assert "Rembug kumuh Bibrik" in body and "PT Contoh Peduli" in body
    assert "Paving akses kolam lele." in body
    # Only years with forums can be chosen; another year is flagged on the filter field.
    other = client.get(reverse("kolaborasi:forum_list"), {"tahun": "2017"})
    assert other.context["filter"].form.errors["tahun"]
    assert "invalid-feedback" in other.content.decode()
    rows = list(csv.reader(io.StringIO(b"".join(client.get(
        reverse("kolaborasi:forum_list"), {"format": "csv"}
    ).streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == "Rembug kumuh Bibrik"


# ---------------------------------------------------------------------------- entry forms


def forum_post(desa, peserta, **over):
    data = {"tanggal": "2024-03-01", "judul": "Rembug warga 2024", "tempat": "Balai desa",
            "desa": desa.pk if desa else "", "peserta": [p.pk for p in peserta],
            "kesepakatan": "Lanjutkan paving."}
    data.update(over)
    return data


def test_fasilitator_records_forum_in_own_desa(client_for, fasilitator_a, dunia, desa_a):
    c = client_for(fasilitator_a)
    url = reverse("kolaborasi:forum_baru")
    page = c.get(url + f"?desa={desa_a.kode_wilayah}")
    assert page.status_code == 200
    assert list(page.context["form"].fields["desa"].queryset) == [desa_a]
    response = c.post(url, forum_post(desa_a, [dunia["dinas"], dunia["lkm"]]))
    forum = ForumKolaborasi.objects.get(judul="Rembug warga 2024")
    assert response.status_code == 302 and response["Location"] == forum.get_absolute_url()
    assert set(forum.peserta.all()) == {dunia["dinas"], dunia["lkm"]}
    # Desa is optional (a forum across desa).
    assert c.post(url, forum_post(None, [], judul="Forum kecamatan")).status_code == 302


def test_forum_in_other_desa_refused(client_for, fasilitator_b, dunia, desa_a):
    c = client_for(fasilitator_b)
    url = reverse("kolaborasi:forum_baru")
    assert c.get(url + f"?desa={desa_a.kode_wilayah}").status_code == 404
    response = c.post(url, forum_post(desa_a, []))
    assert response.status_code == 200
    assert response.context["form"].errors["desa"] == ["Pilih desa tugas Anda."]
    assert ForumKolaborasi.objects.count() == 1


def komitmen_post(pemangku, desa, **over):
    data = {"pemangku": pemangku.pk, "desa": desa.pk, "kriteria": "", "tahun": "2024",
            "nilai_rp": "Rp 25.000.000", "uraian": "", "forum": ""}
    data.update(over)
    return data


def test_fasilitator_records_pledge(client_for, fasilitator_a, dunia, desa_a):
    c = client_for(fasilitator_a)
    url = reverse("kolaborasi:komitmen_baru")
    page = c.get(url + f"?forum={dunia['forum'].pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["desa"] == desa_a.pk
    response = c.post(url, komitmen_post(dunia["dinas"], desa_a, forum=dunia["forum"].pk,
                                         kriteria=kriteria("4b").pk))
    assert response.status_code == 302
    k = Komitmen.objects.get(tahun=2024)
    assert k.nilai_rp == Decimal(25_000_000) and k.kriteria.kode == "4b"


@pytest.mark.parametrize("over, field, message", [
    ({"nilai_rp": "-5.000"}, "nilai_rp", "Nilai rupiah tidak boleh negatif."),
    ({"tahun": "1e309"}, "tahun", "Tulis tahun dengan 4 angka, mis. 2024."),
    ({"tahun": "1999"}, "tahun", "Tahun harus antara 2000 dan 2100."),
    ({"natura": "on"}, "uraian", "Janji natura perlu uraian (barang, tenaga, lahan)."),
    ({"nilai_rp": "\x00"}, "nilai_rp", None),
    ({"uraian": "x\x00y"}, "uraian", None),
    ({"pemangku": ""}, "pemangku", "Pilih pemangku kepentingan."),
])
def test_pledge_bad_input(client_for, fasilitator_a, dunia, desa_a, over, field, message):
    c = client_for(fasilitator_a)
    data = komitmen_post(dunia["dinas"], desa_a)
    data.update(over)
    response = c.post(reverse("kolaborasi:komitmen_baru"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message:
        assert errors == [message]
    assert Komitmen.objects.count() == 2


def test_pledge_with_forum_of_other_desa_refused(client_for, admin_user, dunia, desa_b):
    c = client_for(admin_user)
    response = c.post(reverse("kolaborasi:komitmen_baru"),
                      komitmen_post(dunia["dinas"], desa_b, forum=dunia["forum"].pk))
    assert response.context["form"].errors["forum"] == ["Forum ini diadakan untuk desa lain."]


def test_pledge_permissions(client, client_for, fasilitator_b, pimpinan, verifikator, dunia,
                            desa_a):
    url = reverse("kolaborasi:komitmen_baru")
    assert client.get(url).status_code == 302
    assert client.post(url, {}).status_code == 302
    for persona in (pimpinan, verifikator):
        c = client_for(persona)
        assert c.get(url).status_code == 403
        assert c.post(url, komitmen_post(dunia["dinas"], desa_a)).status_code == 403
        assert c.get(reverse("kolaborasi:forum_baru")).status_code == 403
    c = client_for(fasilitator_b)
    assert c.get(url + f"?forum={dunia['forum'].pk}").status_code == 404
    assert c.get(url + f"?desa={desa_a.kode_wilayah}").status_code == 404
    assert c.get(url + "?forum=abc").status_code == 404
    assert c.get(url + "?forum=999999").status_code == 404
    response = c.post(url, komitmen_post(dunia["dinas"], desa_a))
    assert response.context["form"].errors["desa"] == ["Pilih desa tugas Anda."]
    assert Komitmen.objects.count() == 2
    assert client.post(reverse("kolaborasi:komitmen_list")).status_code == 405
    assert c.delete(reverse("kolaborasi:forum_baru")).status_code == 405


def test_unknown_ids_404(client, jiwan):
    assert client.get(reverse("kolaborasi:pemangku_detail", args=[999999])).status_code == 404
    assert client.get(reverse("kolaborasi:forum_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["kolaborasi:pemangku_list", "kolaborasi:forum_list",
                                  "kolaborasi:komitmen_list"])
@pytest.mark.parametrize("params", [{"desa": "\x00"}, {"tahun": "1e309"}, {"q": "a" * 10_000},
                                    {"pemangku": "x"}, {"urut": "nope"}, {"format": "doc"}])
def test_list_bad_query_never_500(client, jiwan, name, params):
    # Junk filters are ignored (the list); only an unknown export format is not found.
    expected = 404 if "format" in params else 200
    assert client.get(reverse(name), params).status_code == expected


# ----------------------------------------------------------------------------- query counts


def _bulk(desa, n):
    pemangku = [buat_pemangku(f"Pemangku {i:02d}", "swasta") for i in range(n)]
    forum = ForumKolaborasi.objects.create(tanggal="2018-01-01", judul="Forum", desa=desa)
    forum.peserta.set(pemangku)
    for i, p in enumerate(pemangku):
        buat_kegiatan(desa, nama=f"K{i}", lines=[(p, "csr", 1_000_000, 500_000),
                                                 (pemangku[0], "csr", 1, 1)])
        Komitmen.objects.create(pemangku=p, desa=desa, tahun=2018, nilai_rp=1_000_000,
                                forum=forum)
        Komitmen.objects.create(pemangku=pemangku[0], desa=desa, tahun=2018, nilai_rp=1,
                                kriteria=kriteria("2b"))
    return pemangku[0], forum


PINNED = {
    "pemangku_list": 3,  # desa choices, count, rows
    # stakeholder, per source, then by place (issue 16: desa or regions counted, money,
    # activities (raw: cannot be summed from the rollups), names, totals there), count,
    # lines, pledges, plan commitments (issue 15)
    "pemangku_detail": 11,
    "forum_list": 4,  # desa choices, years, count, rows
    "forum_detail": 3,  # forum, participants, pledges
    "komitmen_list": 6,  # pemangku, desa, years choices, count, rows, total
}


@pytest.mark.parametrize("n", [2, 20])
def test_query_counts_are_constant(client, django_assert_num_queries, desa_a, n):
    pemangku, forum = _bulk(desa_a, n)
    pages = {
        "pemangku_list": reverse("kolaborasi:pemangku_list"),
        "pemangku_detail": pemangku.get_absolute_url(),
        "forum_list": reverse("kolaborasi:forum_list"),
        "forum_detail": forum.get_absolute_url(),
        "komitmen_list": reverse("kolaborasi:komitmen_list"),
    }
    for key, url in pages.items():
        with django_assert_num_queries(PINNED[key]):
            assert client.get(url).status_code == 200, key


def test_templates_have_no_inline_script_or_style(client, dunia):
    for url in public_urls(dunia):
        response = client.get(url)
        if response.streaming:
            continue
        assert_no_inline_script_or_style(response.content.decode(), url)


def test_forum_list_sorting(client, dunia, desa_a):
    ForumKolaborasi.objects.create(tanggal="2019-05-01", judul="Forum kedua", desa=desa_a)
    url = reverse("kolaborasi:forum_list")
    assert [f.judul for f in client.get(url, {"urut": "-peserta"}).context["page"]] == [
        "Rembug kumuh Bibrik", "Forum kedua"]
    assert [f.judul for f in client.get(url, {"urut": "tanggal"}).context["page"]] == [
        "Rembug kumuh Bibrik", "Forum kedua"]
    assert [f.judul for f in client.get(url, {"urut": "-tanggal"}).context["page"]] == [
        "Forum kedua", "Rembug kumuh Bibrik"]
