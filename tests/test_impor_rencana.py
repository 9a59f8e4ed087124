"""Issue 15: importing collaborative plan items (ItemRencana) from the spreadsheet template:
dry run with per-row errors, all-or-nothing import, idempotent re-import, permissions."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from django.urls import reverse

from kolaborasi import impor as imp_rencana
from kolaborasi import rencana as layanan_rencana
from kolaborasi.models import DokumenRencana, ForumKolaborasi, ItemKriteria, ItemRencana
from kotaku.impor import layanan
from tests.anggaran_helpers import buat_pemangku, kriteria
from tests.test_impor import confirm, upload

pytestmark = pytest.mark.django_db

BIBRIK = "35.19.09.2014"
SUKOLILO = "35.19.09.2005"
COLUMNS = [k.kunci for k in imp_rencana.layout()]
MODELS = [ItemRencana, ItemKriteria]


def _rplp(desa, **extra):
    return layanan_rencana.simpan_dokumen(DokumenRencana(
        jenis="rplp", judul=f"RPLP {desa.nama}", desa=desa, tahun_mulai=2020,
        tahun_selesai=2024, **extra))


def row(dok, **over) -> dict:
    data = {"dokumen": dok.pk, "kode_desa": BIBRIK, "kawasan": "", "lokasi": "",
            "nama_item": "Jalan lingkungan dan drainase RW 02", "kriteria": "2b:300; 4b:250",
            "komponen": "Infrastruktur", "jenis_investasi": "tersier",
            "pendekatan": "Berbasis masyarakat", "volume": "300", "satuan": "m",
            "biaya_rp": "Rp 400.000.000", "tahun_target": "2021",
            "usulan_pendana": "Dinas PUPR Kabupaten Madiun; LKM Bibrik", "keterangan": ""}
    data.update(over)
    return data


def as_csv(rows, columns=COLUMNS, delimiter=",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
    return out.getvalue().encode("utf-8")


def as_xlsx(rows, columns=COLUMNS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(columns)
    for r in rows:
        ws.append([r.get(c) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dump() -> dict:
    out = {}
    for model in MODELS:
        for m in (model, model.history.model):
            out[m._meta.label] = list(m.objects.order_by("pk").values())
    out["pendana"] = sorted(ItemRencana.usulan_pendana.through.objects.values_list(
        "itemrencana_id", "pemangkukepentingan_id"))
    return out


def errors(rencana) -> list[tuple]:
    return [(g.baris, g.kolom, g.pesan) for g in rencana.semua_galat]


@pytest.fixture
def dokumen(desa_a):
    return _rplp(desa_a)


@pytest.fixture
def pendana(desa_a):
    return [buat_pemangku("Dinas PUPR Kabupaten Madiun", "opd", singkatan="PUPR"),
            buat_pemangku("LKM Bibrik", "lkm", desa=desa_a)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_valid_file_creates_items_with_criteria_volumes(client_for, fasilitator_a, dokumen,
                                                        pendana, fmt):
    rows = [row(dokumen),
            row(dokumen, nama_item="Gerobak sampah", kriteria="6a:120", komponen="",
                jenis_investasi="Non-fisik", pendekatan="institusi", volume="4",
                satuan="unit", biaya_rp="60.000.000", tahun_target="2022", usulan_pendana="",
                kode_desa="")]
    if fmt == "xlsx":
        rows[0] |= {"volume": 300, "biaya_rp": 400_000_000, "tahun_target": 2021}
        content = as_xlsx(rows)
    else:
        content = as_csv(rows)
    client = client_for(fasilitator_a)
    response = upload(client, content, name=f"rencana.{fmt}", jenis="rencana")
    assert response.status_code == 200
    rencana = response.context["rencana"]
    assert rencana.ok, errors(rencana)
    assert rencana.jumlah["buat"] == 2
    assert ItemRencana.objects.count() == 0  # the dry run writes nothing
    done = confirm(client, response)
    assert done.status_code == 302
    jalan = ItemRencana.objects.get(nama="Jalan lingkungan dan drainase RW 02")
    assert jalan.dokumen == dokumen and jalan.desa == dokumen.desa
    assert (jalan.komponen, jalan.jenis_investasi, jalan.pendekatan) == (
        "infrastruktur", "tersier", "masyarakat")
    assert (jalan.volume, jalan.satuan, jalan.biaya_rp, jalan.tahun_target) == (
        D(300), "m", D(400_000_000), 2021)
    assert dict(jalan.item_kriteria.values_list("kriteria__kode", "volume")) == {
        "2b": D(300), "4b": D(250)}
    assert {p.nama for p in jalan.usulan_pendana.all()} == {p.nama for p in pendana}
    sampah = ItemRencana.objects.get(nama="Gerobak sampah")
    assert (sampah.komponen, sampah.jenis_investasi, sampah.pendekatan) == (
        "infrastruktur", "non_fisik", "institusi")
    assert dict(sampah.item_kriteria.values_list("kriteria__kode", "volume")) == {
        "6a": D(120)}
    assert not sampah.usulan_pendana.exists()


@pytest.mark.parametrize("over,kolom,fragment", [
    ({"kriteria": "2b:300; 9z:4"}, "kriteria", 'Kriteria "9z" tidak dikenal'),
    ({"kriteria": "2b:-5"}, "kriteria", "harus lebih dari nol"),
    ({"kriteria": "2b"}, "kriteria", "Tulis volume kriteria 2b"),
    ({"kriteria": "2b:1; 2B:2"}, "kriteria", "hanya boleh dicantumkan sekali"),
    ({"volume": "-3"}, "volume", "Volume harus lebih dari nol"),
    ({"biaya_rp": "-5.000"}, "biaya_rp", "tidak boleh negatif"),
    ({"pendekatan": "gotong royong"}, "pendekatan", '"gotong royong" tidak dikenal'),
    ({"komponen": "jalan"}, "komponen", "Tulis salah satu dari"),
    ({"jenis_investasi": "kuartier"}, "jenis_investasi", "tidak dikenal"),
    ({"kode_desa": SUKOLILO}, "kode_desa", "Item RPLP harus berada di desa rencana"),
    ({"tahun_target": "2030"}, "tahun_target", "periode rencana (2020–2024)"),
    ({"dokumen": "999999"}, "dokumen", "tidak ada"),
    ({"kawasan": "Tidak Ada"}, "kawasan", "tidak ada di desa Bibrik"),
    ({"usulan_pendana": "Donatur Gaib"}, "usulan_pendana", "tidak terdaftar"),
    ({"nama_item": "Drainase (contoh)"}, "nama_item", "baris contoh"),
    ({"satuan": ""}, "satuan", "Isi satuan"),
])
def test_bad_row_gets_an_indonesian_error_on_row_and_column_and_nothing_is_written(
        client_for, fasilitator_a, dokumen, pendana, over, kolom, fragment):
    good = row(dokumen, nama_item="Sumur resapan", kriteria="4b:5", tahun_target="2022")
    bad = row(dokumen, **over)
    before = dump()
    rencana = layanan.impor(as_csv([good, bad]), "r.csv", "rencana", "auto", fasilitator_a)
    assert not rencana.diterapkan
    found = [e for e in errors(rencana) if e[0] == 3 and e[1] == kolom]
    assert found and fragment in found[0][2], errors(rencana)
    assert not [e for e in errors(rencana) if e[0] == 2]  # the good row stays clean
    assert dump() == before


def test_facilitator_cannot_import_into_another_desa_plan_or_the_kabupaten_plan(
        client_for, fasilitator_a, desa_a, desa_b, pendana):
    sukolilo = _rplp(desa_b)
    kab = layanan_rencana.simpan_dokumen(DokumenRencana(
        jenis="rp2kpkp", judul="RP2KPKP Madiun", kabupaten=desa_a.kecamatan.kabupaten,
        tahun_mulai=2020, tahun_selesai=2024))
    rows = [row(sukolilo, kode_desa=SUKOLILO, usulan_pendana=""),
            row(kab, usulan_pendana="")]
    client = client_for(fasilitator_a)
    response = upload(client, as_csv(rows), name="r.csv", jenis="rencana")
    rencana = response.context["rencana"]
    assert response.context["sidik"] is None
    errs = errors(rencana)
    assert (2, "dokumen") == errs[0][:2] and "tidak ditugaskan di desa Sukolilo" in errs[0][2]
    assert (3, "dokumen") == errs[1][:2] and "hanya diubah Admin" in errs[1][2]
    assert "tidak ditugaskan" in response.content.decode()
    assert ItemRencana.objects.count() == 0


def test_admin_imports_into_the_kabupaten_plan_with_a_desa(admin_user, desa_a, desa_b, pendana):
    kab = layanan_rencana.simpan_dokumen(DokumenRencana(
        jenis="rp2kpkp", judul="RP2KPKP Madiun", kabupaten=desa_a.kecamatan.kabupaten,
        tahun_mulai=2020, tahun_selesai=2024))
    missing = layanan.impor(as_csv([row(kab, kode_desa="")]), "r.csv", "rencana", "auto",
                            admin_user)
    assert [e[1] for e in errors(missing)] == ["kode_desa"]
    done = layanan.impor(as_csv([row(kab, kode_desa=SUKOLILO)]), "r.csv", "rencana", "auto",
                         admin_user)
    assert done.diterapkan, errors(done)
    assert ItemRencana.objects.get(dokumen=kab).desa == desa_b


def test_reimport_is_idempotent_and_a_changed_row_updates_the_item(fasilitator_a, dokumen,
                                                                    pendana):
    content = as_csv([row(dokumen), row(dokumen, nama_item="Sumur resapan", kriteria="4b:5",
                                        tahun_target="2022", usulan_pendana="")])
    first = layanan.impor(content, "r.csv", "rencana", "auto", fasilitator_a)
    assert first.diterapkan and first.jumlah["buat"] == 2
    after_first = dump()
    again = layanan.impor(content, "r.csv", "rencana", "auto", fasilitator_a)
    assert again.jumlah == {"buat": 0, "ubah": 0, "tetap": 2, "galat": 0}
    assert dump() == after_first  # history tables included
    # Same key written differently (case, spaces): still the same item, now changed.
    changed = as_csv([row(dokumen, nama_item="jalan  lingkungan dan drainase rw 02",
                          kriteria="2b:300", biaya_rp="450.000.000",
                          usulan_pendana="LKM Bibrik")])
    plan = layanan.pratinjau(changed, "r.csv", "rencana", "auto", fasilitator_a)
    assert plan.jumlah["ubah"] == 1
    text = " ".join(plan.items[0].perubahan)
    assert "Kriteria: 2b:300; 4b:250 \u2192 2b:300" in text and "Perkiraan biaya" in text
    done = layanan.impor(changed, "r.csv", "rencana", "auto", fasilitator_a)
    assert done.diterapkan
    assert ItemRencana.objects.count() == 2
    jalan = ItemRencana.objects.get(nama="Jalan lingkungan dan drainase RW 02")
    assert jalan.biaya_rp == D(450_000_000)
    assert dict(jalan.item_kriteria.values_list("kriteria__kode", "volume")) == {"2b": D(300)}
    assert [p.nama for p in jalan.usulan_pendana.all()] == ["LKM Bibrik"]


def test_two_rows_with_the_same_key_are_refused(fasilitator_a, dokumen, pendana):
    rencana = layanan.pratinjau(as_csv([row(dokumen), row(dokumen, volume="10")]), "r.csv",
                                "rencana", "auto", fasilitator_a)
    assert [(e[0], e[1]) for e in errors(rencana)] == [(3, "nama_item")]
    assert "sama dengan baris 2" in errors(rencana)[0][2]


def test_agreed_plan_takes_items_with_a_warning(fasilitator_a, dokumen, desa_a, pendana):
    layanan_rencana.simpan_item(ItemRencana(
        dokumen=dokumen, desa=desa_a, nama="Ada", volume=D(1), satuan="m", biaya_rp=D(1),
        tahun_target=2021), [{"kriteria": kriteria("2b"), "volume": D(1)}])
    forum = ForumKolaborasi.objects.create(tanggal=date(2020, 3, 2), judul="Rembug",
                                           desa=desa_a)
    layanan_rencana.sepakati(dokumen, forum, date(2020, 3, 2))
    rencana = layanan.impor(as_csv([row(dokumen)]), "r.csv", "rencana", "auto", fasilitator_a)
    assert rencana.diterapkan, errors(rencana)
    assert any("sudah disepakati" in w for w in rencana.peringatan)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download_for_plan_items(client_for, fasilitator_a, dokumen, pendana, fmt):
    client = client_for(fasilitator_a)
    response = client.get(reverse("impor_templat", args=["rencana", fmt]))
    assert response.status_code == 200
    assert "templat-impor-rencana" in response["Content-Disposition"]
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        ws = wb["Data"]
        header = [c.value for c in ws[1]]
        example = dict(zip(header, [c.value for c in ws[2]], strict=True))
        assert "Petunjuk" in wb.sheetnames
    else:
        lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header = lines[0]
        example = dict(zip(header, lines[1], strict=True))
    assert header == COLUMNS
    assert str(example["dokumen"]) == str(dokumen.pk)
    assert example["kode_desa"] == BIBRIK
    # The untouched example row is refused; without "(contoh)" it imports.
    refused = layanan.pratinjau(response.content, f"t.{fmt}", "rencana", "auto", fasilitator_a)
    assert [e[1] for e in errors(refused)] == ["nama_item"]


def test_import_page_lists_the_kind_and_its_template(client_for, fasilitator_a):
    body = client_for(fasilitator_a).get(reverse("impor")).content.decode()
    assert 'value="rencana"' in body
    assert reverse("impor_templat", args=["rencana", "xlsx"]) in body
    assert reverse("impor_ekspor", args=["rencana", "csv"]) in body


def test_export_in_import_layout_round_trips_unchanged(client_for, fasilitator_a, dokumen,
                                                       pendana, desa_b):
    layanan.impor(as_csv([row(dokumen)]), "r.csv", "rencana", "auto", fasilitator_a)
    layanan_rencana.simpan_item(ItemRencana(
        dokumen=_rplp(desa_b), desa=desa_b, nama="Milik desa lain", volume=D(1), satuan="m",
        biaya_rp=D(1), tahun_target=2021), [{"kriteria": kriteria("2b"), "volume": D(1)}])
    client = client_for(fasilitator_a)
    response = client.get(reverse("impor_ekspor", args=["rencana", "xlsx"]))
    assert response.status_code == 200
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    rencana = layanan.pratinjau(content, "ekspor.xlsx", "rencana", "auto", fasilitator_a)
    assert rencana.ok, errors(rencana)
    assert rencana.jumlah == {"buat": 0, "ubah": 0, "tetap": 1, "galat": 0}


def test_plan_page_shows_the_document_id_to_its_editors(client_for, fasilitator_a, dokumen):
    body = client_for(fasilitator_a).get(dokumen.get_absolute_url()).content.decode()
    assert f'id="id-dokumen">{dokumen.pk}<' in body
