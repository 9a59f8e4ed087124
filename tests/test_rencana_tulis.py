"""Issue 15: facilitators write the plans of their desa in the portal (not only the Admin in
the admin): a new RPLP, its title and period, corrections of its items; the Admin also the
kabupaten plan. One plan of a kind per region and period."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from kolaborasi.models import DokumenRencana, ItemRencana
from tests.test_rencana import _item, _rplp

pytestmark = pytest.mark.django_db

BARU = reverse("kolaborasi:rencana_baru")


def _data(desa=None, **extra) -> dict:
    data = {"judul": "RPLP Bibrik 2025-2029", "tahun_mulai": "2025", "tahun_selesai": "2029",
            "keterangan": ""}
    if desa is not None:
        data["desa"] = str(desa.pk)
    data.update(extra)
    return data


def test_a_facilitator_starts_the_rplp_of_their_desa(client_for, fasilitator_a, desa_a):
    client = client_for(fasilitator_a)
    form = client.get(BARU, {"desa": desa_a.kode_wilayah})
    assert form.status_code == 200
    assert "jenis" not in form.context["form"].fields  # a facilitator writes RPLP only
    assert form.context["form"].initial["desa"] == desa_a
    response = client.post(BARU, _data(desa_a))
    dokumen = DokumenRencana.objects.get()
    assert response.status_code == 302 and response.url == dokumen.get_absolute_url()
    assert (dokumen.jenis, dokumen.desa, dokumen.status) == ("rplp", desa_a, "draf")
    # The list offers the button to those who may write.
    assert BARU in client.get(reverse("kolaborasi:rencana_list")).content.decode()


def test_another_desa_an_overlap_and_a_reversed_period_are_refused_on_the_field(
        client_for, fasilitator_a, desa_a, desa_b):
    client = client_for(fasilitator_a)
    response = client.post(BARU, _data(desa_b))
    assert "Pilih desa dari daftar" in response.content.decode()
    response = client.post(BARU, _data(desa_a, tahun_mulai="2029", tahun_selesai="2025"))
    assert response.status_code == 200 and not DokumenRencana.objects.exists()
    assert "Periode rencana tidak wajar" in response.content.decode()
    _rplp(desa_a)  # a draft 2020-2024
    response = client.post(BARU, _data(desa_a, tahun_mulai="2024"))
    errors = response.context["form"].errors
    assert "bertumpang" in errors["tahun_mulai"][0] and DokumenRencana.objects.count() == 1
    # Once that plan is agreed, a draft of the same period is its revision: allowed.
    from datetime import date

    from kolaborasi import rencana as layanan
    from kolaborasi.models import ForumKolaborasi
    dokumen = DokumenRencana.objects.get()
    _item(dokumen, desa_a, "Saluran", 1_000_000, [("4b", 10)])
    forum = ForumKolaborasi.objects.create(tanggal=date(2020, 3, 2), judul="Rembug",
                                           desa=desa_a)
    layanan.sepakati(dokumen, forum, date(2020, 3, 2))
    response = client.post(BARU, _data(desa_a, tahun_mulai="2024", judul="RPLP revisi"))
    assert response.status_code == 302 and DokumenRencana.objects.count() == 2


def test_reading_roles_cannot_and_the_admin_writes_the_kabupaten_plan(
        client_for, pimpinan, admin_user, desa_a):
    assert client_for(pimpinan).get(BARU).status_code == 403
    client = client_for(admin_user)
    kab = desa_a.kecamatan.kabupaten
    response = client.post(BARU, {**_data(), "jenis": "rp2kpkp", "judul": "RP2KPKP Madiun",
                                  "kabupaten": str(kab.pk)})
    assert response.status_code == 302
    assert DokumenRencana.objects.get().kabupaten == kab
    response = client.post(BARU, {**_data(), "jenis": "rplp", "judul": "Tanpa desa"})
    assert "RPLP harus terkait satu desa" in response.content.decode()


def test_a_facilitator_corrects_an_item_and_the_title(client_for, fasilitator_a, desa_a):
    dokumen = _rplp(desa_a)
    item = _item(dokumen, desa_a, "Saluran RW 01", 100_000_000, [("4b", 200), ("2b", 50)])
    client = client_for(fasilitator_a)
    url = reverse("kolaborasi:rencana_item_ubah", args=[item.pk])
    form = client.get(url).context["form"]
    assert {form.initial["kriteria_1"].kode, form.initial["kriteria_2"].kode} == {"2b", "4b"}
    data = {"nama": "Saluran RW 01 dan 02", "komponen": item.komponen,
            "jenis_investasi": item.jenis_investasi, "pendekatan": item.pendekatan,
            "volume": "400", "satuan": "m", "biaya_rp": "150.000.000", "tahun_target": "2022",
            "kriteria_1": str(form.initial["kriteria_1"].pk)
            if form.initial["kriteria_1"].kode == "4b" else str(form.initial["kriteria_2"].pk),
            "volume_1": "400", "keterangan": ""}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert item.nama == "Saluran RW 01 dan 02" and item.biaya_rp == D(150_000_000)
    assert [(r.kriteria.kode, r.volume) for r in item.item_kriteria.all()] == [("4b", D(400))]
    assert item.history.count() >= 2  # the correction is in the history
    response = client.post(reverse("kolaborasi:rencana_ubah", args=[dokumen.pk]),
                           {"judul": "RPLP Bibrik (revisi)", "tahun_mulai": "2020",
                            "tahun_selesai": "2025", "keterangan": ""})
    assert response.status_code == 302
    dokumen.refresh_from_db()
    assert (dokumen.judul, dokumen.tahun_selesai, dokumen.jenis) == (
        "RPLP Bibrik (revisi)", 2025, "rplp")
    # A period that leaves an item outside is refused, naming the item.
    response = client.post(reverse("kolaborasi:rencana_ubah", args=[dokumen.pk]),
                           {"judul": "RPLP Bibrik (revisi)", "tahun_mulai": "2023",
                            "tahun_selesai": "2025", "keterangan": ""})
    assert "Saluran RW 01 dan 02" in response.context["form"].errors["tahun_mulai"][0]
    assert DokumenRencana.objects.get(pk=dokumen.pk).tahun_mulai == 2020
    # An item's target year outside the period is refused on the field, nothing changed.
    response = client.post(url, {**data, "tahun_target": "2031"})
    assert "Tahun target harus dalam periode" in response.content.decode()
    assert ItemRencana.objects.get(pk=item.pk).tahun_target == 2022


def test_a_facilitator_of_another_desa_gets_404(client_for, desa_a, desa_b):
    from desa import akses
    from desa.models import Penugasan
    from tests.conftest import make_user

    other = make_user("fasil_b", akses.FASILITATOR)
    Penugasan.objects.create(user=other, desa=desa_b)
    dokumen = _rplp(desa_a)
    item = _item(dokumen, desa_a, "Saluran", 1_000_000, [("4b", 10)])
    client = client_for(other)
    assert client.get(reverse("kolaborasi:rencana_item_ubah", args=[item.pk])).status_code == 404
    assert client.get(reverse("kolaborasi:rencana_ubah", args=[dokumen.pk])).status_code == 404
