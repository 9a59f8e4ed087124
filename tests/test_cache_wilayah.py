"""Cache invalidation per kind of data × region (issue 16, inti/cache.py).

A committed save in one desa bumps only its kind's national, provinsi and kabupaten counters;
feedback never touches money; bulk writes (the admin's "Hitung ulang skor", ``update``,
``bulk_create``, raw SQL) are caught by the connection's execute wrapper.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import override_settings

from anggaran.models import Kegiatan, Pendanaan, SumberDana
from desa.models import Desa, Kabupaten, Kecamatan, Penilaian, Provinsi
from inti import cache as dash_cache
from inti.cache import KONDISI, UANG
from publikasi.models import Masukan
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.penilaian_helpers import buat_lokasi, buat_penilaian


@pytest.fixture
def shared_cache():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "test-cache-wilayah"}}
    with override_settings(CACHES=caches, DASHBOARD_CACHE=True):
        cache.clear()
        yield
        cache.clear()


def _aceh() -> Desa:
    prov = Provinsi.objects.create(kode_wilayah="11", nama="Aceh")
    kab = Kabupaten.objects.create(kode_wilayah="11.01", nama="Kab. Uji", provinsi=prov)
    kec = Kecamatan.objects.create(kode_wilayah="11.01.01", nama="Kec. Uji", kabupaten=kab)
    return Desa.objects.create(kode_wilayah="11.01.01.2001", nama="Desa Uji", kecamatan=kec)


def _versions():
    dash_cache.reset_memo()
    return {scope: {j: dash_cache.data_version((j,), scope) for j in (UANG, KONDISI)}
            for scope in (None, "11", "11.01", "35", "35.19", "35.19.09")}


@pytest.mark.django_db
def test_a_save_in_jiwan_keeps_another_provinces_version(desa_a,
                                                         django_capture_on_commit_callbacks):
    aceh, jiwan = _aceh(), desa_a
    with django_capture_on_commit_callbacks(execute=True):
        kegiatan = buat_kegiatan(jiwan, lines=[(buat_pemangku("OPD Uji"), "apbd-kab", 1000)])
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        line = kegiatan.pendanaan.get()
        line.rencana_rp = Decimal(2000)
        line.save()
    after = _versions()
    assert after["11"] == before["11"] and after["11.01"] == before["11.01"]
    for scope in (None, "35", "35.19", "35.19.09"):
        assert after[scope][UANG] > before[scope][UANG], scope
        assert after[scope][KONDISI] == before[scope][KONDISI], scope

    # And the other way round: a change in Aceh keeps Jiwan's pages.
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(aceh)
    again = _versions()
    assert again["35"] == after["35"] and again["35.19"] == after["35.19"]
    assert again["11"][UANG] > after["11"][UANG] and again[None][UANG] > after[None][UANG]


@pytest.mark.django_db
def test_cached_entry_of_a_province_survives_a_save_elsewhere(
        shared_cache, desa_a, django_capture_on_commit_callbacks):
    aceh, jiwan = _aceh(), desa_a
    calls = []

    @dash_cache.cached_aggregate("uji_wilayah", jenis=(UANG,))
    def total(wilayah=None):
        calls.append(wilayah)
        return sum(Pendanaan.objects.filter(
            kegiatan__desa__kode_wilayah__startswith=wilayah or "").values_list(
            "rencana_rp", flat=True))

    pemangku = buat_pemangku("OPD Uji")
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(aceh, lines=[(pemangku, "apbd-kab", 500)])
    assert total(wilayah="11") == 500 and total(wilayah="35.19") == 0
    dash_cache.reset_memo()
    with django_capture_on_commit_callbacks(execute=True):
        buat_kegiatan(jiwan, lines=[(pemangku, "apbd-kab", 700)])
    dash_cache.reset_memo()
    calls.clear()
    assert total(wilayah="11") == 500  # from the cache
    assert total(wilayah="35.19") == 700  # recomputed
    assert calls == ["35.19"]


@pytest.mark.django_db
def test_feedback_does_not_change_money(desa_a, django_capture_on_commit_callbacks):
    jiwan = desa_a
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        Masukan.objects.create(desa=jiwan, nama="Warga", pesan="Jalannya sudah bagus.")
        Masukan.objects.filter(desa=jiwan).update(pesan="Terima kasih.")  # bulk too
    assert _versions() == before


@pytest.mark.django_db
def test_hitung_ulang_skor_bulk_update_invalidates(admin_client, desa_a,
                                                  django_capture_on_commit_callbacks):
    penilaian = buat_penilaian(buat_lokasi(desa_a), status="terverifikasi")
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/desa/penilaian/", {
            "action": "hitung_ulang_skor", "_selected_action": [penilaian.pk]})
    assert response.status_code == 302
    after = _versions()
    for scope in before:  # a bulk update does not know its region: every scope of condition
        assert after[scope][KONDISI] > before[scope][KONDISI], scope


@pytest.mark.django_db
@pytest.mark.parametrize("write", ["update", "bulk_create", "raw"])
def test_bulk_writes_invalidate(write, desa_a, django_capture_on_commit_callbacks):
    kegiatan = buat_kegiatan(desa_a)
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        if write == "update":
            Kegiatan.objects.filter(pk=kegiatan.pk).update(volume=Decimal(1))
        elif write == "bulk_create":
            Pendanaan.objects.bulk_create([Pendanaan(
                kegiatan=kegiatan, pemangku=buat_pemangku("X"),
                sumber=SumberDana.objects.first(), rencana_rp=Decimal(5))])
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {Kegiatan._meta.db_table} SET volume = 2")
    after = _versions()
    assert after[None][UANG] > before[None][UANG]
    assert after["11"][UANG] > before["11"][UANG]


@pytest.mark.django_db
def test_rolled_back_change_bumps_nothing(django_capture_on_commit_callbacks):
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            Penilaian.objects.update(prioritas=1)
            raise RuntimeError
    assert _versions() == before


def test_grouped_money_is_read_once_per_request_and_forgotten_after_a_write(
        client, desa_a, settings):
    """Beranda's region table, headline, sources, collaboration levels and funder types
    share one grouped read of the kabupaten money rows per request (five before); a write
    in the request forgets it, and outside a request every call reads again."""
    from django.test.utils import CaptureQueriesContext

    from anggaran import dashboard as dash

    settings.DASHBOARD_CACHE = False
    buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab", 100)])
    with CaptureQueriesContext(connection) as q:
        assert client.get("/").status_code == 200
    tabel = "anggaran_ringkasandanakabupaten"
    assert sum(tabel in x["sql"] for x in q.captured_queries) == 1
    calls = []

    def hitung():
        calls.append(1)
        return len(calls)

    assert dash_cache.sekali_per_permintaan("k", hitung) == 1  # no request: every time
    assert dash_cache.sekali_per_permintaan("k", hitung) == 2
    dash_cache._mulai_permintaan()
    try:
        assert dash_cache.sekali_per_permintaan("k", hitung) == 3
        assert dash_cache.sekali_per_permintaan("k", hitung) == 3
        f = dash.Filter()
        before = dash.per_sumber(f)
        SumberDana.objects.filter(kode="apbd-kab").update(nama="APBD Kabupaten (baru)")
        assert dash_cache.sekali_per_permintaan("k", hitung) == 4  # the write forgot it
        assert "APBD Kabupaten (baru)" in [r["nama"] for r in dash.per_sumber(f)]
        assert {r["kode"]: r["rencana"] for r in dash.per_sumber(f)} == {
            r["kode"]: r["rencana"] for r in before}
    finally:
        dash_cache._akhir_permintaan()


def test_every_derived_table_bumps_nothing_by_itself():
    """The rollups and the stored condition are rewritten in bulk by their upkeep, which
    bumps the touched desa's regions itself: a table missing from ``VERSI_JENIS`` would make
    its bulk statements bump every region of every kind (a save in Jiwan flushing Aceh)."""
    from anggaran import ringkasan
    from desa import kondisi_tersimpan
    from kotaku.apps import VERSI_JENIS

    for model in (*ringkasan.SEMUA_TABEL, *kondisi_tersimpan.TABEL_TERSIMPAN):
        assert VERSI_JENIS.get(model._meta.label_lower) == (), model
