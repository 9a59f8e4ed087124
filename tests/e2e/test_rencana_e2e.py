"""Issue 15: "Peluang kolaborasi" on a phone, anonymously: the open items of the demo plans,
a filter, an item page with its expression-of-interest form, the thanks in its place; no
contact data anywhere; axe clean; screenshots in docs/screenshots/issue15-*."""

from playwright.sync_api import expect

from kolaborasi.models import PemangkuKepentingan
from tests.e2e.conftest import assert_fits


def test_peluang_kolaborasi_at_360_px_anonymously(page, live_server, demo_data, settings, axe,
                                                  shot, page_errors):
    settings.MASUKAN_MIN_DETIK = 0
    page.goto(live_server.url + "/peluang-kolaborasi/")
    expect(page.locator("main h1")).to_have_text("Peluang kolaborasi")
    expect(page.locator(".peluang-item").first).to_be_visible()
    assert_fits(page)
    axe(page)
    body = page.content()
    for p in PemangkuKepentingan.objects.exclude(kontak_email=""):
        assert p.kontak_email not in body and (not p.kontak_telepon
                                               or p.kontak_telepon not in body)
    shot(page, "issue15-peluang-360")
    page.get_by_label("Pendekatan").select_option("institusi")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator(".peluang-item")).not_to_have_count(0)
    assert "pendekatan=institusi" in page.url
    page.locator(".peluang-item a").first.click()
    expect(page.locator("#minat")).to_be_visible()
    assert_fits(page)
    axe(page)
    form = page.locator("form[data-masukan]")
    form.get_by_label("Nama lembaga/perusahaan").fill("CSR Contoh")
    form.get_by_label("E-mail atau telepon", exact=False).fill("csr@contoh.invalid")
    form.get_by_label("Minat dan dukungan yang ditawarkan").fill(
        "Kami berminat mendukung sebagian biaya item ini.")
    shot(page, "issue15-minat-360")
    form.get_by_role("button", name="Kirim pernyataan minat").click()
    expect(page.locator("#masukan-terkirim")).to_be_visible()
    assert "csr@contoh.invalid" not in page.content()
    page_errors.check()


def test_memorandum_program_page_on_a_desktop(page, live_server, demo_data, axe, shot,
                                              page_errors):
    from kolaborasi.models import DokumenRencana

    page.set_viewport_size({"width": 1280, "height": 900})
    dokumen = DokumenRencana.objects.get(desa__nama="Bibrik")
    page.goto(live_server.url + dokumen.get_absolute_url())
    expect(page.locator("#memorandum")).to_be_visible()
    expect(page.locator("#total-kurang")).not_to_be_empty()
    axe(page)
    shot(page, "issue15-memorandum-1280")
    page.goto(live_server.url + "/kolaborasi/celah-pendanaan/")
    expect(page.locator("main h1")).to_be_visible()
    axe(page)
    shot(page, "issue15-celah-rupiah-1280")
    page_errors.check()
