"""Issue 17 in the browser, at phone width on a slow or missing connection:

- a double tap on "Simpan" (2.5 s latency, DevTools protocol) makes one activity, and the
  button reads "Mengirim…" meanwhile;
- a failed send (no connection) of each facilitator form loses nothing: opened again, the
  form shows what was typed (funding-line rows added included) with the same one-time token,
  and sending it then makes exactly one record;
- a 12 MB camera photo is shrunk on the phone and arrives as at most 2000 px.
"""

from __future__ import annotations

import io
import os
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from anggaran.models import FotoProgres, Kegiatan, LaporanProgres
from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, kriteria
from tests.e2e.conftest import login_as, wait_until

pytestmark = pytest.mark.e2e

# Saved now, or (when the offline attempt did reach the server before the connection
# dropped) "sudah tersimpan sebelumnya": either way one record, which the tests count.
SAVED = re.compile("tersimpan")


def _fill_activity(page, desa, pemangku, rows=1):
    page.get_by_label("Kriteria yang ditangani").select_option(str(kriteria("2b").pk))
    page.locator("#id_nama").fill("Paving jalan RT 3")
    page.locator("#id_volume").fill("1.450")
    page.locator("#id_satuan").fill("m")
    page.get_by_label("Tahun anggaran").fill("2025")
    for i in range(rows):
        if i >= 3:
            page.get_by_role("button", name="Tambah baris pendanaan").click()
        page.select_option(f"#id_dana-{i}-pemangku", str(pemangku.pk))
        page.select_option(f"#id_dana-{i}-sumber", label="APBD Kabupaten")
        page.fill(f"#id_dana-{i}-rencana_rp", f"{i + 1}.000.000")


def _without_service_worker(page):
    """The fallback when no service worker controls the page (first visit, an old browser):
    the browser's own failed send, and the input kept on the device by draf_formulir.js.
    (The service worker's queue is tested by test_entered_offline_sent_once_…)"""
    page.context.route("**/sw.js", lambda route: route.fulfill(
        status=200, content_type="application/javascript", body="/* no fetch handler */"))
    # The route alone is not enough: Chromium may fetch the worker's script outside the
    # routes, and an installed worker then queues the offline send (and forgets the draft).
    page.add_init_script("if (navigator.serviceWorker) {"
                         " navigator.serviceWorker.register = () => new Promise(() => {}); }")


def _buka(page, url):
    """Open a form and wait for its scripts: typed before the draft script listens, a value
    would never reach the device's copy (under load the deferred scripts run late)."""
    page.goto(url)
    wait_until(page, "() => document.readyState === 'complete'")


def _tetap_ada(page, selector: str, value: str) -> None:
    """After a failed send and reopening the form, what was typed is there: put back by
    draf_formulir.js (with its notice), or kept by the browser itself, which restores a
    form's fields when the same address is loaded again after the failure (then the device's
    copy equals the page and the notice is not needed)."""
    expect(page.locator(selector)).to_have_value(value)


def _send_offline(page, button_name):
    """Press the button with the network gone. The form's POST is also aborted by a route:
    the offline switch alone let a send through now and then under load."""
    def putus(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/*", putus)
    page.context.set_offline(True)
    try:
        page.get_by_role("button", name=button_name, exact=True).click(timeout=5000)
    except PlaywrightError:
        pass
    page.wait_for_timeout(500)
    page.context.set_offline(False)
    page.unroute("**/*", putus)


def test_double_tap_makes_one_activity(page, live_server, desa_a, fasilitator_a, monkeypatch):
    import time

    from anggaran import services

    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    login_as(page.context, live_server, fasilitator_a)
    page.goto(reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}")
    _fill_activity(page, desa_a, dinas)
    # A slow server (2.5 s per save, as on the weak connection of the report).
    original = services.simpan_kegiatan

    def slow_save(*args, **kwargs):
        time.sleep(2.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "simpan_kegiatan", slow_save)
    # POSTs counted where they arrive (a service worker may stand between page and server).
    from django.core.signals import request_started

    posts = []

    def count(sender, environ=None, **kwargs):
        if environ and environ.get("REQUEST_METHOD") == "POST" \
                and environ.get("PATH_INFO", "").endswith("/kegiatan/baru/"):
            posts.append(environ["PATH_INFO"])

    request_started.connect(count, dispatch_uid="test-double-tap")
    # What the button shows while the request is out, noted in sessionStorage (kept across
    # the navigation; locators and evaluate wait for the navigation to end).
    page.evaluate("""() => { const b = document.querySelector(
        'form[method=post] button[type=submit].btn-primary');
        new MutationObserver(() => sessionStorage.setItem('tombol',
            b.textContent.trim() + '|' + b.disabled)).observe(
            b, {childList: true, characterData: true, subtree: true, attributes: true}); }""")
    page.get_by_role("button", name="Simpan", exact=True).dblclick(no_wait_after=True)
    expect(page.locator(".messages")).to_contain_text("tersimpan", timeout=20_000)
    request_started.disconnect(dispatch_uid="test-double-tap")
    assert len(posts) == 1, posts
    assert page.evaluate("sessionStorage.getItem('tombol')") == "Mengirim…|true"
    assert Kegiatan.objects.count() == 1
    assert Kegiatan.objects.get().volume == 1450  # "1.450" as the portal writes it


def test_failed_send_of_an_activity_with_four_lines_loses_nothing(
        page, live_server, desa_a, fasilitator_a):
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    _without_service_worker(page)
    login_as(page.context, live_server, fasilitator_a)
    url = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    page.goto(url)
    _fill_activity(page, desa_a, dinas, rows=4)
    token = page.locator("input[name=token_kirim]").input_value()
    _send_offline(page, "Simpan")
    assert Kegiatan.objects.count() == 0
    page.goto(url)
    expect(page.locator("[data-draf-pulih]")).to_be_visible()
    assert page.input_value("#id_nama") == "Paving jalan RT 3"
    assert page.input_value("#id_dana-3-rencana_rp") == "4.000.000"  # the added fourth row
    assert page.locator("input[name=token_kirim]").input_value() == token
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(SAVED)
    k = Kegiatan.objects.get()
    assert k.pendanaan.count() == 4 and str(k.token_kirim) == token
    # Saved: the kept input is gone, a new form starts empty.
    page.goto(url)
    expect(page.locator("[data-draf-pulih]")).to_be_hidden()
    assert page.input_value("#id_nama") == ""


def test_failed_send_of_progress_forum_and_pledge_loses_nothing(
        page, live_server, desa_a, fasilitator_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 10_000_000)],
                             status="berjalan")
    _without_service_worker(page)
    login_as(page.context, live_server, fasilitator_a)

    url = reverse("anggaran:progres_baru", args=[kegiatan.pk])
    _buka(page, url)
    page.get_by_label("Progres fisik (%)").fill("35")
    page.get_by_label("Catatan").fill("Galian selesai, pengecoran minggu depan.")
    _send_offline(page, "Simpan laporan")
    _buka(page, url)
    _tetap_ada(page, "#id_catatan", "Galian selesai, pengecoran minggu depan.")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator(".messages")).to_contain_text(SAVED)
    assert LaporanProgres.objects.count() == 1

    url = reverse("kolaborasi:forum_baru")
    _buka(page, url)
    page.get_by_label("Tanggal").fill("2025-03-05")
    page.get_by_label("Judul").fill("Rembug warga RT 3")
    _send_offline(page, "Simpan")
    _buka(page, url)
    _tetap_ada(page, "#id_judul", "Rembug warga RT 3")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(SAVED)
    assert ForumKolaborasi.objects.count() == 1

    url = reverse("kolaborasi:komitmen_baru")
    _buka(page, url)
    page.select_option("#id_pemangku", str(dinas.pk))
    page.select_option("#id_desa", str(desa_a.pk))
    page.get_by_label("Tahun").fill("2025")
    page.locator("#id_nilai_rp").fill("150.000.000")
    _send_offline(page, "Simpan")
    _buka(page, url)
    _tetap_ada(page, "#id_nilai_rp", "150.000.000")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(SAVED)
    assert Komitmen.objects.count() == 1


def test_a_12_mb_camera_photo_arrives_as_at_most_2000_px(
        page, live_server, desa_a, fasilitator_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    kegiatan = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                             10_000_000)], status="berjalan")
    # A noisy 4000×3000 JPEG at top quality: about 12 MB, like a phone camera's.
    big = Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3))
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=100, subsampling=0)
    photo = tmp_path / "IMG_20250301_101500.jpg"
    photo.write_bytes(buf.getvalue())
    assert photo.stat().st_size > 10 * 1024 * 1024
    login_as(page.context, live_server, fasilitator_a)
    page.goto(reverse("anggaran:progres_baru", args=[kegiatan.pk]))
    page.get_by_label("Progres fisik (%)").fill("50")
    page.set_input_files("#id_foto-0-foto", str(photo))
    info = page.locator('[data-preview-info-for="id_foto-0-foto"]')
    expect(info).to_contain_text("dikirim", timeout=20_000)
    expect(info).to_contain_text("2000 × 1500 px")
    sent = wait_until(page, """() => { const f = document.getElementById('id_foto-0-foto');
        return f.files.length && f.files[0].size; }""")
    assert sent < 2 * 1024 * 1024
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator(".messages")).to_contain_text("Laporan progres tersimpan",
                                                      timeout=20_000)
    foto = FotoProgres.objects.get()
    with Image.open(foto.foto.path) as stored:
        assert max(stored.size) <= 2000


def test_a_file_that_is_not_a_photo_is_refused_before_upload(
        page, live_server, desa_a, fasilitator_a, tmp_path):
    kegiatan = buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                             10_000_000)], status="berjalan")
    doc = tmp_path / "laporan.pdf"
    doc.write_bytes(b"%PDF-1.4 not a photo")
    login_as(page.context, live_server, fasilitator_a)
    page.goto(reverse("anggaran:progres_baru", args=[kegiatan.pk]))
    page.set_input_files("#id_foto-0-foto", str(doc))
    info = page.locator('[data-preview-info-for="id_foto-0-foto"]')
    expect(info).to_contain_text("tidak dikirim: bukan foto JPEG, PNG atau WebP")
    assert page.evaluate("document.getElementById('id_foto-0-foto').files.length") == 0


def send_feedback(page, desa, settings):
    """An activity page, scrolled to its feedback form, sent; returns the activity and the
    scroll position before sending (the thanks is ``#masukan-terkirim``)."""
    settings.MASUKAN_MIN_DETIK = 0
    kegiatan = buat_kegiatan(desa, lines=[(buat_pemangku("Dinas PKP", "opd"), "apbd-kab",
                                           10_000_000)], status="berjalan")
    page.goto(kegiatan.get_absolute_url())
    form = page.locator("form[data-masukan]")
    form.scroll_into_view_if_needed()
    form.get_by_label("Pesan").fill("Jalannya sudah bagus, tapi saluran di ujung tersumbat.")
    before = page.evaluate("window.scrollY")
    form.get_by_role("button", name="Kirim masukan").click()
    return kegiatan, before


def test_feedback_thanks_appear_in_place_of_the_form(page, live_server, desa_a, settings,
                                                     shot, axe):
    kegiatan, before = send_feedback(page, desa_a, settings)
    thanks = page.locator("#masukan-terkirim")
    expect(thanks).to_be_visible()
    expect(thanks).to_be_focused()
    expect(page.locator("form[data-masukan]")).to_have_count(0)
    # Where the user was: no jump of thousands of pixels, and the thanks is on screen.
    assert abs(page.evaluate("window.scrollY") - before) < 800
    box = thanks.bounding_box()
    assert box and 0 <= box["y"] < 780
    assert page.url.endswith(kegiatan.get_absolute_url())
    axe(page)
    page.screenshot(path=str(shot.__globals__["SCREENSHOTS"] / "masukan-terkirim-360.png"))


def test_funding_lines_become_cards_with_key_figures_on_screen(
        page, live_server, desa_a, fasilitator_a, shot):
    dinas = buat_pemangku("Dinas Perumahan dan Kawasan Permukiman Kabupaten Madiun", "opd")
    kegiatan = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 125_000_000, 40_000_000),
                                            (dinas, "dana-desa", 24_000_000)], status="berjalan")
    login_as(page.context, live_server, fasilitator_a)
    page.goto(kegiatan.get_absolute_url())
    cells = page.locator(".tabel-kartu td[data-label]")
    assert cells.count() >= 6
    inside = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.tabel-kartu td.angka')).every(td => { const r = td.getBoundingClientRect();
        return r.left >= 0 && r.right <= document.documentElement.clientWidth + 1; })""")
    assert inside, "a Rencana/Realisasi cell lies outside the 360 px viewport"
    expect(page.locator(".tabel-kartu tbody tr").first).to_contain_text("Rp 125.000.000")
    expect(page.locator(".tabel-kartu tbody tr").nth(1)).to_contain_text("belum ada")
    page.locator(".tabel-kartu").scroll_into_view_if_needed()
    shot(page, "pendanaan-kartu-360")


def test_restored_input_after_a_failed_send_screenshot(page, live_server, desa_a,
                                                      fasilitator_a, shot):
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    _without_service_worker(page)
    login_as(page.context, live_server, fasilitator_a)
    url = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    page.goto(url)
    _fill_activity(page, desa_a, dinas, rows=3)
    _send_offline(page, "Simpan")
    page.goto(url)
    expect(page.locator("[data-draf-pulih]")).to_be_visible()
    page.screenshot(path=str(shot.__globals__["SCREENSHOTS"] / "draf-dipulihkan-360.png"))


def test_entered_offline_sent_once_when_the_connection_returns(
        page, live_server, desa_a, fasilitator_a, tmp_path, settings, shot, axe):
    """An activity with three funding lines and a progress report with a photo, entered
    without a connection, wait on the device ("Menunggu dikirim (2)") and are sent, exactly
    once each, when the connection returns."""
    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    kegiatan = buat_kegiatan(desa_a, nama="Drainase RT 2",
                             lines=[(dinas, "apbd-kab", 10_000_000)], status="berjalan")
    photo = tmp_path / "drainase.jpg"
    Image.new("RGB", (1600, 1200), (90, 120, 60)).save(photo, "JPEG")
    login_as(page.context, live_server, fasilitator_a)
    baru = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    progres = reverse("anggaran:progres_baru", args=[kegiatan.pk])
    # Online first: the service worker takes control and keeps the two form pages.
    page.goto(baru)
    wait_until(page, "() => !!navigator.serviceWorker.controller", timeout_ms=15_000)
    page.goto(baru)
    page.goto(progres)

    page.context.set_offline(True)
    page.goto(baru)  # from the device's cache
    _fill_activity(page, desa_a, dinas, rows=3)
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Menunggu dikirim (1)")).to_be_visible()
    page.goto(progres)
    page.get_by_label("Progres fisik (%)").fill("60")
    page.set_input_files("#id_foto-0-foto", str(photo))
    expect(page.locator('[data-preview-info-for="id_foto-0-foto"]')).to_contain_text("KB")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.get_by_text("Menunggu dikirim (2)")).to_be_visible()
    expect(page.locator("[data-antrian]")).to_contain_text("Laporan progres")
    shot(page, "antrian-offline-360")
    assert Kegiatan.objects.count() == 1 and LaporanProgres.objects.count() == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Menunggu dikirim")).to_have_count(0, timeout=20_000)
    assert Kegiatan.objects.count() == 2
    baru_k = Kegiatan.objects.exclude(pk=kegiatan.pk).get()
    assert baru_k.pendanaan.count() == 3
    laporan = LaporanProgres.objects.get()
    assert laporan.persen_fisik == 60 and laporan.foto.count() == 1
    # A page opened later sends nothing again.
    page.goto(reverse("tugas_saya"))
    page.wait_for_timeout(1000)
    assert Kegiatan.objects.count() == 2 and LaporanProgres.objects.count() == 1


def test_phone_map_legend_is_a_button_and_names_do_not_overlap(page, demo_data, shot):
    page.goto("/")
    expect(page.locator("#peta path.leaflet-interactive")).to_have_count(14)
    toggle = page.get_by_role("button", name="Legenda")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".peta-legenda-isi")).to_be_hidden()
    toggle.click()
    expect(page.locator(".peta-legenda-isi")).to_be_visible()
    overlaps = page.evaluate("""() => { const r = Array.from(document.querySelectorAll(
        '.peta-label:not(.peta-label-tersembunyi)')).map(e => e.getBoundingClientRect());
        let n = 0; for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++)
        if (r[i].left < r[j].right && r[i].right > r[j].left && r[i].top < r[j].bottom
            && r[i].bottom > r[j].top) n++; return [n, r.length]; }""")
    assert overlaps[0] == 0 and overlaps[1] > 0, overlaps
    page.locator("#peta").screenshot(path=str(shot.__globals__["SCREENSHOTS"]
                                              / "peta-legenda-360.png"))


def test_funding_amounts_are_read_back_and_totalled(page, live_server, desa_a, fasilitator_a):
    login_as(page.context, live_server, fasilitator_a)
    page.goto(reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}")
    page.fill("#id_dana-0-rencana_rp", "150000000")
    expect(page.locator("#id_dana-0-rencana_rp_gema")).to_have_text("= Rp 150 juta")
    page.fill("#id_dana-1-rencana_rp", "Rp 2.500.000.000")
    expect(page.locator("#id_dana-1-rencana_rp_gema")).to_have_text("= Rp 2,5 miliar")
    expect(page.locator(".dana-total")).to_contain_text("rencana Rp 2.650.000.000")


def test_a_queued_entry_the_server_refuses_stays_listed_with_the_reason(
        page, live_server, desa_a, fasilitator_a, shot, page_errors):
    """Entered offline with English grouping in the volume ("1,450.50"): when the connection
    returns the server refuses it; the entry stays in "Menunggu dikirim" with the server's
    reason instead of vanishing, and nothing is saved."""
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    login_as(page.context, live_server, fasilitator_a)
    baru = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    page.goto(baru)
    wait_until(page, "() => !!navigator.serviceWorker.controller", timeout_ms=15_000)
    page.goto(baru)

    page.context.set_offline(True)
    page.goto(baru)
    _fill_activity(page, desa_a, dinas)
    page.locator("#id_volume").fill("1,450.50")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.get_by_text("Menunggu dikirim (1)")).to_be_visible()

    page.context.set_offline(False)
    # The failed offline send is logged by the browser as a failed load: expected here.
    page_errors[:] = [e for e in page_errors if "net::ERR_FAILED" not in e]
    page_errors.check()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    antrian = page.locator("[data-antrian]")
    expect(antrian).to_contain_text("perlu diperiksa", timeout=20_000)
    expect(antrian.locator(".antrian-alasan")).to_contain_text("1,450.50")
    expect(page.get_by_text("Menunggu dikirim (1)")).to_be_visible()
    assert Kegiatan.objects.count() == 0
    shot(page, "issue17-antrian-ditolak-360")
    # Still listed on the next page, and not sent again.
    page.goto(reverse("tugas_saya"))
    expect(page.locator("[data-antrian] .antrian-alasan")).to_contain_text("1,450.50")
    assert Kegiatan.objects.count() == 0


def test_a_pdf_link_says_the_pdf_is_being_prepared(page, live_server, desa_a, page_errors):
    """The PDF takes seconds: the link says "Menyiapkan PDF…" at once (CSP-clean script)."""
    pdf = reverse("laporan_desa", args=[desa_a.kode_wilayah])
    page.goto(desa_a.get_absolute_url())
    # The PDF answered "204 No Content": the browser stays on the page, as while it waits.
    asked = []
    page.route(f"**{pdf}*", lambda route: (asked.append(1), route.fulfill(status=204)))
    page.locator(f'a[href="{pdf}"]').click()
    expect(page.locator("[data-pdf-status]")).to_have_text("Menyiapkan PDF…")
    expect(page.locator("[data-pdf-status]")).to_have_attribute("role", "status")
    expect(page.locator(f'a[href="{pdf}"]')).to_have_attribute("aria-busy", "true")
    assert asked


def test_logged_in_menu_fits_one_line_at_1280_and_tasks_come_second_on_the_phone(
        page, live_server, fasilitator_a, admin_user):
    admin_user.first_name = "Administrator"
    admin_user.save()
    for user in (fasilitator_a, admin_user):
        page.context.clear_cookies()
        login_as(page.context, live_server, user)
        for width in (1200, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(reverse("beranda"))
            height = page.locator("nav.navbar-portal").bounding_box()["height"]
            assert height < 70, height  # one line (two would be about 100 px)
            # ... and nothing runs off its right edge (a button there sat on the white page).
            assert page.evaluate("() => { const c = document.querySelector('nav .container-lg');"
                                 " return c.scrollWidth <= c.clientWidth; }"), width
        # The account menu holds the work tools and Keluar.
        page.locator("nav .dropdown-toggle").click()
        expect(page.get_by_role("button", name="Keluar")).to_be_visible()
        if user == admin_user:
            expect(page.locator(".dropdown-menu").get_by_role("link", name="Admin")).to_be_visible()
        page.set_viewport_size({"width": 360, "height": 780})
        page.get_by_role("button", name="Buka menu").click()
        names = [t.strip() for t in page.locator("#nav-utama .nav-link:visible").all_inner_texts()]
        assert names[:2] == ["Beranda", "Tugas saya"], names
        assert names.count("Tugas saya") == 1
