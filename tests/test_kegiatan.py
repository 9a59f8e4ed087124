"""Activities: entry with funding lines (atomic), progress with photos, list, page, permissions."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from anggaran.models import FotoProgres, Kegiatan, LaporanProgres, Pendanaan
from desa.models import Kawasan, Lokasi
from tests.anggaran_helpers import (
    buat_kegiatan,
    buat_pemangku,
    image_bytes,
    kegiatan_post,
    kriteria,
    line,
    progres_post,
    upload,
)
from tests.keamanan_helpers import assert_no_inline_script_or_style

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pemangku(desa_a):
    return {
        "dinas": buat_pemangku("Dinas Perumahan dan Kawasan Permukiman Kab. Madiun", "opd",
                               singkatan="Dinas PKP"),
        "pemdes": buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a),
        "lkm": buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a),
    }


def counts():
    return (Kegiatan.objects.count(), Pendanaan.objects.count(), LaporanProgres.objects.count(),
            FotoProgres.objects.count())


# ------------------------------------------------------------------------------ happy path


def test_fasilitator_creates_activity_with_three_sources_then_progress_with_photo(
        client_for, fasilitator_a, desa_a, pemangku):
    c = client_for(fasilitator_a)
    form_url = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    page = c.get(form_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "2b – Kualitas permukaan jalan lingkungan buruk" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert_no_inline_script_or_style(body)
    # Only the facilitator's own desa can be chosen.
    assert list(page.context["form"].fields["desa"].queryset) == [desa_a]
    # The 16 criteria of the default rule set.
    assert page.context["form"].fields["kriteria"].queryset.count() == 16

    response = c.post(form_url, kegiatan_post(desa_a, [
        line(pemangku["dinas"], "apbd-kab", "100.000.000", "100.000.000"),
        line(pemangku["pemdes"], "dana-desa", "Rp 35.000.000", "30000000"),
        line(pemangku["lkm"], "swadaya", "7.500.000", "7.500.000", natura="on",
             uraian_natura="Tenaga kerja warga 25 HOK"),
    ]))
    kegiatan = Kegiatan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == kegiatan.get_absolute_url()
    assert kegiatan.dibuat_oleh == fasilitator_a
    assert kegiatan.versi == 1
    lines = list(kegiatan.pendanaan.order_by("pk"))
    assert [ln.rencana_rp for ln in lines] == [Decimal(100_000_000), Decimal(35_000_000),
                                               Decimal(7_500_000)]
    assert {ln.sumber.kode for ln in lines} == {"apbd-kab", "dana-desa", "swadaya"}
    assert lines[2].natura and lines[2].uraian_natura

    png = image_bytes("PNG", size=(120, 90))
    response = c.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]), progres_post(
        persen="100", fotos=[(upload("sesudah.png", png), "100")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    foto = FotoProgres.objects.get()
    assert foto.tahap == "100"
    assert re.fullmatch(r"progres/[0-9a-f]{32}\.png", foto.foto.name)

    page = c.get(kegiatan.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("Paving jalan akses kolam lele", "Dinas Perumahan", "Pemerintah Desa Bibrik",
                 "LKM Bibrik Sejahtera", "APBD Kabupaten", "Dana Desa / APBDes",
                 "Swadaya Masyarakat", "Rp 100.000.000", "Rp 35.000.000", "Rp 7.500.000",
                 "Rp 142.500.000", "Tenaga kerja warga 25 HOK", "100% (selesai)",
                 "3 sumber dana, 3 pemberi dana", foto.foto.url, "Riwayat perubahan"):
        assert text in body, text
    assert_no_inline_script_or_style(body)


def test_activity_form_accepts_both_rupiah_spellings(client_for, fasilitator_a, desa_a,
                                                     pemangku):
    c = client_for(fasilitator_a)
    response = c.post(reverse("anggaran:kegiatan_baru"), kegiatan_post(desa_a, [
        line(pemangku["dinas"], "apbd-kab", "100.000.000"),
        line(pemangku["pemdes"], "dana-desa", "Rp 100.000.000", "Rp 90.000.000"),
        line(pemangku["lkm"], "swadaya", "100000000"),
    ]))
    assert response.status_code == 302
    assert set(Pendanaan.objects.values_list("rencana_rp", flat=True)) == {Decimal(100_000_000)}
    assert Pendanaan.objects.filter(realisasi_rp=Decimal(90_000_000)).count() == 1


def test_activity_in_another_unit_takes_its_criterion_volume(client_for, fasilitator_a, desa_a,
                                                              pemangku):
    c = client_for(fasilitator_a)
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbn", "40.000.000")],
                         kriteria=kriteria("6a").pk, nama="Gerobak sampah", volume="4",
                         satuan="unit", volume_kriteria="-1")
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200 and Kegiatan.objects.count() == 0
    assert response.context["form"].errors["volume_kriteria"]
    data["volume_kriteria"] = "1,200.00"  # a spreadsheet's English format: refused, not guessed
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200
    assert "tidak dikenali" in response.context["form"].errors["volume_kriteria"][0]
    data["volume_kriteria"] = "120"
    assert c.post(reverse("anggaran:kegiatan_baru"), data).status_code == 302
    k = Kegiatan.objects.get()
    assert (k.volume_kriteria, k.volume_tertangani) == (120, 120)
    page = c.get(k.get_absolute_url()).content.decode()
    assert "Volume tertangani" in page and "120" in page


# --------------------------------------------------------------------------- bad input


def test_invalid_line_shows_its_error_and_saves_nothing(client_for, fasilitator_a, desa_a,
                                                        pemangku):
    c = client_for(fasilitator_a)
    before = counts()
    response = c.post(reverse("anggaran:kegiatan_baru"), kegiatan_post(desa_a, [
        line(pemangku["dinas"], "apbd-kab", "100.000.000"),
        line(pemangku["pemdes"], "dana-desa", "-5.000.000"),
        line(pemangku["lkm"], "", "1.000.000"),
    ]))
    assert response.status_code == 200
    assert counts() == before
    formset = response.context["formset"]
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors["rencana_rp"] == ["Nilai rupiah tidak boleh negatif."]
    assert formset.forms[2].errors["sumber"] == ["Pilih sumber dana."]
    body = response.content.decode()
    assert "Baris 2, Rencana (Rp)" in body  # the summary at the top links to the line
    assert 'aria-invalid="true"' in body
    # What was typed is kept.
    assert 'value="-5.000.000"' in body


@pytest.mark.parametrize("lines_kwargs, field, message", [
    ({"realisasi": "120.000.000"}, "alasan_lebih",
     "Realisasi melebihi rencana: tuliskan alasannya."),
    ({"natura": "on"}, "uraian_natura", "Dana natura perlu uraian (tenaga, lahan, bahan)."),
    ({"pemangku_kosong": True}, "pemangku", "Pilih pemberi dana."),
])
def test_line_rules_refused_with_message_on_the_field(client_for, fasilitator_a, desa_a,
                                                      pemangku, lines_kwargs, field, message):
    c = client_for(fasilitator_a)
    kwargs = dict(lines_kwargs)
    who = None if kwargs.pop("pemangku_kosong", False) else pemangku["dinas"]
    data = kegiatan_post(desa_a, [line(who, "apbd-kab", "100.000.000", **kwargs)])
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    assert Kegiatan.objects.count() == 0


def test_realised_above_planned_with_reason_is_accepted(client_for, fasilitator_a, desa_a,
                                                        pemangku):
    c = client_for(fasilitator_a)
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "100.000.000",
                                       "120.000.000", alasan_lebih="Perubahan anggaran (PAK)")])
    assert c.post(reverse("anggaran:kegiatan_baru"), data).status_code == 302
    assert Pendanaan.objects.get().realisasi_rp == Decimal(120_000_000)


def test_at_least_one_funding_line(client_for, fasilitator_a, desa_a):
    c = client_for(fasilitator_a)
    data = kegiatan_post(desa_a, [])
    data["dana-TOTAL_FORMS"] = "1"  # one untouched, empty row
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200
    assert "Isi paling sedikit satu baris pendanaan." in response.content.decode()
    assert Kegiatan.objects.count() == 0


def test_location_of_another_desa_refused_by_model_clean(client_for, fasilitator_a, desa_a,
                                                         desa_b, pemangku, admin_user):
    lokasi_b = Lokasi.objects.create(desa=desa_b, nama="RT 24 Sukolilo")
    kawasan_b = Kawasan.objects.create(desa=desa_b, nama="Kawasan Sukolilo", luas_ha=10)
    c = client_for(admin_user)  # an admin sees every desa's locations in the form
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "1.000.000")],
                         lokasi=str(lokasi_b.pk), kawasan=str(kawasan_b.pk))
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["lokasi"] == ["Lokasi harus berada di desa kegiatan."]
    assert errors["kawasan"] == ["Kawasan harus berada di desa kegiatan."]
    assert Kegiatan.objects.count() == 0


@pytest.mark.parametrize("field, value", [
    ("nama", "x" * 10_000),
    ("nama", "jalan\x00paving"),
    ("volume", "1e309"),
    ("volume", "9" * 10_000),
    ("tahun_anggaran", "1e309"),
    ("tahun_anggaran", "99999999999999999999999"),
    ("tanggal_mulai", "2018-13-45"),
    ("desa", "1\x00"),
    ("kriteria", "abc"),
    ("versi", "1e309"),
    ("dana-0-rencana_rp", "1e309"),
    ("dana-0-rencana_rp", "\x00"),
    ("dana-0-realisasi_rp", "9" * 10_000),
    ("dana-0-pemangku", "999999999999999999999999"),
    ("dana-TOTAL_FORMS", "1e309"),
])
def test_bad_input_never_500(client_for, fasilitator_a, desa_a, pemangku, field, value):
    c = client_for(fasilitator_a)
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "1.000.000")])
    data[field] = value
    response = c.post(reverse("anggaran:kegiatan_baru"), data)
    assert response.status_code == 200  # the form again, with the error
    assert Kegiatan.objects.count() == 0


@pytest.mark.parametrize("params", [
    {"tahun_anggaran": "1e309"}, {"tahun_anggaran": "abc"}, {"sumber": "\x00"},
    {"desa": "x" * 10_000}, {"q": "paving\x00"}, {"urut": "DROP TABLE"}, {"halaman": "1e309"},
    {"kriteria": "zz"}, {"pemangku": "-1"}, {"format": "pdf"},
])
def test_list_bad_query_never_500(client, jiwan, params):
    response = client.get(reverse("anggaran:kegiatan_list"), params)
    # Junk filters are ignored (the list); only an unknown export format is not found.
    assert response.status_code == (404 if "format" in params else 200)


# ---------------------------------------------------------------------- edit + locking


def test_edit_changes_a_line_and_history_shows_old_and_new(client_for, fasilitator_a, desa_a,
                                                          pemangku, client):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    existing = kegiatan.pendanaan.get()
    c = client_for(fasilitator_a)
    url = reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])
    page = c.get(url)
    assert page.status_code == 200
    assert 'value="100.000.000"' in page.content.decode()
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "125.000.000",
                                       id=str(existing.pk))],
                         versi=str(kegiatan.versi), initial_forms=1)
    response = c.post(url, data)
    assert response.status_code == 302
    existing.refresh_from_db()
    kegiatan.refresh_from_db()
    assert existing.rencana_rp == Decimal(125_000_000)
    assert kegiatan.versi == 2

    staff_page = c.get(kegiatan.get_absolute_url()).content.decode()
    assert "Riwayat perubahan" in staff_page
    assert "Rp 100.000.000 → Rp 125.000.000" in staff_page
    assert "fasil_a" in staff_page

    c.logout()
    public = client.get(kegiatan.get_absolute_url()).content.decode()
    assert "Riwayat perubahan" not in public
    assert "fasil_a" not in public


def test_stale_version_is_refused_and_input_kept(client_for, fasilitator_a, desa_a, pemangku):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    existing = kegiatan.pendanaan.get()
    c = client_for(fasilitator_a)
    url = reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])
    # Someone else saves after our form was opened at version 1.
    Kegiatan.objects.filter(pk=kegiatan.pk).update(versi=2, nama="Diubah orang lain")
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "125.000.000",
                                       id=str(existing.pk))],
                         versi="1", initial_forms=1, nama="Nama baru dari saya")
    response = c.post(url, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "sudah diubah oleh pengguna lain" in body
    assert 'value="Nama baru dari saya"' in body
    kegiatan.refresh_from_db()
    existing.refresh_from_db()
    assert kegiatan.nama == "Diubah orang lain"
    assert existing.rencana_rp == Decimal(100_000_000)
    # Saving again, knowingly, overwrites (the form now carries the current version).
    assert response.context["form"]["versi"].value() == "2"
    data["versi"] = "2"
    assert c.post(url, data).status_code == 302
    kegiatan.refresh_from_db()
    assert kegiatan.nama == "Nama baru dari saya"


def test_deleting_every_line_is_refused(client_for, fasilitator_a, desa_a, pemangku):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    existing = kegiatan.pendanaan.get()
    c = client_for(fasilitator_a)
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "100.000.000",
                                       id=str(existing.pk), DELETE="on")],
                         versi="1", initial_forms=1)
    response = c.post(reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk]), data)
    assert response.status_code == 200
    assert "Isi paling sedikit satu baris pendanaan." in response.content.decode()
    assert Pendanaan.objects.filter(pk=existing.pk).exists()


# ------------------------------------------------------------------------------ progress


def test_progress_cannot_go_backwards_without_note(client_for, fasilitator_a, desa_a, pemangku):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    LaporanProgres.objects.create(kegiatan=kegiatan, tanggal="2018-08-01", persen_fisik=60)
    c = client_for(fasilitator_a)
    url = reverse("anggaran:progres_baru", args=[kegiatan.pk])
    response = c.post(url, progres_post(persen="40"))
    assert response.status_code == 200
    assert response.context["form"].errors["persen_fisik"] == [
        "Progres fisik tidak boleh turun dari laporan terakhir (60%) tanpa catatan yang "
        "menjelaskan alasannya."]
    assert LaporanProgres.objects.count() == 1
    ok = c.post(url, progres_post(persen="40", catatan="Sebagian paving rusak kena banjir."))
    assert ok.status_code == 302
    assert LaporanProgres.objects.count() == 2


@pytest.mark.parametrize("field, value, message", [
    ("realisasi_rp", "-1.000", "Nilai rupiah tidak boleh negatif."),
    ("persen_fisik", "120", "Nilai tidak boleh lebih dari 100,00."),
    ("persen_fisik", "1e309", None),
    ("tanggal", "x" * 10_000, None),
])
def test_progress_bad_values_refused(client_for, fasilitator_a, desa_a, pemangku, field, value,
                                     message):
    kegiatan = buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])
    c = client_for(fasilitator_a)
    data = progres_post()
    data[field] = value
    response = c.post(reverse("anggaran:progres_baru", args=[kegiatan.pk]), data)
    assert response.status_code == 200
    if message:
        assert response.context["form"].errors[field] == [message]
    assert LaporanProgres.objects.count() == 0


# ---------------------------------------------------------------------------- permissions


@pytest.fixture
def kegiatan_bibrik(desa_a, pemangku):
    return buat_kegiatan(desa_a, lines=[(pemangku["dinas"], "apbd-kab", 100_000_000)])


def _write_urls(k):
    return [reverse("anggaran:kegiatan_baru"),
            reverse("anggaran:kegiatan_ubah", args=[k.pk]),
            reverse("anggaran:progres_baru", args=[k.pk])]


def test_anonymous_is_sent_to_login(client, kegiatan_bibrik):
    for url in _write_urls(kegiatan_bibrik):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["pimpinan", "verifikator"])
def test_read_only_roles_get_403(client_for, request, kegiatan_bibrik, persona):
    c = client_for(request.getfixturevalue(persona))
    for url in _write_urls(kegiatan_bibrik):
        assert c.get(url).status_code == 403
        assert c.post(url, {}).status_code == 403
    assert Kegiatan.objects.count() == 1


def test_other_desa_is_404(client_for, fasilitator_b, kegiatan_bibrik, desa_a, pemangku):
    c = client_for(fasilitator_b)
    assert c.get(reverse("anggaran:kegiatan_ubah", args=[kegiatan_bibrik.pk])).status_code == 404
    assert c.post(reverse("anggaran:kegiatan_ubah", args=[kegiatan_bibrik.pk]),
                  {}).status_code == 404
    assert c.get(reverse("anggaran:progres_baru", args=[kegiatan_bibrik.pk])).status_code == 404
    assert c.post(reverse("anggaran:progres_baru", args=[kegiatan_bibrik.pk]),
                  progres_post()).status_code == 404
    url = reverse("anggaran:kegiatan_baru") + f"?desa={desa_a.kode_wilayah}"
    assert c.get(url).status_code == 404
    # Posting another desa's id in the form is refused on the field, nothing saved.
    response = c.post(reverse("anggaran:kegiatan_baru"),
                      kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "1.000")]))
    assert response.status_code == 200
    assert response.context["form"].errors["desa"] == ["Pilih desa tugas Anda."]
    assert Kegiatan.objects.count() == 1
    # The public page stays public, without an edit button for them.
    page = c.get(kegiatan_bibrik.get_absolute_url())
    assert page.status_code == 200
    assert reverse("anggaran:kegiatan_ubah", args=[kegiatan_bibrik.pk]) not in page.content.decode()


def test_unknown_ids_404(client_for, fasilitator_a, client, jiwan):
    assert client.get(reverse("anggaran:kegiatan_detail", args=[999999])).status_code == 404
    c = client_for(fasilitator_a)
    assert c.get(reverse("anggaran:kegiatan_ubah", args=[999999])).status_code == 404
    assert c.get(reverse("anggaran:progres_baru", args=[999999])).status_code == 404
    assert c.get(reverse("anggaran:kegiatan_baru") + "?desa=99.99.99.9999").status_code == 404
    assert c.get(reverse("anggaran:kegiatan_baru") + "?desa=%00").status_code == 404


def test_methods_not_allowed(client_for, fasilitator_a, client, kegiatan_bibrik):
    assert client.post(reverse("anggaran:kegiatan_list")).status_code == 405
    assert client.post(kegiatan_bibrik.get_absolute_url()).status_code == 405
    c = client_for(fasilitator_a)
    assert c.delete(reverse("anggaran:kegiatan_ubah", args=[kegiatan_bibrik.pk])).status_code \
        == 405
    assert c.put(reverse("anggaran:kegiatan_baru")).status_code == 405


def test_csrf_is_enforced(fasilitator_a, desa_a, pemangku):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(fasilitator_a)
    data = kegiatan_post(desa_a, [line(pemangku["dinas"], "apbd-kab", "1.000.000")])
    assert c.post(reverse("anggaran:kegiatan_baru"), data).status_code == 403
    assert Kegiatan.objects.count() == 0


def test_admin_may_write_anywhere(client_for, admin_user, desa_b, pemangku):
    c = client_for(admin_user)
    data = kegiatan_post(desa_b, [line(pemangku["dinas"], "apbd-kab", "1.000.000")])
    assert c.post(reverse("anggaran:kegiatan_baru"), data).status_code == 302
    assert Kegiatan.objects.get().desa == desa_b


# ------------------------------------------------------------------------- list + detail


def test_list_filters_by_source_year_and_criterion(client, desa_a, desa_b, pemangku):
    dinas = pemangku["dinas"]
    target = buat_kegiatan(desa_a, lines=[(dinas, "apbd-kab", 100_000_000)])
    buat_kegiatan(desa_a, nama="Paving lanjutan", tahun=2019,
                  lines=[(pemangku["pemdes"], "dana-desa", 40_000_000)])
    buat_kegiatan(desa_b, nama="Drainase Sukolilo", tahun=2018, kode_kriteria="4b",
                  lines=[(dinas, "apbn", 1_000_000_000)])
    url = reverse("anggaran:kegiatan_list")

    def shown(**params):
        return [k.pk for k in client.get(url, params).context["page"]]

    assert shown(sumber="apbd-kab", tahun_anggaran="2018") == [target.pk]
    assert len(shown()) == 3
    assert len(shown(tahun_anggaran="2018")) == 2
    assert len(shown(kriteria="4b")) == 1
    assert len(shown(aspek="2")) == 2
    assert len(shown(pemangku=str(dinas.pk))) == 2
    assert len(shown(jenis_pemangku="pemdes")) == 1
    assert len(shown(desa=desa_b.kode_wilayah)) == 1
    assert len(shown(status="rencana")) == 0
    assert len(shown(q="lanjutan")) == 1
    # Source and funder apply to the same line: the dinas never gave Dana Desa money.
    assert shown(pemangku=str(dinas.pk), sumber="dana-desa") == []
    body = client.get(url, {"sumber": "apbd-kab", "tahun_anggaran": "2018"}).content.decode()
    assert "Bibrik" in body and "Rp 100.000.000" in body
    assert "Drainase Sukolilo" not in body


def test_list_sorting_by_planned_amount(client, desa_a, pemangku):
    for i, amount in enumerate([5, 50, 20]):
        buat_kegiatan(desa_a, nama=f"Kegiatan {i}", lines=[(pemangku["dinas"], "apbd-kab",
                                                            amount * 1_000_000)])
    url = reverse("anggaran:kegiatan_list")
    names = [k.nama for k in client.get(url, {"urut": "-rencana"}).context["page"]]
    assert names == ["Kegiatan 1", "Kegiatan 2", "Kegiatan 0"]


def test_list_paginates_by_50(client, desa_a, pemangku):
    for i in range(51):
        buat_kegiatan(desa_a, nama=f"K{i:02d}", lines=[(pemangku["dinas"], "apbd-kab", 1000)])
    page = client.get(reverse("anggaran:kegiatan_list")).context["page"]
    assert len(page.object_list) == 50
    assert page.paginator.num_pages == 2


def test_demo_badge(client, desa_a, pemangku):
    k = buat_kegiatan(desa_a, is_demo=True, lines=[(pemangku["dinas"], "apbd-kab", 1000)])
    assert "badge text-bg-warning" in client.get(k.get_absolute_url()).content.decode()
    assert ">demo<" in client.get(reverse("anggaran:kegiatan_list")).content.decode()


def _many(desa, pemangku, n):
    for i in range(n):
        k = buat_kegiatan(desa, nama=f"Kegiatan {i}", lines=[
            (pemangku["dinas"], "apbd-kab", 1_000_000), (pemangku["pemdes"], "dana-desa", 500)])
        LaporanProgres.objects.create(kegiatan=k, tanggal="2018-08-01", persen_fisik=50)
    return k


# Filter choices (desa, years, sources, funders, criteria, aspects), the portal's scope (is
# there a region to narrow?), rows. The scope and the years are cached when the cache is on.
# The count, the whole cost and the filtered share (issue 14) are one query: filtered by a
# year, a source, a status, a province or kabupaten at most, summed from the kabupaten rows
# (issue 16); with any other funding-line filter (funder, its type) one pass over the
# activities' lines; otherwise two (the activities; their lines). A chosen source costs one
# lookup.
LIST_QUERIES = 10
DETAIL_QUERIES_PUBLIC = 5  # activity, lines, reports, photos, approved feedback
DETAIL_QUERIES_STAFF = 17  # + session, user, roles, 4 history tables (activity, lines,
#                            reports, photos), 4 kinds of names, desa check


@pytest.mark.parametrize("n", [2, 20])
def test_list_query_count_is_constant(client, django_assert_num_queries, desa_a, pemangku, n):
    _many(desa_a, pemangku, n)
    url = reverse("anggaran:kegiatan_list")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url, {"sumber": "apbd-kab"})
    assert len(response.context["page"]) == n
    with django_assert_num_queries(LIST_QUERIES - 1):  # (no source to look up)
        response = client.get(url, {"tahun_anggaran": "2018"})
    assert len(response.context["page"]) == n
    with django_assert_num_queries(LIST_QUERIES):  # (no lookup; counted, then summed)
        response = client.get(url, {"tahun_anggaran": "2018", "q": "Kegiatan"})
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [2, 20])
def test_detail_query_count_is_constant(client, client_for, django_assert_num_queries, desa_a,
                                        pemangku, fasilitator_a, n):
    k = _many(desa_a, pemangku, n)
    for _i in range(n):  # more reports, photos and lines on the page itself
        LaporanProgres.objects.create(kegiatan=k, tanggal="2018-09-01", persen_fisik=60)
    with django_assert_num_queries(DETAIL_QUERIES_PUBLIC):
        assert client.get(k.get_absolute_url()).status_code == 200
    c = client_for(fasilitator_a)
    with django_assert_num_queries(DETAIL_QUERIES_STAFF):
        assert c.get(k.get_absolute_url()).status_code == 200


def test_nav_has_kolaborasi_and_anggaran(client, jiwan):
    body = client.get(reverse("anggaran:kegiatan_list")).content.decode()
    assert f'href="{reverse("kolaborasi:pemangku_list")}"' in body
    assert 'aria-current="page" href="/anggaran/kegiatan/"' in body
    assert_no_inline_script_or_style(body)


def test_kriteria_labels(jiwan):
    from desa.filters import label_kriteria

    assert label_kriteria(kriteria("2b")) == "2b – Kualitas permukaan jalan lingkungan buruk"
