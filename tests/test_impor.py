"""Spreadsheet import: dry run, all-or-nothing confirm, idempotence, locales, permissions."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from anggaran.models import Kegiatan, LaporanProgres, Pendanaan
from desa.models import Kawasan, Lokasi, Penilaian, VolumePenilaian
from inti.impor import nilai
from kotaku.impor import layanan
from kotaku.impor.templat import kolom_ekspor_penilaian
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.demo_cepat import muat_demo
from tests.penilaian_helpers import KEBUNAN, buat_lokasi, buat_penilaian

pytestmark = pytest.mark.django_db

BIBRIK = "35.19.09.2014"
SUKOLILO = "35.19.09.2005"
MODELS = [Kawasan, Lokasi, Penilaian, VolumePenilaian, Kegiatan, Pendanaan]


# ---------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------


def penilaian_columns() -> list[str]:
    return [c.label for c in kolom_ekspor_penilaian()]


def kebunan_row(kode=BIBRIK, lokasi="RT 001 RW 001", tahun=2024, **over) -> dict:
    row = {"kode_desa": kode, "kawasan": "Bunan Pamol", "lokasi": lokasi, "rt": "001",
           "rw": "001", "tahun": tahun, "jenis": "baseline"}
    row.update({k: v for k, v in KEBUNAN["header"].items()})
    row.update({f"v_{k}": v for k, v in KEBUNAN["volumes"].items()})
    row.update(over)
    return row


def as_csv(rows: list[dict], columns=None, delimiter=",") -> bytes:
    columns = columns or penilaian_columns()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    return out.getvalue().encode("utf-8")


def as_xlsx(rows: list[dict], columns=None) -> bytes:
    columns = columns or penilaian_columns()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(columns)
    for row in rows:
        ws.append([row.get(c) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def dump() -> dict:
    """Every row of the import's tables and of their history tables."""
    out = {}
    for model in MODELS:
        for m in (model, model.history.model):
            out[m._meta.label] = list(m.objects.order_by("pk").values())
    return out


def counts() -> dict:
    return {label: len(rows) for label, rows in dump().items()}


def upload(client, content: bytes, name="data.xlsx", jenis="penilaian", locale="auto"):
    return client.post(reverse("impor"), {
        "jenis": jenis, "format_angka": locale,
        "berkas": SimpleUploadedFile(name, content)})


def confirm(client, response):
    sidik = response.context["sidik"]
    assert sidik, [(g.baris, g.kolom, g.pesan) for g in response.context["rencana"].semua_galat]
    return client.post(reverse("impor_konfirmasi"), {"sidik": sidik})


def errors(rencana) -> list[tuple]:
    return [(g.baris, g.kolom, g.pesan) for g in rencana.semua_galat]


@pytest.fixture
def pemangku(jiwan):
    call_command("muat_pemangku_jiwan", stdout=io.StringIO())


# ---------------------------------------------------------------------------------------------
# The template filled with the Kebunan example scores 14 / tidak kumuh
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_filled_with_kebunan_imports_as_14_tidak_kumuh(client_for, fasilitator_a,
                                                                 fmt):
    client = client_for(fasilitator_a)
    response = client.get(reverse("impor_templat", args=["penilaian", fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        ws = wb["Data"]
        header = [c.value for c in ws[1]]
        assert "Petunjuk" in wb.sheetnames
        # The example row is the published Kebunan assessment, marked "(contoh)".
        example = dict(zip(header, [c.value for c in ws[2]], strict=True))
        assert example["kode_desa"] == BIBRIK and "(contoh)" in example["lokasi"]
        ws.cell(row=2, column=header.index("kawasan") + 1, value="Bunan Pamol")
        ws.cell(row=2, column=header.index("lokasi") + 1, value="RT 001 RW 001")
        buf = io.BytesIO()
        wb.save(buf)
        content = buf.getvalue()
    else:
        text = response.content.decode("utf-8-sig")
        content = text.replace("Bunan Pamol (contoh)", "Bunan Pamol").replace(
            "RT 001 RW 001 (contoh)", "RT 001 RW 001").encode()
    before = counts()
    preview = upload(client, content, f"kebunan.{fmt}")
    assert preview.status_code == 200
    rencana = preview.context["rencana"]
    assert rencana.ok and rencana.jumlah["buat"] == 1
    assert "skor 14 (Tidak Kumuh)" in " ".join(rencana.items[0].perubahan)
    assert counts() == before  # the dry run wrote nothing
    done = confirm(client, preview)
    assert done.status_code == 302
    p = Penilaian.objects.get(lokasi__desa__kode_wilayah=BIBRIK, tahun=2024)
    assert (p.total_skor, p.tingkat, p.status) == (14, "tidak_kumuh", "draft")
    assert p.lokasi.nama == "RT 001 RW 001" and p.lokasi.kawasan.nama == "Bunan Pamol"
    assert p.dibuat_oleh == fasilitator_a
    assert {v.kriteria.kode: v.volume for v in p.volume.all()} == {
        k: Decimal(str(v)) for k, v in KEBUNAN["volumes"].items()}
    persen = {v.kriteria.kode: v.persen for v in p.volume.all()}
    for code, official in KEBUNAN["official_percent"].items():
        assert persen[code] == Decimal(str(official))


def test_untouched_template_example_row_is_refused(client_for, fasilitator_a):
    client = client_for(fasilitator_a)
    content = client.get(reverse("impor_templat", args=["penilaian", "xlsx"])).content
    before = counts()
    rencana = upload(client, content).context["rencana"]
    assert not rencana.ok
    assert any("baris contoh" in pesan for _b, _k, pesan in errors(rencana))
    assert counts() == before


def test_kegiatan_template_has_exact_columns_and_example(client_for, fasilitator_a, pemangku):
    client = client_for(fasilitator_a)
    response = client.get(reverse("impor_templat", args=["kegiatan", "xlsx"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Data"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["kode_desa", "nama_kegiatan", "tahun_anggaran"]
    assert {"pemangku", "sumber", "rencana_rp", "realisasi_rp"} <= set(header)
    assert ws.freeze_panes == "A2" and ws.max_row >= 2
    csv_response = client.get(reverse("impor_templat", args=["kegiatan", "csv"]))
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0] == header and len(rows) == 2


# ---------------------------------------------------------------------------------------------
# Number locales
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,locale,expected", [
    ("1,218.00", "en", Decimal("1218.00")),
    ("1.218,00", "id", Decimal("1218.00")),
    ("1,218.00", "auto", Decimal("1218.00")),
    ("1.218,00", "auto", Decimal("1218.00")),
    ("1.218", "id", Decimal("1218.00")),
    ("540,9", "id", Decimal("540.90")),
    ("540.9", "en", Decimal("540.90")),
    ("540.9", "auto", Decimal("540.90")),
    ("1218", "id", Decimal("1218.00")),
    ("-5", "en", Decimal("-5.00")),
])
def test_numbers_are_read_per_locale(text, locale, expected):
    assert nilai.desimal(text, locale) == expected


@pytest.mark.parametrize("text,locale,fragment", [
    ("1,218.00", "id", "format Inggris"),
    ("1.218,00", "en", "format Indonesia"),
    ("1.218", "auto", "ambigu"),
    ("1,218", "auto", "ambigu"),
    ("1.218", "en", "Paling banyak 2 angka"),
    ("12abc", "id", "bukan angka"),
    ("1 218", "en", "spasi"),
])
def test_wrong_or_ambiguous_numbers_are_refused(text, locale, fragment):
    with pytest.raises(nilai.NilaiError) as exc:
        nilai.desimal(text, locale)
    assert fragment in exc.value.message


def test_spreadsheet_numbers_ignore_the_locale_and_float_noise_is_rounded():
    assert nilai.desimal(1.31, "id") == Decimal("1.31")
    assert nilai.desimal(0.1 + 0.2, "en") == Decimal("0.30")
    assert nilai.bulat(50.0, "id") == 50
    with pytest.raises(nilai.NilaiError):
        nilai.desimal(1.2345, "id")
    with pytest.raises(nilai.NilaiError):
        nilai.bulat("12,5", "id")


@pytest.mark.parametrize("text,locale,expected", [
    ("Rp 100.000.000", "id", Decimal(100_000_000)), ("100,000,000", "en", Decimal(100_000_000)),
    ("Rp 5.000,-", "auto", Decimal(5000)), ("1.500", "auto", Decimal(1500)),
    (100_000_000, "id", Decimal(100_000_000)),
])
def test_rupiah_per_locale(text, locale, expected):
    assert nilai.rupiah(text, locale) == expected


@pytest.mark.parametrize("value,locale", [("-5.000", "id"), ("Rp -5.000", "auto"), (-1, "en"),
                                          ("5.000,50", "id")])
def test_negative_or_fractional_money_is_refused(value, locale):
    with pytest.raises(nilai.NilaiError):
        nilai.rupiah(value, locale)


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_cell_parsers_only_ever_raise_their_own_error(text):
    for parse in (lambda v: nilai.desimal(v, "id"), lambda v: nilai.desimal(v, "en"),
                  lambda v: nilai.desimal(v, "auto"), lambda v: nilai.rupiah(v, "id"),
                  lambda v: nilai.rupiah(v, "auto"), nilai.tanggal, nilai.ya_tidak, nilai.teks):
        try:
            parse(text)
        except nilai.NilaiError:
            pass


@pytest.mark.parametrize("locale,typed,ok", [
    ("en", "1,218.00", True), ("id", "1.218,00", True), ("id", "1,218.00", False),
    ("en", "1.218,00", False), ("auto", "1.218", False), ("id", "1.218", True),
])
def test_import_reads_typed_numbers_per_chosen_locale(client_for, fasilitator_a, locale, typed,
                                                      ok):
    row = kebunan_row(panjang_jalan_ideal_m=typed)
    if locale == "id":
        # Indonesian: every decimal typed with a comma.
        row.update({k: str(v).replace(".", ",") for k, v in row.items()
                    if isinstance(v, float)})
    response = upload(client_for(fasilitator_a), as_csv([row], delimiter=";"), "x.csv",
                      locale=locale)
    rencana = response.context["rencana"]
    if ok:
        assert rencana.ok, errors(rencana)
        assert rencana.items[0].data["header"]["panjang_jalan_ideal_m"] == Decimal("1218.00")
    else:
        (err,) = errors(rencana)
        assert err[:2] == (2, "panjang_jalan_ideal_m")


# ---------------------------------------------------------------------------------------------
# A bad row: shown in the dry run, nothing written
# ---------------------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_row_column_reason_and_nothing_is_written(
        client_for, fasilitator_a, desa_b):
    rows = [
        kebunan_row(lokasi="RT 001 RW 001", tahun=2023),
        kebunan_row(lokasi="RT 002 RW 001", tahun=2023, v_1a=60),  # 60 > 50 buildings
        kebunan_row(kode="35.19.99.9999", lokasi="RT 003"),  # unknown desa
        kebunan_row(lokasi="RT 004", jumlah_kk=0),  # KK volumes over a zero denominator
        kebunan_row(lokasi="RT 005", v_2a=-1),
        kebunan_row(kode=SUKOLILO, lokasi="RT 006"),  # not this facilitator's desa
        kebunan_row(lokasi="RT 007", panjang_drainase_ideal_m="1.218"),  # ambiguous
        kebunan_row(lokasi="RT 001 RW 001", tahun=2023),  # duplicate of row 2
    ]
    client = client_for(fasilitator_a)
    before = dump()
    response = upload(client, as_csv(rows), "campur.csv")
    assert response.status_code == 200
    rencana = response.context["rencana"]
    assert not rencana.ok and response.context["sidik"] is None
    by_row = {}
    for baris, kolom, pesan in errors(rencana):
        by_row.setdefault(baris, []).append((kolom, pesan))
    assert 2 not in by_row
    assert by_row[3] == [("v_1a", "Volume 60 melebihi jumlah bangunan (unit), yaitu 50.")]
    assert by_row[4][0][0] == "kode_desa" and "tidak dikenal" in by_row[4][0][1]
    assert {k for k, _p in by_row[5]} == {"v_3a", "v_5b", "v_6a", "v_6b"}
    assert "bernilai 0" in by_row[5][0][1]
    assert by_row[6] == [("v_2a", "Volume tidak boleh negatif.")]
    assert by_row[7][0][0] == "kode_desa" and "tidak ditugaskan" in by_row[7][0][1]
    assert by_row[8][0][0] == "panjang_drainase_ideal_m" and "ambigu" in by_row[8][0][1]
    assert by_row[9][0][0] == "lokasi" and "sama dengan baris 2" in by_row[9][0][1]
    content = response.content.decode()
    assert "Volume 60 melebihi jumlah bangunan (unit), yaitu 50." in content
    assert "Tidak ada yang disimpan" in content
    # No way to confirm: the page offers no form, and a forged fingerprint is refused.
    forged = client.post(reverse("impor_konfirmasi"), {"sidik": "0" * 64})
    assert forged.status_code == 302
    assert dump() == before


def test_missing_column_is_a_file_error(client_for, fasilitator_a):
    columns = [c for c in penilaian_columns() if c != "v_2b"]
    rencana = upload(client_for(fasilitator_a), as_csv([kebunan_row()], columns),
                     "x.csv").context["rencana"]
    assert errors(rencana) == [(1, "v_2b", "Kolom wajib tidak ada: v_2b. Pakai templat impor "
                                           "(judul kolom di baris pertama).")]


def test_a_refusal_while_writing_rolls_back_every_row(client_for, fasilitator_a, monkeypatch):
    """All or nothing: the second row's write fails after the first was written."""
    from desa import impor as imp
    from inti.services import ServiceError

    real = imp.simpan_penilaian
    calls = []

    def flaky(p, volumes, user, versi=None):
        calls.append(p)
        if len(calls) == 2:
            raise ServiceError("Simulasi: ditolak.")
        return real(p, volumes, user, versi=versi)

    monkeypatch.setattr(imp, "simpan_penilaian", flaky)
    client = client_for(fasilitator_a)
    rows = [kebunan_row(lokasi="RT 001"), kebunan_row(lokasi="RT 002")]
    preview = upload(client, as_xlsx(rows))
    before = dump()
    response = confirm(client, preview)
    assert response.status_code == 200
    assert ("Simulasi: ditolak." in response.content.decode())
    assert dump() == before


def test_data_changed_between_dry_run_and_confirm_is_planned_again(client_for, fasilitator_a,
                                                                   desa_a):
    client = client_for(fasilitator_a)
    preview = upload(client, as_xlsx([kebunan_row(v_1a=21)]))
    # Meanwhile the facilitator makes the same location's 2024 assessment verified elsewhere.
    lokasi = buat_lokasi(desa_a, nama="RT 001 RW 001", rt="001", rw="001")
    buat_penilaian(lokasi, tahun=2024, status="diverifikasi",
                   volumes={**{k: Decimal(str(v)) for k, v in KEBUNAN["volumes"].items()},
                            "1a": Decimal(5)})
    before = dump()
    response = confirm(client, preview)
    assert response.status_code == 200
    assert "Terverifikasi" in response.content.decode()
    assert dump() == before


# ---------------------------------------------------------------------------------------------
# Idempotence and round trip
# ---------------------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(client_for, fasilitator_a, pemangku,
                                                       desa_a):
    client = client_for(fasilitator_a)
    rows = [kebunan_row(lokasi="RT 001 RW 001", tahun=2023),
            kebunan_row(lokasi="RT 001 RW 001", tahun=2024, v_1a=10, jenis="pemutakhiran"),
            kebunan_row(kawasan="", lokasi="", rt="003", rw="002", tahun=2024)]
    content = as_xlsx(rows)
    confirm(client, upload(client, content))
    assert Penilaian.objects.count() == 3
    assert Lokasi.objects.filter(desa=desa_a, nama="RT 003 RW 002").exists()
    kegiatan_csv = kegiatan_file([
        kegiatan_row(), kegiatan_row(pemangku="Pemerintah Desa Bibrik", sumber="dana-desa",
                                     rencana_rp="50.000.000", realisasi_rp="")])
    confirm(client, upload(client, kegiatan_csv, "k.csv", jenis="kegiatan"))
    assert Kegiatan.objects.count() == 1 and Pendanaan.objects.count() == 2
    before = dump()
    for content_, name, jenis in ((content, "p.xlsx", "penilaian"),
                                  (kegiatan_csv, "k.csv", "kegiatan")):
        response = upload(client, content_, name, jenis=jenis)
        rencana = response.context["rencana"]
        assert rencana.ok and not rencana.ada_perubahan
        assert rencana.jumlah["tetap"] == len(rencana.items)
        assert response.context["sidik"] is None
        # Even run through the writer, an unchanged plan writes nothing.
        assert layanan.impor(content_, name, jenis, "auto", fasilitator_a).diterapkan
    assert dump() == before


@pytest.fixture
def demo(jiwan):
    muat_demo()
    return jiwan


def _penilaian_dump():
    rows = []
    for p in Penilaian.objects.select_related("lokasi__desa", "lokasi__kawasan", "aturan"):
        rows.append((
            p.lokasi.desa.kode_wilayah, p.lokasi.nama, p.lokasi.kawasan.nama, p.lokasi.rt,
            p.lokasi.rw, p.tahun, p.jenis, p.aturan.kode, p.luas_ha, p.jumlah_bangunan,
            p.jumlah_kk, p.jumlah_penduduk, p.panjang_jalan_ideal_m, p.panjang_drainase_ideal_m,
            p.status_lahan_jelas, p.sesuai_tata_ruang, p.nilai_strategis, p.kepadatan_penduduk,
            p.potensi_sosial_ekonomi, p.total_skor, p.tingkat, p.rata_rata_sektoral,
            p.prioritas, p.pola_penanganan,
            tuple(sorted((v.kriteria.kode, v.volume, v.persen, v.skor) for v in p.volume.all())),
        ))
    return sorted(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_import_round_trip_of_jiwan_assessments(client_for, admin_user, demo, fmt):
    client = client_for(admin_user)
    exported = client.get(reverse("impor_ekspor", args=["penilaian", fmt]))
    content = b"".join(exported.streaming_content)
    original = _penilaian_dump()
    assert len(original) == 56
    # Into the unchanged database: everything is recognised, nothing would change.
    before = dump()
    rencana = upload(client, content, f"ekspor.{fmt}").context["rencana"]
    assert rencana.ok and rencana.jumlah == {"buat": 0, "ubah": 0, "tetap": 56, "galat": 0}
    assert dump() == before
    # Into a database without the assessments: they come back exactly (as drafts to verify).
    Penilaian.objects.all().delete()
    response = upload(client, content, f"ekspor.{fmt}")
    assert response.context["rencana"].jumlah["buat"] == 56
    confirm(client, response)
    assert _penilaian_dump() == original
    assert set(Penilaian.objects.values_list("status", flat=True)) == {"draft"}


def test_export_import_round_trip_of_activities(client_for, admin_user, demo):
    client = client_for(admin_user)
    content = b"".join(client.get(
        reverse("impor_ekspor", args=["kegiatan", "xlsx"])).streaming_content)

    def kegiatan_dump():
        return sorted(
            (k.desa_id, k.nama, k.tahun_anggaran, k.kriteria_id, k.volume, k.satuan, k.status,
             k.kawasan_id, k.lokasi_id, k.rt, k.rw, k.pelaksana_id, k.tanggal_mulai,
             k.tanggal_selesai, k.keterangan,
             tuple(sorted((p.pemangku_id, p.sumber_id, p.rencana_rp, p.realisasi_rp, p.natura,
                           p.uraian_natura, p.alasan_lebih) for p in k.pendanaan.all())))
            for k in Kegiatan.objects.prefetch_related("pendanaan"))

    original = kegiatan_dump()
    rencana = upload(client, content, jenis="kegiatan").context["rencana"]
    assert rencana.ok and rencana.jumlah["tetap"] == len(original)
    LaporanProgres.objects.all().delete()
    Kegiatan.objects.all().delete()
    confirm(client, upload(client, content, jenis="kegiatan"))
    assert kegiatan_dump() == original


# ---------------------------------------------------------------------------------------------
# Updates and locks
# ---------------------------------------------------------------------------------------------


def test_update_of_a_draft_shows_changes_then_saves_with_history(client_for, fasilitator_a):
    client = client_for(fasilitator_a)
    confirm(client, upload(client, as_xlsx([kebunan_row()])))
    p = Penilaian.objects.get()
    history = p.history.count()
    response = upload(client, as_xlsx([kebunan_row(v_1a=40, v_7a=26)]))
    (item,) = response.context["rencana"].items
    assert item.aksi == "ubah"
    assert "Volume 1a: 21 \u2192 40" in item.perubahan
    assert any(c.startswith("Total skor 14 \u2192") for c in item.perubahan)
    confirm(client, response)
    p.refresh_from_db()
    assert p.versi == 2 and p.history.count() == history + 1
    assert p.volume.get(kriteria__kode="1a").volume == 40


def test_facilitator_cannot_change_a_verified_assessment_by_import(client_for, fasilitator_a,
                                                                  desa_a):
    lokasi = buat_lokasi(desa_a, nama="RT 001 RW 001", rt="001", rw="001")
    buat_penilaian(lokasi, tahun=2024, status="diverifikasi")
    client = client_for(fasilitator_a)
    unchanged = upload(client, as_xlsx([kebunan_row(kawasan="")])).context["rencana"]
    assert unchanged.ok and unchanged.jumlah["tetap"] == 1
    changed = upload(client, as_xlsx([kebunan_row(kawasan="", v_1a=30)])).context["rencana"]
    ((baris, kolom, pesan),) = errors(changed)
    assert baris == 2 and "Terverifikasi" in pesan


def test_location_found_by_rt_rw_and_kawasan_mismatch_refused(client_for, fasilitator_a,
                                                              desa_a):
    from tests.penilaian_helpers import buat_kawasan

    kawasan = buat_kawasan(desa_a, nama="Krajan")
    buat_lokasi(desa_a, nama="Dusun Krajan", kawasan=kawasan, rt="001", rw="002")
    client = client_for(fasilitator_a)
    found = upload(client, as_xlsx([kebunan_row(kawasan="Krajan", lokasi="", rt="1",
                                                rw="2")])).context["rencana"]
    assert found.ok and found.items[0].data["lokasi"].nama == "Dusun Krajan"
    other = upload(client, as_xlsx([kebunan_row(kawasan="Lain", lokasi="Dusun Krajan",
                                                rt="", rw="")])).context["rencana"]
    assert errors(other)[0][1] == "kawasan"


# ---------------------------------------------------------------------------------------------
# Activities and funding lines
# ---------------------------------------------------------------------------------------------

KEGIATAN_COLUMNS = ["kode_desa", "nama_kegiatan", "tahun_anggaran", "kriteria", "volume",
                    "satuan", "status", "pemangku", "sumber", "rencana_rp", "realisasi_rp",
                    "natura", "uraian_natura", "alasan_lebih"]


def kegiatan_row(**over) -> dict:
    row = {"kode_desa": BIBRIK, "nama_kegiatan": "Paving jalan akses kolam lele",
           "tahun_anggaran": 2018, "kriteria": "2b", "volume": "170", "satuan": "m",
           "status": "selesai",
           "pemangku": "Dinas Perumahan dan Kawasan Permukiman Kab. Madiun",
           "sumber": "apbd-kab", "rencana_rp": "100.000.000", "realisasi_rp": "100.000.000"}
    row.update(over)
    return row


def kegiatan_file(rows, columns=KEGIATAN_COLUMNS) -> bytes:
    if any("volume_kriteria" in row for row in rows) and "volume_kriteria" not in columns:
        columns = [*columns, "volume_kriteria"]
    return as_csv(rows, columns, delimiter=";")


def test_activity_in_another_unit_imports_its_criterion_volume(client_for, fasilitator_a,
                                                                pemangku):
    client = client_for(fasilitator_a)
    row = kegiatan_row(nama_kegiatan="Gerobak sampah", kriteria="6a", volume="4",
                       satuan="unit", volume_kriteria="120")
    confirm(client, upload(client, kegiatan_file([row]), "k.csv", jenis="kegiatan"))
    k = Kegiatan.objects.get()
    assert (k.volume, k.satuan, k.volume_kriteria, k.volume_tertangani) == (4, "unit", 120, 120)


def test_activity_with_two_funding_lines_is_created_updated_and_lines_removed(
        client_for, fasilitator_a, pemangku):
    client = client_for(fasilitator_a)
    rows = [kegiatan_row(),
            kegiatan_row(kriteria="", volume="", satuan="", status="",
                         pemangku="Pemerintah Desa Bibrik", sumber="dana-desa",
                         rencana_rp="Rp 50.000.000", realisasi_rp="")]
    response = upload(client, kegiatan_file(rows), "k.csv", jenis="kegiatan")
    (item,) = response.context["rencana"].items
    assert item.aksi == "buat" and item.baris == [2, 3]
    confirm(client, response)
    k = Kegiatan.objects.get()
    assert (k.volume, k.satuan, k.status, k.dibuat_oleh) == (170, "m", "selesai", fasilitator_a)
    assert sorted(k.pendanaan.values_list("sumber__kode", "rencana_rp")) == [
        ("apbd-kab", 100_000_000), ("dana-desa", 50_000_000)]
    # Second version of the file: more money from the desa, the district line dropped.
    rows = [kegiatan_row(pemangku="Pemerintah Desa Bibrik", sumber="dana-desa",
                         rencana_rp="60.000.000", realisasi_rp="0")]
    response = upload(client, kegiatan_file(rows), "k.csv", jenis="kegiatan")
    (item,) = response.context["rencana"].items
    assert item.aksi == "ubah"
    text = " | ".join(item.perubahan)
    assert "rencana: Rp 50.000.000 \u2192 Rp 60.000.000" in text
    assert "Hapus pendanaan Dinas Perumahan" in text
    confirm(client, response)
    k.refresh_from_db()
    assert k.versi == 2
    assert list(k.pendanaan.values_list("sumber__kode", "rencana_rp")) == [
        ("dana-desa", 60_000_000)]


@pytest.mark.parametrize("over,kolom,fragment", [
    ({"rencana_rp": "-5.000.000"}, "rencana_rp", "tidak boleh negatif"),
    ({"realisasi_rp": "120.000.000"}, "alasan_lebih", "Realisasi melebihi rencana"),
    ({"pemangku": "Dinas Tidak Ada"}, "pemangku", "tidak terdaftar"),
    ({"sumber": "apbx"}, "sumber", "tidak dikenal"),
    ({"kriteria": "9z"}, "kriteria", "tidak dikenal"),
    ({"volume": "0"}, "volume", "lebih dari nol"),
    ({"volume_kriteria": "-3"}, "volume_kriteria", "tidak boleh negatif"),
    ({"status": "hampir"}, "status", "rencana, berjalan"),
    ({"natura": "ya"}, "uraian_natura", "perlu uraian"),
    ({"kode_desa": SUKOLILO}, "kode_desa", "tidak ditugaskan"),
    ({"tahun_anggaran": "1999"}, "tahun_anggaran", "antara 2000 dan 2100"),
])
def test_activity_row_errors(client_for, fasilitator_a, pemangku, over, kolom, fragment):
    before = dump()
    rencana = upload(client_for(fasilitator_a), kegiatan_file([kegiatan_row(**over)]), "k.csv",
                     jenis="kegiatan").context["rencana"]
    ((baris, k, pesan),) = errors(rencana)
    assert (baris, k) == (2, kolom) and fragment in pesan
    assert dump() == before


def test_rows_of_one_activity_must_agree(client_for, fasilitator_a, pemangku):
    rows = [kegiatan_row(), kegiatan_row(volume="200", pemangku="Pemerintah Desa Bibrik",
                                         sumber="dana-desa")]
    rencana = upload(client_for(fasilitator_a), kegiatan_file(rows), "k.csv",
                     jenis="kegiatan").context["rencana"]
    assert errors(rencana) == [(3, "volume", "Berbeda dengan baris 2 untuk kegiatan yang sama.")]


def test_existing_activity_unchanged_by_its_own_export(client_for, fasilitator_a, pemangku,
                                                       desa_a):
    dinas = buat_pemangku("Dinas Uji", "opd")
    buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000, 100_000_000)])
    client = client_for(fasilitator_a)
    content = b"".join(client.get(reverse("impor_ekspor", args=["kegiatan", "csv"]))
                       .streaming_content)
    rencana = upload(client, content, "k.csv", jenis="kegiatan").context["rencana"]
    assert rencana.ok and rencana.jumlah["tetap"] == 1


# ---------------------------------------------------------------------------------------------
# Permissions and hostile files
# ---------------------------------------------------------------------------------------------

URLS = [("impor", [], "get"), ("impor_konfirmasi", [], "post"),
        ("impor_templat", ["penilaian", "xlsx"], "get"),
        ("impor_ekspor", ["penilaian", "csv"], "get")]


@pytest.mark.parametrize("name,args,method", URLS)
def test_anonymous_goes_to_login_and_read_only_roles_get_403(client, client_for, pimpinan,
                                                            verifikator, name, args, method):
    url = reverse(name, args=args)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    for user in (pimpinan, verifikator):
        assert getattr(client_for(user), method)(url).status_code == 403


def test_get_on_confirm_is_405_and_unknown_template_404(client_for, fasilitator_a):
    client = client_for(fasilitator_a)
    assert client.get(reverse("impor_konfirmasi")).status_code == 405
    assert client.get("/impor/template/desa.xlsx").status_code == 404
    assert client.get("/impor/template/penilaian.pdf").status_code == 404


def test_facilitator_export_holds_only_their_desa(client_for, fasilitator_a, desa_a, desa_b):
    buat_penilaian(buat_lokasi(desa_a, nama="A"))
    buat_penilaian(buat_lokasi(desa_b, nama="B"))
    content = b"".join(client_for(fasilitator_a).get(
        reverse("impor_ekspor", args=["penilaian", "csv"])).streaming_content)
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["kode_desa"] for r in rows] == [BIBRIK]


BAD_FILES = [
    ("kosong.csv", b"", "Berkas kosong"),
    ("rusak.xlsx", b"PK\x03\x04" + b"\x00garbage" * 100, "XLSX rusak"),
    ("bukan.xlsx", b"hello, world", "XLSX rusak"),
    ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls lama"),
    ("nul.csv", b"kode_desa,tahun\n35.19\x00.09,2024\n", "NUL"),
    ("besar.csv", b"a" * (10 * 1024 * 1024), "terlalu besar"),
    ("kolom.csv", b"nama,alamat\nBudi,Jiwan\n", "Kolom wajib tidak ada"),
    ("judul.csv", b"\n\n", "Berkas kosong"),
    ("biner.csv", bytes(range(1, 256)) * 10, "Kolom wajib tidak ada"),
    ("panjang.csv", b"kode_desa\n" + b"x\n" * 5001, "Terlalu banyak baris"),
    ("sel.csv", b"kode_desa\n" + b"x" * 3000 + b"\n", "terlalu panjang"),
]


@pytest.mark.parametrize("name,content,fragment", BAD_FILES)
@pytest.mark.parametrize("jenis", ["penilaian", "kegiatan"])
def test_bad_files_get_a_message_never_a_500(client_for, fasilitator_a, name, content, fragment,
                                             jenis):
    before = counts()
    response = upload(client_for(fasilitator_a), content, name, jenis=jenis)
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert counts() == before


@given(st.binary(max_size=3000), st.sampled_from([b"", b"PK\x03\x04", b"\xef\xbb\xbf"]))
@settings(max_examples=200, deadline=None)
def test_file_reader_only_ever_raises_its_own_error(content, prefix):
    from inti.impor import berkas

    try:
        tabel = berkas.baca(prefix + content, "x.xlsx" if prefix.startswith(b"PK") else "x.csv")
    except berkas.BerkasError:
        return
    assert isinstance(tabel.header, list)


def test_utf16_and_semicolon_csv_are_read(client_for, fasilitator_a):
    text = as_csv([kebunan_row()], delimiter="\t").decode()
    response = upload(client_for(fasilitator_a), "\ufeff".encode("utf-16-le") +
                      text.encode("utf-16-le"), "unicode.txt")
    assert response.context["rencana"].ok


def test_corrupt_xlsx_with_valid_zip_but_no_workbook(client_for, fasilitator_a):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    response = upload(client_for(fasilitator_a), buf.getvalue(), "zip.xlsx")
    assert response.status_code == 200 and "XLSX rusak" in response.content.decode()


def test_expired_session_or_other_file_refuses_confirm(client_for, fasilitator_a):
    client = client_for(fasilitator_a)
    first = upload(client, as_xlsx([kebunan_row(lokasi="RT 1")]))
    upload(client, as_xlsx([kebunan_row(lokasi="RT 2")]))  # replaces the pending import
    before = counts()
    response = confirm(client, first)
    assert response.status_code == 302
    assert counts() == before


# ---------------------------------------------------------------------------------------------
# Management command
# ---------------------------------------------------------------------------------------------


def test_command_dry_run_then_import_prints_counts(tmp_path, jiwan):
    path = tmp_path / "penilaian.xlsx"
    path.write_bytes(as_xlsx([kebunan_row(), kebunan_row(lokasi="RT 2")]))
    out = io.StringIO()
    call_command("impor_excel", str(path), "--type", "penilaian", "--dry-run", stdout=out)
    assert "2 baru, 0 diubah, 0 tidak berubah, 0 galat" in out.getvalue()
    assert not Penilaian.objects.exists()
    out = io.StringIO()
    call_command("impor_excel", str(path), "--type=penilaian", "--locale=en", stdout=out)
    assert "Impor selesai: 2 baru" in out.getvalue()
    assert Penilaian.objects.filter(total_skor=14).count() == 2
    out = io.StringIO()
    call_command("impor_excel", str(path), "--type", "penilaian", stdout=out)
    assert "0 baru, 0 diubah, 2 tidak berubah" in out.getvalue()


def test_command_refuses_a_file_with_errors(tmp_path, jiwan, fasilitator_a):
    path = tmp_path / "p.csv"
    path.write_bytes(as_csv([kebunan_row(kode=SUKOLILO)]))
    with pytest.raises(CommandError, match="tidak ada yang disimpan"):
        call_command("impor_excel", str(path), "--type", "penilaian", "--pengguna", "fasil_a",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert not Penilaian.objects.exists()
