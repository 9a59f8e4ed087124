"""Staff pages at national scale (83,762 desa, 168,726 stakeholders).

* "Tugas saya": up to ``tugas.MAKS_DESA_RINCI`` writable desa a card per desa (unchanged); more
  (an admin nationally), the count per category and the oldest items, one desa's card on
  request, in a number of queries that does not depend on the number of desa.
* The assessment list's "Tambah penilaian": links while the writable desa are few, else a
  typed desa with suggestions (``?tambah=`` redirects to its entry form).
* Forum, pledge and story forms: desa and stakeholders typed with suggestions beyond the
  threshold; several of them through ``inti.pilihan``'s multi-value fields.
* The desa list's kecamatan filter: typed code or name beyond the threshold.

The thresholds are lowered here so that a few dozen rows stand for the nation.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from anggaran.models import LaporanProgres, StatusKegiatan
from desa import akses
from desa.models import Desa, Kecamatan, Penilaian, Penugasan
from inti import pilihan
from kolaborasi.models import ForumKolaborasi, Komitmen, PemangkuKepentingan
from kotaku import tugas
from publikasi.models import Kabar
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku
from tests.conftest import BATAS_PILIHAN_UJI as BATAS
from tests.conftest import make_user
from tests.keamanan_helpers import assert_no_inline_script_or_style
from tests.penilaian_helpers import buat_lokasi, buat_penilaian
from tests.test_penilaian_views import DESA_LIST_QUERIES

pytestmark = pytest.mark.django_db

N_EXTRA = 30  # extra desa and stakeholders: 44 desa, 32 stakeholders > BATAS
TUGAS = reverse("tugas_saya")
PENILAIAN = reverse("desa:penilaian_list")
FORUM = reverse("kolaborasi:forum_baru")
KOMITMEN = reverse("kolaborasi:komitmen_baru")
KABAR = reverse("kolaborasi:kabar_baru")
DESA = reverse("desa:list")


@pytest.fixture
def banyak(desa_a, desa_b):
    """N_EXTRA more desa (same kecamatan) and stakeholders, plus two named ones."""
    Desa.objects.bulk_create([
        Desa(kecamatan=desa_a.kecamatan, kode_wilayah=f"35.19.09.3{i:03d}",
             nama=f"Kampung Uji {i:02d}") for i in range(N_EXTRA)])
    PemangkuKepentingan.objects.bulk_create([
        PemangkuKepentingan(nama=f"CSR Uji {i:02d}", jenis="swasta") for i in range(N_EXTRA)])
    dinas = buat_pemangku("Dinas Perumahan dan Kawasan Permukiman Kab. Madiun", "opd",
                          singkatan="Dinas PKP")
    pemdes = buat_pemangku("Pemerintah Desa Bibrik", "pemdes", desa=desa_a)
    return {"dinas": dinas, "pemdes": pemdes}


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _inputs(body: str, name: str) -> list[str]:
    return re.findall(rf'<input type="text" name="{name}"[^>]*>', body)


def _input(body: str, name: str) -> str:
    found = _inputs(body, name)
    assert len(found) == 1, (name, found)
    return found[0]


# ============================================================================== Tugas saya

TODAY = timezone.localdate()


def _isi_desa(desa, i: int = 0):
    """One of each task in ``desa``: an unassessed location, a returned assessment, a draft,
    a running activity without recent progress and past its finish date."""
    lokasi = buat_lokasi(desa, nama=f"Dusun Tugas {i:02d}")
    returned = buat_penilaian(buat_lokasi(desa, nama=f"RT kembali {i:02d}"), TODAY.year,
                              status="dikembalikan")
    Penilaian.objects.filter(pk=returned.pk).update(catatan_verifikasi="Periksa volume 2b")
    draft = buat_penilaian(buat_lokasi(desa, nama=f"RT draf {i:02d}"), TODAY.year - 1)
    kegiatan = buat_kegiatan(desa, nama=f"Drainase tertunda {i:02d}", tahun=TODAY.year,
                             status=StatusKegiatan.BERJALAN,
                             tanggal_selesai=TODAY - dt.timedelta(days=10 + i))
    LaporanProgres.objects.create(kegiatan=kegiatan, tanggal=TODAY - dt.timedelta(days=40),
                                  persen_fisik=20)
    return {"lokasi": lokasi, "returned": returned, "draft": draft, "kegiatan": kegiatan}


@pytest.fixture
def ringkas(monkeypatch):
    """Jiwan's 14 desa count as "many" for the work queue."""
    monkeypatch.setattr(tugas, "MAKS_DESA_RINCI", 5)


def test_admin_at_small_scale_keeps_a_card_per_desa(client_for, admin_user, jiwan, desa_a):
    _isi_desa(desa_a)
    body = _body(client_for(admin_user).get(TUGAS))
    assert body.count('<section class="card mb-3"') == jiwan.count()
    assert "Semua beres untuk desa ini." in body and "Tugas di semua desa Anda" not in body


def test_admin_summary_counts_and_links(client_for, admin_user, ringkas, jiwan, desa_a,
                                        desa_b, monkeypatch):
    monkeypatch.setattr(tugas, "MAKS_BUTIR", 1)
    _isi_desa(desa_a, 0)
    b = _isi_desa(desa_b, 1)
    response = client_for(admin_user).get(TUGAS)
    body = _body(response)
    assert "Tugas satu desa" in body and "Semua beres untuk desa ini." not in body
    assert f"Anda dapat menulis di {jiwan.count()} desa" in body
    assert "Daftar lengkap tugas disusun per desa" in body
    ringkasan = response.context["ringkasan"]
    # The same numbers as the per-desa cards would give, summed over every desa.
    kartu = tugas.tugas_per_desa(Desa.objects.all())
    for kode in ("lokasi_belum_dinilai", "kegiatan_tanpa_progres", "kegiatan_terlambat",
                 "dikembalikan", "draf"):
        assert ringkasan.kategori[kode].jumlah == sum(len(getattr(t, kode)) for t in kartu)
        assert len(ringkasan.kategori[kode].butir) == 1, kode
    assert ringkasan.kategori["dikembalikan"].jumlah == 2
    # Per desa two locations lack this year's assessment (a new one, last year's draft).
    assert body.count("dan 1 lainnya") == 4 and body.count("dan 3 lainnya") == 1
    # Oldest first: B's activity was due 11 days ago, A's 10.
    assert ringkasan.kategori["kegiatan_terlambat"].butir == [b["kegiatan"]]
    # Links to the items and to the list pages filtered the same way.
    assert reverse("desa:penilaian_ubah", args=[ringkasan.kategori["dikembalikan"]
                                                .butir[0].pk]) in body
    assert f'{PENILAIAN}?status=dikembalikan' in body and f"{PENILAIAN}?status=draft" in body
    assert reverse("anggaran:kegiatan_list") + "?status=berjalan" in body
    assert reverse("anggaran:progres_baru", args=[b["kegiatan"].pk]) in body
    assert "Periksa volume 2b" in body
    assert_no_inline_script_or_style(body)


def test_summary_items_of_a_location(client_for, admin_user, ringkas, desa_a):
    lokasi = buat_lokasi(desa_a, nama="Dusun Lama")
    buat_penilaian(lokasi, TODAY.year - 3, status="diverifikasi")
    body = _body(client_for(admin_user).get(TUGAS))
    assert f"{reverse('desa:penilaian_baru', args=[desa_a.kode_wilayah])}?lokasi={lokasi.pk}" \
        in body
    assert f"terakhir dinilai {TODAY.year - 3}" in body


def _tambah_data(n: int, start: int):
    kec = Kecamatan.objects.get(kode_wilayah="35.19.09")
    desa = Desa.objects.bulk_create([
        Desa(kecamatan=kec, kode_wilayah=f"35.19.09.5{start + i:03d}", nama=f"Desa Besar {i}")
        for i in range(n)])
    for i, d in enumerate(desa):
        _isi_desa(d, start + i)


@pytest.mark.parametrize("role", ["admin", "fasilitator"])
def test_summary_query_count_does_not_grow_with_the_desa(client_for, admin_user, ringkas,
                                                         jiwan, django_assert_num_queries,
                                                         role):
    user = admin_user
    if role == "fasilitator":
        user = make_user("fasil_banyak", akses.FASILITATOR)
    c = client_for(user)
    # Session, user, roles; the bounded probe of the writable desa; 9 for the summary; the
    # chooser's probe; the admin's verifier queue (its count only once the list is full).
    expected = {"admin": 15, "fasilitator": 14}[role]
    for n, start in ((6, 0), (25, 100)):
        _tambah_data(n, start)
        if role == "fasilitator":
            Penugasan.objects.bulk_create([Penugasan(user=user, desa=d) for d in
                                           Desa.objects.filter(kode_wilayah__startswith="35.19.09.5")
                                           .exclude(penugasan__user=user)])
        with django_assert_num_queries(expected):
            response = c.get(TUGAS)
        assert response.context["ringkasan"] is not None
        assert response.context["ringkasan"].kategori["draf"].jumlah == \
            Desa.objects.filter(kode_wilayah__startswith="35.19.09.5").count()


def test_facilitator_summary_only_covers_their_desa(client_for, ringkas, jiwan, desa_a):
    user = make_user("fasil_enam", akses.FASILITATOR)
    mine = list(jiwan.exclude(pk=desa_a.pk)[:6])
    Penugasan.objects.bulk_create([Penugasan(user=user, desa=d) for d in mine])
    _isi_desa(desa_a, 0)  # not theirs
    _isi_desa(mine[0], 1)
    response = client_for(user).get(TUGAS)
    body = _body(response)
    k = response.context["ringkasan"].kategori
    assert {key: v.jumlah for key, v in k.items()} == {
        "lokasi_belum_dinilai": 2, "kegiatan_tanpa_progres": 1, "kegiatan_terlambat": 1,
        "dikembalikan": 1, "draf": 1}
    assert "Drainase tertunda 00" not in body and "Drainase tertunda 01" in body
    assert response.context["antrian"] is None
    # The chooser offers only their desa (a select: 6 are few), and refuses another one.
    select = re.search(r'<select name="desa".*?</select>', body, re.S).group(0)
    assert select.count("<option") == 7 and desa_a.nama not in select
    body = _body(client_for(user).get(TUGAS, {"desa": desa_a.kode_wilayah}))
    assert "Pilih desa tugas Anda." in body and "Drainase tertunda 00" not in body


def test_summary_one_desa_card_on_request(client_for, admin_user, ringkas, batas, banyak,
                                          desa_a):
    a = _isi_desa(desa_a)
    c = client_for(admin_user)
    body = _body(c.get(TUGAS))
    field = _input(body, "desa")
    assert 'data-saran="/saran/desa/"' in field and "Kampung Uji 17" not in body
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)
    for value in ("Bibrik (35.19.09.2014)", "35.19.09.2014", "bibrik"):
        body = _body(c.get(TUGAS, {"desa": value}))
        assert f'id="h-desa-{desa_a.pk}"' in body, value
        assert reverse("desa:penilaian_ubah", args=[a["returned"].pk]) in body
        assert 'value="Bibrik (35.19.09.2014)"' in _input(body, "desa")
    body = _body(c.get(TUGAS, {"desa": "Atlantis"}))
    assert "Desa “Atlantis” tidak ditemukan" in body and 'id="h-desa-' not in body
    for hostile in ("\x00", "9" * 400, "<script>alert(1)</script>", "#-1"):
        assert "<script>alert" not in _body(c.get(TUGAS, {"desa": hostile}))


def test_verifier_queue_shows_the_total(client_for, verifikator, desa_a, monkeypatch):
    monkeypatch.setattr(tugas, "MAKS_BUTIR", 2)
    for i in range(3):
        buat_penilaian(buat_lokasi(desa_a, nama=f"RT 0{i}"), 2024, status="diajukan")
    body = _body(client_for(verifikator).get(TUGAS))
    assert body.count('<li class="list-group-item') == 3  # below 100: all, as before
    assert "Lihat semua di antrian verifikasi" not in body


def test_admin_summary_caps_the_verifier_queue(client_for, admin_user, ringkas, desa_a,
                                               monkeypatch):
    monkeypatch.setattr(tugas, "MAKS_BUTIR", 2)
    for i in range(3):
        buat_penilaian(buat_lokasi(desa_a, nama=f"RT 0{i}"), 2024, status="diajukan")
    response = client_for(admin_user).get(TUGAS)
    body = _body(response)
    assert body.count('<li class="list-group-item') == 2 and response.context["antrian_jumlah"] == 3
    assert "Lihat semua di antrian verifikasi" in body


def test_facilitator_page_unchanged(client_for, fasilitator_a, desa_a):
    _isi_desa(desa_a)
    response = client_for(fasilitator_a).get(TUGAS)
    body = _body(response)
    assert response.context["ringkasan"] is None and response.context["pilih"] is None
    assert f'id="h-desa-{desa_a.pk}"' in body and "Tugas satu desa" not in body


def test_read_only_roles_still_see_the_hint(client_for, pimpinan):
    assert "Peran Anda hanya membaca" in _body(client_for(pimpinan).get(TUGAS))


# ============================================================================== Tambah penilaian


def _main(body: str) -> str:
    """The page's own content (the navbar has its account menu, also a dropdown)."""
    return re.search(r"<main.*?</main>", body, re.S).group(0)


def test_admin_assessment_list_types_the_desa_at_large_scale(client_for, admin_user, batas,
                                                             banyak):
    c = client_for(admin_user)
    body = _body(c.get(PENILAIAN))
    assert "dropdown-menu" not in _main(body) and "Kampung Uji 17" not in body
    field = _input(body, "tambah")
    assert 'data-saran="/saran/desa/"' in field and "form-control" in field
    assert body.count("js/saran.js") == 1  # the filter's desa field needs it too: once
    assert_no_inline_script_or_style(body)
    for value in ("Bibrik (35.19.09.2014)", "35.19.09.2014", "Bibrik"):
        response = c.get(PENILAIAN, {"tambah": value})
        assert response.status_code == 302
        assert response["Location"] == reverse("desa:penilaian_baru", args=["35.19.09.2014"])
    body = _body(c.get(PENILAIAN, {"tambah": "Atlantis"}))
    assert "Desa “Atlantis” tidak ditemukan" in body
    assert 'value="Atlantis"' in _input(body, "tambah")
    assert _body(c.get(PENILAIAN, {"tambah": ""}))  # empty: just the list


def test_facilitator_keeps_the_menu(client_for, fasilitator_a, batas, banyak, desa_a, desa_b):
    c = client_for(fasilitator_a)
    body = _body(c.get(PENILAIAN))
    menu = re.search(r'<ul class="dropdown-menu.*?</ul>', _main(body), re.S).group(0)
    assert menu.count("<li>") == 1
    assert reverse("desa:penilaian_baru", args=[desa_a.kode_wilayah]) in menu
    assert not _inputs(body, "tambah")
    # Another desa through the parameter: refused with the message, no redirect.
    response = c.get(PENILAIAN, {"tambah": desa_b.kode_wilayah})
    assert "Pilih desa tugas Anda." in _body(response)


def test_read_only_roles_get_no_add_button(client_for, pimpinan, batas, banyak):
    c = client_for(pimpinan)
    body = _body(c.get(PENILAIAN, {"tambah": "35.19.09.2014"}))  # ignored: 200, no redirect
    assert "Tambah penilaian" not in body and not _inputs(body, "tambah")


@pytest.mark.parametrize("large", [False, True])
def test_assessment_list_queries_same_at_both_scales(client_for, admin_user, banyak,
                                                     django_assert_num_queries, monkeypatch,
                                                     large):
    monkeypatch.setattr(pilihan, "BATAS_PILIHAN", BATAS if large else 200)
    c = client_for(admin_user)
    with django_assert_num_queries(7):
        body = _body(c.get(PENILAIAN))
    assert bool(_inputs(body, "tambah")) is large


# ============================================================================== Forum


def _forum(desa, peserta, **over) -> dict:
    data = {"tanggal": "2018-03-05", "judul": "Rembug warga", "tempat": "Balai desa",
            "desa": desa, "peserta": peserta, "kesepakatan": "Paving jalan RT 1"}
    data.update(over)
    return data


def test_forum_form_small_scale_keeps_the_selects(client_for, admin_user, banyak):
    body = _body(client_for(admin_user).get(FORUM))
    peserta = re.search(r'<select name="peserta".*?</select>', body, re.S).group(0)
    assert "multiple" in peserta and peserta.count("<option") == PemangkuKepentingan.objects.count()
    assert '<select name="desa"' in body and "js/saran.js" not in body
    assert "Pilih beberapa dengan Ctrl" in body


def test_forum_form_at_large_scale(client_for, admin_user, batas, banyak, desa_a):
    c = client_for(admin_user)
    body = _body(c.get(FORUM))
    assert '<select name="peserta"' not in body and '<select name="desa"' not in body
    assert "Kampung Uji 17" not in body and "CSR Uji 17" not in body
    assert 'data-saran="/saran/desa/"' in _input(body, "desa")
    rows = _inputs(body, "peserta")
    assert len(rows) == pilihan.BARIS_KOSONG
    assert all('data-saran="/saran/pemangku/"' in r and 'list="id_peserta_saran"' in r
               for r in rows)
    assert 'id="id_peserta"' in rows[0] and 'aria-label="Peserta 2"' in rows[1]
    assert body.count('<datalist id="id_peserta_saran">') == 1
    assert "data-saran-tambah hidden" in body and "Satu pemangku per kotak" in body
    assert "Pilih beberapa dengan Ctrl" not in body
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)

    dinas, pemdes = banyak["dinas"], banyak["pemdes"]
    uji = PemangkuKepentingan.objects.get(nama="CSR Uji 07")
    response = c.post(FORUM, _forum("Bibrik (35.19.09.2014)", [
        f"{dinas.nama} (#{dinas.pk})", "pemerintah desa bibrik", f"#{uji.pk}", "",
        f"  #{uji.pk} ", "dinas pkp"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    forum = ForumKolaborasi.objects.get()
    assert forum.desa == desa_a
    assert set(forum.peserta.all()) == {dinas, pemdes, uji}


def test_forum_unknown_participants_each_get_a_message(client_for, admin_user, batas, banyak):
    c = client_for(admin_user)
    dinas = banyak["dinas"]
    buat_pemangku("Kembar", "swasta")
    buat_pemangku("Kembar", "swasta", desa=Desa.objects.get(kode_wilayah="35.19.09.2005"))
    response = c.post(FORUM, _forum("", [f"#{dinas.pk}", "Tak Dikenal", "Kembar",
                                         "<b>x</b>", "#99999999999999999999"]))
    body = _body(response)
    assert "Pemangku kepentingan “Tak Dikenal” tidak ditemukan" in body
    assert "Ada beberapa pemangku kepentingan bernama “Kembar”" in body
    assert "“&lt;b&gt;x&lt;/b&gt;” tidak ditemukan" in body and "<b>x" not in body
    assert "“#99999999999999999999” tidak ditemukan" in body
    assert not ForumKolaborasi.objects.exists()
    # The rows come back: the resolved one with its label, the others as typed.
    rows = _inputs(body, "peserta")
    assert len(rows) == 5 + pilihan.BARIS_KOSONG
    assert f'value="{dinas.nama} (#{dinas.pk})"' in rows[0]
    assert 'value="Tak Dikenal"' in rows[1] and "is-invalid" in rows[1]
    assert 'aria-invalid="true"' in rows[1] and 'aria-describedby="id_peserta_error"' in rows[1]
    # Only the entries that did not resolve are marked.
    assert "is-invalid" not in rows[0] and "is-invalid" not in rows[-1]


def test_forum_participant_limit_and_nul_byte(client_for, admin_user, batas, banyak,
                                              monkeypatch):
    monkeypatch.setattr(pilihan, "MAKS_ISIAN", 3)
    c = client_for(admin_user)
    names = [f"CSR Uji {i:02d}" for i in range(4)]
    assert "Paling banyak 3 isian sekaligus." in _body(c.post(FORUM, _forum("", names)))
    assert "Karakter null tidak diizinkan" in _body(c.post(FORUM, _forum("", ["CSR\x00Uji"])))
    assert not ForumKolaborasi.objects.exists()


def test_facilitator_forum_form_at_large_scale(client_for, fasilitator_a, batas, banyak,
                                               desa_a, desa_b):
    c = client_for(fasilitator_a)
    body = _body(c.get(FORUM))
    select = re.search(r'<select name="desa".*?</select>', body, re.S).group(0)
    assert select.count("<option") == 2 and "Bibrik" in select  # "– tanpa desa –" + own
    assert len(_inputs(body, "peserta")) == pilihan.BARIS_KOSONG  # stakeholders: national
    # Another desa by code: refused (the select's own message), nothing saved.
    body = _body(c.post(FORUM, _forum(str(desa_b.pk), ["CSR Uji 01"])))
    assert "Pilih desa tugas Anda." in body and not ForumKolaborasi.objects.exists()


# ============================================================================== Komitmen


def test_pledge_form_at_large_scale(client_for, admin_user, batas, banyak, desa_a):
    c = client_for(admin_user)
    body = _body(c.get(KOMITMEN, {"desa": desa_a.kode_wilayah}))
    assert '<select name="pemangku"' not in body and '<select name="desa"' not in body
    assert 'data-saran="/saran/pemangku/"' in _input(body, "pemangku")
    assert 'value="Bibrik (35.19.09.2014)"' in _input(body, "desa")  # preselected desa
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)
    data = {"pemangku": "Dinas PKP", "desa": "35.19.09.2014", "kriteria": "", "tahun": "2018",
            "nilai_rp": "50.000.000", "natura": "", "uraian": "Paving", "forum": ""}
    body = _body(c.post(KOMITMEN, {**data, "pemangku": "Atlantis Corp", "desa": "Atlantis"}))
    assert "Pemangku kepentingan “Atlantis Corp” tidak ditemukan" in body
    assert "Desa “Atlantis” tidak ditemukan" in body and not Komitmen.objects.exists()
    assert c.post(KOMITMEN, data).status_code == 302
    komitmen = Komitmen.objects.get()
    assert komitmen.pemangku == banyak["dinas"] and komitmen.desa == desa_a


# ============================================================================== Kabar


def _kabar(desa, pemangku=(), kegiatan=(), **over) -> dict:
    data = {"judul": "Paving Bibrik selesai", "ringkasan": "", "isi": "Cerita dari lapangan.",
            "keterangan_sampul": "", "desa": list(desa), "kegiatan": list(kegiatan),
            "pemangku": list(pemangku), "tag_teks": "paving"}
    data.update(over)
    return data


def test_story_form_at_large_scale(client_for, admin_user, batas, banyak, desa_a, desa_b):
    k_a = buat_kegiatan(desa_a, nama="Paving Bibrik")
    k_b = buat_kegiatan(desa_b, nama="Drainase Sukolilo")
    c = client_for(admin_user)
    body = _body(c.get(KABAR))
    assert '<select name="desa"' not in body and '<select name="pemangku"' not in body
    assert "Kampung Uji 17" not in body and "CSR Uji 17" not in body
    assert len(_inputs(body, "desa")) == len(_inputs(body, "pemangku")) == pilihan.BARIS_KOSONG
    kegiatan = re.search(r'<select name="kegiatan".*?</select>', body, re.S).group(0)
    assert "<option" not in kegiatan  # none before the story's desa are known
    assert "muncul setelah kabar disimpan" in body
    assert body.count("js/saran.js") == 1
    assert_no_inline_script_or_style(body)

    # Unknown desa: a message, nothing saved; an activity of a desa not chosen is refused.
    body = _body(c.post(KABAR, _kabar(["Atlantis", "Bibrik"], kegiatan=[k_a.pk])))
    assert "Desa “Atlantis” tidak ditemukan" in body and not Kabar.objects.exists()
    body = _body(c.post(KABAR, _kabar(["Bibrik"], kegiatan=[k_b.pk])))
    assert "kegiatan" in re.sub(r"\s+", " ", body).lower() and not Kabar.objects.exists()

    dinas = banyak["dinas"]
    response = c.post(KABAR, _kabar(["Bibrik (35.19.09.2014)", "35.19.09.2005"],
                                    pemangku=[f"#{dinas.pk}"], kegiatan=[k_a.pk, k_b.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    kabar = Kabar.objects.get()
    assert set(kabar.desa.all()) == {desa_a, desa_b} and set(kabar.kegiatan.all()) == {k_a, k_b}
    assert list(kabar.pemangku.all()) == [dinas]

    # The edit page shows the saved rows' labels and offers the activities of its desa.
    body = _body(c.get(reverse("kolaborasi:kabar_ubah", args=[kabar.slug])))
    desa_rows = _inputs(body, "desa")
    assert len(desa_rows) == 2 + pilihan.BARIS_KOSONG
    assert {re.search(r'value="([^"]*)"', r).group(1) for r in desa_rows[:2]} == {
        "Bibrik (35.19.09.2014)", "Sukolilo (35.19.09.2005)"}
    assert f'value="{dinas.nama} (#{dinas.pk})"' in _inputs(body, "pemangku")[0]
    kegiatan = re.search(r'<select name="kegiatan".*?</select>', body, re.S).group(0)
    assert "Paving Bibrik" in kegiatan and "Drainase Sukolilo" in kegiatan


def test_story_form_small_scale_keeps_the_selects(client_for, admin_user, desa_a):
    k_a = buat_kegiatan(desa_a, nama="Paving Bibrik")
    body = _body(client_for(admin_user).get(KABAR))
    assert '<select name="desa"' in body and '<select name="pemangku"' in body
    assert "Paving Bibrik" in body and "js/saran.js" not in body
    assert k_a.pk


def test_story_edit_by_admin_keeps_no_extra_work(client_for, admin_user, desa_a, batas,
                                                 banyak, django_assert_max_num_queries):
    """Saving a story no longer reads every writable desa's id (83,762 for an admin)."""
    kabar = Kabar.objects.create(judul="Lama", slug="lama", isi="Isi")
    kabar.desa.set([desa_a])
    c = client_for(admin_user)
    with django_assert_max_num_queries(40):
        response = c.post(reverse("kolaborasi:kabar_ubah", args=[kabar.slug]),
                          _kabar(["35.19.09.2014"], judul="Baru"))
    assert response.status_code == 302
    kabar.refresh_from_db()
    assert kabar.judul == "Baru" and list(kabar.desa.all()) == [desa_a]


# ============================================================================== Multi-value field


def test_multi_field_resolves_like_the_single_field(batas, banyak, desa_a, desa_b):
    field = pilihan.DesaPilihanBanyakField(queryset=Desa.objects.all())
    field.siapkan()
    assert field.besar is True
    qs = field.clean(["Bibrik", "35.19.09.2005", "Bibrik (35.19.09.2014)", " ", ""])
    assert set(qs) == {desa_a, desa_b}
    assert field.prepare_value(["Bibrik", "Atlantis", desa_b, desa_a.pk]) == [
        "Bibrik (35.19.09.2014)", "Atlantis", "Sukolilo (35.19.09.2005)",
        "Bibrik (35.19.09.2014)"]
    field.required = False
    assert list(field.clean(["", " "])) == []
    with pytest.raises(ValidationError) as info:
        field.clean(["Atlantis", "Bibrik", "Kampung Uji"])
    messages = info.value.messages
    assert len(messages) == 2 and "“Atlantis”" in messages[0] and "“Kampung Uji”" in messages[1]
    assert [d.nama for d in field.terselesaikan()] == ["Bibrik"]


def test_multi_field_small_scale_is_a_select(banyak):
    field = pilihan.PemangkuPilihanBanyakField(queryset=PemangkuKepentingan.objects.all())
    field.siapkan()
    assert field.besar is False and isinstance(field.widget,
                                               type(pilihan.forms.SelectMultiple()))
    dinas = banyak["dinas"]
    assert list(field.clean([str(dinas.pk)])) == [dinas]
    for bad in (["99999999999999999999"], ["abc"], ["-1"]):
        with pytest.raises(ValidationError):
            field.clean(bad)


# ============================================================================== Desa list


@pytest.fixture
def banyak_kecamatan(desa_a):
    kab = desa_a.kecamatan.kabupaten
    Kecamatan.objects.bulk_create([
        Kecamatan(kabupaten=kab, kode_wilayah=f"35.19.{20 + i:02d}", nama=f"Kecamatan Uji {i}")
        for i in range(N_EXTRA)])
    Kecamatan.objects.bulk_create([
        Kecamatan(kabupaten=kab, kode_wilayah=f"35.19.{60 + i}", nama="Kembar")
        for i in range(2)])


def test_desa_list_kecamatan_small_scale_is_a_select(client, jiwan):
    body = _body(client.get(DESA))
    select = re.search(r'<select name="kecamatan".*?</select>', body, re.S).group(0)
    assert select.count("<option") == 2 and "Jiwan" in select


def test_desa_list_kecamatan_at_large_scale(client, batas, banyak_kecamatan, jiwan):
    body = _body(client.get(DESA))
    assert '<select name="kecamatan"' not in body and "Kecamatan Uji 17" not in body
    field = _input(body, "kecamatan")
    assert "form-control" in field and "placeholder=" in field and "data-saran" not in field
    assert "js/saran.js" not in body
    assert_no_inline_script_or_style(body)
    kecamatan = Kecamatan.objects.get(kode_wilayah="35.19.09")
    for value in ("35.19.09", "Jiwan", "Jiwan (35.19.09)", str(kecamatan.pk)):
        response = client.get(DESA, {"kecamatan": value})
        assert response.context["page"].paginator.count == jiwan.count(), value
        assert 'value="Jiwan (35.19.09)"' in _input(_body(response), "kecamatan")
    for value, message in (("Atlantis", "Kecamatan “Atlantis” tidak ditemukan"),
                           ("Kembar", "Ada beberapa kecamatan bernama “Kembar”"),
                           ("99.99.99", "tidak ditemukan")):
        response = client.get(DESA, {"kecamatan": value})
        assert message in _body(response)
        assert response.context["page"].paginator.count == jiwan.count()  # ignored


@pytest.mark.parametrize("large", [False, True])
def test_desa_list_queries_same_at_both_scales(client, banyak_kecamatan, jiwan, monkeypatch,
                                               django_assert_num_queries, large):
    monkeypatch.setattr(pilihan, "BATAS_PILIHAN", BATAS if large else 200)
    with django_assert_num_queries(DESA_LIST_QUERIES):
        body = _body(client.get(DESA))
    assert ('<select name="kecamatan"' in body) is not large
