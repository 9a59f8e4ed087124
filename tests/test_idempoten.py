"""Issue 17: a create form sent twice (double tap, retried offline send) makes one row.

Each create form carries a one-time ``token_kirim``; a second POST with the same token
answers with the first result (a redirect to it) and writes nothing. On PostgreSQL two posts
of the same token race in two threads with their own connections: the unique column makes
the second wait for the first and then answer with its row.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from anggaran.models import Kegiatan, LaporanProgres, Pendanaan
from desa.models import Penilaian
from inti.idempoten import baca_token, token_formulir
from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import (
    buat_kegiatan,
    buat_pemangku,
    kegiatan_post,
    kriteria,
    line,
    progres_post,
)
from tests.keamanan_helpers import data_migrasi_ulang
from tests.penilaian_helpers import buat_lokasi

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _data_migrations(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        data_migrasi_ulang()


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_baca_token_refuses_what_is_not_a_uuid():
    assert baca_token({}) is None
    assert baca_token({"token_kirim": "abc"}) is None
    assert baca_token({"token_kirim": "\x00" * 10}) is None
    assert baca_token({"token_kirim": "x" * 500}) is None
    t = uuid.uuid4()
    assert baca_token({"token_kirim": str(t)}) == t


def test_token_formulir_keeps_the_posted_token(rf):
    t = str(uuid.uuid4())
    assert token_formulir(rf.post("/", {"token_kirim": t})) == t
    fresh = token_formulir(rf.get("/"))
    assert uuid.UUID(fresh) and fresh != t


# ---------------------------------------------------------------------------------------------
# One after the other (every database)
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_create_form_renders_a_token(desa_a, fasilitator_a):
    c = _client(fasilitator_a)
    kegiatan = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                             1_000_000)])
    urls = [
        reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}",
        reverse("anggaran:progres_baru", args=[kegiatan.pk]),
        reverse("desa:penilaian_baru", args=[desa_a.kode_wilayah]),
        reverse("kolaborasi:forum_baru"),
        reverse("kolaborasi:komitmen_baru"),
    ]
    for url in urls:
        html = c.get(url).content.decode()
        assert 'name="token_kirim"' in html, url
    # The edit form has none: a second save of it is the version check's business.
    html = c.get(reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])).content.decode()
    assert 'name="token_kirim"' not in html


@pytest.mark.django_db
def test_activity_posted_twice_makes_one_row(desa_a, fasilitator_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    c = _client(fasilitator_a)
    token = str(uuid.uuid4())
    data = kegiatan_post(desa_a, [line(dinas, "apbd-kab", "24.000.000")], token_kirim=token)
    url = reverse("anggaran:kegiatan_baru")
    r1 = c.post(url, data)
    r2 = c.post(url, data)
    assert r1.status_code == r2.status_code == 302
    assert r1["Location"] == r2["Location"]
    assert Kegiatan.objects.count() == 1 and Pendanaan.objects.count() == 1
    page = c.get(r2["Location"]).content.decode()
    assert "sudah tersimpan sebelumnya" in page
    assert f'data-draf-selesai="{token}"' in page


@pytest.mark.django_db
def test_activity_refused_then_resent_keeps_its_token(desa_a, fasilitator_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    c = _client(fasilitator_a)
    token = str(uuid.uuid4())
    bad = kegiatan_post(desa_a, [line(dinas, "apbd-kab", "24.000.000")], token_kirim=token,
                        nama="")
    r = c.post(reverse("anggaran:kegiatan_baru"), bad)
    assert r.status_code == 200
    assert f'value="{token}"' in r.content.decode()
    assert not Kegiatan.objects.exists()


@pytest.mark.django_db
def test_progress_report_posted_twice_makes_one_row(desa_a, fasilitator_a, tmp_path,
                                                    settings):
    settings.MEDIA_ROOT = tmp_path
    kegiatan = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                             100_000_000)])
    c = _client(fasilitator_a)
    data = {**progres_post(), "token_kirim": str(uuid.uuid4())}
    url = reverse("anggaran:progres_baru", args=[kegiatan.pk])
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302
    assert LaporanProgres.objects.count() == 1


@pytest.mark.django_db
def test_assessment_started_twice_makes_one_draft(desa_a, fasilitator_a):
    lokasi = buat_lokasi(desa_a)
    c = _client(fasilitator_a)
    data = {"lokasi": lokasi.pk, "tahun": "2024", "nama": "", "rt": "", "rw": "",
            "kawasan": "", "token_kirim": str(uuid.uuid4())}
    url = reverse("desa:penilaian_baru", args=[desa_a.kode_wilayah])
    r1, r2 = c.post(url, data), c.post(url, data)
    assert r1.status_code == r2.status_code == 302
    assert r1["Location"] == r2["Location"]
    assert Penilaian.objects.count() == 1


@pytest.mark.django_db
def test_forum_and_pledge_posted_twice_make_one_row(desa_a, fasilitator_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    c = _client(fasilitator_a)
    forum = {"tanggal": "2018-03-05", "judul": "Rembug warga", "tempat": "Balai desa",
             "desa": desa_a.pk, "peserta": [dinas.pk], "kesepakatan": "",
             "token_kirim": str(uuid.uuid4())}
    url = reverse("kolaborasi:forum_baru")
    assert c.post(url, forum).status_code == 302
    assert c.post(url, forum).status_code == 302
    assert ForumKolaborasi.objects.count() == 1
    janji = {"pemangku": dinas.pk, "desa": desa_a.pk, "kriteria": kriteria("2b").pk,
             "tahun": "2018", "nilai_rp": "150.000.000", "uraian": "Paving", "forum": "",
             "token_kirim": str(uuid.uuid4())}
    url = reverse("kolaborasi:komitmen_baru")
    r1, r2 = c.post(url, janji), c.post(url, janji)
    assert r1.status_code == r2.status_code == 302, r1.content.decode()[:2000]
    assert Komitmen.objects.count() == 1


@pytest.mark.django_db
def test_a_token_of_another_desa_is_not_answered(desa_a, desa_b, fasilitator_a,
                                                  fasilitator_b):
    """Replaying someone else's token never leads to their record."""
    dinas = buat_pemangku("Dinas PKP", "opd")
    token = str(uuid.uuid4())
    url = reverse("anggaran:kegiatan_baru")
    assert _client(fasilitator_a).post(url, kegiatan_post(
        desa_a, [line(dinas, "apbd-kab", "1.000")], token_kirim=token)).status_code == 302
    r = _client(fasilitator_b).post(url, kegiatan_post(
        desa_b, [line(dinas, "apbd-kab", "1.000")], token_kirim=token))
    assert r.status_code == 200  # refused with a message, nothing written
    assert Kegiatan.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# PostgreSQL: two posts of the same token at the same time
# ---------------------------------------------------------------------------------------------


def _race(post_a, post_b, pause):
    """Run two posts in two threads; the first pauses inside its transaction (``pause``
    is patched into its save) until the second has started and waits on the lock."""
    results: dict = {}
    paused, release = threading.Event(), threading.Event()

    def checkpoint():
        if threading.current_thread().name == "pertama":
            paused.set()
            assert release.wait(20)

    pause(checkpoint)

    def worker(name, post):
        try:
            results[name] = post()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[name] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=worker, args=("pertama", post_a), name="pertama")
    b = threading.Thread(target=worker, args=("kedua", post_b), name="kedua")
    a.start()
    assert paused.wait(20)
    b.start()
    from tests.test_concurrency import _wait_for_lock_waiter

    waited = _wait_for_lock_waiter()
    release.set()
    a.join(30)
    b.join(30)
    return results, waited


pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://…)")


@pg_only
@pytest.mark.django_db(transaction=True)
def test_postgres_two_concurrent_posts_of_one_activity_make_one_row(
        monkeypatch, desa_a, fasilitator_a):
    dinas = buat_pemangku("Dinas PKP", "opd")
    data = kegiatan_post(desa_a, [line(dinas, "apbd-kab", "24.000.000")],
                         token_kirim=str(uuid.uuid4()))
    url = reverse("anggaran:kegiatan_baru")
    first, second = _client(fasilitator_a), _client(fasilitator_a)
    original = Kegiatan.save

    def pause(checkpoint):
        def paused_save(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            checkpoint()  # the row is inserted (its token taken), not yet committed
            return result
        monkeypatch.setattr(Kegiatan, "save", paused_save)

    results, waited = _race(lambda: first.post(url, data), lambda: second.post(url, data),
                            pause)
    r1, r2 = results["pertama"], results["kedua"]
    assert not isinstance(r1, BaseException), r1
    assert not isinstance(r2, BaseException), r2
    assert waited, "the second insert did not wait on the first one's token"
    assert r1.status_code == r2.status_code == 302
    assert r1["Location"] == r2["Location"]
    assert Kegiatan.objects.count() == 1 and Pendanaan.objects.count() == 1


@pg_only
@pytest.mark.django_db(transaction=True)
def test_postgres_two_concurrent_posts_of_one_progress_report_make_one_row(
        monkeypatch, desa_a, fasilitator_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    kegiatan = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                             100_000_000)])
    data = {**progres_post(), "token_kirim": str(uuid.uuid4())}
    url = reverse("anggaran:progres_baru", args=[kegiatan.pk])
    first, second = _client(fasilitator_a), _client(fasilitator_a)
    original = LaporanProgres.save

    def pause(checkpoint):
        def paused_save(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            checkpoint()
            return result
        monkeypatch.setattr(LaporanProgres, "save", paused_save)

    results, waited = _race(lambda: first.post(url, data), lambda: second.post(url, data),
                            pause)
    r1, r2 = results["pertama"], results["kedua"]
    assert not isinstance(r1, BaseException), r1
    assert not isinstance(r2, BaseException), r2
    assert waited
    assert r1.status_code == r2.status_code == 302
    assert LaporanProgres.objects.count() == 1


def test_service_worker_is_served_from_the_root_with_its_scope(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/"
    assert "no-cache" in r["Cache-Control"]
    assert 'importScripts("/static/js/antrian_db.js")' in r.content.decode()
