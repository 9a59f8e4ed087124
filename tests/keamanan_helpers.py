"""Shared data for the security tests (permission matrix, fuzzing, audit, concurrency).

``buat_dunia`` seeds one object of every kind a URL can point at, all in desa A, so a URL's
kwargs can be built from it and "another desa" is always fasilitator B's view of them.
``snapshot`` captures every row of a set of models (history tables included) so a test can
compare the database before and after a refused or failed write.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.db import models

from anggaran.models import LaporanProgres
from desa.models import Penilaian
from kolaborasi.models import ForumKolaborasi, Komitmen
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku, kriteria
from tests.penilaian_helpers import buat_kawasan, buat_lokasi, buat_penilaian


def buat_dunia(desa_a, fasilitator_a, desa_b=None) -> SimpleNamespace:
    """One of each object in desa A (and an optional draft in desa B)."""
    d = SimpleNamespace(desa=desa_a)
    d.kawasan = buat_kawasan(desa_a)
    d.lokasi = buat_lokasi(desa_a, kawasan=d.kawasan)
    d.penilaian = buat_penilaian(d.lokasi, 2024, user=fasilitator_a)  # a draft
    d.penilaian_verifikasi = buat_penilaian(d.lokasi, 2023, status="diverifikasi",
                                            user=fasilitator_a)
    d.pemangku = buat_pemangku("Dinas Perumahan dan Kawasan Permukiman Kab. Madiun", "opd",
                               singkatan="Dinas PKP")
    d.lkm = buat_pemangku("LKM Bibrik Sejahtera", "lkm", desa=desa_a)
    d.kegiatan = buat_kegiatan(desa_a, lines=[(d.pemangku, "apbd-kab", 100_000_000, 40_000_000)],
                               lokasi=d.lokasi, kawasan=d.kawasan, pelaksana=d.lkm,
                               status="berjalan")
    d.pendanaan = d.kegiatan.pendanaan.get()
    d.laporan = LaporanProgres.objects.create(
        kegiatan=d.kegiatan, tanggal=datetime.date(2018, 9, 1), persen_fisik=Decimal(40),
        realisasi_rp=Decimal(40_000_000), catatan="Pengecoran tahap satu.",
        dibuat_oleh=fasilitator_a)
    d.forum = ForumKolaborasi.objects.create(
        tanggal=datetime.date(2018, 3, 5), judul="Rembug warga Bibrik", tempat="Balai desa",
        desa=desa_a, kesepakatan="Paving jalan RT 1.")
    d.forum.peserta.add(d.pemangku, d.lkm)
    d.komitmen = Komitmen.objects.create(
        pemangku=d.pemangku, forum=d.forum, desa=desa_a, kriteria=kriteria("2b"), tahun=2018,
        nilai_rp=Decimal(150_000_000), uraian="Paving")
    if desa_b is not None:
        d.penilaian_b = buat_penilaian(buat_lokasi(desa_b, nama="Dusun Kulon"), 2024)
    return d


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy
# ---------------------------------------------------------------------------------------------

_SCRIPT_TAG = re.compile(r"<script[^>]*>")
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def assert_no_inline_script_or_style(body: str, where: object = "", *,
                                     json_data: bool = True) -> None:
    """What the portal's CSP (no ``'unsafe-inline'``) needs from a page's HTML.

    Every ``<script>`` loads a file (or, with ``json_data``, holds ``type="application/json"``
    data), no element has a ``style`` attribute, and no tag has an inline event handler
    (``onclick=`` …). ``where`` (a URL or name) is added to the failure message.
    """
    for tag in _SCRIPT_TAG.findall(body):
        assert "src=" in tag or (json_data and 'type="application/json"' in tag), (where, tag)
    assert "style=" not in body, (where, "style attribute")
    handler = _EVENT_HANDLER.search(body)
    assert handler is None, (where, handler and handler.group(0)[:120])


# ---------------------------------------------------------------------------------------------
# Database snapshots
# ---------------------------------------------------------------------------------------------


def domain_models(*app_labels: str) -> list[type[models.Model]]:
    """Every model of the given apps, history and m2m tables included."""
    return [m for label in app_labels
            for m in apps.get_app_config(label).get_models(include_auto_created=True)]


def table_rows(model) -> list[tuple]:
    """All rows of ``model`` as sorted tuples of every concrete column."""
    names = [f.attname for f in model._meta.concrete_fields]
    rows = model._default_manager.order_by().values_list(*names)
    return sorted(rows, key=repr)


def snapshot(models_: list[type[models.Model]]) -> dict[str, list[tuple]]:
    return {m._meta.label: table_rows(m) for m in models_}


def diff_snapshots(before: dict, after: dict) -> list[str]:
    """Human-readable differences (empty when equal)."""
    out = []
    for label in sorted(set(before) | set(after)):
        a, b = before.get(label, []), after.get(label, [])
        if a != b:
            gone = [r for r in a if r not in b][:3]
            new = [r for r in b if r not in a][:3]
            out.append(f"{label}: {len(a)} → {len(b)} rows; removed {gone}; added {new}")
    return out


def penilaian_state(p: Penilaian) -> tuple:
    p = Penilaian.objects.get(pk=p.pk)
    return (p.versi, p.status, p.total_skor, p.header(),
            sorted(p.volume.values_list("kriteria__kode", "volume")))


# ---------------------------------------------------------------------------------------------
# Transactional tests
# ---------------------------------------------------------------------------------------------

PROJECT_APPS = ("kotaku", "desa", "anggaran", "kolaborasi", "publikasi")


#: What the data migrations put in the database (role groups with their permissions, rule
#: sets, funding sources, spam patterns), as the migrated test database has it.
DATA_MIGRASI = ("auth.Group", "desa.AturanPenilaian", "desa.Aspek", "desa.Kriteria",
                "anggaran.SumberDana", "publikasi.PolaSpam")
_salinan: list | None = None


def simpan_data_migrasi() -> None:
    """Keep a copy of the data-migration rows (called once per session, after migrating)."""
    global _salinan
    from django.core import serializers

    rows = [obj for label in DATA_MIGRASI
            for obj in apps.get_model(label)._default_manager.order_by("pk")]
    _salinan = serializers.serialize("python", rows, use_natural_foreign_keys=True)


def data_migrasi_ulang() -> None:
    """Put back the rows the data migrations made, as the migrated database had them.

    A transactional test ends with a flush that also empties the rows data migrations made
    (role groups, rule sets, funding sources, spam patterns). ``serialized_rollback`` cannot
    be relied on to put them back once a browser test ran in the same worker (Playwright's
    event loop gives the main thread a fresh connection object without the serialized
    copy), so transactional tests call this first. The rows come from a copy taken after the
    migrations (``simpan_data_migrasi``): re-running old data migrations against today's
    schema breaks as soon as a later migration renames a field they write.
    """
    from django.core import serializers

    assert _salinan is not None, "django_db_setup (tests/conftest.py) takes the copy"
    from django.db import IntegrityError, transaction

    for item in serializers.deserialize("python", _salinan):
        model = type(item.object)
        if model._default_manager.filter(pk=item.object.pk).exists():
            continue
        try:
            with transaction.atomic():
                item.save()
        except IntegrityError:
            pass  # the row is there under another id (re-seeded by a migration)
