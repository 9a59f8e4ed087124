"""Issue 15: yearly slum-reduction targets of a kawasan (and of the kabupaten) beside the
measured slum hectares of its locations; a year not yet over is measured "so far", a future
year is not measured."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from anggaran.rencana import target_vs_terukur
from kolaborasi.models import DokumenRencana, TargetTahunan
from kolaborasi.target import target_kawasan
from tests.penilaian_helpers import buat_kawasan, buat_lokasi, buat_penilaian, kebunan_header
from tests.test_kawasan_sk import _volumes_kumuh

pytestmark = pytest.mark.django_db

TAHUN_DEPAN = dt.date.today().year + 1


def _header(luas: str) -> dict:
    return {**kebunan_header(), "luas_ha": Decimal(luas)}


@pytest.fixture
def kawasan(desa_a):
    """Two locations, both slum in 2022 (2 ha + 3 ha); in 2023 the 3 ha one is no longer a
    slum (the Kebunan example scores 14, tidak kumuh)."""
    kw = buat_kawasan(desa_a, nama="Kawasan Uji", luas="5")
    kecil = buat_lokasi(desa_a, nama="RT 01", kawasan=kw, rt="01")
    besar = buat_lokasi(desa_a, nama="RT 02", kawasan=kw, rt="02")
    buat_penilaian(kecil, 2022, header=_header("2"), volumes=_volumes_kumuh(),
                   status="diverifikasi")
    buat_penilaian(besar, 2022, header=_header("3"), volumes=_volumes_kumuh(),
                   status="diverifikasi")
    buat_penilaian(besar, 2023, header=_header("3"), status="diverifikasi")
    kab = desa_a.kecamatan.kabupaten
    for tahun, ha in ((2023, "2"), (2024, "1"), (TAHUN_DEPAN, "1")):
        TargetTahunan.objects.create(kabupaten=kab, kawasan=kw, tahun=tahun,
                                     target_ha=Decimal(ha), sumber="RPJMD uji")
    return kw


def test_targets_beside_the_measured_hectares_of_the_kawasan(kawasan):
    hasil = target_kawasan(kawasan)
    assert hasil["baseline"] == (2022, Decimal("5.0000"))
    rows = {r["tahun"]: r for r in hasil["baris"]}
    assert rows[2023]["terukur_ha"] == Decimal("2") and rows[2023]["turun_ha"] == Decimal("3")
    assert rows[2023]["tercapai"] is True
    # Nothing measured since 2023: 2024 keeps 2 ha, a fall of 0 against a target of 1.
    assert rows[2024]["terukur_ha"] == Decimal("2") and rows[2024]["tercapai"] is False
    # A future year is not measured.
    assert rows[TAHUN_DEPAN]["terukur_ha"] is None and rows[TAHUN_DEPAN]["tercapai"] is None


def test_the_kawasan_page_shows_its_targets(client, kawasan):
    body = client.get(reverse("desa:kawasan_detail", args=[kawasan.pk])).content.decode()
    assert 'id="target-tahunan"' in body
    assert "Awal pengukuran (2022): 5,00 ha" in body
    assert "tercapai" in body and "belum tercapai" in body and "belum terukur" in body


def test_a_kawasan_without_targets_shows_no_table(client, desa_a):
    kw = buat_kawasan(desa_a, nama="Kawasan Tanpa Target", luas="2")
    assert target_kawasan(kw) == {"baris": [], "baseline": None}
    body = client.get(reverse("desa:kawasan_detail", args=[kw.pk])).content.decode()
    assert 'id="target-tahunan"' not in body


def test_the_kabupaten_plan_leaves_a_future_year_unmeasured(kawasan, desa_a):
    kab = desa_a.kecamatan.kabupaten
    TargetTahunan.objects.create(kabupaten=kab, tahun=2023, target_ha=Decimal("1"))
    TargetTahunan.objects.create(kabupaten=kab, tahun=TAHUN_DEPAN, target_ha=Decimal("1"))
    mp = DokumenRencana.objects.create(jenis="rp2kpkp", judul="MP uji", kabupaten=kab,
                                       tahun_mulai=2022, tahun_selesai=TAHUN_DEPAN)
    rows = {r["tahun"]: r for r in target_vs_terukur(mp)}
    assert rows[2023]["terukur_ha"] == Decimal("2") and rows[2023]["tercapai"] is True
    assert rows[TAHUN_DEPAN]["terukur_ha"] is None
