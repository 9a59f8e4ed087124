"""Issue 15 (plan part): plan items with several criteria, commitments by several
stakeholders, an activity made from them, and the Memorandum Program, the funding gap in
rupiah and the stakeholder profile reading them."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from anggaran import rencana as baca
from anggaran.models import Kegiatan, KegiatanKriteria
from anggaran.services import simpan_kegiatan_rencana
from desa import akses
from desa.models import Kawasan
from inti.services import ServiceError
from kolaborasi import rencana as layanan
from kolaborasi.models import (
    DokumenRencana,
    ForumKolaborasi,
    ItemRencana,
    KomitmenItem,
)
from tests.anggaran_helpers import buat_pemangku, kriteria, sumber


def _rplp(desa, **extra):
    return layanan.simpan_dokumen(DokumenRencana(
        jenis="rplp", judul=f"RPLP {desa.nama}", desa=desa, tahun_mulai=2020,
        tahun_selesai=2024, **extra))


def _item(dokumen, desa, nama, biaya, kriteria_vol, kawasan=None, pendekatan="masyarakat"):
    item = ItemRencana(dokumen=dokumen, desa=desa, kawasan=kawasan, nama=nama, volume=D(300),
                       satuan="m", biaya_rp=D(biaya), tahun_target=2021, pendekatan=pendekatan)
    return layanan.simpan_item(item, [{"kriteria": kriteria(k), "volume": D(v)}
                                      for k, v in kriteria_vol])


@pytest.fixture
def plan(desa_a):
    """Bibrik's agreed RPLP: a drainage+road item (2 criteria) committed by Dinas PUPR (money)
    and the LKM (person-days), realised by one activity with two funding lines; and an
    unfunded waste item."""
    kawasan = Kawasan.objects.create(desa=desa_a, nama="Bibrik Utara", luas_ha=D("5.2"))
    forum = ForumKolaborasi.objects.create(tanggal=date(2020, 3, 2), judul="Rembug RPLP Bibrik",
                                           desa=desa_a)
    dokumen = _rplp(desa_a)
    item = _item(dokumen, desa_a, "Jalan lingkungan dan drainase RW 02", 400_000_000,
                 [("2b", 300), ("4b", 250)], kawasan=kawasan)
    sampah = _item(dokumen, desa_a, "Gerobak sampah", 60_000_000, [("6a", 120)],
                   kawasan=kawasan, pendekatan="institusi")
    dokumen = layanan.sepakati(dokumen, forum, date(2020, 3, 2))
    pupr = buat_pemangku("Dinas PUPR Kabupaten Madiun", "opd", singkatan="PUPR")
    lkm = buat_pemangku("LKM Bibrik", "lkm", desa=desa_a)
    k_pupr = layanan.simpan_komitmen_item(KomitmenItem(
        item=item, pemangku=pupr, forum=forum, jenis="uang", nilai_rp=D(300_000_000)))
    k_lkm = layanan.simpan_komitmen_item(KomitmenItem(
        item=item, pemangku=lkm, forum=forum, jenis="hok", jumlah=D(200),
        nilai_rp=D(20_000_000), uraian="Kerja bakti warga RW 02"))
    kegiatan = Kegiatan(desa=desa_a, kawasan=kawasan, kriteria=kriteria("2b"),
                        nama="Paving dan saluran RW 02", volume=D(300), satuan="m",
                        tahun_anggaran=2021, status="selesai", pendekatan="masyarakat")
    garis = [
        {"pemangku": pupr, "sumber": sumber("apbd-kab"),
         "rencana_rp": D(300_000_000), "realisasi_rp": D(280_000_000), "natura": False,
         "uraian_natura": "", "alasan_lebih": "", "komitmen_item": k_pupr},
        {"pemangku": lkm, "sumber": sumber("swadaya"), "rencana_rp": D(20_000_000),
         "realisasi_rp": D(20_000_000), "natura": True, "uraian_natura": "200 HOK",
         "alasan_lebih": "", "komitmen_item": k_lkm},
    ]
    kegiatan = simpan_kegiatan_rencana(kegiatan, garis, None, [item],
                                       [{"kriteria": kriteria("4b"), "volume": D(100)}])
    return {"dokumen": dokumen, "item": item, "sampah": sampah, "pupr": pupr, "lkm": lkm,
            "kegiatan": kegiatan, "kawasan": kawasan, "forum": forum}


@pytest.mark.django_db
def test_activity_from_plan_keeps_its_criteria_and_lines(plan):
    k = plan["kegiatan"]
    rows = dict(KegiatanKriteria.objects.filter(kegiatan=k)
                .values_list("kriteria__kode", "volume"))
    assert rows == {"2b": D(300), "4b": D(100)}
    assert list(k.item_rencana.all()) == [plan["item"]]
    assert {p.komitmen_item_id for p in k.pendanaan.all()} == {
        c.pk for c in plan["item"].komitmen.all()}


@pytest.mark.django_db
def test_memorandum_reads_items_by_stakeholder(plan, client, django_assert_num_queries):
    with django_assert_num_queries(5):
        data = baca.memorandum(plan["dokumen"])
    baris = {b.item.pk: b for b in data["items"]}
    b = baris[plan["item"].pk]
    assert b.terjanji_rp == D(320_000_000)
    assert b.terealisasi_rp == D(300_000_000)
    assert b.kurang_rp == D(80_000_000)
    sisa = {k.kode: k.sisa for k in b.kriteria}
    assert sisa == {"2b": D(0), "4b": D(150)}
    assert [p["pemangku"].pk for p in data["kolom"]] == [plan["pupr"].pk, plan["lkm"].pk]
    assert data["total"]["kurang"] == D(80_000_000) + D(60_000_000)
    assert data["per_kawasan"][0]["kurang"] == D(140_000_000)
    body = client.get(reverse("kolaborasi:rencana_detail", args=[plan["dokumen"].pk])) \
        .content.decode()
    assert "Rp 320.000.000" in body and "Rp 140.000.000" in body and "200 HOK" in body


@pytest.mark.django_db
def test_gap_in_rupiah_equals_an_independent_sum(plan, client):
    data = baca.celah_rupiah()
    independent = D(0)
    for item in ItemRencana.objects.filter(dokumen__status="disepakati"):
        committed = sum((c.nilai_rp for c in item.komitmen.all()), D(0))
        independent += max(item.biaya_rp - committed, D(0))
    assert data["total_kurang"] == independent == D(140_000_000)
    per_kriteria = {t["label"].split()[0]: t for t in data["per_kriteria"]}
    assert per_kriteria["4b"]["sisa_volume"] == D(150)
    assert per_kriteria["6a"]["sisa_volume"] == D(120)
    assert {t["label"]: t["kurang"] for t in data["per_pendekatan"]} == {
        "Berbasis masyarakat": D(80_000_000), "Berbasis institusi": D(60_000_000)}
    page = client.get(reverse("kolaborasi:celah_rupiah"))
    assert page.status_code == 200 and "Rp 140.000.000" in page.content.decode()
    profil = client.get(plan["item"].desa.get_absolute_url())
    assert profil.context["dana"]["celah_rupiah"]["total_kurang"] == D(140_000_000)
    assert "Gerobak sampah" in profil.content.decode()
    csv = client.get(reverse("kolaborasi:celah_rupiah"), {"format": "csv"})
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "Gerobak sampah" in text


@pytest.mark.django_db
def test_a_draft_plan_is_not_public_nor_in_the_gap(desa_a, client):
    dokumen = _rplp(desa_a)
    _item(dokumen, desa_a, "Sumur resapan", 10_000_000, [("4b", 5)])
    assert baca.celah_rupiah()["items"] == []
    assert client.get(reverse("kolaborasi:rencana_detail", args=[dokumen.pk])).status_code \
        == 404


@pytest.mark.django_db
def test_stakeholder_profile_shows_pledged_and_delivered(plan, client):
    rows = baca.komitmen_pemangku(plan["pupr"])
    assert [(r.nilai_rp, r.terealisasi_rp) for r in rows] == [(D(300_000_000),
                                                               D(280_000_000))]
    body = client.get(plan["pupr"].get_absolute_url()).content.decode()
    assert "Jalan lingkungan dan drainase RW 02" in body and "Rp 280.000.000" in body


@pytest.mark.django_db
def test_service_refuses_bad_input_in_indonesian(desa_a, desa_b):
    dokumen = _rplp(desa_a)
    with pytest.raises(ServiceError, match="desa rencana"):
        _item(dokumen, desa_b, "Salah desa", 1, [("2b", 1)])
    with pytest.raises(ServiceError, match="kriteria"):
        _item(dokumen, desa_a, "Tanpa kriteria", 1, [])
    with pytest.raises(ServiceError, match="sekali"):
        _item(dokumen, desa_a, "Ganda", 1, [("2b", 1), ("2b", 2)])
    with pytest.raises(ServiceError, match="periode"):
        layanan.simpan_item(ItemRencana(dokumen=dokumen, desa=desa_a, nama="x", volume=1,
                                        satuan="m", biaya_rp=1, tahun_target=2030),
                            [{"kriteria": kriteria("2b"), "volume": D(1)}])
    with pytest.raises(ServiceError, match="tanpa item"):
        layanan.sepakati(dokumen, ForumKolaborasi.objects.create(
            tanggal=date(2020, 1, 1), judul="Forum"), date(2020, 1, 1))
    item = _item(dokumen, desa_a, "Benar", 1, [("2b", 1)])
    pemangku = buat_pemangku("Warga", "masyarakat")
    with pytest.raises(ServiceError, match="HOK"):
        layanan.simpan_komitmen_item(KomitmenItem(item=item, pemangku=pemangku, jenis="hok",
                                                  nilai_rp=D(1), uraian="x"))
    assert ItemRencana.objects.filter(dokumen=dokumen).count() == 1


@pytest.mark.django_db
def test_permissions_facilitators_edit_their_desa_admin_the_kabupaten(
        desa_a, fasilitator_a, fasilitator_b, pimpinan, admin_user):
    rplp = _rplp(desa_a)
    kab = layanan.simpan_dokumen(DokumenRencana(
        jenis="rp2kpkp", judul="Memorandum Program Kab. Madiun",
        kabupaten=desa_a.kecamatan.kabupaten, tahun_mulai=2020, tahun_selesai=2024))
    assert akses.boleh_ubah_rencana(fasilitator_a, rplp)
    assert not akses.boleh_ubah_rencana(fasilitator_b, rplp)
    assert not akses.boleh_ubah_rencana(fasilitator_a, kab)
    assert not akses.boleh_ubah_rencana(pimpinan, rplp)
    assert akses.boleh_ubah_rencana(admin_user, kab)
    assert set(DokumenRencana.objects.for_writer(fasilitator_a)) == {rplp}
    assert set(DokumenRencana.objects.for_writer(admin_user)) == {rplp, kab}


@pytest.mark.django_db
def test_pimpinan_reads_a_draft_the_public_does_not(desa_a, pimpinan, client_for):
    dokumen = _rplp(desa_a)
    url = reverse("kolaborasi:rencana_detail", args=[dokumen.pk])
    assert client_for(pimpinan).get(url).status_code == 200


@pytest.mark.django_db
def test_new_activity_gets_its_main_criterion_row(desa_a):
    from anggaran.services import simpan_kegiatan

    k = Kegiatan(desa=desa_a, kriteria=kriteria("2b"), nama="Paving", volume=D(170),
                 satuan="m", tahun_anggaran=2018, status="selesai")
    pemangku = buat_pemangku("Dinas", "opd")
    line = {"pemangku": pemangku, "sumber": sumber("swadaya"), "rencana_rp": D(1),
            "realisasi_rp": D(0), "natura": False, "uraian_natura": "", "alasan_lebih": ""}
    simpan_kegiatan(k, [line], None, None)
    assert list(k.kegiatan_kriteria.values_list("kriteria__kode", "volume")) == [("2b", D(170))]
    k.kriteria = kriteria("4b")
    k.volume_kriteria = D(20)
    simpan_kegiatan(k, [{**line, "pk": k.pendanaan.get().pk}], None, k.versi)
    assert list(k.kegiatan_kriteria.values_list("kriteria__kode", "volume")) == [("4b", D(20))]


@pytest.mark.django_db
def test_migration_keeps_every_figure_on_the_demo_data(jiwan):
    """The data migration gives every existing activity its single criterion with the volume
    the outcome figures already counted; every figure reads the same before and after."""
    import importlib
    import io

    from django.apps import apps
    from django.core.management import call_command

    from anggaran import dashboard as dash
    from anggaran import kondisi
    from anggaran.models import VOLUME_TERTANGANI

    call_command("seed_demo", stdout=io.StringIO())

    def angka():
        k = kondisi.hitung_kondisi(2025, None, None)
        return (repr(dash.ringkasan()), [(d.key, d.baseline, d.terukur, d.proyeksi)
                                        for d in dash.dampak()[0]],
                repr(k.per_desa) if hasattr(k, "per_desa") else repr(k))

    KegiatanKriteria.objects.all().delete()
    sebelum = angka()
    migrasi = importlib.import_module("anggaran.migrations.0010_kegiatan_kriteria_awal")
    migrasi.isi(apps, None)
    assert angka() == sebelum
    harap = dict(Kegiatan.objects.annotate(vt=VOLUME_TERTANGANI)
                 .values_list("pk", "vt"))
    rows = list(KegiatanKriteria.objects.values_list("kegiatan_id", "kriteria_id", "volume"))
    assert len(rows) == len(harap) > 0
    utama = dict(Kegiatan.objects.values_list("pk", "kriteria_id"))
    for kegiatan_id, kriteria_id, volume in rows:
        assert kriteria_id == utama[kegiatan_id]
        assert volume == harap[kegiatan_id]


# ------------------------------------------------------------------ Peluang kolaborasi (public)


@pytest.fixture
def _batas_bersih():
    from tests.kabar_helpers import reset_batas

    reset_batas()
    yield
    reset_batas()


@pytest.mark.django_db
def test_peluang_lists_open_items_with_filters_and_no_contacts(plan, client,
                                                               django_assert_num_queries):
    from tests.anggaran_helpers import KONTAK_EMAIL, KONTAK_TELEPON

    plan["pupr"].kontak_email = KONTAK_EMAIL
    plan["pupr"].kontak_telepon = KONTAK_TELEPON
    plan["pupr"].save()
    with django_assert_num_queries(4):  # items, handled volumes, criteria, commitments
        response = client.get(reverse("peluang"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gerobak sampah" in body and "Jalan lingkungan dan drainase RW 02" in body
    assert KONTAK_EMAIL not in body and KONTAK_TELEPON not in body
    saring = client.get(reverse("peluang"), {"pendekatan": "institusi"}).context["items"]
    assert [b.item.nama for b in saring] == ["Gerobak sampah"]
    saring = client.get(reverse("peluang"), {"kriteria": "4b"}).context["items"]
    assert [b.item.nama for b in saring] == ["Jalan lingkungan dan drainase RW 02"]
    # An unknown filter value is ignored, never a 500.
    assert client.get(reverse("peluang"), {"desa": "x\x00"}).status_code == 200
    item_page = client.get(plan["sampah"].get_absolute_url())
    assert item_page.status_code == 200 and KONTAK_EMAIL not in item_page.content.decode()


@pytest.mark.django_db
def test_expression_of_interest_is_moderated_and_its_contact_stays_with_the_team(
        plan, client, client_for, verifikator, _batas_bersih):
    from publikasi.models import Masukan
    from tests.kabar_helpers import masukan_post

    url = reverse("kolaborasi:masukan_kirim", args=["item", plan["sampah"].pk])
    kontak = "csr@pabrik-gula.example"
    response = client.post(url, masukan_post(
        nama="CSR Pabrik Gula", pesan="Kami berminat mendanai gerobak sampah.", kontak=kontak))
    assert response.status_code == 302
    m = Masukan.objects.get(item_rencana=plan["sampah"])
    assert m.kontak == kontak and m.status == "menunggu"
    # Never shown publicly, also not once approved.
    m.status = "disetujui"
    m.save()
    for u in (reverse("peluang"), plan["sampah"].get_absolute_url(),
              plan["dokumen"].get_absolute_url()):
        assert kontak not in client.get(u).content.decode()
    # The facilitators' team (Askot of the kecamatan) sees it with the contact.
    moderasi = client_for(verifikator).get(reverse("kolaborasi:masukan_moderasi"),
                                           {"status": "semua"}).content.decode()
    assert kontak in moderasi and "Gerobak sampah" in moderasi


@pytest.mark.django_db
def test_expression_of_interest_is_protected_like_masukan(plan, client, desa_a, _batas_bersih):
    from publikasi.models import Masukan
    from tests.kabar_helpers import masukan_post

    url = reverse("kolaborasi:masukan_kirim", args=["item", plan["sampah"].pk])
    honeypot = client.post(url, masukan_post(kontak="x@example.org", website="http://spam"))
    assert honeypot.status_code == 400
    tanpa_kontak = client.post(url, masukan_post())
    assert tanpa_kontak.status_code == 200 and "agar tim dapat menghubungi" in \
        tanpa_kontak.content.decode()
    draf = _rplp(desa_a)
    item = _item(draf, desa_a, "Belum disepakati", 5, [("2b", 1)])
    assert client.post(reverse("kolaborasi:masukan_kirim", args=["item", item.pk]),
                       masukan_post(kontak="x@example.org")).status_code == 404
    assert client.get(item.get_absolute_url()).status_code == 404
    assert not Masukan.objects.exists()


@pytest.mark.django_db
def test_demo_plans_are_labelled_and_read_back(jiwan, client):
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    assert DokumenRencana.objects.count() == 3
    assert not DokumenRencana.objects.filter(is_demo=False).exists()
    assert not ItemRencana.objects.filter(is_demo=False).exists()
    assert not KomitmenItem.objects.filter(is_demo=False).exists()
    bibrik = DokumenRencana.objects.get(desa__nama="Bibrik")
    data = baca.memorandum(bibrik)
    paving = next(b for b in data["items"] if b.item.nama.startswith("Lanjutan jalan paving"))
    assert paving.terealisasi_rp > 0 and paving.kriteria[0].sisa == D(0)
    assert baca.celah_rupiah()["total_kurang"] > 0
    mp = DokumenRencana.objects.get(jenis="rp2kpkp")
    assert [r["tahun"] for r in baca.target_vs_terukur(mp)] == [2021, 2022, 2023, 2024]
    assert 'id="target-tahunan"' in client.get(mp.get_absolute_url()).content.decode()
    for url in (reverse("kolaborasi:rencana_list"), bibrik.get_absolute_url(),
                reverse("kolaborasi:celah_rupiah"), reverse("peluang")):
        response = client.get(url)
        assert response.status_code == 200 and "demo" in response.content.decode()


@pytest.mark.django_db
def test_open_data_plan_items_and_commitments_by_kemendagri_code(plan, client):
    import json

    from tests.anggaran_helpers import KONTAK_EMAIL

    plan["pupr"].kontak_email = KONTAK_EMAIL
    plan["pupr"].save()
    kode = plan["item"].desa.kode_wilayah
    for wilayah in (kode, kode.rsplit(".", 1)[0], "35.19"):
        data = json.loads(client.get(f"/data-terbuka/rencana/{wilayah}.json").content)
        assert {i["nama"] for i in data["item_rencana"]} == {
            "Jalan lingkungan dan drainase RW 02", "Gerobak sampah"}
    item = next(i for i in data["item_rencana"] if i["nama"].startswith("Jalan"))
    assert item["belum_terdanai_rp"] == 80_000_000
    assert {k["pemangku"]: k["terealisasi_rp"] for k in item["komitmen"]} == {
        "Dinas PUPR Kabupaten Madiun": 280_000_000, "LKM Bibrik": 20_000_000}
    csv = client.get(f"/data-terbuka/komitmen/{kode}.csv")
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "LKM Bibrik" in text and KONTAK_EMAIL not in text
    assert client.get("/data-terbuka/rencana/99.99.json").status_code == 404


def _item_post(**over):
    data = {"nama": "Sumur resapan RT 03", "kawasan": "", "komponen": "infrastruktur",
            "jenis_investasi": "tersier", "pendekatan": "masyarakat", "volume": "10",
            "satuan": "unit", "biaya_rp": "25.000.000", "tahun_target": "2022",
            "keterangan": "", "kriteria_1": kriteria("4a").pk, "volume_1": "0,5",
            "kriteria_2": kriteria("4b").pk, "volume_2": "40", "kriteria_3": "",
            "volume_3": ""}
    return data | over


@pytest.mark.django_db
def test_facilitator_adds_an_item_with_two_criteria_to_their_desa_plan(
        desa_a, fasilitator_a, fasilitator_b, pimpinan, client_for, client):
    dokumen = _rplp(desa_a)
    url = reverse("kolaborasi:rencana_item_baru", args=[dokumen.pk])
    assert client_for(fasilitator_b).get(url).status_code == 404  # another desa's plan
    assert client_for(pimpinan).get(url).status_code == 403  # a reading role
    c = client_for(fasilitator_a)
    response = c.post(url, _item_post())
    assert response.status_code == 302, response.context["form"].errors
    item = ItemRencana.objects.get(dokumen=dokumen)
    assert dict(item.item_kriteria.values_list("kriteria__kode", "volume")) == {
        "4a": D("0.5"), "4b": D(40)}
    # Bad input: a message on the form, nothing half-saved.
    bad = c.post(url, _item_post(nama="Tanpa kriteria", kriteria_1="", kriteria_2=""))
    assert bad.status_code == 200 and "paling sedikit satu kriteria" in bad.content.decode()
    bad = c.post(url, _item_post(nama="Di luar periode", tahun_target="2030"))
    assert bad.status_code == 200 and "periode rencana" in bad.content.decode()
    assert ItemRencana.objects.filter(dokumen=dokumen).count() == 1
    # A commitment in person-days, then the agreement.
    forum = ForumKolaborasi.objects.create(tanggal=date(2021, 5, 1), judul="Rembug", desa=desa_a)
    pemangku = buat_pemangku("Karang Taruna Bibrik", "masyarakat", desa=desa_a)
    r = c.post(reverse("kolaborasi:rencana_komitmen_baru", args=[item.pk]), {
        "pemangku": pemangku.pk, "jenis": "hok", "jumlah": "40", "nilai_rp": "4.000.000",
        "uraian": "Gotong royong", "forum": forum.pk})
    assert r.status_code == 302
    r = c.post(reverse("kolaborasi:rencana_sepakati", args=[dokumen.pk]),
               {"forum": forum.pk, "tanggal": "2021-05-01"})
    assert r.status_code == 302
    dokumen.refresh_from_db()
    assert dokumen.status == "disepakati" and dokumen.forum == forum
    assert baca.celah_rupiah()["total_kurang"] == D(21_000_000)


@pytest.mark.django_db
def test_kabupaten_plan_is_edited_by_admin_only(desa_a, fasilitator_a, admin_user, client_for):
    kab = layanan.simpan_dokumen(DokumenRencana(
        jenis="rp2kpkp", judul="MP", kabupaten=desa_a.kecamatan.kabupaten, tahun_mulai=2020,
        tahun_selesai=2024))
    url = reverse("kolaborasi:rencana_item_baru", args=[kab.pk])
    assert client_for(fasilitator_a).get(url).status_code == 404
    r = client_for(admin_user).post(url, _item_post(desa=desa_a.pk))
    assert r.status_code == 302
    assert ItemRencana.objects.get(dokumen=kab).desa == desa_a


@pytest.mark.django_db
def test_memorandum_pdf_for_signing(plan, client, desa_a, settings, tmp_path):
    from tests.test_laporan import read_pdf

    settings.MEDIA_ROOT = tmp_path
    response = client.get(reverse("laporan_memorandum", args=[plan["dokumen"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _reader, text = read_pdf(response)
    text = " ".join(text.split())
    assert "Jalan lingkungan dan drainase RW 02" in text and "Rp 140.000.000" in text
    assert "Tanda tangan para pihak" in text and "LKM Bibrik" in text
    draf = _rplp(desa_a)
    assert client.get(reverse("laporan_memorandum", args=[draf.pk])).status_code == 404


@pytest.mark.django_db
def test_commitments_become_funding_lines_of_an_activity_made_from_the_item(
        plan, fasilitator_a, fasilitator_b, client_for):
    sampah = plan["sampah"]
    csr = buat_pemangku("PT Gula (demo)", "swasta")
    k = layanan.simpan_komitmen_item(KomitmenItem(item=sampah, pemangku=csr, jenis="natura",
                                                  nilai_rp=D(10_000_000), uraian="4 gerobak"))
    url = reverse("anggaran:kegiatan_dari_item", args=[sampah.pk])
    assert client_for(fasilitator_b).get(url).status_code == 404
    c = client_for(fasilitator_a)
    r = c.post(url, {"nama": "Gerobak sampah RW 01", "tahun_anggaran": "2022",
                     "status": "rencana", f"sumber_{k.pk}": sumber("csr").pk})
    assert r.status_code == 302
    kegiatan = Kegiatan.objects.get(nama="Gerobak sampah RW 01")
    line = kegiatan.pendanaan.get()
    assert (line.komitmen_item, line.pemangku, line.rencana_rp, line.natura) == (
        k, csr, D(10_000_000), True)
    assert list(kegiatan.item_rencana.all()) == [sampah]
    assert dict(kegiatan.kegiatan_kriteria.values_list("kriteria__kode", "volume")) == {
        "6a": D(120)}
    assert kegiatan.pendekatan == "institusi"
