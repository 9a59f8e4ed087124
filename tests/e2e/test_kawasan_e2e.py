"""Issue 15: the kawasan page draws its delineation over the boundaries of its desa."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from desa.models import Desa, KawasanDesa
from tests.penilaian_helpers import buat_kawasan

pytestmark = pytest.mark.e2e

POLIGON = {"type": "Polygon", "coordinates": [[[111.575, -7.605], [111.585, -7.605],
                                               [111.585, -7.597], [111.575, -7.597],
                                               [111.575, -7.605]]]}


def test_kawasan_page_shows_polygon_on_map(page, page_errors, jiwan, axe, shot):
    bibrik, sukolilo = Desa.objects.get(nama="Bibrik"), Desa.objects.get(nama="Sukolilo")
    kw = buat_kawasan(bibrik, nama="Kawasan uji (demo)", luas="10.2", delineasi=POLIGON,
                      is_demo=True)
    KawasanDesa.objects.create(kawasan=kw, desa=bibrik, luas_ha=Decimal("6.2"))
    KawasanDesa.objects.create(kawasan=kw, desa=sukolilo, luas_ha=Decimal("4"))
    page.goto(kw.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kawasan uji")
    # Two desa boundaries and the kawasan polygon, styled apart.
    expect(page.locator("#peta path.leaflet-interactive")).to_have_count(3)
    expect(page.locator("#peta path.peta-kawasan")).to_have_count(1)
    expect(page.locator(".luas-per-desa tbody tr")).to_have_count(2)
    axe(page)
    shot(page, "issue15-kawasan")
