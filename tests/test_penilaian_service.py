"""The assessment entry form, draft creation and the read-side selectors (no HTTP)."""

from decimal import Decimal

import pytest

from desa import scoring
from desa.entri import buat_penilaian as buat_draf
from desa.forms import AngkaField, BilanganBulatField, PenilaianBaruForm, PenilaianForm
from desa.models import Lokasi, Penilaian
from desa.penilaian import default_aturan, volume_errors
from desa.selectors import (
    penilaian_terlihat,
    riwayat_desa,
    riwayat_perubahan,
    skor_terkini_desa,
)
from inti.services import ServiceError
from tests.penilaian_helpers import (
    KEBUNAN,
    buat_lokasi,
    buat_penilaian,
    form_data,
    kebunan_header,
    kebunan_volumes,
)


@pytest.fixture
def rules(db):
    return default_aturan().to_ruleset()


# ---------------------------------------------------------------------------------------------
# Form (pure validation, uses the stored rule set)
# ---------------------------------------------------------------------------------------------


def test_form_scores_kebunan_like_the_engine(rules):
    form = PenilaianForm(form_data(1), rules=rules)
    assert form.is_valid(), form.errors
    result = form.hasil()
    expected = scoring.score_assessment(KEBUNAN["header"], KEBUNAN["volumes"],
                                        scoring.PERMEN_14_2018)
    assert (result.total, result.level) == (expected.total, expected.level) == (14,
                                                                                 "tidak_kumuh")
    assert result.sectoral_mean == expected.sectoral_mean
    assert form.volume_values()["4b"] == Decimal("76.90")


@pytest.mark.parametrize("typed,expected", [
    ("1.218,50", Decimal("1218.50")), ("1.218", Decimal(1218)), ("1218", Decimal(1218)),
    ("12.75", Decimal("12.75")), ("1.5", Decimal("1.50")),
    ("76,9", Decimal("76.90")), (" 12 ", Decimal(12)), ("", Decimal(0)),
])
def test_volume_parsing(rules, typed, expected):
    data = form_data(1, header={**KEBUNAN["header"], "panjang_jalan_ideal_m": 5000})
    data["v_2a"] = typed
    form = PenilaianForm(data, rules=rules)
    assert form.is_valid(), form.errors
    assert form.volume_values()["2a"] == expected


def test_whole_numbers_redisplay_and_read_back():
    # Issue 17: what the portal shows ("1.218") is read back as it shows it, not refused.
    assert AngkaField().display(Decimal("1218.00")) == "1218"
    assert AngkaField().display(Decimal("1218.50")) == "1.218,50"
    assert BilanganBulatField().display(1218) == "1218"
    assert BilanganBulatField().clean("1218") == 1218
    assert BilanganBulatField().clean("1.218") == 1218
    with pytest.raises(Exception, match="tidak dikenali"):
        BilanganBulatField().clean("1,218.00")


def test_form_initial_roundtrip_saves_unchanged(db, desa_a, rules):
    header = {**kebunan_header(), "jumlah_bangunan": 1218, "panjang_jalan_ideal_m":
              Decimal("1218.5"), "jumlah_kk": 2000}
    p = buat_penilaian(buat_lokasi(desa_a), 2024, header=header,
                       volumes={**kebunan_volumes(), "1a": Decimal(1100)})
    initial = PenilaianForm.initial_for(p)
    form = PenilaianForm(initial=initial, rules=rules)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("unknown" if v is None and k in ("status_lahan_jelas", "sesuai_tata_ruang")
                else "" if v is None else str(v)) for k, v in data.items()}
    assert data["jumlah_bangunan"] == "1218" and data["panjang_jalan_ideal_m"] == "1.218,50"
    assert data["v_1a"] == "1100"
    bound = PenilaianForm(data, rules=rules)
    assert bound.is_valid(), bound.errors


def test_live_errors_leave_out_required(rules):
    data = form_data(1)
    data.update({"luas_ha": "", "v_1a": "-1"})
    form = PenilaianForm(data, rules=rules)
    assert not form.is_valid()
    live = {item["field"].name: item["errors"] for item in form.galat_langsung()}
    assert live["luas_ha"] == [] and live["v_1a"] == ["Volume tidak boleh negatif."]
    assert "versi" not in live


def test_volume_errors_messages_use_indonesian_numbers(rules):
    header = {**KEBUNAN["header"], "jumlah_kk": 0}
    errors = volume_errors(header, {"1a": Decimal("51.5"), "3a": Decimal(1218),
                                    "2a": Decimal(-1)}, rules)
    assert errors["1a"] == "Volume 51,50 melebihi jumlah bangunan (unit), yaitu 50."
    assert "Volume 1.218 tidak bisa dinilai karena jumlah kk bernilai 0" in errors["3a"]
    assert errors["2a"] == "Volume tidak boleh negatif."


# ---------------------------------------------------------------------------------------------
# Draft creation
# ---------------------------------------------------------------------------------------------


def test_new_location_and_draft_in_one_step(db, desa_a, fasilitator_a):
    p = buat_draf(desa_a, fasilitator_a, tahun=2024, nama="Dusun Baru", rt="3", rw="1")
    assert p.lokasi.desa == desa_a and p.status == "draft" and p.volume.count() == 16
    assert p.aturan.bawaan and p.total_skor == 0 and p.dibuat_oleh == fasilitator_a


def test_failed_copy_leaves_no_orphan_location(db, desa_a, fasilitator_a):
    lokasi = buat_lokasi(desa_a)
    # Published data holds errors: a volume above its denominator, stored as verified.
    bad = buat_penilaian(lokasi, 2022, status="diverifikasi")
    Penilaian.objects.filter(pk=bad.pk).update(jumlah_bangunan=10)  # 1a = 21 > 10
    before = (Penilaian.objects.count(), Lokasi.objects.count())
    with pytest.raises(ServiceError) as exc:
        buat_draf(desa_a, fasilitator_a, tahun=2024, lokasi=lokasi, salin=True)
    assert exc.value.field == "salin" and "2022" in exc.value.message
    assert (Penilaian.objects.count(), Lokasi.objects.count()) == before
    # Without copying it works.
    assert buat_draf(desa_a, fasilitator_a, tahun=2024, lokasi=lokasi).total_skor == 0


def test_duplicate_year_is_a_service_error(db, desa_a, fasilitator_a):
    lokasi = buat_lokasi(desa_a)
    buat_penilaian(lokasi, 2024)
    with pytest.raises(ServiceError) as exc:
        buat_draf(desa_a, fasilitator_a, tahun=2024, lokasi=lokasi)
    assert exc.value.field == "tahun"


def test_location_of_other_desa_refused(db, desa_a, desa_b, fasilitator_a):
    with pytest.raises(ServiceError):
        buat_draf(desa_a, fasilitator_a, tahun=2024, lokasi=buat_lokasi(desa_b))
    form = PenilaianBaruForm({"lokasi": buat_lokasi(desa_b, nama="Lain").pk, "tahun": "2024"},
                             desa=desa_a)
    assert not form.is_valid() and "lokasi" in form.errors


# ---------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------


def test_visibility_per_role(db, desa_a, desa_b, fasilitator_a, verifikator, pimpinan,
                             admin_user):
    from django.contrib.auth.models import AnonymousUser

    lok_a, lok_b = buat_lokasi(desa_a), buat_lokasi(desa_b)
    draft_a = buat_penilaian(lok_a, 2024)
    draft_b = buat_penilaian(lok_b, 2024)
    verified_b = buat_penilaian(lok_b, 2023, status="diverifikasi")
    assert set(penilaian_terlihat(AnonymousUser())) == {verified_b}
    assert set(penilaian_terlihat(fasilitator_a)) == {draft_a, verified_b}
    for user in (verifikator, pimpinan, admin_user):
        assert set(penilaian_terlihat(user)) == {draft_a, draft_b, verified_b}


def test_desa_aggregate_sums_volumes_then_scores(db, desa_a, rules):
    """Two locations: one very slummy and small, one clean and large. Summing first gives the
    desa's real share; averaging the two scores would not."""
    header_small = {"luas_ha": 1, "jumlah_bangunan": 10, "jumlah_kk": 10,
                    "panjang_jalan_ideal_m": 100, "panjang_drainase_ideal_m": 100}
    header_big = {"luas_ha": 9, "jumlah_bangunan": 90, "jumlah_kk": 90,
                  "panjang_jalan_ideal_m": 900, "panjang_drainase_ideal_m": 900}
    slummy = {"1a": 10, "1c": 10, "2b": 100, "3a": 10, "6a": 10}
    buat_penilaian(buat_lokasi(desa_a, nama="A"), 2024, header=header_small, volumes=slummy,
                   status="diverifikasi")
    buat_penilaian(buat_lokasi(desa_a, nama="B"), 2024, header=header_big, volumes={},
                   status="diverifikasi")
    result = skor_terkini_desa([desa_a.pk], rules)[desa_a.pk]
    assert result.criteria["1a"].percent == Decimal("10.00")  # 10 of 100 buildings
    assert result.total == 0
    r = riwayat_desa(desa_a)
    assert r["terkini"].total == 0 and r["per_tahun"][0]["jumlah_lokasi"] == 2


def test_desa_latest_uses_each_locations_latest_verified(db, desa_a):
    lok = buat_lokasi(desa_a)
    buat_penilaian(lok, 2022, volumes={**kebunan_volumes(), "7a": 50}, status="diverifikasi")
    buat_penilaian(lok, 2023, status="diverifikasi")
    buat_penilaian(lok, 2024, volumes={**kebunan_volumes(), "7a": 50})  # draft: ignored
    r = riwayat_desa(desa_a)
    assert r["terkini"].total == 14 and r["terkini_tahun"] == [2023]
    assert [(t["tahun"], t["hasil"].total) for t in r["per_tahun"]] == [(2022, 19), (2023, 14)]
    assert r["grafik"]["total"] == [19, 14] and r["grafik"]["maks"] == 80


def test_change_history_formats_values(db, desa_a, fasilitator_a):
    from desa.penilaian import simpan_penilaian

    p = buat_penilaian(buat_lokasi(desa_a), 2024)
    p.luas_ha = Decimal("2.50")
    p.status_lahan_jelas = True
    simpan_penilaian(p, {**kebunan_volumes(), "4b": Decimal("80.25")}, fasilitator_a,
                     versi=p.versi)
    entries = {(c.label, c.lama, c.baru) for e in riwayat_perubahan(p) for c in e.perubahan}
    assert ("luas verifikasi (ha)", "1,31", "2,50") in entries
    assert ("status lahan jelas", "–", "Ya") in entries
    assert ("volume", "76,90", "80,25") in entries
    assert not any(e[0] in ("total skor", "versi") for e in entries)
