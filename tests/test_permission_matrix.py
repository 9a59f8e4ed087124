"""The permission matrix: every URL × every role × GET/POST/PUT/PATCH/DELETE → expected status.

The URL names come from the resolver, so a view added later without an entry in ``MATRIX``
fails ``test_permission_matrix`` with "add an entry for …": no view can escape the matrix.

Rules (PRODUCT.md, "Roles and rules"): public pages answer 200 to everyone; a write URL sends
the anonymous visitor to the login page, answers 404 to a facilitator of another desa (the
object is not even acknowledged), 403 to a read-only role, 405 to the wrong method, and
200 (form shown again / partial) or 302 (saved) to the owner. POSTs carry empty data unless
an entry says otherwise, so a permitted POST is refused by the form (200) or redirects with a
message (302); each request runs in a savepoint rolled back afterwards, so one role's write
never changes what the next role sees.

PUT, PATCH and DELETE: no view accepts them, and the method is checked before anything else
(every view's ``require_*`` decorator sits outside its ``writer_required``/``verifier_required``),
so they are 405 for every role, the anonymous visitor included, as GET is on a POST-only
action. Only two URLs answer otherwise, named in their entries (``other``): ``tugas_saya``
(Django's ``login_required`` comes first: the anonymous visitor is sent to log in for any method)
and ``login`` (a logged-in user is sent on before the method is looked at). They never answer
500, and never write: a request that changes a row outside the session table fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.kabar_helpers import (
    kabar_slug,
    masukan_kirim_kwargs,
    masukan_pk,
    tanpa_batas,
)
from tests.keamanan_helpers import buat_dunia

pytestmark = pytest.mark.django_db

LOGIN = "LOGIN"  # 302 to the login page
ROLES = ("anon", "fasil_a", "fasil_b", "verif", "pimpinan", "admin")
#: Methods no view accepts (checked for every URL and role, besides GET and POST).
OTHER_METHODS = ("put", "patch", "delete")
SKIPPED_PREFIXES = ("admin/",)


# ---------------------------------------------------------------------------------------------
# Enumerating the URL patterns
# ---------------------------------------------------------------------------------------------


def _static_prefixes() -> tuple[str, ...]:
    return tuple(p.lstrip("/") for p in (settings.STATIC_URL, settings.MEDIA_URL) if p)


def url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """``(qualified name or None, route)`` of every pattern, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        route = prefix + str(p.pattern)
        if route.startswith(SKIPPED_PREFIXES) or route.lstrip("^").startswith(_static_prefixes()):
            continue
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace]))
            yield from url_patterns(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, route


def url_names() -> list[str]:
    return sorted({name or f"<unnamed {route}>" for name, route in url_patterns()})


# ---------------------------------------------------------------------------------------------
# Expected statuses
# ---------------------------------------------------------------------------------------------


def by_role(anon, fasil_a, fasil_b, verif, pimpinan, admin) -> dict:
    return dict(zip(ROLES, (anon, fasil_a, fasil_b, verif, pimpinan, admin), strict=True))


def every(status) -> dict:
    return dict.fromkeys(ROLES, status)


@dataclass
class Entry:
    get: dict
    post: dict
    kwargs: Callable = field(default=lambda d: {})
    query: Callable = field(default=lambda d: "")
    data: Callable = field(default=lambda d: {})
    why: str = ""
    #: PUT, PATCH and DELETE (see the module docstring)
    other: dict = field(default_factory=lambda: every(405))


def public(**kw) -> Entry:
    """A public read page: 200 to everyone, POST is the wrong method."""
    return Entry(get=every(200), post=every(405), **kw)


def writer_form(owner_post=200, **kw) -> Entry:
    """A GET+POST form that writes into desa A (or an object of desa A)."""
    return Entry(get=by_role(LOGIN, 200, 404, 403, 403, 200),
                 post=by_role(LOGIN, owner_post, 404, 403, 403, owner_post), **kw)


def writer_form_own_desa(owner_post=200, **kw) -> Entry:
    """A create form without a desa in the URL: every writer opens it for their own desa."""
    return Entry(get=by_role(LOGIN, 200, 200, 403, 403, 200),
                 post=by_role(LOGIN, owner_post, owner_post, 403, 403, owner_post), **kw)


def writer_post(owner=302, **kw) -> Entry:
    """A POST-only write action (``@require_POST`` outermost: GET is 405 for everyone)."""
    return Entry(get=every(405), post=by_role(LOGIN, owner, 404, 403, 403, owner), **kw)


def verifier_post(ok=302, **kw) -> Entry:
    """A POST-only verifier action on an assessment of desa A (verifikator of its kecamatan)."""
    return Entry(get=every(405), post=by_role(LOGIN, 403, 403, ok, 403, ok), **kw)


def _sk_pk() -> int:
    from desa.models import SKKumuh

    return SKKumuh.objects.values_list("pk", flat=True).first()


def pk(attr: str) -> Callable:
    return lambda d: {"pk": getattr(d, attr).pk}


def impor_latar(d):
    """A finished background import of fasilitator A (once per matrix world)."""
    from kotaku.models import ImporLatar

    if not hasattr(d, "impor_latar"):
        user = d.penilaian.dibuat_oleh
        d.impor_latar = ImporLatar.objects.create(user=user, nama="besar.xlsx",
                                                  jenis="penilaian", locale="auto", baris=600,
                                                  status=ImporLatar.Status.SELESAI)
    return d.impor_latar


def rencana(d):
    """An agreed RPLP of desa A with one item (once per matrix world, issue 15)."""
    if not hasattr(d, "rencana"):
        import datetime as dt
        from decimal import Decimal

        from desa.models import Kriteria
        from kolaborasi import rencana as layanan
        from kolaborasi.models import DokumenRencana, ForumKolaborasi, ItemRencana

        dokumen = layanan.simpan_dokumen(DokumenRencana(
            jenis="rplp", judul="RPLP A", desa=d.desa, tahun_mulai=2020, tahun_selesai=2024))
        d.item_rencana = layanan.simpan_item(
            ItemRencana(dokumen=dokumen, desa=d.desa, nama="Drainase", volume=Decimal(10),
                        satuan="m", biaya_rp=Decimal(1_000_000), tahun_target=2021),
            [{"kriteria": Kriteria.objects.get(aturan__bawaan=True, kode="4b"),
              "volume": Decimal(10)}])
        forum = ForumKolaborasi.objects.create(tanggal=dt.date(2020, 1, 5), judul="Rembug",
                                               desa=d.desa)
        d.rencana = layanan.sepakati(dokumen, forum, forum.tanggal)
    return d.rencana


def rencana_pk(d) -> dict:
    return {"pk": rencana(d).pk}


def item_rencana_pk(d) -> dict:
    rencana(d)
    return {"pk": d.item_rencana.pk}


def desa_query(d) -> str:
    return f"?desa={d.desa.kode_wilayah}"


MATRIX: dict[str, Entry] = {
    # ---------------------------------------------------------------- portal, dashboards
    "beranda": public(),
    "matriks": public(),
    "duplikasi": public(),
    "dampak": public(),
    "healthz": public(),
    "service_worker": public(why="the offline service worker's script (issue 17)"),
    "security_txt": public(),
    "ekspor_pendanaan": public(why="every funding line as CSV: public programme data"),
    "saran_desa": public(query=lambda d: "?q=bib",
                         why="desa name suggestions (public names/codes, max 20)"),
    "saran_pemangku": public(query=lambda d: "?q=dinas",
                             why="stakeholder name suggestions: public names only, never "
                                 "contacts (max 20)"),
    # ---------------------------------------------------------------- import, reports, open data
    "impor": writer_form_own_desa(why="upload and dry run; rows are checked per desa"),
    "impor_konfirmasi": Entry(get=every(405), post=by_role(LOGIN, 302, 302, 403, 403, 302),
                              why="no dry run in the session: back to the upload page"),
    "impor_status": Entry(kwargs=lambda d: {"pk": impor_latar(d).pk},
                          get=by_role(LOGIN, 200, 404, 403, 403, 404), post=every(405),
                          why="a background import's progress: its owner only"),
    "impor_templat": Entry(kwargs=lambda d: {"jenis": "penilaian", "fmt": "xlsx"},
                           get=by_role(LOGIN, 200, 200, 403, 403, 200), post=every(405)),
    "impor_ekspor": Entry(kwargs=lambda d: {"jenis": "kegiatan", "fmt": "csv"},
                          get=by_role(LOGIN, 200, 200, 403, 403, 200), post=every(405),
                          why="the writer's own data in the import layout"),
    "laporan_desa": public(kwargs=lambda d: {"kode": d.desa.kode_wilayah}),
    "laporan_kecamatan": public(kwargs=lambda d: {"kode": d.desa.kecamatan.kode_wilayah}),
    "data_terbuka": public(),
    "data_terbuka_desa": public(kwargs=lambda d: {"kode": d.desa.kode_wilayah, "fmt": "json"}),
    "data_terbuka_kecamatan": public(
        kwargs=lambda d: {"kode": d.desa.kecamatan.kode_wilayah, "fmt": "csv"}),
    "tugas_saya": Entry(get=by_role(LOGIN, 200, 200, 200, 200, 200),
                        post=by_role(LOGIN, 405, 405, 405, 405, 405),
                        other=by_role(LOGIN, 405, 405, 405, 405, 405),
                        why="login_required first: any method asks the anonymous visitor to "
                            "log in"),
    "login": Entry(get=by_role(200, 302, 302, 302, 302, 302),
                   post=by_role(200, 302, 302, 302, 302, 302),
                   other=by_role(405, 302, 302, 302, 302, 302),
                   why="a logged-in user is sent on to 'Tugas saya' (whatever the method); "
                       "Django's PUT-as-POST is switched off (http_method_names)"),
    "logout": Entry(get=every(405), post=every(302), why="Django's LogoutView is POST-only"),
    # ---------------------------------------------------------------- desa, assessments
    "desa:list": public(),
    "desa:detail": public(kwargs=lambda d: {"kode": d.desa.kode_wilayah}),
    "desa:penilaian_list": public(),
    "desa:penilaian_detail": Entry(
        kwargs=pk("penilaian"), get=by_role(404, 200, 404, 200, 200, 200), post=every(405),
        why="a draft: never public, and not shown to another desa's facilitator"),
    "desa:penilaian_baru": writer_form(kwargs=lambda d: {"kode": d.desa.kode_wilayah}),
    "desa:penilaian_ubah": writer_form(kwargs=pk("penilaian")),
    "desa:penilaian_pratinjau": Entry(kwargs=pk("penilaian"), get=every(405),
                                      post=by_role(LOGIN, 200, 404, 403, 403, 200)),
    "desa:penilaian_hapus": writer_form(
        owner_post=302, kwargs=pk("penilaian"),
        why="a draft: its facilitator (or an admin) confirms, then it is deleted"),
    "desa:penilaian_ajukan": writer_post(kwargs=pk("penilaian")),
    "desa:penilaian_verifikasi": verifier_post(kwargs=pk("penilaian")),
    "desa:penilaian_kembalikan": verifier_post(ok=200, kwargs=pk("penilaian"),
                                               why="no comment posted: the form asks for one"),
    "desa:antrian_verifikasi": Entry(get=by_role(LOGIN, 403, 403, 200, 403, 200),
                                     post=every(405)),
    # ---------------------------------------------------------------- kawasan, SK (issue 15)
    "desa:kawasan_detail": public(kwargs=pk("kawasan")),
    "desa:kawasan_peringkat": public(),
    "desa:kawasan_ubah": Entry(
        kwargs=pk("kawasan"), get=by_role(LOGIN, 200, 403, 403, 403, 200),
        post=by_role(LOGIN, 200, 403, 403, 403, 200),
        why="facilitators of a desa the kawasan spans, or Admin; empty POST: the form asks"),
    "desa:sk_list": public(),
    "desa:sk_detail": public(kwargs=lambda d: {"pk": _sk_pk()}),
    "desa:lembaga_tinjau": Entry(get=by_role(LOGIN, 200, 200, 200, 200, 200), post=every(405),
                                 why="programme staff review duplicate community bodies"),
    # ---------------------------------------------------------------- activities, money
    "anggaran:kegiatan_list": public(),
    "anggaran:kegiatan_detail": public(kwargs=pk("kegiatan")),
    "anggaran:kegiatan_baru": writer_form(query=desa_query),
    "anggaran:kegiatan_ubah": writer_form(kwargs=pk("kegiatan")),
    "anggaran:progres_baru": writer_form(kwargs=pk("kegiatan")),
    "anggaran:kegiatan_hapus": Entry(
        kwargs=pk("kegiatan"), get=by_role(LOGIN, 403, 404, 403, 403, 200),
        post=by_role(LOGIN, 403, 404, 403, 403, 302),
        why="an activity already 'berjalan': only an admin may delete it"),
    "anggaran:progres_hapus": writer_form(owner_post=302, kwargs=pk("laporan")),
    # ---------------------------------------------------------------- collaboration
    "kolaborasi:pemangku_list": public(),
    "kolaborasi:pemangku_detail": public(kwargs=pk("pemangku")),
    "kolaborasi:forum_list": public(),
    "kolaborasi:forum_detail": public(kwargs=pk("forum")),
    "kolaborasi:forum_baru": writer_form(query=desa_query),
    "kolaborasi:komitmen_list": public(),
    "kolaborasi:komitmen_baru": writer_form(query=desa_query),
    # ---------------------------------------------------------------- the plan (issue 15)
    "peluang": public(why="open items of agreed plans; never a contact"),
    "peluang_item": public(kwargs=item_rencana_pk),
    "kolaborasi:rencana_list": public(why="agreed plans; drafts only for staff"),
    "kolaborasi:rencana_detail": public(kwargs=rencana_pk, why="an agreed plan is public"),
    "kolaborasi:celah_rupiah": public(),
    "laporan_memorandum": public(kwargs=rencana_pk),
    "data_terbuka_rencana": public(kwargs=lambda d: {"kode": d.desa.kode_wilayah,
                                                     "fmt": "json"}),
    "data_terbuka_komitmen": public(kwargs=lambda d: {"kode": d.desa.kode_wilayah,
                                                      "fmt": "csv"}),
    "kolaborasi:rencana_item_baru": writer_form(
        kwargs=rencana_pk, why="desa A's RPLP: its facilitator and the admin; empty POST "
                               "shows the form's messages"),
    "kolaborasi:rencana_sepakati": writer_form(kwargs=rencana_pk),
    "kolaborasi:rencana_baru": writer_form_own_desa(
        why="every writer opens it for their own desa; an empty POST shows the messages"),
    "kolaborasi:rencana_ubah": writer_form(kwargs=rencana_pk),
    "kolaborasi:rencana_item_ubah": writer_form(
        kwargs=item_rencana_pk, why="desa A's RPLP item; an empty POST shows the messages"),
    "kolaborasi:rencana_komitmen_baru": writer_form(kwargs=item_rencana_pk),
    "anggaran:kegiatan_dari_item": writer_form(
        kwargs=item_rencana_pk, why="an empty POST shows the form's messages"),
    # ---------------------------------------------------------------- stories, feedback
    "kolaborasi:kabar_list": public(),
    "kolaborasi:kabar_feed": public(),
    "kolaborasi:kabar_detail": public(kwargs=kabar_slug),
    "kolaborasi:kabar_baru": writer_form_own_desa(),
    "kolaborasi:kabar_saya": Entry(get=by_role(LOGIN, 200, 200, 403, 403, 200),
                                   post=every(405)),
    "kolaborasi:kabar_ubah": writer_form(kwargs=kabar_slug),
    "kolaborasi:kabar_terbitkan": writer_post(kwargs=kabar_slug),
    "kolaborasi:kabar_tarik": writer_post(kwargs=kabar_slug),
    "kolaborasi:masukan_kirim": Entry(
        kwargs=masukan_kirim_kwargs, get=every(405), post=every(400), data=tanpa_batas,
        why="public, no account; an empty form lacks the signed fill-time token: 400"),
    "kolaborasi:masukan_moderasi": Entry(get=by_role(LOGIN, 403, 403, 200, 403, 200),
                                         post=every(405)),
    "kolaborasi:masukan_aksi": verifier_post(why="nothing ticked: back to the queue"),
    "kolaborasi:masukan_balas": verifier_post(kwargs=masukan_pk,
                                              why="empty reply: back to the queue with a message"),
}


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def personas(fasilitator_a, fasilitator_b, verifikator, pimpinan, admin_user):
    return {"anon": None, "fasil_a": fasilitator_a, "fasil_b": fasilitator_b,
            "verif": verifikator, "pimpinan": pimpinan, "admin": admin_user}


@pytest.fixture
def dunia(desa_a, fasilitator_a, settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path
    # As in production (shared cache): a PDF report is rendered once, not once per role.
    settings.DASHBOARD_CACHE = True
    cache.clear()
    yield buat_dunia(desa_a, fasilitator_a)
    cache.clear()


def _matches(expected, response) -> bool:
    if expected == LOGIN:
        return (response.status_code == 302
                and response["Location"].startswith(reverse("login") + "?next="))
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return False  # a real redirect, not a disguised login prompt
    return response.status_code == expected


#: Tables a request may write whatever its method (the login session, django-axes' log).
BOOKKEEPING_TABLES = ("django_session", "axes_")


def writes(queries) -> list[str]:
    """The SQL statements among ``queries`` that change a row of the portal's data."""
    changing = ("INSERT", "UPDATE", "DELETE", "REPLACE")
    return [q["sql"] for q in queries
            if q["sql"].lstrip().upper().startswith(changing)
            and not any(t in q["sql"] for t in BOOKKEEPING_TABLES)]


def _request(client, method, url, data, *, no_writes=False):
    """One request whose writes are rolled back afterwards (``no_writes``: and never made)."""
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if method == "post" else getattr(client, method)(url)
        if response.streaming:
            b"".join(response.streaming_content)  # its queries run inside the savepoint
        transaction.set_rollback(True)
    if no_writes:
        assert not writes(queries.captured_queries), (
            f"{method.upper()} {url} wrote: {writes(queries.captured_queries)}")
    return response


@pytest.mark.parametrize("name", url_names())
def test_permission_matrix(name, dunia, personas):
    assert not name.startswith("<unnamed"), (
        f"URL pattern {name} has no name: give it one and add it to MATRIX")
    assert name in MATRIX, (
        f"add an entry for {name!r} to MATRIX in tests/test_permission_matrix.py "
        "(who may GET and POST it, and with which status)")
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(dunia)) + entry.query(dunia)
    failures = []
    for role in ROLES:
        client = Client()
        if personas[role] is not None:
            client.force_login(personas[role])
        answers = [("get", entry.get[role]), ("post", entry.post[role])]
        answers += [(method, entry.other[role]) for method in OTHER_METHODS]
        for method, expected in answers:
            response = _request(client, method, url, entry.data(dunia),
                                no_writes=method in OTHER_METHODS)
            if not _matches(expected, response):
                failures.append(f"{method.upper()} {url} as {role}: expected {expected}, got "
                                f"{response.status_code} {response.get('Location', '')}")
    assert not failures, "\n".join(failures)


def test_matrix_has_no_stale_entries():
    """An entry whose URL is gone is dead weight that hides nothing but misleads readers."""
    stale = set(MATRIX) - set(url_names())
    assert not stale, f"remove MATRIX entries of URLs that no longer exist: {sorted(stale)}"


def test_every_url_name_is_enumerated():
    """The walk sees nested namespaces (so a new app's URLs are covered)."""
    names = url_names()
    assert "desa:penilaian_ubah" in names and "anggaran:kegiatan_ubah" in names
    assert not any(n.startswith("admin:") for n in names)


def test_admin_is_for_staff_only(client, fasilitator_a, verifikator, pimpinan, admin_user):
    url = reverse("admin:index")
    response = client.get(url)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    for user in (fasilitator_a, verifikator, pimpinan):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302, user
        assert reverse("admin:login") in response["Location"]
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
