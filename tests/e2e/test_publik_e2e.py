"""Scenario 4: an anonymous visitor follows the money (Beranda → matrix → the activities
behind one cell → a desa profile → its activities as CSV), keyboard first.

Scenario 5: every main page at 360 px and 1280 px: a screenshot in docs/screenshots/, no
console error, no sideways scrolling on a phone, and no serious or critical axe-core finding
(every page at 360 px; at 1280 px the pages whose structure changes with the width)."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from playwright.sync_api import expect

from anggaran.models import Kegiatan
from desa.models import Desa, Penilaian
from kolaborasi.models import PemangkuKepentingan
from tests.e2e.conftest import DESKTOP, PHONE, assert_fits, login_as
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

pytestmark = pytest.mark.e2e


def rupiah(text: str) -> int:
    return int(re.sub(r"\D", "", text) or 0)


def test_anonymous_visitor_follows_the_money(page, page_errors, demo_data):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("KOTAKU Kecamatan Jiwan")
    # The map draws the 14 desa; the levels carry text, not only colour.
    expect(page.locator("#peta path.leaflet-interactive")).to_have_count(14)
    expect(page.locator("table .badge-level").first).not_to_be_empty()

    # Keyboard only: the first Tab shows the skip link, which leads past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    # Focus is visible on links: a solid outline, not only Bootstrap's pale glow.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    page.get_by_role("link", name="Siapa mendanai apa, di mana →").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siapa mendanai apa, di mana")
    cell = page.locator("table.matriks tbody td.angka a").first
    funder = page.locator("table.matriks tbody tr").first.locator("th").inner_text()
    amount = rupiah(cell.inner_text())
    assert amount > 0
    cell.focus()
    page.keyboard.press("Enter")  # drill down with the keyboard

    # The activities behind the number: their lines of this funder add up to it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Kegiatan penanganan")
    column = page.locator("table thead th").all_inner_texts().index("Rencana sesuai filter")
    shares = page.locator(f"table tbody tr td:nth-child({column + 1})").all_inner_texts()
    assert shares and sum(rupiah(s) for s in shares) == amount, (funder, shares, amount)
    page.locator("table tbody tr td:first-child a").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Desa ")
    desa_name = page.locator(".breadcrumb-item.active").inner_text()
    page.get_by_role("link", name="Daftar kegiatan desa ini →").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Unduh CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert "Nama kegiatan" in rows[0]
    desa_col = rows[0].index("Desa")
    assert len(rows) > 1 and {r[desa_col] for r in rows[1:]} == {desa_name}
    assert len(rows) - 1 == Kegiatan.objects.filter(desa__nama=desa_name).count()
    page_errors.check()


AXE_DESKTOP = {"beranda", "matriks", "kegiatan-daftar", "tugas-saya", "penilaian-form"}


def _main_pages(fasilitator):
    """(screenshot name, URL, who) of the pages a visitor and a facilitator use most."""
    bibrik = Desa.objects.get(nama="Bibrik")
    pemangku = (PemangkuKepentingan.objects.annotate(n=Count("pendanaan"))
                .order_by("-n", "nama").first())
    kegiatan = (Kegiatan.objects.filter(desa=bibrik).annotate(n=Count("pendanaan"))
                .order_by("-n", "pk").first())
    penilaian = (Penilaian.objects.filter(lokasi__desa=bibrik, status="diverifikasi")
                 .order_by("-tahun", "pk").first())
    # A draft for the form, in the facilitator's other desa (Bibrik's profile stays as seeded).
    draf = buat_penilaian(buat_lokasi(Desa.objects.get(nama="Sukolilo"), nama="Dusun Contoh"),
                          datetime.date.today().year, user=fasilitator)
    return [
        ("beranda", "/", None),
        ("matriks", "/siapa-mendanai/", None),
        ("desa-daftar", "/desa/", None),
        ("desa", bibrik.get_absolute_url(), None),
        ("pemangku", pemangku.get_absolute_url(), None),
        ("kegiatan-daftar", "/anggaran/kegiatan/", None),
        ("kegiatan", kegiatan.get_absolute_url(), None),
        ("penilaian-daftar", "/desa/penilaian/", None),
        ("penilaian", penilaian.get_absolute_url(), None),
        ("masuk", "/masuk/", None),
        ("tugas-saya", "/tugas-saya/", fasilitator),
        ("penilaian-form", f"/desa/penilaian/{draf.pk}/ubah/", fasilitator),
        ("kegiatan-form", f"/anggaran/kegiatan/baru/?desa={bibrik.kode_wilayah}", fasilitator),
        ("progres-form", f"/anggaran/kegiatan/{kegiatan.pk}/progres/baru/", fasilitator),
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1280"])
def test_main_pages_fit_pass_axe_and_are_photographed(viewport, page, page_errors, axe, shot,
                                                      live_server, demo_data):
    fasilitator = User.objects.get(username="fasil.bibrik")
    page.set_viewport_size(viewport)
    width = viewport["width"]
    logged_in = False
    for name, url, user in _main_pages(fasilitator):
        if user and not logged_in:
            login_as(page.context, live_server, user)
            logged_in = True
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        expect(page.locator("main h1")).to_be_visible()
        if width == PHONE["width"]:
            assert_fits(page)
        # axe on every page at phone width (tables scroll there); on the desktop layout on the
        # pages whose structure changes with it: the open navbar (anonymous and logged in),
        # the wide matrix, the form beside its sticky score card.
        if width == PHONE["width"] or name in AXE_DESKTOP:
            axe(page)
        shot(page, f"{name}-{width}")
        page_errors.check()
