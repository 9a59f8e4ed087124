"""Django admin of the assessment models: pages load, scores stay right, bad rules explained."""

import json

import pytest
from django.forms import CheckboxInput, NullBooleanSelect
from django.urls import reverse

from desa.models import AturanPenilaian, Penilaian, VolumePenilaian
from tests.penilaian_helpers import buat_kawasan, buat_lokasi, buat_penilaian

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def penilaian(desa_a):
    return buat_penilaian(buat_lokasi(desa_a, kawasan=buat_kawasan(desa_a)), 2024)


def _value(bound):
    widget = bound.field.widget
    value = bound.value()
    if isinstance(widget, NullBooleanSelect):
        return {None: "unknown", True: "true", False: "false"}.get(value, value)
    if isinstance(widget, CheckboxInput):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)


def admin_post_data(response) -> dict:
    """The change form as the browser would submit it unchanged (main form + inlines)."""
    data = {}

    def add(form):
        for name in form.fields:
            value = _value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for form in formset.forms:
            add(form)
    return data


@pytest.mark.parametrize("model", ["aturanpenilaian", "kawasan", "lokasi", "penilaian"])
def test_admin_pages_load(admin_client_, penilaian, model):
    obj = {"aturanpenilaian": penilaian.aturan, "kawasan": penilaian.lokasi.kawasan,
           "lokasi": penilaian.lokasi, "penilaian": penilaian}[model]
    base = f"admin:desa_{model}"
    assert admin_client_.get(reverse(f"{base}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"{base}_changelist"), {"q": "Krajan"}).status_code == 200
    assert admin_client_.get(reverse(f"{base}_add")).status_code == 200
    assert admin_client_.get(reverse(f"{base}_change", args=[obj.pk])).status_code == 200
    assert admin_client_.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_penilaian_changelist_filters(admin_client_, penilaian):
    url = reverse("admin:desa_penilaian_changelist")
    for params in ({"status__exact": "draft"}, {"tahun": "2024"},
                   {"tingkat__exact": "tidak_kumuh"},
                   {"wilayah": penilaian.lokasi.desa.kode_wilayah}, {"wilayah": "35.19"}):
        response = admin_client_.get(url, params)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1, params
    for kode in ("11", "35.19.09.2014" if penilaian.lokasi.desa.kode_wilayah != "35.19.09.2014"
                 else "35.19.09.2005", "x'; --"):
        response = admin_client_.get(url, {"wilayah": kode})
        assert response.status_code == 200 and response.context["cl"].result_count == 0, kode


def test_region_filter_drills_down_one_level_at_a_time(admin_client_, penilaian):
    """The region filter offers the provinces, then one province's kabupaten, and so on, with
    the way back up: never every desa of the nation as one list of choices."""
    url = reverse("admin:desa_penilaian_changelist")

    def pilihan(params):
        response = admin_client_.get(url, params)
        (spec,) = [f for f in response.context["cl"].filter_specs
                   if getattr(f, "parameter_name", "") == "wilayah"]
        return [kode for kode, _label in spec.lookup_choices]

    assert pilihan({}) == ["35"]  # (the provinces loaded: Jawa Timur)
    assert pilihan({"wilayah": "35"}) == ["35", "35.19"]
    assert pilihan({"wilayah": "35.19"}) == ["35", "35.19", "35.19.09"]
    desa = pilihan({"wilayah": "35.19.09"})
    assert desa[:3] == ["35", "35.19", "35.19.09"] and len(desa) == 3 + 14
    assert pilihan({"wilayah": penilaian.lokasi.desa.kode_wilayah}) == desa


def test_penilaian_change_shows_computed_fields_read_only(admin_client_, penilaian):
    response = admin_client_.get(reverse("admin:desa_penilaian_change", args=[penilaian.pk]))
    form = response.context["adminform"].form
    for name in ("total_skor", "tingkat", "rata_rata_sektoral", "prioritas", "pola_penanganan",
                 "aturan"):
        assert name not in form.fields
    inline_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert list(inline_form.fields) == ["volume", "id", "penilaian"]
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 16


def test_admin_save_recomputes_scores_and_bumps_version(admin_client_, penilaian):
    url = reverse("admin:desa_penilaian_change", args=[penilaian.pk])
    data = admin_post_data(admin_client_.get(url))
    rows = {f.instance.kriteria.kode: i for i, f in enumerate(
        admin_client_.get(url).context["inline_admin_formsets"][0].formset.forms)}
    data[f"volume-{rows['1a']}-volume"] = "45"   # 90 % → 5
    data[f"volume-{rows['7a']}-volume"] = "40"   # 80 % → 5
    data["status_lahan_jelas"] = "true"
    data["sesuai_tata_ruang"] = "true"
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    p = Penilaian.objects.get(pk=penilaian.pk)
    assert p.total_skor == 14 + 4 + 5 and p.tingkat == "kumuh_ringan"
    assert p.pola_penanganan == "pemugaran"
    assert p.versi == penilaian.versi + 1
    assert VolumePenilaian.objects.get(penilaian=p, kriteria__kode="1a").skor == 5


def test_admin_refuses_volume_above_denominator(admin_client_, penilaian):
    url = reverse("admin:desa_penilaian_change", args=[penilaian.pk])
    page = admin_client_.get(url)
    data = admin_post_data(page)
    rows = {f.instance.kriteria.kode: i for i, f in enumerate(
        page.context["inline_admin_formsets"][0].formset.forms)}
    data[f"volume-{rows['1a']}-volume"] = "51"
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "melebihi jumlah bangunan" in response.content.decode()
    assert VolumePenilaian.objects.get(penilaian=penilaian, kriteria__kode="1a").volume == 21


def test_admin_add_creates_every_criterion_row(admin_client_, penilaian):
    url = reverse("admin:desa_penilaian_add")
    data = admin_post_data(admin_client_.get(url))
    data.update({"lokasi": penilaian.lokasi.pk, "tahun": "2025", "jenis": "baseline",
                 "aturan": penilaian.aturan_id, "status": "draft", "luas_ha": "1.31",
                 "jumlah_bangunan": "50", "jumlah_kk": "58", "jumlah_penduduk": "0",
                 "panjang_jalan_ideal_m": "824", "panjang_drainase_ideal_m": "540.9"})
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    p = Penilaian.objects.get(lokasi=penilaian.lokasi, tahun=2025)
    assert p.volume.count() == 16 and p.total_skor == 0


def test_admin_recompute_action(admin_client_, penilaian):
    Penilaian.objects.filter(pk=penilaian.pk).update(total_skor=0, tingkat="kumuh_berat")
    response = admin_client_.post(reverse("admin:desa_penilaian_changelist"), {
        "action": "hitung_ulang_skor", "_selected_action": [penilaian.pk]})
    assert response.status_code == 302
    p = Penilaian.objects.get(pk=penilaian.pk)
    assert (p.total_skor, p.tingkat) == (14, "tidak_kumuh")


@pytest.mark.parametrize("field,value,message", [
    ("ambang_skor", {"76": 5}, "Harus berupa daftar"),
    ("ambang_skor", [[51, 3], [76, 5], [25, 1]], "Aturan tidak konsisten"),
    ("batas_tingkat", [[60, "sangat_kumuh"]], "Aturan tidak konsisten"),
    ("tabel_prioritas", [1, 2], "Harus berupa objek"),
    ("tabel_prioritas", {"pertimbangan_bands": 5}, "Aturan tidak konsisten"),
])
def test_admin_rule_set_errors_are_explained(admin_client_, penilaian, field, value, message):
    aturan = penilaian.aturan
    url = reverse("admin:desa_aturanpenilaian_change", args=[aturan.pk])
    data = admin_post_data(admin_client_.get(url))
    data[field] = json.dumps(value)
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert AturanPenilaian.objects.get(pk=aturan.pk).ambang_skor == [[76, 5], [51, 3], [25, 1]]


def test_admin_rule_set_saves_unchanged(admin_client_, penilaian):
    url = reverse("admin:desa_aturanpenilaian_change", args=[penilaian.aturan_id])
    response = admin_client_.post(url, admin_post_data(admin_client_.get(url)))
    assert response.status_code == 302


def test_admin_kriteria_aspect_choices_limited_to_rule_set(admin_client_, penilaian):
    url = reverse("admin:desa_aturanpenilaian_change", args=[penilaian.aturan_id])
    response = admin_client_.get(url)
    kriteria_formset = response.context["inline_admin_formsets"][1].formset
    aspek_qs = kriteria_formset.forms[0].fields["aspek"].queryset
    assert set(aspek_qs.values_list("aturan_id", flat=True)) == {penilaian.aturan_id}


def test_admin_lokasi_kawasan_of_other_desa_refused(admin_client_, desa_a, desa_b):
    kawasan_b = buat_kawasan(desa_b)
    response = admin_client_.post(reverse("admin:desa_lokasi_add"), {
        "desa": desa_a.pk, "kawasan": kawasan_b.pk, "nama": "X", "rt": "", "rw": ""})
    assert response.status_code == 200
    assert "Kawasan harus berada di desa yang sama." in response.content.decode()


def test_admin_kawasan_negative_area_refused(admin_client_, desa_a):
    response = admin_client_.post(reverse("admin:desa_kawasan_add"), {
        "desa": desa_a.pk, "nama": "K", "luas_ha": "-1", "sk_nomor": "", "sk_tahun": "",
        "keterangan": ""})
    assert response.status_code == 200
    assert "Luas tidak boleh negatif." in response.content.decode()
