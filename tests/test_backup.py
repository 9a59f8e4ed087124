"""Backups: ``cadangkan`` writes a consistent zip, ``pulihkan --yes`` restores it exactly.

The round trip seeds the demo data set and a photo, backs up, wrecks the database and the
media folder, restores, and compares every row of every table (history and m2m tables
included) and every file with what was there before.

The round trip and the snapshot test run in real transactions (``transaction=True``), as the
commands do in production: on PostgreSQL the dump's ``REPEATABLE READ`` snapshot is then
really used. The refusals run inside the test's transaction (faster; same checks).
"""

from __future__ import annotations

import json
import os
import stat
import threading
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

import kotaku.backup as backup
from anggaran.models import FotoProgres, Kegiatan, LaporanProgres
from kolaborasi.models import PemangkuKepentingan
from tests.anggaran_helpers import image_bytes
from tests.keamanan_helpers import data_migrasi_ulang

#: The commands' own transactions, as in production (the dump's snapshot on PostgreSQL).
real_transactions = pytest.mark.django_db(transaction=True)

ON_POSTGRES = connection.vendor == "postgresql"
NATURAL = (ContentType, Permission)


@pytest.fixture(autouse=True)
def _data_migrations(request):
    """Transactional tests start after a flush may have emptied the migrations' rows."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        data_migrasi_ulang()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _devnull():
    return open(os.devnull, "w")  # noqa: SIM115 - closed with the command's stdout


def _value(f, obj_value, natural_cache):
    """A column's value; references to content types/permissions by their natural key."""
    model = f.related_model if f.is_relation else None
    if model in NATURAL and obj_value is not None:
        key = (model, obj_value)
        if key not in natural_cache:
            natural_cache[key] = model.objects.get(pk=obj_value).natural_key()
        return natural_cache[key]
    return obj_value


def whole_database() -> dict[str, list]:
    """Every row of every table (all apps, history and m2m tables included)."""
    cache: dict = {}
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model in NATURAL:
            out[model._meta.label] = sorted(o.natural_key() for o in model.objects.all())
            continue
        fields = model._meta.concrete_fields
        if model._meta.auto_created or model._meta.label_lower in backup.DIHITUNG_ULANG:
            # An m2m link row is the pair it links; its surrogate id is renumbered on load.
            # A derived row (rebuilt by the restore) is its key and figures, not its id.
            fields = [f for f in fields
                      if not (f.primary_key and f.get_internal_type().endswith("AutoField"))]
        rows = model._base_manager.order_by().values_list(*[f.attname for f in fields])
        out[model._meta.label] = sorted(
            (tuple(_value(f, v, cache) for f, v in zip(fields, row, strict=True))
             for row in rows), key=repr)
    return out


def media_state(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def seed_everything():
    for command in ("muat_wilayah_jiwan", "muat_pemangku_jiwan", "seed_demo"):
        call_command(command, verbosity=0, stdout=_devnull())
    laporan = LaporanProgres.objects.order_by("pk").first()
    foto = FotoProgres(laporan=laporan, tahap="0", keterangan="Sebelum")
    foto.foto.save("x.png", ContentFile(image_bytes("PNG")), save=False)
    foto.save()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "admin_cadangan", password="rahasia-uji-123")
    LogEntry.objects.create(user=admin, content_type=ContentType.objects.get_for_model(Kegiatan),
                            object_id=str(laporan.kegiatan_id), object_repr="x",
                            action_flag=CHANGE, change_message="[]")
    return foto


@real_transactions
def test_round_trip_restores_every_table_and_file(tmp_path, media):
    foto = seed_everything()
    assert Kegiatan.objects.exists() and foto.foto.storage.exists(foto.foto.name)
    before, files_before = whole_database(), media_state(media)
    assert files_before and sum(len(rows) for rows in before.values()) > 1000
    target = tmp_path / "cadangan" / "kotaku.zip"

    out = _run("cadangkan", str(target))
    # The demo's illustrated progress photos and the one added here.
    assert "Cadangan ditulis" in out and f"{FotoProgres.objects.count()} berkas media" in out
    assert "MB tanpa kompresi" in out and "pg_dump/PITR" in out  # its size limit, stated
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # password hashes inside
    with zipfile.ZipFile(target) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert f"media/{foto.foto.name}" in names
    assert manifest["jumlah"]["anggaran.Kegiatan"] == Kegiatan.objects.count()
    assert manifest["jumlah"]["anggaran.HistoricalKegiatan"] > 0
    assert manifest["jumlah"]["kolaborasi.ForumKolaborasi_peserta"] > 0
    assert ["desa", "0001_initial"] in manifest["migrasi"]
    assert not any(label.startswith(("sessions.", "axes.", "contenttypes."))
                   for label in manifest["jumlah"])
    # The derived tables are not in the backup: the restore rebuilds them (compared below).
    assert not any(label.lower() in backup.DIHITUNG_ULANG for label in manifest["jumlah"])
    assert manifest["dihitung_ulang"] == list(backup.DIHITUNG_ULANG)
    assert any(before[m] for m in ("anggaran.RingkasanPendana", "desa.KondisiDesaTahunan",
                                   "desa.KondisiKabupatenTahunan"))

    # A bad day: rows deleted, changed and added, a session and a lockout, the photo lost.
    Kegiatan.objects.filter(pk__in=Kegiatan.objects.order_by("pk").values("pk")[:3]).delete()
    PemangkuKepentingan.objects.update(keterangan="dirusak")
    PemangkuKepentingan.objects.create(nama="Tidak ada di cadangan", jenis="swasta")
    User.objects.update(first_name="X")
    Session.objects.create(session_key="k" * 32, session_data="x",
                           expire_date="2100-01-01T00:00:00Z")
    Path(foto.foto.path).unlink()
    (media / "progres" / "sampah.txt").write_text("bukan dari cadangan")
    assert whole_database() != before

    out = _run("pulihkan", str(target), "--yes", "--hapus-media-lain")
    assert "dipulihkan" in out and "1 berkas media lain dihapus" in out
    after = whole_database()
    # Sessions end; the dashboards' data version starts anew (never an old number).
    differences = [label for label in before if before[label] != after.get(label)
                   and label not in ("sessions.Session", "kotaku.VersiData")]
    assert not differences, {label: ([r for r in before[label] if r not in after[label]][:2],
                                     [r for r in after[label] if r not in before[label]][:2])
                             for label in differences[:4]}
    assert Session.objects.count() == 0  # everyone logs in again
    assert media_state(media) == files_before


def test_derived_tables_listed_are_every_rollup_and_stored_condition():
    from anggaran.ringkasan import SEMUA_TABEL
    from desa.models import KondisiDesaTahunan, KondisiKabupatenTahunan, KondisiLokasiTahunan

    models = (*SEMUA_TABEL, KondisiLokasiTahunan, KondisiDesaTahunan, KondisiKabupatenTahunan)
    assert set(backup.DIHITUNG_ULANG) == {m._meta.label_lower for m in models}


@pytest.mark.django_db
def test_cadangkan_refuses_a_database_above_its_size_limit(tmp_path, jiwan, settings):
    """Above the limit the portable backup would take long and hold one snapshot open for it:
    the command says so and names pg_dump, unless told to go on."""
    settings.CADANGAN_BATAS_BARIS = 10
    target = tmp_path / "besar.zip"
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("cadangkan", str(target), stdout=_devnull())
    assert not target.exists()
    out = _run("cadangkan", str(target), "--tanpa-batas")
    assert "Cadangan ditulis" in out and target.exists()


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Refusals: nothing changes
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def small_backup(tmp_path, media, jiwan):
    PemangkuKepentingan.objects.create(nama="Dinas PKP", jenis="opd")
    (media / "progres").mkdir(parents=True)
    (media / "progres" / "a.png").write_bytes(image_bytes("PNG"))
    target = tmp_path / "kecil.zip"
    backup.buat_cadangan(target)
    return target


def _rewrite(source: Path, target: Path, *, manifest=None, extra=None, replace=None):
    """A copy of a backup with an edited manifest, extra members or replaced members."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            if replace and info.filename in replace:
                data = replace[info.filename]
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


def _edit(key, value):
    def change(manifest):
        manifest[key] = value(manifest[key]) if callable(value) else value
        return manifest
    return change


@pytest.mark.django_db
@pytest.mark.parametrize("case, message", [
    ("no_yes", "--yes"),
    ("traversal", "tidak aman"),
    ("migrations", "Versi skema database berbeda"),
    ("corrupt_media", "SHA-256 tidak cocok"),
    ("not_a_backup", "bukan cadangan"),
])
def test_refused_restores_change_nothing(case, message, small_backup, tmp_path, media):
    PemangkuKepentingan.objects.create(nama="Dibuat setelah cadangan", jenis="swasta")
    bad = tmp_path / "rusak.zip"
    if case == "no_yes":
        bad = small_backup
    elif case == "traversal":
        _rewrite(small_backup, bad, extra={"media/../../luar.txt": b"x"},
                 manifest=_edit("media", lambda m: {**m, "../../luar.txt": {
                     "ukuran": 1, "sha256": "0"}}))
    elif case == "migrations":
        _rewrite(small_backup, bad, manifest=_edit("migrasi", lambda m: m[:-1]))
    elif case == "corrupt_media":
        _rewrite(small_backup, bad, replace={"media/progres/a.png": b"rusak"})
    elif case == "not_a_backup":
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("data.json", "[]")
    before, files_before = whole_database(), media_state(media)
    args = ["pulihkan", str(bad)] + ([] if case == "no_yes" else ["--yes"])
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert whole_database() == before
    assert media_state(media) == files_before
    assert not (tmp_path / "luar.txt").exists()


@real_transactions
def test_restore_failing_its_count_check_is_rolled_back(small_backup, tmp_path, media):
    """The load itself runs (flush, loaddata) and is then refused: everything is undone.
    (A real transaction: PostgreSQL cannot empty tables inside the test's own transaction.)"""
    PemangkuKepentingan.objects.create(nama="Dibuat setelah cadangan", jenis="swasta")
    bad = _rewrite(small_backup, tmp_path / "rusak.zip", manifest=_edit(
        "jumlah", lambda j: {**j, "kolaborasi.PemangkuKepentingan": 99}))
    before, files_before = whole_database(), media_state(media)
    with pytest.raises(CommandError, match="tidak sesuai manifest"):
        _run("pulihkan", str(bad), "--yes")
    assert whole_database() == before
    assert media_state(media) == files_before


# ---------------------------------------------------------------------------------------------
# Consistency: one snapshot even while others write (PostgreSQL)
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: a second connection writing "
                                            "during the dump")
@real_transactions
def test_dump_is_one_snapshot_while_another_connection_writes(monkeypatch, tmp_path, jiwan):
    PemangkuKepentingan.objects.create(nama="Ada sebelum cadangan", jenis="opd")
    real = backup.applied_migrations

    def write_meanwhile(using="default"):
        # Between the counts and the dump another user saves something and commits.
        def other():
            try:
                PemangkuKepentingan.objects.create(nama="Disimpan saat pencadangan",
                                                   jenis="swasta")
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(20)
        return real(using)

    monkeypatch.setattr(backup, "applied_migrations", write_meanwhile)
    target = tmp_path / "snapshot.zip"
    hasil = backup.buat_cadangan(target)
    assert PemangkuKepentingan.objects.filter(nama="Disimpan saat pencadangan").exists()
    with zipfile.ZipFile(target) as zf:
        lines = zf.read("data.jsonl").decode().splitlines()
    rows = [json.loads(line) for line in lines]  # JSON Lines: one row per line
    dumped = sum(1 for r in rows if r["model"] == "kolaborasi.pemangkukepentingan")
    assert dumped == hasil.jumlah["kolaborasi.PemangkuKepentingan"] == 1
    assert not any(r["fields"].get("nama") == "Disimpan saat pencadangan" for r in rows)


@real_transactions
def test_a_format_1_backup_one_json_document_still_restores(small_backup, tmp_path, media):
    """Backups made before format 2 hold one JSON document (data.json); they still restore.
    Format 2 writes JSON Lines, read a row at a time."""
    with zipfile.ZipFile(small_backup) as zf:
        rows = [json.loads(line) for line in zf.read("data.jsonl").decode().splitlines()]
    lama = tmp_path / "format1.zip"
    with zipfile.ZipFile(small_backup) as src, zipfile.ZipFile(lama, "w") as dst:
        for info in src.infolist():
            if info.filename == "data.jsonl":
                dst.writestr("data.json", json.dumps(rows))
            elif info.filename == "manifest.json":
                dst.writestr(info.filename, json.dumps(
                    {**json.loads(src.read(info.filename)), "versi_format": 1}))
            else:
                dst.writestr(info.filename, src.read(info.filename))
    PemangkuKepentingan.objects.create(nama="Dibuat setelah cadangan", jenis="swasta")
    _run("pulihkan", str(lama), "--yes")
    assert list(PemangkuKepentingan.objects.values_list("nama", flat=True)) == ["Dinas PKP"]
