"""Browser test of the assessment form: the live score that htmx fetches from the server while
the facilitator types, at phone width; and the desa page's score chart."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from desa.models import Penilaian
from tests.e2e.conftest import assert_fits, login_as, wait_until
from tests.penilaian_helpers import buat_lokasi, buat_penilaian

pytestmark = pytest.mark.e2e


def test_live_score_while_typing_then_save(page, page_errors, live_server, desa_a,
                                           fasilitator_a):
    p = buat_penilaian(buat_lokasi(desa_a), 2024, user=fasilitator_a)
    login_as(page.context, live_server, fasilitator_a)
    url = reverse("desa:penilaian_ubah", args=[p.pk])

    page.goto(url)
    total = page.locator("#skor-ringkasan [data-total]")
    expect(total).to_have_text("14")
    assert_fits(page)

    page.fill("#id_v_1a", "45")  # 90 % of 50 buildings → score 5 (was 1)
    expect(total).to_have_text("18")
    expect(page.locator("#persen-1a")).to_have_text("90,00")
    expect(page.locator("#skor-1a")).to_have_text("5")
    expect(page.locator("#skor-mini")).to_contain_text("18")

    page.fill("#id_v_1c", "60")  # above the 50 buildings: message while typing
    expect(page.locator("#galat-v_1c .invalid-feedback")).to_contain_text(
        "melebihi jumlah bangunan")

    page.fill("#id_v_1c", "24")
    expect(page.locator("#galat-v_1c .invalid-feedback")).to_have_count(0)
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".messages")).to_contain_text("Draf tersimpan")
    # Saved: the copy kept on the device is dropped, nothing is offered back. (The message is
    # visible as soon as the new page's markup is parsed; its deferred script may run later.)
    expect(page.locator("[data-draf-pulih]")).to_be_hidden()
    wait_until(page, "document.readyState === 'complete'")
    assert page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('kotaku:draf:'))") == []
    # Typed, not saved, page reopened: offered back; "discard" returns to the saved values.
    page.fill("#id_v_1b", "1")
    page.reload()
    notice = page.locator("[data-draf-pulih]")
    expect(notice).to_be_visible()
    expect(page.locator("#id_v_1b")).to_have_value("1")
    notice.get_by_role("button", name="Buang, pakai data tersimpan").click()
    expect(notice).to_be_hidden()
    expect(page.locator("#id_v_1b")).to_have_value("0")
    expect(total).to_have_text("18")
    assert page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('kotaku:draf:'))") == []
    # The strict CSP holds on this page, htmx swaps included: any violation is a console error.
    page_errors.check()
    saved = Penilaian.objects.get(pk=p.pk)
    assert saved.total_skor == 18 and saved.volume.get(kriteria__kode="1a").volume == 45


def test_desa_page_draws_the_score_chart(page, page_errors, desa_a):
    lokasi = buat_lokasi(desa_a)
    for tahun in (2022, 2023, 2024):
        buat_penilaian(lokasi, tahun, status="diverifikasi")
    page.goto(desa_a.get_absolute_url())
    canvas = page.locator("#grafik-riwayat-penilaian")
    expect(canvas).to_be_visible()
    # Chart.js sized the canvas (it stays 300x150 when no chart was drawn).
    wait_until(page, """() => { const c = document.getElementById('grafik-riwayat-penilaian');
                                return c.width !== 300 || c.height !== 150; }""")
    assert_fits(page)
    page_errors.check()
