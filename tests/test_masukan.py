"""Masukan: public feedback without an account, the spam defence in layers, moderation from
the portal (bulk, with history), the team's reply, and what a visitor may never do."""

import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from publikasi import masukan as layanan
from publikasi.demo_kabar import SPAM_BLOG
from publikasi.models import Masukan, PolaSpam, StatusMasukan
from tests.anggaran_helpers import buat_kegiatan, image_bytes
from tests.conftest import make_user
from tests.kabar_helpers import TEST_IP, buat_kabar, masukan_post, reset_batas, token_lama

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bersih(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reset_batas()
    yield
    reset_batas()


@pytest.fixture
def kabar(desa_a):
    return buat_kabar([desa_a], judul="Kolaborasi paving Bibrik")


def kirim(client, target, jenis="kabar", **data):
    url = reverse("kolaborasi:masukan_kirim", args=[jenis, target.pk])
    return client.post(url, masukan_post(**data))


# ----------------------------------------------------------------------------- happy path


def test_visitor_sends_feedback_it_waits_for_moderation_then_shows(client, client_for, kabar,
                                                                   verifikator):
    response = kirim(client, kabar, pesan="Paving sudah rapi, terima kasih tim!", nama="Pak Harjo")
    assert response.status_code == 302
    # Issue 17: the thanks replaces the form where the sender is (no jump to a message at the
    # top of a long page).
    assert response["Location"] == (kabar.get_absolute_url()
                                    + "?masukan=terkirim#masukan-terkirim")
    m = Masukan.objects.get()
    assert (m.status, m.kabar, m.nama, m.alasan_tahan) == (
        StatusMasukan.MENUNGGU, kabar, "Pak Harjo", "")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "akan tampil setelah diperiksa moderator" in body  # the thank-you message
    assert 'id="masukan-terkirim"' in body and "data-masukan" not in body  # in the form's place
    assert "Paving sudah rapi" not in body  # not before approval

    c = client_for(verifikator)
    queue = c.get(reverse("kolaborasi:masukan_moderasi")).content.decode()
    assert "Paving sudah rapi" in queue
    c.post(reverse("kolaborasi:masukan_aksi"), {"aksi": "setujui", "pilih": [m.pk]})
    c.logout()
    body = client.get(kabar.get_absolute_url()).content.decode()
    assert "Paving sudah rapi" in body and "Pak Harjo" in body


def test_address_is_stored_only_as_a_salted_hash(client, kabar):
    kirim(client, kabar)
    m = Masukan.objects.get()
    assert re.fullmatch(r"[0-9a-f]{64}", m.ip_hash)
    assert m.ip_hash == layanan.hash_ip(TEST_IP) and m.ip_hash != layanan.hash_ip("10.0.0.1")
    for model in (Masukan, Masukan.history.model):
        for row in model.objects.values():
            assert TEST_IP not in repr(row)


# ---------------------------------------------------------------------------------- spam


def test_seed_gambling_spam_lands_in_the_spam_queue_not_on_the_page(client, client_for, kabar,
                                                                    verifikator):
    assert kirim(client, kabar, pesan=SPAM_BLOG, nama="Slot Gacor Maxwin").status_code == 302
    m = Masukan.objects.get()
    assert m.status == StatusMasukan.SPAM
    assert "gacor" in m.alasan_tahan and "bit.ly" in m.alasan_tahan
    assert "berisi tautan" in m.alasan_tahan
    assert "gacor" not in client.get(kabar.get_absolute_url()).content.decode().lower()
    c = client_for(verifikator)
    waiting = c.get(reverse("kolaborasi:masukan_moderasi")).content.decode()
    assert "maxwin" not in waiting  # not in the waiting tab...
    spam = c.get(reverse("kolaborasi:masukan_moderasi"), {"status": "spam"}).content.decode()
    assert "maxwin" in spam and "bit.ly" in spam  # ...but in the spam queue


@pytest.mark.parametrize("pesan,status,alasan", [
    ("ＳＬＯＴ ＧＡＣＯＲ hari ini", "spam", "gacor"),  # fullwidth letters
    ("sl\u200bot ga\u200bcor", "spam", "gacor"),  # zero-width characters
    ("Ada judi di pos ronda tiap malam, mohon ditertibkan", "menunggu", "judi"),
    ("Lihat foto jalan di www.contoh-blog.com ya", "menunggu", "berisi tautan"),
    ("Saluran di RT 3 tersumbat sejak minggu lalu", "menunggu", ""),
    ("Desa kita di kemendes.id sudah tercatat", "menunggu", "berisi tautan"),
])
def test_patterns_and_links(client, kabar, pesan, status, alasan):
    kirim(client, kabar, pesan=pesan, nama="")
    m = Masukan.objects.get()
    assert m.status == status and alasan in m.alasan_tahan
    if not alasan:
        assert m.alasan_tahan == ""


def test_patterns_are_configurable(client, kabar):
    PolaSpam.objects.create(pola="pinjol", bobot=3)
    PolaSpam.objects.filter(pola="gacor").update(aktif=False)
    kirim(client, kabar, pesan="Butuh dana cepat? Pinjol tanpa BI checking")
    assert Masukan.objects.get().status == StatusMasukan.SPAM
    assert layanan.nilai("gacor").status == StatusMasukan.MENUNGGU  # deactivated pattern


def test_twenty_posts_in_a_minute_are_throttled(client, kabar):
    statuses = [kirim(client, kabar, pesan=f"Masukan nomor {i}").status_code
                for i in range(20)]
    assert statuses == [302] * 5 + [429] * 15
    assert Masukan.objects.count() == 5
    response = kirim(client, kabar, pesan="lagi")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "silakan kirim lagi" in response.content.decode()
    # Another address is not affected.
    other = client.post(reverse("kolaborasi:masukan_kirim", args=["kabar", kabar.pk]),
                        masukan_post(pesan="dari alamat lain"), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302
    reset_batas("10.1.2.3")


def test_refused_posts_count_too(client, kabar):
    for _ in range(5):
        assert client.post(reverse("kolaborasi:masukan_kirim", args=["kabar", kabar.pk]),
                           {}).status_code == 400
    assert kirim(client, kabar).status_code == 429


def test_script_in_a_message_is_shown_as_text(client, kabar):
    kirim(client, kabar, pesan="<script>alert('xss')</script> <img src=x onerror=alert(1)>",
          nama="<b>Budi</b>")
    m = Masukan.objects.get()
    m.status = StatusMasukan.DISETUJUI
    m.balasan = "<script>alert('balas')</script>"
    m.save()
    body = client.get(kabar.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body and "&lt;b&gt;Budi&lt;/b&gt;" in body
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&#x27;balas&#x27;)" in body


def test_honeypot_is_refused(client, kabar):
    response = kirim(client, kabar, website="http://spam.example")
    assert response.status_code == 400
    assert "tidak dapat diterima" in response.content.decode()
    assert not Masukan.objects.exists()


def test_honeypot_is_hidden_by_a_class_not_a_style(client, kabar):
    body = client.get(kabar.get_absolute_url()).content.decode()
    assert re.search(r'<div class="kolom-madu" aria-hidden="true">.*?name="website"', body,
                     re.S)
    assert 'name="mulai"' in body and "style=" not in body


@pytest.mark.parametrize("mulai,code", [
    (lambda: layanan.buat_token(), 200),  # sent at once: faster than a person types
    (lambda: token_lama(1), 200),
    (lambda: token_lama(3 * 86400), 200),  # a form left open for days
    (lambda: "", 400),
    (lambda: "tidak-sah:1abc:xyz", 400),
    (lambda: layanan.buat_token(time.time() + 600), 400),  # from the future
    (lambda: token_lama()[:-2] + "xx", 400),  # tampered
])
def test_too_fast_missing_or_forged_timestamps_are_refused(client, kabar, mulai, code):
    response = kirim(client, kabar, mulai=mulai())
    assert response.status_code == code
    assert not Masukan.objects.exists()
    form = response.context["form"]
    assert form.non_field_errors()
    # A fresh token comes back, so a person can simply send again.
    assert form.data["mulai"] and layanan.periksa_token(form.data["mulai"],
                                                         time.time() + 10)


def test_length_and_nul_bytes_are_refused(client, kabar):
    for data in ({"pesan": "x" * 2001}, {"pesan": "a\x00b"}, {"nama": "n\x00"},
                 {"pesan": ""}, {"pesan": "   "}, {"nama": "n" * 81}):
        response = kirim(client, kabar, **data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
        reset_batas()
    assert not Masukan.objects.exists()
    assert kirim(client, kabar, pesan="x" * 2000).status_code == 302


def test_photo_is_optional_checked_and_re_encoded(client, kabar):
    bad = SimpleUploadedFile("foto.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = kirim(client, kabar, foto=bad)
    assert "bukan gambar" in response.content.decode() and not Masukan.objects.exists()
    good = SimpleUploadedFile("rumah saya.png", image_bytes(), content_type="image/png")
    assert kirim(client, kabar, foto=good).status_code == 302
    m = Masukan.objects.get()
    assert re.fullmatch(r"masukan/[0-9a-f]{32}\.png", m.foto.name)


def test_bad_targets_are_404_never_500(client, kabar, desa_a):
    draf = buat_kabar([desa_a], status="draf", judul="Draf")
    for jenis, pk in (("kabar", draf.pk), ("kabar", 999999), ("lain", kabar.pk),
                      ("kabar", 10**30), ("desa", 10**20)):
        url = f"/kolaborasi/masukan/kirim/{jenis}/{pk}/"
        assert client.post(url, masukan_post()).status_code == 404, url
    assert client.get(reverse("kolaborasi:masukan_kirim", args=["kabar", kabar.pk])
                      ).status_code == 405
    assert not Masukan.objects.exists()


# ------------------------------------------------------------- activity and desa pages


def test_feedback_on_activity_and_desa_pages(client, desa_a, kabar):
    kegiatan = buat_kegiatan(desa_a, nama="Paving jalan akses kolam lele")
    for target, jenis in ((kegiatan, "kegiatan"), (desa_a, "desa")):
        body = client.get(target.get_absolute_url()).content.decode()
        action = reverse("kolaborasi:masukan_kirim", args=[jenis, target.pk])
        assert f'action="{action}"' in body and 'id="masukan"' in body
        assert kirim(client, target, jenis=jenis, pesan=f"Masukan untuk {jenis}").status_code \
            == 302
    kirim(client, kabar, pesan="Masukan untuk kabar")
    Masukan.objects.update(status=StatusMasukan.DISETUJUI)
    assert "Masukan untuk kegiatan" in client.get(kegiatan.get_absolute_url()).content.decode()
    desa_body = client.get(desa_a.get_absolute_url()).content.decode()
    assert "Masukan untuk desa" in desa_body and "Masukan untuk kegiatan" not in desa_body
    assert layanan.suara_warga_per_desa() == {desa_a.pk: 3}


# ------------------------------------------------------------------------------ moderation


def test_bulk_moderation_from_the_portal_with_history(client, client_for, kabar, verifikator,
                                                      desa_a):
    kegiatan = buat_kegiatan(desa_a)
    a = Masukan.objects.create(kabar=kabar, pesan="Satu")
    b = Masukan.objects.create(kegiatan=kegiatan, pesan="Dua")
    s = Masukan.objects.create(desa=desa_a, pesan="Tiga beli follower")
    c = client_for(verifikator)
    url = reverse("kolaborasi:masukan_aksi")
    response = c.post(url, {"aksi": "setujui", "pilih": [a.pk, b.pk], "status": "menunggu"})
    assert response.status_code == 302
    assert response["Location"] == reverse("kolaborasi:masukan_moderasi") + "?status=menunggu"
    c.post(url, {"aksi": "spam", "pilih": [s.pk]})
    statuses = dict(Masukan.objects.values_list("pk", "status"))
    assert statuses == {a.pk: "disetujui", b.pk: "disetujui", s.pk: "spam"}
    for m in (a, b, s):
        latest = Masukan.history.filter(id=m.pk).order_by("-history_date").first()
        assert latest.history_user == verifikator and latest.dimoderasi_oleh_id == verifikator.pk
        assert latest.history_change_reason.startswith("moderasi:")
    c.post(url, {"aksi": "tolak", "pilih": [a.pk]})
    assert [h.status for h in a.history.order_by("history_date")] == [
        "menunggu", "disetujui", "ditolak"]
    page = c.get(reverse("kolaborasi:masukan_moderasi"), {"status": "semua"}).content.decode()
    assert "moderasi: tolak" in page  # the history is on the queue page
    # Bad input: nothing ticked, unknown action, junk ids: a message, never a 500.
    for data in ({"aksi": "setujui"}, {"aksi": "hapus", "pilih": [a.pk]},
                 {"aksi": "setujui", "pilih": ["x", "9" * 40]}):
        assert c.post(url, data).status_code == 302
    assert Masukan.objects.get(pk=a.pk).status == "ditolak"


def test_reply_is_shown_as_the_team_and_approves(client, client_for, kabar, verifikator):
    verifikator.first_name = "Nama Verifikator"
    verifikator.save()
    m = Masukan.objects.create(kabar=kabar, pesan="Kapan ruas timur dikerjakan?")
    c = client_for(verifikator)
    response = c.post(reverse("kolaborasi:masukan_balas", args=[m.pk]),
                      {"balasan": "Diusulkan di Musdes tahun depan."})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == StatusMasukan.DISETUJUI and m.balasan_oleh == verifikator
    assert m.history.first().history_change_reason == "balasan tim"
    c.logout()
    body = client.get(kabar.get_absolute_url()).content.decode()
    assert "Balasan Tim KOTAKU" in body and "Diusulkan di Musdes" in body
    assert "Nama Verifikator" not in body and "verif" not in body.split('id="masukan"')[1]
    # Spam is never replied to; empty or oversized replies are refused.
    spam = Masukan.objects.create(kabar=kabar, pesan="x", status=StatusMasukan.SPAM)
    c = client_for(verifikator)
    for target, text in ((spam, "Halo"), (m, ""), (m, "x" * 2001), (m, "a\x00")):
        assert c.post(reverse("kolaborasi:masukan_balas", args=[target.pk]),
                      {"balasan": text}).status_code == 302
    spam.refresh_from_db()
    m.refresh_from_db()
    assert spam.balasan == "" and m.balasan == "Diusulkan di Musdes tahun depan."


def test_moderation_is_scoped_to_the_kecamatan(client_for, kabar, desa_a):
    m = Masukan.objects.create(kabar=kabar, pesan="Satu")
    lain = make_user("verif_lain", "Verifikator")  # no kecamatan assigned
    c = client_for(lain)
    assert "Satu" not in c.get(reverse("kolaborasi:masukan_moderasi")).content.decode()
    c.post(reverse("kolaborasi:masukan_aksi"), {"aksi": "setujui", "pilih": [m.pk]})
    assert Masukan.objects.get().status == StatusMasukan.MENUNGGU
    assert c.post(reverse("kolaborasi:masukan_balas", args=[m.pk]),
                  {"balasan": "x"}).status_code == 404


def test_moderation_permissions(client, client_for, kabar, fasilitator_a, pimpinan):
    m = Masukan.objects.create(kabar=kabar, pesan="Satu")
    queue = reverse("kolaborasi:masukan_moderasi")
    posts = [reverse("kolaborasi:masukan_aksi"),
             reverse("kolaborasi:masukan_balas", args=[m.pk])]
    response = client.get(queue)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for url in posts:
        response = client.post(url, {"aksi": "setujui", "pilih": [m.pk], "balasan": "x"})
        assert response["Location"].startswith(reverse("login"))
        assert client.get(url).status_code == 405
    for user in (fasilitator_a, pimpinan):
        c = client_for(user)
        assert c.get(queue).status_code == 403
        for url in posts:
            assert c.post(url, {"aksi": "setujui", "pilih": [m.pk],
                                "balasan": "x"}).status_code == 403
        c.logout()
    assert Masukan.objects.get().status == StatusMasukan.MENUNGGU


def test_moderation_queue_query_count_is_constant(client_for, admin_user, kabar, desa_a,
                                                  django_assert_num_queries):
    kegiatan = buat_kegiatan(desa_a)
    c = client_for(admin_user)
    url = reverse("kolaborasi:masukan_moderasi")
    counts = []
    for n in (2, 12):
        for i in range(n):
            Masukan.objects.create(kabar=kabar, pesan=f"k{i}")
            Masukan.objects.create(kegiatan=kegiatan, pesan=f"g{i}")
            Masukan.objects.create(desa=desa_a, pesan=f"d{i}")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
