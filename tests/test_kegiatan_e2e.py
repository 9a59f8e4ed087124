"""Browser test of activity entry at phone width (Debian Chromium via Playwright): a funding
line added with the "add row" button, then a progress report whose photo is previewed with its
size before sending."""

import os
import shutil
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from anggaran.models import FotoProgres, Kegiatan
from tests.anggaran_helpers import buat_pemangku, image_bytes, kriteria

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Set KOTAKU_SCREENSHOTS=/some/dir to keep screenshots of each step for review.
SHOTS = os.environ.get("KOTAKU_SCREENSHOTS")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian Chromium not installed"),
]


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_activity_with_added_line_then_progress_photo_preview(live_server, desa_a,
                                                              fasilitator_a, tmp_path, settings):
    sync_api = pytest.importorskip("playwright.sync_api")
    settings.MEDIA_ROOT = tmp_path
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a)
    login = Client()
    login.force_login(fasilitator_a)
    session = login.cookies["sessionid"].value
    photo = tmp_path / "paving.png"
    photo.write_bytes(image_bytes("PNG", size=(200, 150)))
    kriteria_2b = str(kriteria("2b").pk)  # no ORM inside Playwright's event loop

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 360, "height": 780})
            context.add_cookies([{"name": "sessionid", "value": session,
                                  "url": live_server.url}])
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(live_server.url + reverse("anggaran:kegiatan_baru")
                      + f"?desa={desa_a.kode_wilayah}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.select_option("#id_kriteria", kriteria_2b)
            page.fill("#id_nama", "Paving jalan akses kolam lele")
            page.fill("#id_volume", "170")
            page.fill("#id_satuan", "m")
            page.fill("#id_tahun_anggaran", "2018")
            page.select_option("#id_dana-0-pemangku", str(dinas.pk))
            page.select_option("#id_dana-0-sumber", label="APBD Kabupaten")
            page.fill("#id_dana-0-rencana_rp", "Rp 100.000.000")
            # Three empty rows come with the page; the button adds a fourth.
            page.get_by_role("button", name="Tambah baris pendanaan").click()
            assert page.locator("#id_dana-TOTAL_FORMS").input_value() == "4"
            page.select_option("#id_dana-3-pemangku", str(pemdes.pk))
            page.select_option("#id_dana-3-sumber", label="Dana Desa / APBDes")
            page.fill("#id_dana-3-rencana_rp", "35.000.000")
            _shot(page, "1-kegiatan-form")
            page.get_by_role("button", name="Simpan", exact=True).click()
            page.wait_for_url("**/anggaran/kegiatan/*/")
            assert "Rp 135.000.000" in page.content()
            _shot(page, "2-kegiatan-detail")

            detail_url = page.url
            kegiatan_pk = int(detail_url.rstrip("/").rsplit("/", 1)[1])
            page.goto(live_server.url + reverse("anggaran:progres_baru", args=[kegiatan_pk]))
            page.fill("#id_persen_fisik", "50")
            page.set_input_files("#id_foto-0-foto", str(photo))
            preview = page.locator('img[data-preview-for="id_foto-0-foto"]')
            preview.wait_for(state="visible")
            assert "paving.png" in page.locator(
                '[data-preview-info-for="id_foto-0-foto"]').inner_text()
            assert "KB" in page.locator('[data-preview-info-for="id_foto-0-foto"]').inner_text()
            page.select_option("#id_foto-0-tahap", "50")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            _shot(page, "3-progres-form")
            page.get_by_role("button", name="Simpan laporan").click()
            page.wait_for_url(detail_url)
            assert "50% (pelaksanaan)" in page.content()
            _shot(page, "4-kegiatan-foto")
            page.goto(live_server.url + reverse("anggaran:kegiatan_list"))
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            _shot(page, "5-kegiatan-list")
            page.goto(live_server.url + reverse("kolaborasi:pemangku_list"))
            _shot(page, "6-pemangku-list")
            page.goto(live_server.url + reverse("kolaborasi:pemangku_detail", args=[dinas.pk]))
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            _shot(page, "7-pemangku-detail")
            assert errors == []
        finally:
            browser.close()
    kegiatan = Kegiatan.objects.get(pk=kegiatan_pk)
    assert sorted(kegiatan.pendanaan.values_list("rencana_rp", flat=True)) == [
        Decimal(35_000_000), Decimal(100_000_000)]
    assert FotoProgres.objects.get().tahap == "50"
