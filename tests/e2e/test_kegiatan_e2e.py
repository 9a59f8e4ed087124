"""Scenario 3, at phone width: a facilitator enters an activity with three funding lines
(refused once, with the errors summarised and focused), then a progress report whose photo
is previewed with its size before sending; the saved photo shows on the activity page."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from anggaran.models import FotoProgres, Kegiatan
from tests.anggaran_helpers import buat_pemangku, image_bytes, kriteria
from tests.e2e.conftest import assert_fits, login_as, wait_until

pytestmark = pytest.mark.e2e


def test_activity_with_three_funding_lines_then_progress_photo(
        page, page_errors, axe, shot, live_server, desa_a, fasilitator_a, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = buat_pemangku("Dinas PKP Kabupaten Madiun", "opd")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a)
    lkm = buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a)
    photo = tmp_path / "paving.png"
    photo.write_bytes(image_bytes("PNG", size=(800, 600)))
    kriteria_2b = str(kriteria("2b").pk)
    login_as(page.context, live_server, fasilitator_a)

    page.goto(reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}")
    expect(page.get_by_role("heading", name="Tambah kegiatan")).to_be_visible()
    # Phone keyboards: numbers get a numeric keypad, dates the date picker.
    assert page.get_attribute("#id_volume", "inputmode") == "decimal"
    assert page.get_attribute("#id_tahun_anggaran", "inputmode") == "numeric"
    assert page.get_attribute("#id_dana-0-rencana_rp", "inputmode") == "numeric"
    assert page.get_attribute("#id_tanggal_mulai", "type") == "date"
    assert_fits(page)
    axe(page)

    # Labels are tied to their inputs: fill by label, as a screen reader user finds them.
    page.get_by_label("Kriteria yang ditangani").select_option(kriteria_2b)
    page.locator("#id_volume").fill("170")
    page.locator("#id_satuan").fill("m")
    page.get_by_label("Tahun anggaran").fill("2018")
    page.get_by_label("Tanggal mulai").fill("2018-07-02")
    lines = [(dinas, "APBD Kabupaten", "Rp 100.000.000"),
             (pemdes, "Dana Desa / APBDes", "35.000.000"),
             (lkm, "Swadaya Masyarakat", "12.500.000")]
    for i, (pemangku, sumber, rencana) in enumerate(lines):
        page.select_option(f"#id_dana-{i}-pemangku", str(pemangku.pk))
        page.select_option(f"#id_dana-{i}-sumber", label=sumber)
        page.fill(f"#id_dana-{i}-rencana_rp", rencana)
    page.check("#id_dana-2-natura")
    page.fill("#id_dana-2-uraian_natura", "Tenaga kerja warga 25 HOK")

    # Keyboard only: the "add a row" button is reachable and moves focus into the new row.
    add = page.get_by_role("button", name="Tambah baris pendanaan")
    add.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_dana-3-pemangku")).to_be_focused()
    assert page.locator("#id_dana-TOTAL_FORMS").input_value() == "4"

    # The name was left out: refused, summarised at the top (focused) and next to the field.
    page.get_by_role("button", name="Simpan", exact=True).click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Isi nama kegiatan.")
    expect(page.locator("#id_nama_error")).to_have_text("Isi nama kegiatan.")
    assert page.get_attribute("#id_nama", "aria-invalid") == "true"
    axe(page)
    shot(page, "kegiatan-form-galat-360")
    summary.get_by_role("link", name="Nama kegiatan").click()
    expect(page.locator("#id_nama")).to_be_focused()
    # Everything else typed is still there.
    assert page.input_value("#id_dana-1-rencana_rp") == "35.000.000"
    page.keyboard.type("Paving jalan akses kolam lele")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("tersimpan")
    expect(page.locator("tfoot")).to_contain_text("Rp 147.500.000")
    expect(page.locator("tfoot")).to_contain_text("3 sumber dana, 3 pemberi dana")
    kegiatan = Kegiatan.objects.get()
    assert sorted(kegiatan.pendanaan.values_list("rencana_rp", flat=True)) == [
        Decimal(12_500_000), Decimal(35_000_000), Decimal(100_000_000)]

    page.get_by_role("link", name="Tambah laporan progres").click()
    expect(page.get_by_role("heading", name="Laporan progres baru")).to_be_visible()
    assert page.get_attribute("#id_tanggal", "type") == "date"
    page.get_by_label("Progres fisik (%)").fill("50")
    page.set_input_files("#id_foto-0-foto", str(photo))
    # The chosen image and its size show before anything is sent.
    preview = page.locator('img[data-preview-for="id_foto-0-foto"]')
    expect(preview).to_be_visible()
    assert wait_until(page, """() => { const i = document.querySelector(
        'img[data-preview-for="id_foto-0-foto"]'); return i.complete && i.naturalWidth; }""") == 800
    info = page.locator('[data-preview-info-for="id_foto-0-foto"]')
    expect(info).to_contain_text("paving.png")
    expect(info).to_contain_text("KB")
    assert FotoProgres.objects.count() == 0
    page.select_option("#id_foto-0-tahap", "50")
    assert_fits(page)
    axe(page)
    shot(page, "progres-form-pratinjau-360")
    page.get_by_role("button", name="Simpan laporan").click()
    expect(page.locator(".messages")).to_contain_text("Laporan progres tersimpan")
    expect(page.get_by_text("50% (pelaksanaan)").first).to_be_visible()
    # The stored (re-encoded) photo is shown on the activity page.
    thumb = page.locator("img.foto-thumb").first
    thumb.scroll_into_view_if_needed()
    expect(thumb).to_be_visible()
    wait_until(page, """() => { const i = document.querySelector('img.foto-thumb');
                                return i.complete && i.naturalWidth > 0; }""")
    assert FotoProgres.objects.get().tahap == "50"
    assert_fits(page)
    axe(page)
    page_errors.check()
