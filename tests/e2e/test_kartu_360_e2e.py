"""Issue 17, phone layouts: at 360 px the key figures of the five pages of key numbers lie on
screen without sideways scrolling, checked by a script in the page:

- the tables become stacked cards ("label: value", .tabel-kartu) on a verified assessment's
  result (Persen/Skor), an activity's funding lines (Rencana/Realisasi), the activity list
  (amounts) and Dampak;
- the funder × region matrix, too wide for cards, keeps the names on the left and the row
  total on the right while the desa columns scroll between them, under a visible "geser →".

Screenshots: docs/screenshots/issue17-kartu-*.png and issue17-masukan-terkirim-360.png.
"""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse
from playwright.sync_api import expect

from anggaran.models import Kegiatan
from desa.models import Penilaian
from tests.e2e.conftest import SCREENSHOTS, assert_fits
from tests.e2e.test_lapangan_e2e import send_feedback

pytestmark = pytest.mark.e2e

WIDTH = 360

# The key cells of each page, and every one of them must lie inside the viewport.
INSIDE = """(selector) => {
  const cells = Array.from(document.querySelectorAll(selector))
    .filter(e => e.getClientRects().length);
  const outside = cells.filter(e => { const r = e.getBoundingClientRect();
    return r.left < 0 || r.right > window.innerWidth + 0.5 || r.width === 0; })
    .map(e => (e.dataset.label || e.className) + ' ' + Math.round(e.getBoundingClientRect().right));
  return {n: cells.length, outside: outside.slice(0, 5),
          scrollWidth: document.scrollingElement.scrollWidth};
}"""


def _check(page, selector, minimum=1):
    found = page.evaluate(INSIDE, selector)
    assert found["n"] >= minimum, f"{page.url}: only {found['n']} cells match {selector}"
    assert found["outside"] == [], f"{page.url}: key cells off screen: {found['outside']}"
    assert found["scrollWidth"] <= WIDTH, f"{page.url} scrolls sideways: {found['scrollWidth']}"
    assert_fits(page)


def test_five_pages_show_their_key_figures_at_360(page, demo_data, shot, axe):
    assert page.viewport_size["width"] == WIDTH

    # 1. A verified assessment's result: Persen and Skor of every criterion, as cards.
    p = Penilaian.objects.filter(status="diverifikasi").order_by("pk").first()
    page.goto(reverse("desa:penilaian_detail", args=[p.pk]))
    table = page.locator("table.tabel-baseline.tabel-kartu")
    expect(table).to_be_visible()
    expect(table.locator('td[data-label="Skor"]').first).to_be_visible()
    _check(page, '.tabel-baseline td[data-label="Persen (%)"], '
                 '.tabel-baseline td[data-label="Skor"]', 10)
    _check(page, ".tabel-baseline tfoot td")
    shot(page, "issue17-kartu-penilaian-360")
    axe(page)

    # 2. An activity's funding lines: Rencana and Realisasi, and the total.
    k = (Kegiatan.objects.annotate(n=Count("pendanaan")).filter(n__gte=2, progres__isnull=False)
         .order_by("pk").first()
         or Kegiatan.objects.annotate(n=Count("pendanaan")).order_by("-n", "pk").first())
    page.goto(k.get_absolute_url())
    _check(page, '.tabel-kartu td[data-label="Rencana"], '
                 '.tabel-kartu td[data-label="Realisasi"]', 2)
    shot(page, "issue17-kartu-pendanaan-360")
    axe(page)

    # 3. The activity list: the name leads each card, the amounts are on screen.
    page.goto(reverse("anggaran:kegiatan_list"))
    _check(page, '.tabel-kartu .kartu-judul, .tabel-kartu td[data-label="Rencana"], '
                 '.tabel-kartu td[data-label="Realisasi"]', 10)
    first = page.locator(".tabel-kartu tbody tr").first
    # The title (third column on a desktop) is the card's first line.
    assert (first.locator(".kartu-judul").bounding_box()["y"]
            < first.locator('td[data-label="Desa"]').bounding_box()["y"])
    shot(page, "issue17-kartu-kegiatan-360")
    axe(page)

    # 4. The matrix: names on the left, the total on the right, a visible scroll cue.
    page.goto(reverse("matriks"))
    expect(page.get_by_text("geser →")).to_be_visible()
    _check(page, "table.matriks tbody th, table.matriks .matriks-total", 4)
    wrap = page.locator(".matriks-wrap")
    assert page.evaluate("e => e.scrollWidth > e.clientWidth", wrap.element_handle())
    # Scrolled to its far end, the names still show on the left, the totals on the right.
    page.evaluate("e => { e.scrollLeft = e.scrollWidth; }", wrap.element_handle())
    _check(page, "table.matriks tbody th, table.matriks .matriks-total", 4)
    shot(page, "issue17-kartu-matriks-360")
    axe(page)

    # 5. Dampak: baseline, measured and projected scores per desa.
    page.goto(reverse("dampak"))
    _check(page, '.tabel-kartu td[data-label="Baseline"], .tabel-kartu td[data-label="Terukur"], '
                 '.tabel-kartu td[data-label="Proyeksi"], '
                 '.tabel-kartu td[data-label="Realisasi"]', 4)
    # Its other tables too (area per year, services, unit costs): every labelled figure.
    _check(page, ".tabel-kartu td[data-label]", 40)
    shot(page, "issue17-kartu-dampak-360")
    axe(page)


def test_desktop_keeps_the_tables(page, demo_data):
    """At 1280 px (≥ 576) nothing is a card: the table header shows, cells sit in rows."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("anggaran:kegiatan_list"))
    expect(page.locator(".tabel-kartu thead th").first).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.tabel-kartu td')).display"
                         ) == "table-cell"
    assert page.evaluate("getComputedStyle(document.querySelector('.tabel-kartu tr')).display"
                         ) == "table-row"
    page.goto(reverse("matriks"))
    expect(page.get_by_text("geser →")).to_be_hidden()


def test_feedback_confirmation_at_360_screenshot(page, live_server, desa_a, settings):
    send_feedback(page, desa_a, settings)
    thanks = page.locator("#masukan-terkirim")
    expect(thanks).to_be_visible()
    box = thanks.bounding_box()
    assert box and 0 <= box["y"] and box["x"] + box["width"] <= WIDTH
    page.screenshot(path=str(SCREENSHOTS / "issue17-masukan-terkirim-360.png"))
