"""The work queue shows exactly the due, returned and draft items."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from anggaran.models import Kegiatan, LaporanProgres, StatusKegiatan
from desa.models import AturanPenilaian, Kriteria, Lokasi, Penilaian
from kotaku import tugas

TODAY = dt.date(2026, 11, 28)


def _penilaian(lokasi, tahun, status, catatan=""):
    return Penilaian.objects.create(
        lokasi=lokasi, tahun=tahun, aturan=AturanPenilaian.objects.bawaan(), luas_ha=1,
        jumlah_bangunan=10, jumlah_kk=10, panjang_jalan_ideal_m=100,
        panjang_drainase_ideal_m=100, status=status, catatan_verifikasi=catatan,
        diajukan_pada=timezone.now() if status != Penilaian.Status.DRAFT else None)


def _kegiatan(desa, nama, status, selesai=None):
    return Kegiatan.objects.create(
        desa=desa, kriteria=Kriteria.objects.get(aturan__bawaan=True, kode="2b"), nama=nama,
        volume=Decimal(10), satuan="m", tahun_anggaran=2026, status=status,
        tanggal_mulai=dt.date(2026, 1, 1), tanggal_selesai=selesai)


@pytest.fixture
def world(desa_a, desa_b):
    S = Penilaian.Status
    a1 = Lokasi.objects.create(desa=desa_a, nama="RT 01")
    a2 = Lokasi.objects.create(desa=desa_a, nama="RT 02")
    a3 = Lokasi.objects.create(desa=desa_a, nama="RT 03")
    b1 = Lokasi.objects.create(desa=desa_b, nama="RT 09")
    _penilaian(a1, TODAY.year, S.DIVERIFIKASI)             # done this year
    returned = _penilaian(a2, TODAY.year, S.DIKEMBALIKAN, "Volume 2b terlalu besar")
    draft = _penilaian(a3, TODAY.year - 1, S.DRAFT)        # last year's draft; a3 still due
    _penilaian(b1, TODAY.year, S.DIAJUKAN)                 # other desa: not in A's queue
    fresh = _kegiatan(desa_a, "Paving segar", StatusKegiatan.BERJALAN, dt.date(2027, 1, 1))
    LaporanProgres.objects.create(kegiatan=fresh, tanggal=TODAY - dt.timedelta(days=3),
                                  persen_fisik=40)
    stale = _kegiatan(desa_a, "Drainase lama", StatusKegiatan.BERJALAN, dt.date(2026, 6, 1))
    LaporanProgres.objects.create(kegiatan=stale, tanggal=TODAY - dt.timedelta(days=45),
                                  persen_fisik=20)
    never = _kegiatan(desa_a, "Belum lapor", StatusKegiatan.BERJALAN, dt.date(2027, 1, 1))
    _kegiatan(desa_a, "Sudah selesai", StatusKegiatan.SELESAI, dt.date(2026, 1, 2))
    _kegiatan(desa_b, "Desa lain", StatusKegiatan.BERJALAN, dt.date(2026, 1, 2))
    return {"returned": returned, "draft": draft, "a3": a3, "stale": stale, "never": never}


@pytest.mark.django_db
def test_facilitator_queue_holds_exactly_the_due_items(world, fasilitator_a, desa_a):
    (t,) = tugas.tugas_fasilitator(fasilitator_a, today=TODAY)
    assert t.desa == desa_a
    assert [lok.nama for lok in t.lokasi_belum_dinilai] == ["RT 03"]
    assert {k.nama for k in t.kegiatan_tanpa_progres} == {"Drainase lama", "Belum lapor"}
    assert [k.nama for k in t.kegiatan_terlambat] == ["Drainase lama"]
    assert t.dikembalikan == [world["returned"]]
    assert t.draf == [world["draft"]]
    assert t.jumlah == 6


@pytest.mark.django_db
def test_queue_query_count_is_constant(world, fasilitator_a, django_assert_num_queries):
    with django_assert_num_queries(5):
        tugas.tugas_fasilitator(fasilitator_a, today=TODAY)


@pytest.mark.django_db
def test_verifier_queue_oldest_first(world, verifikator, desa_a, desa_b):
    older = _penilaian(Lokasi.objects.create(desa=desa_a, nama="RT 07"), 2025,
                       Penilaian.Status.DIAJUKAN)
    Penilaian.objects.filter(pk=older.pk).update(
        diajukan_pada=timezone.now() - dt.timedelta(days=10))
    queue = list(tugas.antrian_verifikasi(verifikator))
    assert queue[0] == older and len(queue) == 2


@pytest.mark.django_db
def test_tugas_page(client_for, world, fasilitator_a, verifikator, pimpinan):
    page = client_for(fasilitator_a).get(reverse("tugas_saya"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Volume 2b terlalu besar" in body and "Drainase lama" in body
    assert reverse("desa:penilaian_ubah", args=[world["returned"].pk]) in body
    assert reverse("anggaran:progres_baru", args=[world["never"].pk]) in body
    assert "Desa lain" not in body
    verif_page = client_for(verifikator).get(reverse("tugas_saya"))
    assert verif_page.status_code == 200
    assert "Menunggu verifikasi" in verif_page.content.decode()  # the verifier's queue
    pimpinan_page = client_for(pimpinan).get(reverse("tugas_saya"))
    assert pimpinan_page.status_code == 200
    assert "Menunggu verifikasi" not in pimpinan_page.content.decode()  # no queue to work


@pytest.mark.django_db
def test_tugas_requires_login(client):
    response = client.get(reverse("tugas_saya"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
