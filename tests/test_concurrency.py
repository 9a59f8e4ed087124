"""Lost updates: two people editing the same assessment or activity.

The second save of a record opened at the same version is refused with a message, the first
save stands, the second user's input stays in the form next to a table of what the other
person changed, and saving again (knowingly) goes through.

On PostgreSQL the same race is run with two real connections in two threads: the first save
is paused inside its transaction (after its version check, holding the row lock), the second
save starts and must wait on that lock (seen in ``pg_locks``), and once the first commits the
second is refused. Without ``select_for_update`` the second save would pass the version
check and overwrite the first (a lost update): that is what this test catches.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from anggaran.models import Kegiatan
from desa.models import Penugasan
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, kegiatan_post, line
from tests.conftest import make_user
from tests.keamanan_helpers import data_migrasi_ulang
from tests.penilaian_helpers import KEBUNAN, buat_lokasi, buat_penilaian, form_data

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _data_migrations(request):
    """Transactional tests start after a flush may have emptied the migrations' rows."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        data_migrasi_ulang()


@pytest.fixture
def rekan(desa_a):
    """A second facilitator of desa A."""
    user = make_user("fasil_a2", "Fasilitator")
    Penugasan.objects.create(user=user, desa=desa_a)
    return user


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _volumes(**over):
    return {**KEBUNAN["volumes"], **over}


# ---------------------------------------------------------------------------------------------
# Two clients, one after the other (every database)
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assessment_second_save_refused_first_kept_and_differences_shown(
        desa_a, fasilitator_a, rekan):
    p = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    url = reverse("desa:penilaian_ubah", args=[p.pk])
    first, second = _login(fasilitator_a), _login(rekan)
    opened = first.get(url).context["form"]["versi"].value()
    assert second.get(url).context["form"]["versi"].value() == opened

    header = {**KEBUNAN["header"], "jumlah_bangunan": 60}
    assert first.post(url, form_data(opened, header=header,
                                     volumes=_volumes(**{"1a": 30}))).status_code == 302
    history_after_first = p.history.count()

    r2 = second.post(url, form_data(opened, volumes=_volumes(**{"1a": 10, "4b": 50})))
    assert r2.status_code == 200
    body = r2.content.decode()
    assert "telah diubah oleh fasil_a setelah formulir Anda dibuka" in body
    assert "Periksa perubahan di bawah lalu simpan ulang" in body
    perbedaan = {d["label"].split(".")[0]: (d["milik_anda"], d["tersimpan"])
                 for d in r2.context["konflik"]["perbedaan"]}
    assert perbedaan["1a"] == ("10", "30")
    assert perbedaan["4b"] == ("50", "76,90")
    assert any("bangunan" in str(label).lower() for label in
               (d["label"] for d in r2.context["konflik"]["perbedaan"]))
    assert 'name="v_1a" value="10"' in body  # the second user's input is still in the form

    # The first save stands, untouched by the refused one.
    p.refresh_from_db()
    assert p.jumlah_bangunan == 60 and p.versi == int(opened) + 1
    assert p.volume.get(kriteria__kode="1a").volume == 30
    assert p.volume.get(kriteria__kode="4b").volume == Decimal("76.90")
    assert p.history.count() == history_after_first

    # Re-applying knowingly (the form now carries the current version) goes through.
    again = r2.context["form"]["versi"].value()
    assert int(again) == p.versi
    assert second.post(url, form_data(again, volumes=_volumes(**{"1a": 10}))).status_code == 302
    assert p.volume.get(kriteria__kode="1a").volume == 10


@pytest.mark.django_db
def test_activity_second_save_refused_first_kept_and_differences_shown(
        desa_a, fasilitator_a, rekan):
    dinas = buat_pemangku("Dinas PKP Kab. Madiun", "opd")
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])
    dana = kegiatan.pendanaan.get()
    url = reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])
    first, second = _login(fasilitator_a), _login(rekan)
    opened = first.get(url).context["form"]["versi"].value()
    assert second.get(url).context["form"]["versi"].value() == opened

    r1 = first.post(url, kegiatan_post(
        desa_a, [line(dinas, "apbd-kab", "125.000.000", id=str(dana.pk))], versi=str(opened),
        initial_forms=1, nama="Paving jalan RT 1 (revisi)"))
    assert r1.status_code == 302

    mine = kegiatan_post(desa_a, [line(dinas, "apbd-kab", "90.000.000", id=str(dana.pk))],
                         versi=str(opened), initial_forms=1, volume="200")
    r2 = second.post(url, mine)
    assert r2.status_code == 200
    body = r2.content.decode()
    assert "sudah diubah oleh pengguna lain" in body
    rows = {d["label"]: (d["milik_anda"], d["tersimpan"])
            for d in r2.context["konflik"]["perbedaan"]}
    assert rows["Nama kegiatan"] == ("Paving jalan akses kolam lele",
                                     "Paving jalan RT 1 (revisi)")
    assert rows["Volume"] == ("200,00", "170,00")
    line_row = rows[f"Pendanaan #{dana.pk}"]
    assert "Rp 90.000.000" in line_row[0] and "Rp 125.000.000" in line_row[1]
    assert "Isian yang berbeda dengan data tersimpan" in body
    assert 'value="Paving jalan akses kolam lele"' in body  # input kept

    kegiatan.refresh_from_db()
    dana.refresh_from_db()
    assert kegiatan.nama == "Paving jalan RT 1 (revisi)" and kegiatan.volume == 170
    assert dana.rencana_rp == 125_000_000 and kegiatan.versi == int(opened) + 1

    mine["versi"] = r2.context["form"]["versi"].value()
    assert second.post(url, mine).status_code == 302
    kegiatan.refresh_from_db()
    dana.refresh_from_db()
    assert kegiatan.volume == 200 and dana.rencana_rp == 90_000_000


# ---------------------------------------------------------------------------------------------
# PostgreSQL: two real connections racing
# ---------------------------------------------------------------------------------------------

pg_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: row locks between two real connections "
                            "(run with DATABASE_URL=postgres://…)")


class Race:
    """Pause the thread named "pertama" at a point inside its save's transaction."""

    def __init__(self):
        self.paused = threading.Event()
        self.release = threading.Event()

    def checkpoint(self):
        if threading.current_thread().name == "pertama":
            self.paused.set()
            assert self.release.wait(20), "the test never released the first save"

    def run(self, first_post, second_post):
        results: dict = {}

        def worker(name, post):
            try:
                results[name] = post()
            except BaseException as exc:  # noqa: BLE001 - reported by the test
                results[name] = exc
            finally:
                connections.close_all()

        a = threading.Thread(target=worker, args=("pertama", first_post), name="pertama")
        b = threading.Thread(target=worker, args=("kedua", second_post), name="kedua")
        a.start()
        assert self.paused.wait(20), "the first save never reached its checkpoint"
        b.start()
        waited = _wait_for_lock_waiter()
        self.release.set()
        a.join(30)
        b.join(30)
        return results, waited


def _wait_for_lock_waiter(timeout: float = 10) -> bool:
    """Whether another connection of this database waits on a lock (the second save)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pg_only
@pytest.mark.django_db(transaction=True)
def test_postgres_assessment_race_second_save_waits_then_is_refused(
        monkeypatch, desa_a, fasilitator_a, rekan):
    import desa.penilaian as service

    p = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    url = reverse("desa:penilaian_ubah", args=[p.pk])
    first, second = _login(fasilitator_a), _login(rekan)
    race = Race()
    original = service.hitung_ulang

    def paused_recompute(*args, **kwargs):
        race.checkpoint()  # after the version check and the writes, before the commit
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "hitung_ulang", paused_recompute)
    results, waited = race.run(
        lambda: first.post(url, form_data(p.versi, volumes=_volumes(**{"1a": 30}))),
        lambda: second.post(url, form_data(p.versi, volumes=_volumes(**{"1a": 10}))))

    assert waited, "the second save did not wait for the first one's row lock"
    r1, r2 = results["pertama"], results["kedua"]
    assert not isinstance(r1, BaseException), r1
    assert not isinstance(r2, BaseException), r2
    assert r1.status_code == 302
    assert r2.status_code == 200, "the second save went through: a lost update"
    assert "telah diubah oleh" in r2.content.decode()
    p.refresh_from_db()
    assert p.versi == 2
    assert p.volume.get(kriteria__kode="1a").volume == 30


@pg_only
@pytest.mark.django_db(transaction=True)
def test_postgres_activity_race_second_save_waits_then_is_refused(
        monkeypatch, desa_a, fasilitator_a, rekan):
    dinas = buat_pemangku("Dinas PKP Kab. Madiun", "opd")
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])
    dana = kegiatan.pendanaan.get()
    url = reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])
    first, second = _login(fasilitator_a), _login(rekan)
    race = Race()
    original_save = Kegiatan.save

    def paused_save(self, *args, **kwargs):
        result = original_save(self, *args, **kwargs)
        race.checkpoint()  # the activity row is written, its funding lines not yet
        return result

    monkeypatch.setattr(Kegiatan, "save", paused_save)

    def post(rencana, nama):
        return lambda c: c.post(url, kegiatan_post(
            desa_a, [line(dinas, "apbd-kab", rencana, id=str(dana.pk))], versi="1",
            initial_forms=1, nama=nama))

    results, waited = race.run(lambda: post("125.000.000", "Versi pertama")(first),
                               lambda: post("90.000.000", "Versi kedua")(second))
    assert waited, "the second save did not wait for the first one's row lock"
    r1, r2 = results["pertama"], results["kedua"]
    assert not isinstance(r1, BaseException), r1
    assert not isinstance(r2, BaseException), r2
    assert r1.status_code == 302
    assert r2.status_code == 200, "the second save went through: a lost update"
    assert "sudah diubah oleh pengguna lain" in r2.content.decode()
    kegiatan.refresh_from_db()
    dana.refresh_from_db()
    assert (kegiatan.nama, kegiatan.versi, dana.rencana_rp) == ("Versi pertama", 2, 125_000_000)
