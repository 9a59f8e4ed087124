"""Scenarios 1 and 2, on a phone: a facilitator's assessment from Tugas saya to submission
(live score, a refused value fixed, input kept through a dropped connection), then the
verifier's round trip (returned with a comment, corrected, verified, locked)."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from desa.models import Penilaian
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_fits, login_as, login_form
from tests.penilaian_helpers import KEBUNAN, buat_lokasi, buat_penilaian, id_angka

pytestmark = pytest.mark.e2e

HEADER_LABELS = {
    "luas_ha": "Luas verifikasi (ha)",
    "jumlah_bangunan": "Jumlah bangunan (unit)",
    "jumlah_kk": "Jumlah KK",
    "panjang_jalan_ideal_m": "Panjang jalan lingkungan ideal (m)",
    "panjang_drainase_ideal_m": "Panjang drainase lingkungan ideal (m)",
}


def test_facilitator_enters_a_full_assessment(page, page_errors, axe, shot, desa_a,
                                              fasilitator_a):
    # Logging in with the keyboard only: the page starts in the first field, Tab goes to the
    # next, Enter sends.
    page.goto("/masuk/")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()
    page.keyboard.type("fasil_a")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tugas-saya/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tugas saya")
    card = page.locator("section.card", has_text="Bibrik")
    expect(card).to_contain_text("Semua beres untuk desa ini.")
    card.get_by_role("link", name="Penilaian baru").click()

    # Step 1: a new location and the year.
    expect(page.get_by_role("heading", name="Penilaian kekumuhan baru")).to_be_visible()
    year = str(datetime.date.today().year)
    expect(page.get_by_label("Tahun penilaian")).to_have_value(year)
    page.get_by_label("Nama lokasi baru").fill("Dusun Krajan")
    page.get_by_label("RT", exact=True).fill("001")
    page.get_by_label("RW", exact=True).fill("002")
    page.get_by_role("button", name="Lanjut: isi penilaian").click()

    # Step 2: header and the 16 volumes, with the score recomputed while typing.
    expect(page.locator(".messages")).to_contain_text("Draf penilaian Dusun Krajan")
    total = page.locator("#skor-ringkasan [data-total]")
    expect(total).to_have_text("0")
    for name, label in HEADER_LABELS.items():
        page.get_by_label(label).fill(id_angka(KEBUNAN["header"][name]))
    # 6a/6b: all 58 households lack drinking water and sanitation → 100 % → score 5 each.
    page.fill("#id_v_6a", "58")
    expect(total).to_have_text("5")
    expect(page.locator("#skor-mini")).to_contain_text("5")
    for code, volume in KEBUNAN["volumes"].items():
        page.fill(f"#id_v_{code}", id_angka(volume))
    expect(total).to_have_text(str(KEBUNAN["official_total"]))
    expect(page.locator("#persen-1a")).to_have_text("42,00")
    assert_fits(page)
    axe(page)

    # A refused value: more buildings than there are. Said while typing...
    page.fill("#id_v_1c", "60")
    expect(page.locator("#galat-v_1c .invalid-feedback")).to_contain_text(
        "melebihi jumlah bangunan")
    # ... and on submit: nothing saved, errors summarised at the top and focused, the field
    # marked, the summary's link leading into the field.
    page.get_by_role("button", name="Simpan & ajukan").click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("melebihi jumlah bangunan")
    expect(page.locator("#id_v_1c")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#galat-v_1c")).to_contain_text("melebihi jumlah bangunan")
    assert Penilaian.objects.get().status == Penilaian.Status.DRAFT
    axe(page)
    shot(page, "penilaian-form-galat-360")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_v_1c")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("24")
    expect(page.locator("#galat-v_1c .invalid-feedback")).to_have_count(0)
    expect(total).to_have_text("14")
    page_errors.check()

    # The connection drops as the facilitator submits: the send waits on the device (the
    # service worker's queue, issue 17) and goes out when the connection returns.
    page.context.set_offline(True)
    page.get_by_role("button", name="Simpan & ajukan").click()
    expect(page.get_by_text("Menunggu dikirim (1)")).to_be_visible()
    axe(page)
    page.context.set_offline(False)
    page_errors.clear()  # the failed request, logged while offline
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("Menunggu dikirim")).to_have_count(0, timeout=20_000)
    p = Penilaian.objects.get()
    assert p.status == Penilaian.Status.DIAJUKAN and p.total_skor == 14
    assert p.lokasi.nama == "Dusun Krajan" and p.tahun == int(year)
    assert {v.kriteria.kode: float(v.volume) for v in p.volume.select_related("kriteria")} == {
        k: float(v) for k, v in KEBUNAN["volumes"].items()}
    page_errors.check()


def test_verifier_returns_then_verifies_and_the_form_locks(page, page_errors, axe, shot,
                                                           live_server, desa_a,
                                                           fasilitator_a, verifikator):
    p = buat_penilaian(buat_lokasi(desa_a), 2024, status="diajukan", user=fasilitator_a)
    detail = reverse("desa:penilaian_detail", args=[p.pk])
    edit = reverse("desa:penilaian_ubah", args=[p.pk])
    comment = "Volume 4b terlalu kecil: ukur ulang panjang drainase yang tergenang."

    def as_user(user):
        page.context.clear_cookies()
        login_as(page.context, live_server, user)

    # The verifier logs in, lands on their queue (issue 17) and returns it with a comment.
    login_form(page, "verif")
    expect(page).to_have_url(re.compile(re.escape(reverse("desa:antrian_verifikasi")) + "$"))
    page.get_by_role("row", name=re.compile("Dusun Krajan")).get_by_role(
        "link", name="Periksa").click()
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))
    axe(page)
    page.get_by_label("Catatan untuk fasilitator").fill(comment)
    page.get_by_role("button", name="Kembalikan ke fasilitator").click()
    expect(page.locator(".messages")).to_contain_text("dikembalikan ke fasilitator")

    # The facilitator sees the comment in Tugas saya and on the form, corrects, resubmits.
    as_user(fasilitator_a)
    page.goto("/tugas-saya/")
    returned = page.locator(".tugas-dikembalikan")
    expect(returned).to_contain_text(comment)
    assert_fits(page)
    axe(page)
    shot(page, "tugas-saya-dikembalikan-360")
    returned.get_by_role("link", name="Dusun Krajan (2024)").click()
    expect(page).to_have_url(re.compile(re.escape(edit) + "$"))
    expect(page.locator(".catatan-verifikasi")).to_have_text(comment)
    total = page.locator("#skor-ringkasan [data-total]")
    expect(total).to_have_text("14")
    page.fill("#id_v_4b", "300")  # 55 % of the ideal drainage length → score 3
    expect(total).to_have_text("17")
    page.get_by_role("button", name="Simpan & ajukan").click()
    expect(page.locator(".messages")).to_contain_text("diajukan untuk verifikasi")

    # The verifier verifies: locked.
    as_user(verifikator)
    page.goto(detail)
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("diverifikasi dan dikunci")

    # The facilitator can read it, not change it.
    as_user(fasilitator_a)
    page.goto(detail)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dusun Krajan, 2024")
    expect(page.get_by_role("link", name="Ubah isian")).to_have_count(0)
    expect(page.get_by_role("button", name="Ajukan untuk verifikasi")).to_have_count(0)
    assert page.request.get(edit).status == 403
    page.goto("/tugas-saya/")
    expect(page.locator(".tugas-dikembalikan, .tugas-draf")).to_have_count(0)
    p.refresh_from_db()
    assert p.status == Penilaian.Status.DIVERIFIKASI and p.total_skor == 17
    page_errors.check()
