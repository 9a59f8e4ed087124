"""Issue 15: a facilitator writes their desa's plan on a phone: a new RPLP (the form
explains it and preselects their only desa), an item with two criteria, then corrects the
item; a wrong year gets its message on the field. axe clean; screenshots."""

from playwright.sync_api import expect

from kolaborasi.models import DokumenRencana, ItemRencana
from tests.e2e.conftest import assert_fits, login_as


def test_a_facilitator_writes_the_rplp_of_their_desa_at_360_px(page, live_server, fasilitator_a,
                                                                 desa_a, axe, shot, page_errors):
    login_as(page.context, live_server, fasilitator_a)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/kolaborasi/rencana/")
    page.get_by_role("link", name="Rencana baru").click()
    expect(page.locator("main h1")).to_have_text("Rencana baru")
    expect(page.get_by_label("Desa")).to_have_value(str(desa_a.pk))  # their only desa
    page.get_by_label("Judul").fill("RPLP Bibrik 2025–2029")
    page.get_by_label("Tahun mulai").fill("2029")
    page.get_by_label("Tahun selesai").fill("2025")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text(
        "Periode rencana tidak wajar")
    assert not DokumenRencana.objects.exists()
    page.get_by_label("Tahun mulai").fill("2025")
    page.get_by_label("Tahun selesai").fill("2029")
    assert_fits(page)
    axe(page)
    shot(page, "issue15-rencana-baru-360")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("main h1")).to_contain_text("RPLP Bibrik 2025–2029")

    page.get_by_role("link", name="Tambah item").click()
    page.get_by_label("Nama item").fill("Saluran drainase RT 03")
    page.get_by_label("Kriteria 1", exact=True).select_option(label="4b – " + _nama("4b"))
    page.get_by_label("Volume kriteria 1 (satuan kriteria)").fill("250")
    page.get_by_label("Kriteria 2", exact=True).select_option(label="2b – " + _nama("2b"))
    page.get_by_label("Volume kriteria 2 (satuan kriteria)").fill("120,5")
    page.locator("#id_volume").fill("250")
    page.locator("#id_satuan").fill("m")
    page.get_by_label("Perkiraan biaya (Rp)").fill("175.000.000")
    page.get_by_label("Tahun target").fill("2026")
    # Every field of the form carries Bootstrap's look (the criterion rows are added by the
    # form itself).
    assert page.locator("#id_volume_1.form-control, #id_kriteria_1.form-select").count() == 2
    assert_fits(page)
    axe(page)
    shot(page, "issue15-item-rencana-360")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#memorandum")).to_contain_text("Saluran drainase RT 03")
    item = ItemRencana.objects.get()
    assert sorted((r.kriteria.kode, str(r.volume)) for r in item.item_kriteria.all()) == [
        ("2b", "120.50"), ("4b", "250.00")]

    page.get_by_role("link", name="ubah item").click()
    expect(page.get_by_label("Nama item")).to_have_value("Saluran drainase RT 03")
    page.get_by_label("Perkiraan biaya (Rp)").fill("180.000.000")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#memorandum")).to_contain_text("Rp 180.000.000")
    page_errors.check()


def _nama(kode: str) -> str:
    from desa.models import Kriteria

    return Kriteria.objects.get(aturan__bawaan=True, kode=kode).nama
