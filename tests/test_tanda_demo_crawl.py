"""Issue 14: every public page and export that includes demo data shows the demo mark with its
count; with real data only, no mark anywhere.

The whole URLconf is walked (``get_resolver``); every URL an anonymous visitor can GET must have
a decision in ``PUBLIC``, so a new public page without one fails the test.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.demo_cepat import muat_demo

BIBRIK = "35.19.09.2014"
JIWAN = "35.19.09"
COUNT_MARK = re.compile(r"\d+ dari \d+ [^:<\n]*: data demo", re.I)

# Every public GET URL and what it must show. "angka": figures or records built from data → the
# mark with its count when demo rows are included, nothing with real rows only. "data": an open
# data / export file, whose records carry the demo flag and count in their own fields.
# "tanpa_data": no figures from the data set (machine files, forms, suggestions).
PUBLIC = {
    "beranda": "angka",
    "matriks": "angka",
    "duplikasi": "angka",
    "dampak": "angka",
    "ekspor_pendanaan": "data",
    "laporan_desa": "angka",
    "laporan_kecamatan": "angka",
    "data_terbuka": "tanpa_data",  # the list of files; each file carries its own marks
    "data_terbuka_desa": "data",
    "data_terbuka_kecamatan": "data",
    "desa:list": "angka",
    "desa:detail": "angka",
    "desa:penilaian_list": "angka",
    "desa:penilaian_detail": "angka",
    "desa:sk_list": "tanpa_data",  # the register of decrees (real, with their source)
    "desa:sk_detail": "angka",
    "desa:kawasan_peringkat": "angka",
    "desa:kawasan_detail": "angka",
    "kolaborasi:pemangku_list": "angka",
    "kolaborasi:pemangku_detail": "angka",
    "kolaborasi:forum_list": "angka",
    "kolaborasi:forum_detail": "angka",
    "kolaborasi:komitmen_list": "angka",
    "kolaborasi:kabar_list": "angka",
    "kolaborasi:kabar_detail": "angka",
    "kolaborasi:kabar_feed": "angka",
    "anggaran:kegiatan_list": "angka",
    "anggaran:kegiatan_detail": "angka",
    "healthz": "tanpa_data",
    "service_worker": "tanpa_data",
    "security_txt": "tanpa_data",
    "login": "tanpa_data",
    "saran_desa": "tanpa_data",
    "saran_pemangku": "tanpa_data",
    # issue 15, the plan
    "peluang": "angka",
    "peluang_item": "angka",
    "kolaborasi:rencana_list": "angka",
    "kolaborasi:rencana_detail": "angka",
    "kolaborasi:celah_rupiah": "angka",
    "laporan_memorandum": "angka",
    "data_terbuka_rencana": "data",
    "data_terbuka_komitmen": "data",
}


def _patterns(resolver=None, ns=""):
    """Every named URL pattern as ('namespace:name', pattern); the admin (staff only) aside."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                continue
            yield from _patterns(p, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{ns}{p.name}", p


def _values(name: str, key: str) -> list:
    """Values for one URL parameter, taken from the data set."""
    from anggaran.models import Kegiatan
    from desa.models import Kawasan, Penilaian, SKKumuh
    from kolaborasi.models import (
        DokumenRencana,
        ForumKolaborasi,
        ItemRencana,
        PemangkuKepentingan,
    )
    from publikasi.models import Kabar

    if key == "fmt":
        return ["csv"] if name.startswith("impor") else ["json", "csv", "xlsx"]
    if key == "jenis":
        return ["penilaian", "kegiatan"] if name.startswith("impor") else ["kegiatan"]
    if key == "kode":
        return [JIWAN] if "kecamatan" in name else [BIBRIK]
    if key == "slug":
        return [Kabar.objects.filter(status="terbit").values_list("slug", flat=True)[0]]
    model = {"kolaborasi:pemangku_detail": PemangkuKepentingan,
             "kolaborasi:forum_detail": ForumKolaborasi,
             "kolaborasi:masukan_kirim": Kabar,
             "kolaborasi:rencana_detail": DokumenRencana, "laporan_memorandum": DokumenRencana,
             "peluang_item": ItemRencana, "kolaborasi:rencana_sepakati": DokumenRencana,
             "kolaborasi:rencana_item_baru": DokumenRencana,
             "kolaborasi:rencana_komitmen_baru": ItemRencana,
             "desa:sk_detail": SKKumuh, "desa:kawasan_detail": Kawasan}.get(name)
    if model is None:
        model = Kegiatan if name.startswith("anggaran:") else Penilaian
    return [model.objects.order_by("pk").values_list("pk", flat=True)[0]]


def _urls():
    for name, p in _patterns():
        keys = list(p.pattern.regex.groupindex)
        combos = [{}]
        for key in keys:
            combos = [{**c, key: v} for c in combos for v in _values(name, key)]
        for kwargs in combos:
            yield name, reverse(name, kwargs=kwargs or None)


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        from tests.test_laporan import read_pdf
        return read_pdf(response)[1]
    if "spreadsheet" in kind:
        from openpyxl import load_workbook
        wb = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(",".join("" if v is None else str(v) for v in row)
                         for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    return " ".join(raw.decode("utf-8-sig").split()) if "html" in kind else raw.decode("utf-8-sig")


def _crawl(client) -> dict:
    """{url: (name, body)} of every URL an anonymous visitor can GET."""
    pages = {}
    for name, url in _urls():
        response = client.get(url)
        if response.status_code == 200:
            pages[url] = (name, _body(response))
    return pages


def _data_file_has_demo(url: str, body: str) -> bool:
    if url.endswith(".json"):
        return '"berisi_data_demo": true' in body and re.search(r'"jumlah_\w+_demo": [1-9]', body)
    # CSV / XLSX: a count column (jumlah_…_demo) above zero, or one row per record flagged
    # "Data demo: Ya" (the count is the number of flagged rows).
    header, *rows = body.replace("\r", "").splitlines()
    cols = header.split(",")
    counts = [i for i, c in enumerate(cols) if c.startswith("jumlah_") and c.endswith("_demo")]
    flags = [i for i, c in enumerate(cols) if c.lower() in ("data demo", "berisi_data_demo")]
    cells = [(r.split(",") + [""] * len(cols)) for r in rows]
    return (any(c[i] not in ("", "0") for c in cells for i in counts)
            or any(c[i].lower() in ("ya", "true") for c in cells for i in flags))


@pytest.fixture
def demo(jiwan, settings):

    settings.SHOW_DEMO_BANNER = False
    muat_demo()
    return jiwan


MODELS = ("anggaran.Kegiatan", "desa.Penilaian", "desa.Kawasan", "desa.Lokasi",
          "kolaborasi.ForumKolaborasi", "kolaborasi.Komitmen", "kolaborasi.PemangkuKepentingan",
          "publikasi.Kabar", "kolaborasi.DokumenRencana", "kolaborasi.ItemRencana",
          "kolaborasi.KomitmenItem", "kolaborasi.TargetTahunan")


def _tandai(is_demo: bool):
    """Every row of the demo seed flagged demo, or every row real with a source."""
    from django.apps import apps

    for label in MODELS:
        apps.get_model(label).objects.update(is_demo=is_demo)
    if not is_demo:
        sumber = {"sumber_judul": "Tim KOTAKU Kab. Madiun (arsip blog September 2018)",
                  "sumber_url": "https://kabmadiunkotaku.blogspot.com/2018/09/",
                  "sumber_tanggal": dt.date(2018, 9, 18)}
        for label in ("anggaran.Kegiatan", "publikasi.Kabar"):
            apps.get_model(label).objects.update(**sumber)
    # A bulk update bypasses the write path's upkeep: rebuild the stored condition and the
    # rollups (issue 16; the activity counts carry the demo flag) as `manage.py
    # bangun_ulang_kondisi` and `bangun_ulang_ringkasan` would after such a change.
    from anggaran import ringkasan
    from desa import kondisi_tersimpan

    kondisi_tersimpan.bangun_ulang()
    ringkasan.bangun_ulang()


@pytest.mark.django_db
def test_public_pages_are_pinned(client, demo):
    _tandai(True)
    public = {name for name, _ in _crawl(client).values()}
    assert public == set(PUBLIC), "a public URL without a demo-mark decision (add it to PUBLIC)"


@pytest.mark.django_db
def test_demo_only_data_set_every_page_shows_the_mark_with_its_count(client, demo):
    _tandai(True)
    missing = []
    for url, (name, body) in _crawl(client).items():
        rule = PUBLIC.get(name)
        if rule == "angka" and not COUNT_MARK.search(body):
            missing.append(url)
        elif rule == "data" and not _data_file_has_demo(url, body):
            missing.append(url)
    assert missing == [], '\n'.join(missing)


@pytest.mark.django_db
def test_real_only_data_set_no_page_carries_a_demo_mark(client, demo):
    """The same data set, every row real with its source: no mark on any page or file."""
    _tandai(False)
    marked = []
    for url, (name, body) in _crawl(client).items():
        rule = PUBLIC.get(name)
        if rule == "angka" and ("data demo" in body.lower() or ">demo<" in body):
            marked.append(url)
        elif rule == "data" and _data_file_has_demo(url, body):
            marked.append(url)
    assert marked == [], "\n".join(marked)
