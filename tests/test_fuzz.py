"""Hostile input to every form: never a 500, nothing invalid stored, nothing unescaped.

Hypothesis starts from a valid submission of each form and replaces a few fields with random
and hostile values (huge, negative, NaN, "1e309", unicode, NUL bytes, 10 KB strings, HTML),
sometimes several values for one field. Every answer must be 200 with an error shown, or a
redirect; afterwards the domain tables must hold no NUL byte, no negative money, no progress
outside 0–100 %, and no response may contain the raw ``<script>`` that was posted.

Each example runs in a savepoint rolled back afterwards, so examples are independent.
Stored XSS and NUL bytes also get deterministic tests (both run on SQLite and PostgreSQL:
PostgreSQL rejects NUL in text, SQLite stores it, so the forms must refuse it first).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection, models, transaction
from django.db.models import Max, Min
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anggaran.models import Kegiatan, LaporanProgres, Pendanaan
from desa.models import Penilaian, VolumePenilaian
from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import kegiatan_post, line, progres_post
from tests.conftest import PASSWORD
from tests.kabar_helpers import kabar_dunia, masukan_post, reset_batas
from tests.keamanan_helpers import buat_dunia, domain_models
from tests.penilaian_helpers import buat_penilaian, form_data

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# Kinds of hostile value, drawn about equally often (so a NUL byte or a 64-bit overflow is not
# a one-in-a-hundred event), each with hand-picked cases and random ones.
KINDS = [
    st.sampled_from(["\x00", "a\x00b", "1\x002", "Paving\x00jalan", "%00"]),
    st.sampled_from(["9" * 40, "9" * 400, "18446744073709551616", "2147483648", "1e309",
                     "99999999999999999,99"]) | st.integers(10**9, 10**40).map(str),
    st.sampled_from(["-1", "-0", "-0,01", "-100.000.000", "Rp -5", "-1e309", "-2147483649"])
    | st.integers(max_value=-1).map(str),
    st.sampled_from(["NaN", "nan", "sNaN", "Infinity", "-inf", "1e-309"]),
    st.sampled_from(["x" * 10_000, "😀" * 50, "\u202e\u0644\u0627", "\t\n", " 100 "]),
    st.sampled_from([SCRIPT, '"><img src=x onerror=alert(1)>', "'; DROP TABLE desa_desa; --",
                     "../../etc/passwd"]),
    st.sampled_from(["١٢٣", "１２３", "²", "½", "٫", "ℕ", "0x1F", "1.218", "1,5", "12,345,678.90",
                     "1.218,50", "Rp 100.000.000"]),
    st.sampled_from(["", " ", "0", "true", "on", "None", "[]", "{}", "2018-02-30",
                     "0000-00-00", "99999-01-01", "2018-13-01"]),
    st.text(max_size=30),
    st.decimals(allow_nan=True, allow_infinity=True).map(str) | st.floats().map(str),
]
value = st.one_of(*KINDS)
values = st.one_of(value, st.lists(value, min_size=0, max_size=3))

# The suite runs the same 25 examples per form every time (a red build is reproducible); a
# deeper, random search: FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 pytest tests/test_fuzz.py
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@dataclass
class FormSpec:
    url: Callable  # (dunia) -> url
    user: str  # persona who may post it
    data: Callable  # (dunia) -> a valid POST
    partial: bool = False  # an htmx partial: 200 always, errors shown inline
    extra_fields: list[str] = field(default_factory=list)
    statuses: tuple[int, ...] = (200, 302)  # answers that are not failures
    before: Callable | None = None  # run before each example (e.g. reset a rate limit)


def _penilaian_ubah_data(d):
    return form_data(d.penilaian.versi)


def _kegiatan_data(d):
    return kegiatan_post(d.desa, [line(d.pemangku, "apbd-kab", "100.000.000", "40.000.000",
                                       id=str(d.pendanaan.pk)),
                                  line(d.lkm, "swadaya", "5.000.000", natura="on",
                                       uraian_natura="Tenaga kerja warga")],
                         versi=str(d.kegiatan.versi), initial_forms=1)


def _kegiatan_baru_data(d):
    return kegiatan_post(d.desa, [line(d.pemangku, "apbd-kab", "100.000.000"),
                                  line(d.lkm, "swadaya", "5.000.000")])


FORMS: dict[str, FormSpec] = {
    "penilaian_ubah": FormSpec(
        url=lambda d: reverse("desa:penilaian_ubah", args=[d.penilaian.pk]), user="fasil_a",
        data=_penilaian_ubah_data),
    "penilaian_ajukan_dari_form": FormSpec(
        url=lambda d: reverse("desa:penilaian_ubah", args=[d.penilaian.pk]), user="fasil_a",
        data=lambda d: form_data(d.penilaian.versi, aksi="ajukan")),
    "penilaian_pratinjau": FormSpec(
        url=lambda d: reverse("desa:penilaian_pratinjau", args=[d.penilaian.pk]),
        user="fasil_a", data=_penilaian_ubah_data, partial=True),
    "penilaian_baru": FormSpec(
        url=lambda d: reverse("desa:penilaian_baru", args=[d.desa.kode_wilayah]),
        user="fasil_a",
        data=lambda d: {"tahun": "2025", "nama": "Dusun Kulon", "rt": "003", "rw": "001",
                        "lokasi": "", "kawasan": str(d.kawasan.pk), "salin": ""}),
    "kegiatan_baru": FormSpec(
        url=lambda d: reverse("anggaran:kegiatan_baru") + f"?desa={d.desa.kode_wilayah}",
        user="fasil_a", data=_kegiatan_baru_data),
    "kegiatan_ubah": FormSpec(
        url=lambda d: reverse("anggaran:kegiatan_ubah", args=[d.kegiatan.pk]), user="fasil_a",
        data=_kegiatan_data),
    "progres_baru": FormSpec(
        url=lambda d: reverse("anggaran:progres_baru", args=[d.kegiatan.pk]), user="fasil_a",
        data=lambda d: progres_post(persen="60", catatan="Pengecoran tahap dua",
                                    realisasi="60.000.000")),
    "forum_baru": FormSpec(
        url=lambda d: reverse("kolaborasi:forum_baru"), user="fasil_a",
        data=lambda d: {"tanggal": "2018-03-05", "judul": "Rembug warga", "tempat": "Balai",
                        "desa": str(d.desa.pk), "peserta": [str(d.pemangku.pk), str(d.lkm.pk)],
                        "kesepakatan": "Paving jalan RT 1"}),
    "komitmen_baru": FormSpec(
        url=lambda d: reverse("kolaborasi:komitmen_baru"), user="fasil_a",
        data=lambda d: {"pemangku": str(d.pemangku.pk), "desa": str(d.desa.pk),
                        "kriteria": "", "tahun": "2018", "nilai_rp": "50.000.000",
                        "natura": "", "uraian": "Paving", "forum": str(d.forum.pk)}),
    "penilaian_kembalikan": FormSpec(
        url=lambda d: reverse("desa:penilaian_kembalikan", args=[d.diajukan.pk]),
        user="verif", data=lambda d: {"catatan": "Periksa volume 1a."}),
    "penilaian_verifikasi": FormSpec(
        url=lambda d: reverse("desa:penilaian_verifikasi", args=[d.diajukan.pk]),
        user="verif", data=lambda d: {}, extra_fields=["catatan", "versi", "status"]),
    "login": FormSpec(
        url=lambda d: reverse("login"), user="anon",
        data=lambda d: {"username": "fasil_a", "password": PASSWORD, "next": "/tugas-saya/"}),
    # Stories and feedback (publikasi/views_kabar.py).
    "kabar_baru": FormSpec(
        url=lambda d: reverse("kolaborasi:kabar_baru"), user="fasil_a", data=lambda d: _kabar(d)),
    "kabar_ubah": FormSpec(
        url=lambda d: reverse("kolaborasi:kabar_ubah", args=[kabar_dunia(d).slug]),
        user="fasil_a", data=lambda d: _kabar(d)),
    "masukan_kirim": FormSpec(
        url=lambda d: reverse("kolaborasi:masukan_kirim", args=["kabar", kabar_dunia(d).pk]),
        user="anon", data=lambda d: masukan_post(), statuses=(200, 302, 400),
        before=reset_batas),  # 400: honeypot filled or fill-time token forged (by design)
    "masukan_aksi": FormSpec(
        url=lambda d: reverse("kolaborasi:masukan_aksi"), user="verif",
        data=lambda d: {"aksi": "setujui", "pilih": [str(_masukan(d).pk)],
                        "status": "menunggu"}),
    "masukan_balas": FormSpec(
        url=lambda d: reverse("kolaborasi:masukan_balas", args=[_masukan(d).pk]),
        user="verif", data=lambda d: {"balasan": "Terima kasih, sudah kami teruskan."}),
}


def _kabar(d) -> dict:
    return {"judul": "Paving Bibrik selesai", "ringkasan": "Warga dan LKM bergotong royong.",
            "isi": "Cerita **kolaborasi** dari lapangan.", "keterangan_sampul": "",
            "desa": [str(d.desa.pk)], "kegiatan": [str(d.kegiatan.pk)],
            "pemangku": [str(d.pemangku.pk)], "tag_teks": "paving, gotong royong"}


def _masukan(d):
    kabar_dunia(d)
    return d.masukan


@pytest.fixture
def personas(fasilitator_a, verifikator, admin_user):
    return {"anon": None, "fasil_a": fasilitator_a, "verif": verifikator,
            "admin": admin_user}


@pytest.fixture
def dunia(desa_a, fasilitator_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    d = buat_dunia(desa_a, fasilitator_a)
    # Submitted, so the verifier's return/verify forms do real work.
    d.diajukan = buat_penilaian(d.lokasi, 2022, status="diajukan", user=fasilitator_a)
    return d


# ---------------------------------------------------------------------------------------------
# Invariants
# ---------------------------------------------------------------------------------------------


def _text_columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)]


def _nul_query() -> str:
    """One SQL statement listing the tables holding a NUL byte in any text column (SQLite)."""
    from django.contrib.auth.models import User

    parts = []
    for model in domain_models("desa", "anggaran", "kolaborasi") + [User]:
        columns = _text_columns(model)
        if columns:
            where = " OR ".join(f'instr("{c}", char(0)) > 0' for c in columns)
            parts.append(f"SELECT '{model._meta.label}' FROM \"{model._meta.db_table}\" "
                         f"WHERE {where}")
    return " UNION ".join(parts)


def stored_nul_bytes() -> list[str]:
    """Tables holding a NUL byte. PostgreSQL cannot store one at all (it refuses the
    statement, which the status check catches as a 500); SQLite stores it silently."""
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(_nul_query())
        return [row[0] for row in cursor.fetchall()]


def invalid_values() -> list[str]:
    """Values the domain forbids, whatever the database accepted (one query per table)."""
    zero, hundred = Decimal(0), Decimal(100)
    limits = {
        Pendanaan: {"rencana_rp": (zero, None), "realisasi_rp": (zero, None)},
        LaporanProgres: {"realisasi_rp": (zero, None), "persen_fisik": (zero, hundred)},
        Komitmen: {"nilai_rp": (zero, None), "tahun": (2000, 2100)},
        Kegiatan: {"volume": (Decimal("0.01"), None), "tahun_anggaran": (2000, 2100)},
        VolumePenilaian: {"volume": (zero, None)},
        Penilaian: {"tahun": (2000, 2100), "luas_ha": (zero, None),
                    "panjang_jalan_ideal_m": (zero, None),
                    "panjang_drainase_ideal_m": (zero, None)},
    }
    problems = []
    for model, fields in limits.items():
        agg = model.objects.aggregate(**{f"{f}__lo": Min(f) for f in fields},
                                      **{f"{f}__hi": Max(f) for f in fields})
        for f, (low, high) in fields.items():
            lo, hi = agg[f"{f}__lo"], agg[f"{f}__hi"]
            if low is not None and lo is not None and lo < low:
                problems.append(f"{model.__name__}.{f} = {lo}")
            if high is not None and hi is not None and hi > high:
                problems.append(f"{model.__name__}.{f} = {hi}")
    if ForumKolaborasi.objects.filter(judul="").exists():
        problems.append("forum without a title")
    return problems


def shows_an_error(response) -> bool:
    """A 200 answer to a POST must tell the user what is wrong."""
    if any(m.level_tag == "error" for m in get_messages(response.wsgi_request)):
        return True
    for ctx in response.context or []:
        for obj in ctx.flatten().values() if hasattr(ctx, "flatten") else []:
            errors = getattr(obj, "errors", None)
            if hasattr(obj, "is_bound") and obj.is_bound and errors:
                if isinstance(errors, list) and not any(errors):
                    continue
                return True
            if hasattr(obj, "non_form_errors") and obj.is_bound and obj.non_form_errors():
                return True
    body = response.content.decode(errors="replace")
    return "is-invalid" in body or "alert-danger" in body


def check_response(name: str, spec: FormSpec, response, posted) -> None:
    assert response.status_code in spec.statuses, (
        f"{name}: {response.status_code} for {posted!r}"[:2000])
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body, f"{name}: unescaped script in the answer"
    if response.status_code == 200 and not spec.partial and name != "login":
        assert shows_an_error(response), f"{name}: 200 without an error for {posted!r}"[:2000]
    if name == "login" and response.status_code == 200:
        assert "_auth_user_id" not in response.wsgi_request.session
    problems = stored_nul_bytes() + invalid_values()
    assert not problems, f"{name}: invalid data stored {problems} for {posted!r}"[:2000]


def _client_for(dunia, user) -> Client:
    """One logged-in client per test (its session row outlives the rolled-back examples)."""
    clients = dunia.__dict__.setdefault("clients", {})
    if user not in clients:
        clients[user] = Client()
        if user is not None:
            clients[user].force_login(user)
    return clients[user]


# ---------------------------------------------------------------------------------------------
# The fuzz tests
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_hostile_input_never_breaks_a_form(name, data, dunia, personas):
    spec = FORMS[name]
    client = _client_for(dunia, personas[spec.user])
    if spec.before:
        spec.before()
    url, posted = spec.url(dunia), spec.data(dunia)
    fields = sorted(set(posted) | set(spec.extra_fields))
    changes = data.draw(st.dictionaries(st.sampled_from(fields), values, min_size=1,
                                        max_size=3), label="changes")
    dropped = data.draw(st.sets(st.sampled_from(fields), max_size=1), label="dropped")
    posted = {k: v for k, v in {**posted, **changes}.items() if k not in dropped}
    with transaction.atomic():
        response = client.post(url, posted)
        check_response(name, spec, response, posted)
        if response.status_code == 302 and name != "login":
            follow = client.get(response["Location"])
            assert follow.status_code == 200, (name, response["Location"])
            assert SCRIPT not in follow.content.decode()
        transaction.set_rollback(True)


# ---------------------------------------------------------------------------------------------
# Spreadsheet import: hostile cells in an uploaded CSV, dry run then confirm
# ---------------------------------------------------------------------------------------------


def _impor_rows(d) -> dict[str, dict]:
    from kotaku.impor.templat import kolom_ekspor_kegiatan, kolom_ekspor_penilaian
    from tests.penilaian_helpers import KEBUNAN

    penilaian = {c.label: "" for c in kolom_ekspor_penilaian()}
    penilaian.update({"kode_desa": d.desa.kode_wilayah, "kawasan": d.kawasan.nama,
                      "lokasi": d.lokasi.nama, "rt": d.lokasi.rt, "rw": d.lokasi.rw,
                      "tahun": "2025", "jenis": "baseline"})
    penilaian.update({k: str(v) for k, v in KEBUNAN["header"].items()})
    penilaian.update({f"v_{k}": str(v) for k, v in KEBUNAN["volumes"].items()})
    kegiatan = {c.label: "" for c in kolom_ekspor_kegiatan()}
    kegiatan.update({"kode_desa": d.desa.kode_wilayah, "nama_kegiatan": "Drainase RT 3",
                     "tahun_anggaran": "2019", "kriteria": "4a", "volume": "120",
                     "satuan": "m", "status": "rencana", "pemangku": d.pemangku.nama,
                     "sumber": "apbd-kab", "rencana_rp": "75.000.000", "realisasi_rp": "0"})
    return {"penilaian": penilaian, "kegiatan": kegiatan}


def _csv(row: dict) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(row))
    writer.writerow(list(row.values()))
    return out.getvalue().encode("utf-8", errors="surrogatepass")


@pytest.mark.parametrize("jenis", ["penilaian", "kegiatan"])
@FUZZ
@given(data=st.data())
def test_hostile_cells_in_an_import_never_break_it(jenis, data, dunia, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client_for(dunia, personas["fasil_a"])
    row = _impor_rows(dunia)[jenis]
    changes = data.draw(st.dictionaries(st.sampled_from(sorted(row)), value, max_size=4),
                        label="cells")
    locale = data.draw(st.sampled_from(["auto", "id", "en"]), label="locale")
    row = {**row, **changes}
    with transaction.atomic():
        response = client.post(reverse("impor"), {
            "jenis": jenis, "format_angka": locale,
            "berkas": SimpleUploadedFile(f"{jenis}.csv", _csv(row), "text/csv")})
        assert response.status_code == 200, (jenis, row)
        assert SCRIPT not in response.content.decode(errors="replace")
        sidik = response.context.get("sidik")
        if sidik:
            confirmed = client.post(reverse("impor_konfirmasi"), {"sidik": sidik})
            assert confirmed.status_code in (200, 302), (jenis, row)
            assert SCRIPT not in confirmed.content.decode(errors="replace")
        problems = stored_nul_bytes() + invalid_values()
        assert not problems, (jenis, problems, row)
        transaction.set_rollback(True)


# Every field of a form at once, for each of these: one request per value runs every field's
# own cleaning on it (a crash there is found whatever the other fields hold).
SWEEP = ["a\x00b", "x" * 10_000, SCRIPT, "18446744073709551616", "-1", "NaN", "1e309", "١٢٣"]


def _management(key: str) -> bool:
    """A formset's management field (``dana-TOTAL_FORMS``)."""
    return "-" in key and key.rsplit("-", 1)[-1].isupper()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_field_at_once_with_each_hostile_value(name, dunia, personas):
    spec = FORMS[name]
    client = _client_for(dunia, personas[spec.user])
    url, base = spec.url(dunia), spec.data(dunia)
    fields = sorted(set(base) | set(spec.extra_fields))
    # With a formset, once with its management fields intact (so its rows are cleaned too).
    variants = (True, False) if any(_management(k) for k in fields) else (False,)
    for hostile in SWEEP:
        if spec.before:
            spec.before()
        for keep_management in variants:
            posted = {k: base[k] if keep_management and _management(k) else hostile
                      for k in fields}
            with transaction.atomic():
                response = client.post(url, posted)
                check_response(name, spec, response, {"(every field)": hostile[:40]})
                transaction.set_rollback(True)


LIST_URLS = ["beranda", "matriks", "dampak", "duplikasi", "desa:list", "desa:penilaian_list",
             "anggaran:kegiatan_list", "kolaborasi:pemangku_list", "kolaborasi:forum_list",
             "kolaborasi:komitmen_list"]
FILTER_KEYS = ["q", "cari", "tahun", "sumber", "jenis", "aspek", "desa", "kriteria", "status",
               "pemangku", "urut", "o", "halaman", "format", "tabel", "baris", "kolom",
               "nilai", "kecamatan", "tingkat", "tahun_min", "tahun_max"]


@pytest.mark.parametrize("name", LIST_URLS)
@settings(max_examples=max(10, EXAMPLES // 3), deadline=None, derandomize=not RANDOM,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(FILTER_KEYS), values, max_size=4))
def test_hostile_filters_never_break_a_list(name, params, dunia, client):
    response = client.get(reverse(name), params)
    assert response.status_code in (200, 302, 404), (name, params, response.status_code)
    assert SCRIPT not in response.content.decode(errors="replace")


# ---------------------------------------------------------------------------------------------
# Deterministic: NUL bytes and stored scripts
# ---------------------------------------------------------------------------------------------

NUL_CASES = [
    ("kegiatan_baru", "nama"), ("kegiatan_baru", "keterangan"),
    ("kegiatan_baru", "dana-0-uraian_natura"), ("progres_baru", "catatan"),
    ("progres_baru", "foto-0-keterangan"), ("forum_baru", "judul"),
    ("forum_baru", "kesepakatan"), ("komitmen_baru", "uraian"), ("penilaian_baru", "nama"),
    ("penilaian_baru", "rt"), ("penilaian_kembalikan", "catatan"), ("penilaian_ubah", "v_1a"),
    ("login", "username"), ("login", "password"),
    ("kabar_baru", "judul"), ("kabar_baru", "isi"), ("kabar_baru", "tag_teks"),
    ("masukan_kirim", "pesan"), ("masukan_kirim", "nama"),
]


@pytest.mark.parametrize("name, field_name", NUL_CASES)
def test_nul_byte_is_refused_on_the_field(name, field_name, dunia, personas):
    spec = FORMS[name]
    client = Client()
    if personas[spec.user] is not None:
        client.force_login(personas[spec.user])
    if spec.before:
        spec.before()
    url = spec.url(dunia)
    posted = {**spec.data(dunia), field_name: "Paving\x00jalan"}
    counts = {m: m._default_manager.count() for m in domain_models("desa", "anggaran",
                                                                   "kolaborasi")}
    response = client.post(url, posted)
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Karakter null tidak diizinkan" in body or "angka" in body.lower()
            or "Nama pengguna atau kata sandi salah" in body), body[:3000]
    assert not stored_nul_bytes()
    assert counts == {m: m._default_manager.count() for m in counts}


def _posted_and_saved(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.context and [
        (getattr(o, "errors", None)) for o in response.context.flatten().values()
        if hasattr(o, "errors")])
    return response


def test_scripts_in_every_text_field_are_shown_escaped(dunia, client, fasilitator_a,
                                                       verifikator):
    """Stored XSS: save ``<script>`` through each form, then read every page that shows it."""
    d = dunia
    client.force_login(fasilitator_a)
    saved = _posted_and_saved(client, reverse("anggaran:kegiatan_baru"), kegiatan_post(
        d.desa, [line(d.pemangku, "swadaya", "5.000.000", natura="on",
                      uraian_natura=SCRIPT)], nama=SCRIPT, keterangan=SCRIPT, satuan="m",
        rt="<b>1</b>"))
    kegiatan = Kegiatan.objects.get(nama=SCRIPT)
    assert saved["Location"] == kegiatan.get_absolute_url()
    _posted_and_saved(client, reverse("anggaran:progres_baru", args=[kegiatan.pk]),
                      progres_post(catatan=SCRIPT, realisasi="1.000.000"))
    _posted_and_saved(client, reverse("kolaborasi:forum_baru"), {
        "tanggal": "2018-03-05", "judul": SCRIPT, "tempat": SCRIPT, "desa": d.desa.pk,
        "peserta": [d.pemangku.pk], "kesepakatan": SCRIPT})
    forum = ForumKolaborasi.objects.get(judul=SCRIPT)
    _posted_and_saved(client, reverse("kolaborasi:komitmen_baru"), {
        "pemangku": d.pemangku.pk, "desa": d.desa.pk, "kriteria": "", "tahun": "2018",
        "nilai_rp": "1.000.000", "uraian": SCRIPT, "forum": forum.pk})
    _posted_and_saved(client, reverse("desa:penilaian_baru", args=[d.desa.kode_wilayah]), {
        "tahun": "2025", "nama": SCRIPT, "rt": "1", "rw": "2", "lokasi": "", "kawasan": ""})
    Penilaian.objects.filter(pk=d.penilaian.pk).update(status="diajukan")
    client.force_login(verifikator)
    _posted_and_saved(client, reverse("desa:penilaian_kembalikan", args=[d.penilaian.pk]),
                      {"catatan": SCRIPT})

    pages = [kegiatan.get_absolute_url(), reverse("anggaran:kegiatan_list"),
             forum.get_absolute_url(), reverse("kolaborasi:forum_list"),
             reverse("kolaborasi:komitmen_list"), d.pemangku.get_absolute_url(),
             d.penilaian.get_absolute_url(), reverse("desa:penilaian_list"),
             reverse("tugas_saya"), reverse("beranda"), d.desa.get_absolute_url(),
             reverse("anggaran:kegiatan_ubah", args=[kegiatan.pk])]
    for user in (None, fasilitator_a, verifikator):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                continue  # e.g. edit pages for the public: covered by the matrix
            body = response.content.decode()
            assert SCRIPT not in body, (url, user)
    client.force_login(fasilitator_a)
    for url in (kegiatan.get_absolute_url(), forum.get_absolute_url(),
                d.penilaian.get_absolute_url()):
        assert ESCAPED in client.get(url).content.decode(), url


def test_scripts_in_stories_and_feedback_are_shown_escaped(dunia, client, fasilitator_a,
                                                           verifikator):
    from publikasi.models import Kabar, Masukan
    from tests.kabar_helpers import masukan_post, reset_batas

    d = dunia
    writer = _client_for(d, fasilitator_a)
    _posted_and_saved(writer, reverse("kolaborasi:kabar_baru"), {
        **_kabar(d), "judul": SCRIPT, "ringkasan": SCRIPT, "isi": f"Teks {SCRIPT} teks",
        "keterangan_sampul": SCRIPT, "tag_teks": SCRIPT})
    kabar = Kabar.objects.get(judul=SCRIPT)
    _posted_and_saved(writer, reverse("kolaborasi:kabar_terbitkan", args=[kabar.slug]), {})
    reset_batas()
    _posted_and_saved(client, reverse("kolaborasi:masukan_kirim", args=["kabar", kabar.pk]),
                      masukan_post(nama=SCRIPT, pesan=f"Bagus {SCRIPT}"))
    masukan = Masukan.objects.get(kabar=kabar)
    moderator = _client_for(d, verifikator)
    _posted_and_saved(moderator, reverse("kolaborasi:masukan_balas", args=[masukan.pk]),
                      {"balasan": SCRIPT})
    queue = moderator.get(reverse("kolaborasi:masukan_moderasi"), {"status": "semua"})
    assert SCRIPT not in queue.content.decode()
    _posted_and_saved(moderator, reverse("kolaborasi:masukan_aksi"),
                      {"aksi": "setujui", "pilih": [masukan.pk], "status": "menunggu"})
    for url in (kabar.get_absolute_url(), reverse("kolaborasi:kabar_list"),
                reverse("kolaborasi:kabar_feed"), reverse("beranda")):
        body = client.get(url).content.decode()
        assert SCRIPT not in body, url
    page = client.get(kabar.get_absolute_url()).content.decode()
    assert ESCAPED in page  # the title and the feedback, shown as text
