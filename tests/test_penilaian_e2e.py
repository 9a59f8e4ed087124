"""Browser test of the assessment form (Debian Chromium via Playwright): the live score that
htmx fetches from the server while the facilitator types, at phone width."""

import os
import shutil

import pytest
from django.test import Client
from django.urls import reverse

from desa.models import Penilaian
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian Chromium not installed"),
]


@pytest.fixture(autouse=True)
def _data_migrations(transactional_db):
    """An earlier transactional test (another browser test) ends with a flush, which empties the
    rows the data migrations made: put the roles and the rule sets back (idempotent)."""
    import importlib

    from django.apps import apps

    for module, function in (("kotaku.migrations.0001_roles", "create_roles"),
                             ("desa.migrations.0003_seed_aturan", "seed")):
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.mark.django_db(transaction=True)
def test_live_score_while_typing_then_save(live_server, desa_a, fasilitator_a):
    sync_api = pytest.importorskip("playwright.sync_api")
    p = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    login = Client()
    login.force_login(fasilitator_a)
    session = login.cookies["sessionid"].value
    url = live_server.url + reverse("desa:penilaian_ubah", args=[p.pk])

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 360, "height": 780})
            context.add_cookies([{"name": "sessionid", "value": session,
                                  "url": live_server.url}])
            page = context.new_page()
            expect = sync_api.expect
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # The portal sends a strict CSP (no inline script/style, no eval): any violation
            # by the page (htmx swaps included) shows up as a console error.
            page.on("console", lambda msg: errors.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.goto(url)
            total = "#skor-ringkasan [data-total]"
            assert page.locator(total).inner_text() == "14"
            # Phone width: nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360

            page.fill("#id_v_1a", "45")  # 90 % of 50 buildings → score 5 (was 1)
            expect(page.locator(total)).to_have_text("18", timeout=10000)
            assert page.locator("#persen-1a").inner_text() == "90,00"
            assert page.locator("#skor-1a").inner_text() == "5"
            expect(page.locator("#skor-mini")).to_contain_text("18")

            page.fill("#id_v_1c", "60")  # above the 50 buildings: message while typing
            expect(page.locator("#galat-v_1c .invalid-feedback")).to_contain_text(
                "melebihi jumlah bangunan", timeout=10000)

            page.fill("#id_v_1c", "24")
            expect(page.locator("#galat-v_1c .invalid-feedback")).to_have_count(0, timeout=10000)
            page.get_by_role("button", name="Simpan draf").click()
            page.wait_for_url(url)
            assert "Draf tersimpan" in page.content()
            assert errors == []
        finally:
            browser.close()
    saved = Penilaian.objects.get(pk=p.pk)
    assert saved.total_skor == 18 and saved.volume.get(kriteria__kode="1a").volume == 45


@pytest.mark.django_db(transaction=True)
def test_desa_page_draws_the_score_chart(live_server, desa_a):
    sync_api = pytest.importorskip("playwright.sync_api")
    lokasi = buat_lokasi(desa_a)
    for tahun in (2022, 2023, 2024):
        buat_penilaian(lokasi, tahun, status="diverifikasi")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 360, "height": 780})
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda msg: errors.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.goto(live_server.url + desa_a.get_absolute_url())
            canvas = page.locator("#grafik-riwayat-penilaian")
            sync_api.expect(canvas).to_be_visible()
            # Chart.js sized the canvas (it stays 300x150 when no chart was drawn).
            assert canvas.evaluate("c => c.height") != 150 or canvas.evaluate(
                "c => c.width") != 300
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert errors == []
        finally:
            browser.close()
