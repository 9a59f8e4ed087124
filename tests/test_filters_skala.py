"""Desa and stakeholder choices at national scale (issue 8, inti/pilihan.py).

Few choices (Jiwan): a plain ``<select>``. Many: a text input with suggestions from
``/saran/desa/`` and ``/saran/pemangku/``, resolved on the server. The threshold is lowered
here (``BATAS``) so that a few dozen rows stand for 83,762 desa and 168,726 stakeholders.
Also: the cached year list of the filters and its invalidation.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from anggaran.filters import tahun_choices
from anggaran.models import Kegiatan
from desa.models import Desa
from inti import pilihan
from inti.cache import bump_data_version
from kolaborasi.models import ForumKolaborasi, Komitmen, PemangkuKepentingan
from tests.anggaran_helpers import (
    KONTAK_EMAIL,
    KONTAK_NAMA,
    KONTAK_TELEPON,
    buat_kegiatan,
    buat_pemangku,
    kegiatan_post,
    line,
)
from tests.conftest import BATAS_PILIHAN_UJI
from tests.keamanan_helpers import assert_no_inline_script_or_style
from tests.penilaian_helpers import buat_kawasan, buat_lokasi, buat_penilaian
from tests.test_kegiatan import LIST_QUERIES

pytestmark = pytest.mark.django_db

BATAS = BATAS_PILIHAN_UJI
N_EXTRA = 30  # extra desa and extra stakeholders: 44 desa, 33+ stakeholders > BATAS
LIST = reverse("anggaran:kegiatan_list")


@pytest.fixture
def dunia(desa_a, desa_b):
    """Jiwan plus a few stakeholders and one activity in each of two desa."""
    dinas = buat_pemangku("Dinas Perumahan dan Kawasan Permukiman Kab. Madiun", "opd",
                          singkatan="Dinas PKP", kontak_nama=KONTAK_NAMA,
                          kontak_telepon=KONTAK_TELEPON, kontak_email=KONTAK_EMAIL)
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a)
    k_a = buat_kegiatan(desa_a, nama="Paving Bibrik", lines=[(dinas, "apbd-kab", 1000),
                                                             (pemdes, "dana-desa", 500)])
    k_b = buat_kegiatan(desa_b, nama="Drainase Sukolilo", lines=[(dinas, "apbd-kab", 2000)])
    return {"dinas": dinas, "pemdes": pemdes, "k_a": k_a, "k_b": k_b}


@pytest.fixture
def banyak(dunia, desa_a):
    """N_EXTRA more desa (same kecamatan) and stakeholders: "national scale" for BATAS."""
    Desa.objects.bulk_create([
        Desa(kecamatan=desa_a.kecamatan, kode_wilayah=f"35.19.09.3{i:03d}",
             nama=f"Kampung Uji {i:02d}") for i in range(N_EXTRA)])
    PemangkuKepentingan.objects.bulk_create([
        PemangkuKepentingan(nama=f"CSR Uji {i:02d}", jenis="swasta") for i in range(N_EXTRA)])
    return dunia


def _body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _input(body: str, name: str) -> str:
    found = re.findall(rf'<input type="text" name="{name}"[^>]*>', body)
    assert len(found) == 1, (name, found)
    return found[0]


# ------------------------------------------------------------------------------ small scale


def test_small_scale_keeps_the_selects(client, dunia, jiwan):
    body = _body(client.get(LIST))
    desa_select = re.search(r'<select name="desa".*?</select>', body, re.S).group(0)
    assert desa_select.count("<option") == 1 + jiwan.count()  # "Semua desa" + 14
    assert '<option value="35.19.09.2014">Bibrik</option>' in desa_select
    assert '<select name="pemangku"' in body
    assert "data-saran" not in body and "js/saran.js" not in body


def test_small_scale_select_shows_a_typed_value_as_selected(client, dunia):
    response = client.get(LIST, {"desa": "bibrik"})  # exact name, any case
    body = _body(response)
    assert [k.nama for k in response.context["page"]] == ["Paving Bibrik"]
    assert '<option value="35.19.09.2014" selected>Bibrik</option>' in body


# ------------------------------------------------------------------------------ large scale


def test_large_scale_list_enumerates_no_desa_and_no_stakeholder(client, batas, banyak):
    body = _body(client.get(LIST))
    assert '<select name="desa"' not in body and '<select name="pemangku"' not in body
    assert "Kampung Uji 17" not in body and "CSR Uji 17" not in body
    desa = _input(body, "desa")
    assert 'data-saran="/saran/desa/"' in desa and 'list="id_desa_saran"' in desa
    assert 'class="form-control"' in desa and "placeholder=" in desa
    assert '<datalist id="id_desa_saran"></datalist>' in body
    assert 'data-saran="/saran/pemangku/"' in _input(body, "pemangku")
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)


@pytest.mark.parametrize("value", ["Bibrik (35.19.09.2014)", "35.19.09.2014", "bibrik",
                                   "  Bibrik   (35.19.09.2014) "])
def test_large_scale_filter_by_typed_desa(client, batas, banyak, value):
    response = client.get(LIST, {"desa": value})
    body = _body(response)
    assert [k.nama for k in response.context["page"]] == ["Paving Bibrik"]
    # Shown again with its label, whatever form it was typed in.
    assert 'value="Bibrik (35.19.09.2014)"' in _input(body, "desa")
    assert "invalid-feedback" not in body


def test_large_scale_filter_by_typed_stakeholder(client, batas, banyak):
    dinas, pemdes = banyak["dinas"], banyak["pemdes"]
    for value in (f"{pemdes.nama} (#{pemdes.pk})", str(pemdes.pk), f"#{pemdes.pk}",
                  "pemerintah desa bibrik"):
        response = client.get(LIST, {"pemangku": value})
        body = _body(response)
        assert [k.nama for k in response.context["page"]] == ["Paving Bibrik"], value
        assert f'value="Pemerintah Desa Bibrik (#{pemdes.pk})"' in _input(body, "pemangku")
    # The short name counts as a name; both activities are funded by the Dinas.
    response = client.get(LIST, {"pemangku": "dinas pkp", "sumber": "apbd-kab"})
    assert {k.nama for k in response.context["page"]} == {"Paving Bibrik", "Drainase Sukolilo"}
    assert f"(#{dinas.pk})" in _input(_body(response), "pemangku")


@pytest.mark.parametrize("value, message", [
    ("Atlantis", "Desa “Atlantis” tidak ditemukan"),
    ("Atlantis (99.99.99.9999)", "tidak ditemukan"),
    ("99.99.99.9999", "tidak ditemukan"),
    ("Kembar", "Ada beberapa desa bernama “Kembar”"),
    ("x" * 199, "tidak ditemukan"),
    ("<b>Bibrik</b>", "tidak ditemukan"),
    ("123456789012345678901234567890", "tidak ditemukan"),
])
def test_large_scale_unknown_desa_is_a_field_error_and_ignored(client, batas, banyak, desa_a,
                                                               value, message):
    Desa.objects.bulk_create([Desa(kecamatan=desa_a.kecamatan, kode_wilayah=f"35.19.09.40{i}",
                                   nama="Kembar") for i in range(2)])
    response = client.get(LIST, {"desa": value})
    body = _body(response)
    assert message in body
    assert response.context["page"].paginator.count == 2  # the filter is ignored
    field = _input(body, "desa")
    assert "is-invalid" in field and 'aria-describedby="id_desa_error"' in field
    assert "<b>Bibrik" not in body  # what was typed comes back escaped


@pytest.mark.parametrize("value", ["#99999999999999999999", "99999999999999999999", "(#1",
                                   "Tak Dikenal (#0)", "#-1"])
def test_large_scale_unknown_stakeholder_never_breaks(client, batas, banyak, value):
    response = client.get(LIST, {"pemangku": value})
    assert "tidak ditemukan" in _body(response)
    assert response.context["page"].paginator.count == 2


LISTS = {
    "kolaborasi:pemangku_list": ("desa",),
    "kolaborasi:forum_list": ("desa",),
    "kolaborasi:komitmen_list": ("desa", "pemangku"),
    "desa:penilaian_list": ("desa",),
}


@pytest.mark.parametrize("url_name", sorted(LISTS))
def test_other_lists_at_large_scale(client, batas, banyak, desa_a, desa_b, url_name):
    ForumKolaborasi.objects.create(tanggal="2018-03-05", judul="Rembug Bibrik", desa=desa_a)
    ForumKolaborasi.objects.create(tanggal="2018-03-06", judul="Rembug Sukolilo", desa=desa_b)
    for d in (desa_a, desa_b):
        Komitmen.objects.create(pemangku=banyak["dinas"], desa=d, tahun=2018, nilai_rp=1000)
        buat_penilaian(buat_lokasi(d, kawasan=buat_kawasan(d)), 2024, status="diverifikasi")
    url = reverse(url_name)
    body = _body(client.get(url))
    for name in LISTS[url_name]:
        assert f'<select name="{name}"' not in body
        assert "data-saran=" in _input(body, name)
    assert "Kampung Uji 17" not in body and body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)
    # Filtering by the typed desa works and shows the label again.
    response = client.get(url, {"desa": "Sukolilo (35.19.09.2005)"})
    assert 'value="Sukolilo (35.19.09.2005)"' in _input(_body(response), "desa")
    rows = list(response.context["page"])
    assert rows
    if url_name != "kolaborasi:pemangku_list":  # (the Dinas is active in both desa)
        desa_of = {"kolaborasi:forum_list": lambda r: r.desa,
                   "kolaborasi:komitmen_list": lambda r: r.desa,
                   "desa:penilaian_list": lambda r: r.lokasi.desa}[url_name]
        assert {desa_of(r) for r in rows} == {desa_b}
    assert "tidak ditemukan" in _body(client.get(url, {"desa": "Atlantis"}))


# ------------------------------------------------------------------------------ queries


@pytest.mark.parametrize("large", [False, True])
def test_list_query_count_is_the_same_at_both_scales(client, django_assert_num_queries,
                                                     monkeypatch, banyak, large):
    """The probe that decides the widget is the query that fills the select: no extra one."""
    monkeypatch.setattr(pilihan, "BATAS_PILIHAN", BATAS if large else 200)
    with django_assert_num_queries(LIST_QUERIES):
        body = _body(client.get(LIST, {"sumber": "apbd-kab"}))
    assert ("data-saran" in body) is large
    # A chosen desa and funder cost one lookup each, at both scales.
    with django_assert_num_queries(LIST_QUERIES + 2):
        client.get(LIST, {"sumber": "apbd-kab", "desa": "35.19.09.2014",
                          "pemangku": str(banyak["dinas"].pk)})


def test_the_probe_is_bounded_and_unordered(client, batas, banyak):
    with CaptureQueriesContext(connection) as ctx:
        client.get(LIST)
    probes = [q["sql"] for q in ctx.captured_queries
              if 'FROM "desa_desa"' in q["sql"] and "LIMIT" in q["sql"]
              and "DISTINCT" not in q["sql"]]  # (the portal's scope: dashboard.cakupan_bawaan)
    assert len(probes) == 1
    assert f"LIMIT {BATAS + 1}" in probes[0] and "ORDER BY" not in probes[0]
    assert '"batas"' not in probes[0]  # never the boundaries


# ------------------------------------------------------------------------------ suggestions


def _saran(client, jenis, q):
    response = client.get(reverse(f"saran_{jenis}"), {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    text = response.content.decode()
    return text, json.loads(text)["hasil"]


def test_desa_suggestions_bounded_and_ordered(client, banyak):
    _text, hasil = _saran(client, "desa", "uji")
    assert len(hasil) == 20  # of 30 matches
    assert hasil[0] == {"nilai": "Kampung Uji 00 (35.19.09.3000)", "kode": "35.19.09.3000",
                        "label": "Kec. Jiwan, Kabupaten Madiun"}
    assert _saran(client, "desa", "u")[1] == []  # at least 2 characters
    assert _saran(client, "desa", "")[1] == []
    assert _saran(client, "desa", "x" * 101)[1] == []
    # By code, and the exact text of a suggestion gives that one desa.
    assert [h["nilai"] for h in _saran(client, "desa", "35.19.09.2014")[1]] == [
        "Bibrik (35.19.09.2014)"]
    assert [h["kode"] for h in _saran(client, "desa", "Bibrik (35.19.09.2014)")[1]] == [
        "35.19.09.2014"]


def test_stakeholder_suggestions_bounded_escaped_and_without_contacts(client, banyak):
    evil = buat_pemangku('<script>alert("x")</script> & Co', "swasta",
                         kontak_nama=KONTAK_NAMA, kontak_telepon=KONTAK_TELEPON,
                         kontak_email=KONTAK_EMAIL)
    _text, hasil = _saran(client, "pemangku", "csr uji")
    assert len(hasil) == 20
    text, hasil = _saran(client, "pemangku", "alert")
    assert hasil == [{"nilai": f'<script>alert("x")</script> & Co (#{evil.pk})',
                      "kode": str(evil.pk), "label": "Swasta/CSR"}]
    assert "<" not in text and ">" not in text and "&" not in text  # \u003C, \u003E, \u0026
    text, hasil = _saran(client, "pemangku", "dinas")
    assert hasil[0]["label"] == "Dinas PKP · OPD kabupaten"
    for secret in (KONTAK_NAMA, KONTAK_TELEPON, KONTAK_EMAIL, "kontak"):
        assert secret not in text
    assert [h["kode"] for h in _saran(client, "pemangku", f"#{evil.pk}")[1]] == [str(evil.pk)]
    assert _saran(client, "pemangku", "#99999999999999999999")[1] == []


def test_suggestions_are_get_only_and_public(client, banyak, client_for, pimpinan):
    for jenis in ("desa", "pemangku"):
        url = reverse(f"saran_{jenis}")
        assert client.post(url, {"q": "uji"}).status_code == 405
        assert _saran(client, jenis, "uji\x00")[1] == []
        assert client_for(pimpinan).get(url, {"q": "uji"}).status_code == 200


# ------------------------------------------------------------------------------ activity form


def test_admin_activity_form_at_large_scale(client_for, admin_user, batas, banyak, desa_a):
    c = client_for(admin_user)
    url = reverse("anggaran:kegiatan_baru")
    body = _body(c.get(url))
    assert '<select name="desa"' not in body and "Kampung Uji 17" not in body
    assert 'data-saran="/saran/desa/"' in _input(body, "desa")
    assert 'data-saran="/saran/pemangku/"' in _input(body, "dana-0-pemangku")
    assert "Pilih desa dulu" in body and 'data-saran-nilai="kode"' in body
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)

    # With the desa known (?desa=), its kawasan are offered and no "choose first" box.
    kawasan = buat_kawasan(desa_a)
    body = _body(c.get(url, {"desa": desa_a.kode_wilayah}))
    assert "Pilih desa dulu" not in body and kawasan.nama in body
    assert 'value="Bibrik (35.19.09.2014)"' in _input(body, "desa")

    dinas = banyak["dinas"]
    data = kegiatan_post(desa_a, [line(dinas, "apbd-kab", "1.000.000")],
                         kawasan=str(kawasan.pk))
    data["desa"] = "Bibrik (35.19.09.2014)"
    data["dana-0-pemangku"] = f"{dinas.nama} (#{dinas.pk})"
    response = c.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    kegiatan = Kegiatan.objects.get(nama=data["nama"])
    assert kegiatan.desa == desa_a and kegiatan.kawasan == kawasan
    assert kegiatan.pendanaan.get().pemangku == dinas

    # The edit page shows the labels of the saved desa and funder.
    body = _body(c.get(reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])))
    assert 'value="Bibrik (35.19.09.2014)"' in _input(body, "desa")
    assert f'value="{dinas.nama} (#{dinas.pk})"' in _input(body, "dana-0-pemangku")

    # Unknown text: errors on the fields, nothing saved, the text shown again.
    data["desa"], data["dana-0-pemangku"] = "Atlantis", "Tak Dikenal"
    response = c.post(url, data)
    body = _body(response)
    assert "Desa “Atlantis” tidak ditemukan" in body
    assert "Pemangku kepentingan “Tak Dikenal” tidak ditemukan" in body
    assert 'value="Tak Dikenal"' in _input(body, "dana-0-pemangku")
    assert Kegiatan.objects.filter(nama=data["nama"]).count() == 1


def test_facilitator_keeps_the_desa_select_at_large_scale(client_for, fasilitator_a, batas,
                                                          banyak, desa_a):
    body = _body(client_for(fasilitator_a).get(reverse("anggaran:kegiatan_baru")))
    select = re.search(r'<select name="desa".*?</select>', body, re.S).group(0)
    assert select.count("<option") == 2 and "Bibrik" in select  # "– pilih desa –" + own
    assert "Pilih desa dulu" not in body
    assert 'data-saran="/saran/pemangku/"' in _input(body, "dana-0-pemangku")


# ------------------------------------------------------------------------------ year list


@pytest.fixture
def shared_cache():
    """Caching on (as with Redis), on a private local-memory cache."""
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "test-filters-skala"}}
    with override_settings(CACHES=caches, DASHBOARD_CACHE=True):
        cache.clear()
        yield
        cache.clear()


def test_year_list_is_cached_and_invalidated_on_commit(shared_cache, dunia, desa_a,
                                                       django_capture_on_commit_callbacks):
    years = tahun_choices()
    assert years() == [(2018, "2018")]
    with CaptureQueriesContext(connection) as ctx:
        assert years() == [(2018, "2018")]
    assert len(ctx.captured_queries) == 0

    with django_capture_on_commit_callbacks(execute=True):
        new = buat_kegiatan(desa_a, nama="Baru", tahun=2031)
    assert years() == [(2031, "2031"), (2018, "2018")]
    # A bulk write sends no signal: its code bumps the version itself (inti/cache.py).
    Kegiatan.objects.filter(pk=new.pk).update(tahun_anggaran=2030)
    bump_data_version()
    assert years() == [(2030, "2030"), (2018, "2018")]
    with django_capture_on_commit_callbacks(execute=True):
        Kegiatan.objects.get(pk=new.pk).delete()
    assert years() == [(2018, "2018")]

    # Pledge years are cached under their own key, invalidated the same way.
    pledges = tahun_choices(Komitmen, "tahun")
    assert pledges() == []
    with django_capture_on_commit_callbacks(execute=True):
        Komitmen.objects.create(pemangku=dunia["dinas"], desa=desa_a, tahun=2019,
                                nilai_rp=Decimal(1))
    assert pledges() == [(2019, "2019")] and years() == [(2018, "2018")]


# The activity years are read by index probes (inti.tahun._loncat), one statement.
YEARS_SQL = 'SELECT MAX("tahun_anggaran") FROM "anggaran_kegiatan"'


def test_year_probes_give_the_distinct_years(dunia, desa_a):
    """The skip scan over the year index gives what SELECT DISTINCT gives (gaps, repeats,
    newest first); a field no index starts with is read by DISTINCT."""
    from inti import tahun

    for year in (2031, 2031, 2024, 2019):
        buat_kegiatan(desa_a, nama=f"Uji {year}", tahun=year)
    distinct = list(Kegiatan.objects.order_by("-tahun_anggaran")
                    .values_list("tahun_anggaran", flat=True).distinct())
    assert tahun._diindeks(Kegiatan, "tahun_anggaran")
    assert tahun._loncat(Kegiatan, "tahun_anggaran") == distinct == [2031, 2024, 2019, 2018]
    assert tahun.tahun_tersedia.uncached("anggaran.Kegiatan", "tahun_anggaran") == distinct
    assert not tahun._diindeks(Kegiatan, "volume")


def test_year_list_on_the_list_page_costs_no_query_when_warm(client, shared_cache, dunia):
    client.get(LIST, {"tahun_anggaran": "2018"})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST, {"tahun_anggaran": "2018"})
    assert response.context["page"].paginator.count == 2
    assert not [q for q in ctx.captured_queries if YEARS_SQL in q["sql"]]


def test_year_list_is_read_once_per_request_without_cache(client, dunia):
    with CaptureQueriesContext(connection) as ctx:
        client.get(LIST, {"tahun_anggaran": "2018"})  # validated and rendered
    assert len([q for q in ctx.captured_queries if YEARS_SQL in q["sql"]]) == 1
