"""Portable backups: the database content and the uploaded files in one zip, and the restore.

A backup (``manage.py cadangkan``) is a zip holding

* ``data.jsonl``: every row of every table, one JSON object per line, as ``dumpdata
  --natural-foreign --format jsonl`` writes it (primary keys kept; references to content
  types and permissions by natural key, because those two tables are rebuilt by
  ``migrate``/``flush`` with possibly other ids). One row per line lets the restore read the
  rows one at a time (format 2); format 1 backups held one JSON document, ``data.json``,
  which the restore still reads (parsed whole, in memory);
* ``media/…``: every file under ``MEDIA_ROOT`` (progress photos);
* ``manifest.json``: when and from what it was made, the applied migrations, the row count of
  every table and the size and SHA-256 of every file, so a restore can check it got
  everything.

The rows are read in one transaction: on PostgreSQL a ``REPEATABLE READ, READ ONLY`` one, so
the dump is one consistent snapshot even while people keep saving; on SQLite a read
transaction, which sees one snapshot too. The files are copied after the snapshot is taken:
a photo is written before its row is committed, so every photo a dumped row names exists.

Not backed up, on purpose: sessions (everyone logs in again after a restore), django-axes'
login-attempt logs and lockouts (transient), content types and permissions (recreated), and
the derived tables (money rollups, stored condition: rebuilt by the restore from the rows they
are computed from, which also proves them true; more than half the rows of a national
database).

The restore (``manage.py pulihkan``) refuses a backup whose migrations differ from the
database's, checks every file's hash first, then in one transaction empties the database
(``flush``), loads the rows and compares the counts with the manifest; only then are the
files put in place. A failure anywhere before the commit leaves the database as it was.

For a PostgreSQL production database, ``pg_dump -Fc`` is the faster everyday backup; this
format is the portable one (SQLite ↔ PostgreSQL, a copy for a laptop) and the one the test
suite proves restorable. See docs/OPERATIONS.md.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.serializers import jsonl as jsonl_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from anggaran import ringkasan
from desa import kondisi_tersimpan
from inti.sinyal import berhenti_dengan_rapi

FORMAT = "kotaku-cadangan"
FORMAT_VERSION = 3
DATA_NAME = "data.jsonl"
#: Per format version: the rows' member in the zip and loaddata's format for it. Format 3 is
#: format 2 without the derived tables (below).
DATA_PER_VERSI = {1: ("data.json", "json"), 2: (DATA_NAME, "jsonl"), 3: (DATA_NAME, "jsonl")}
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media/"

#: The dump's serialization format: Django's JSON with full-precision times (registered below).
DUMP_FORMAT = "kotaku-json"

#: Tables not backed up (see the module docstring), as app labels or app_label.ModelName.
# The dashboards' data version is not data: a restore starts a new, never-used one.
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "axes", "kotaku.versidata")
#: Derived tables, rebuilt from the rows they are computed from after every restore instead
#: of being backed up (format 3): the money rollups and the stored slum condition, 3.7 of the
#: 6.6 million rows of the national data.
DIHITUNG_ULANG = tuple(m._meta.label_lower for m in (*ringkasan.SEMUA_TABEL,
                                                    *kondisi_tersimpan.TABEL_TERSIMPAN))
TIDAK_DICADANGKAN = EXCLUDED + DIHITUNG_ULANG
#: Rows written per second by a backup of the national synthetic data (measured, see
#: docs/PERFORMANCE.md): the estimate ``cadangkan`` gives above its size limit.
LAJU_BARIS_PER_DETIK = 4_700


class BackupError(Exception):
    """A backup cannot be made or restored; the message is for the operator (Indonesian)."""


@dataclass
class Hasil:
    """What a backup or restore did: rows per table and files."""

    jumlah: dict[str, int] = field(default_factory=dict)
    media: dict[str, dict] = field(default_factory=dict)
    media_lain: list[str] = field(default_factory=list)

    @property
    def total_baris(self) -> int:
        return sum(self.jumlah.values())


class _PreciseEncoder(DjangoJSONEncoder):
    """Django's JSON encoder cuts times to milliseconds; a backup keeps the microseconds
    (history rows are ordered by them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time) and not (
                isinstance(o, datetime.time) and o.utcoffset() is not None):
            return o.isoformat()
        return super().default(o)


class Serializer(jsonl_serializer.Serializer):
    """``dumpdata`` format of the backups: JSON Lines; ``loaddata`` reads it as ``jsonl``,
    one row at a time."""

    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = _PreciseEncoder


Deserializer = jsonl_serializer.Deserializer


def _excluded(model) -> bool:
    meta = model._meta
    return meta.app_label in TIDAK_DICADANGKAN or meta.label_lower in TIDAK_DICADANGKAN


def backed_up_models(using: str = DEFAULT_DB_ALIAS) -> list:
    """Every table in the backup, m2m link tables included (for the counts)."""
    return [
        m for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and not _excluded(m)
        and not (m._meta.auto_created and _excluded(m._meta.auto_created))
        and router.allow_migrate_model(using, m)
    ]


def row_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    return {m._meta.label: m._base_manager.using(using).count()
            for m in backed_up_models(using)}


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_files(root: Path) -> list[tuple[str, Path]]:
    """``(relative posix path, path)`` of the regular files under ``root`` (no symlinks)."""
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return found


def _snapshot(using: str, stream) -> tuple[dict, list]:
    """Counts, migrations and the dump (written to ``stream``), all read in one transaction
    (one snapshot)."""
    connection = connections[using]
    # Inside a caller's transaction the isolation level can no longer be chosen: the caller's
    # transaction is then the snapshot.
    choose_isolation = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if choose_isolation:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        counts = row_counts(using)
        migrations = applied_migrations(using)
        serializers.register_serializer(DUMP_FORMAT, __name__)
        call_command("dumpdata", exclude=list(TIDAK_DICADANGKAN), natural_foreign=True,
                     use_base_manager=True, database=using, stdout=stream,
                     format=DUMP_FORMAT, verbosity=0)
    return counts, migrations


def buat_cadangan(target: str | os.PathLike, using: str = DEFAULT_DB_ALIAS) -> Hasil:
    """Write a backup zip to ``target`` (atomically: a partial file is never left behind).

    The dump goes straight into the zip (no ``data.json`` in a temporary directory: a killed
    backup used to leave one, password hashes included). The only file written is the
    owner-only partial next to the target, removed on every exit path that Python sees
    (SIGTERM and SIGHUP included, :mod:`inti.sinyal`) and overwritten by the next run.
    """
    target = Path(target)
    media_root = Path(settings.MEDIA_ROOT)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.sebagian")
    with berhenti_dengan_rapi():
        try:
            # The file holds password hashes and contact details: owner-only.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(
                    raw, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                with zf.open(DATA_NAME, "w", force_zip64=True) as member, \
                        io.TextIOWrapper(member, encoding="utf-8") as text:
                    counts, migrations = _snapshot(using, text)
                files = media_files(media_root)
                media = {rel: {"ukuran": path.stat().st_size, "sha256": _sha256(path)}
                         for rel, path in files}
                manifest = {
                    "format": FORMAT, "versi_format": FORMAT_VERSION,
                    "dibuat": timezone.now().isoformat(), "django": django.get_version(),
                    "database": connections[using].vendor, "migrasi": migrations,
                    "jumlah": counts, "dikecualikan": list(EXCLUDED),
                    "dihitung_ulang": list(DIHITUNG_ULANG), "media": media,
                }
                zf.writestr(MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True))
                for rel, path in files:
                    zf.write(path, MEDIA_PREFIX + rel)
            os.replace(partial, target)
        finally:
            if partial.exists():
                partial.unlink()
    return Hasil(jumlah=counts, media=media)


# ---------------------------------------------------------------------------------------------
# Restore
# ---------------------------------------------------------------------------------------------


def _safe_member(name: str) -> str:
    """The path of a media member below MEDIA_ROOT, refusing anything that could escape it."""
    rel = name[len(MEDIA_PREFIX):]
    pure = PurePosixPath(rel)
    if (not rel or "\\" in rel or "\x00" in rel or pure.is_absolute()
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise BackupError(f"Nama berkas tidak aman di dalam cadangan: {name!r}")
    return rel


def baca_manifest(zf: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(zf.read(MANIFEST_NAME))
    except (KeyError, ValueError) as exc:
        raise BackupError("Berkas ini bukan cadangan portal KOTAKU (manifest.json tidak "
                          "ada atau rusak).") from exc
    if manifest.get("format") != FORMAT or manifest.get("versi_format") not in DATA_PER_VERSI:
        raise BackupError("Format cadangan tidak dikenal: "
                          f"{manifest.get('format')} versi {manifest.get('versi_format')}.")
    return manifest


def _check_migrations(manifest: dict, using: str) -> None:
    ours = {tuple(m) for m in applied_migrations(using)}
    theirs = {tuple(m) for m in manifest["migrasi"]}
    if not ours:
        raise BackupError("Database tujuan belum dimigrasi: jalankan `manage.py migrate` "
                          "terlebih dahulu.")
    if ours != theirs:
        only_backup = sorted(theirs - ours)[:10]
        only_db = sorted(ours - theirs)[:10]
        raise BackupError(
            "Versi skema database berbeda dengan cadangan. Pulihkan ke database dengan versi "
            "aplikasi yang sama (lalu upgrade dan `migrate`). Hanya di cadangan: "
            f"{only_backup or '-'}; hanya di database: {only_db or '-'}.")


def _extract_media(zf: zipfile.ZipFile, manifest: dict, staging: Path) -> dict[str, Path]:
    """Unpack and verify every media file into ``staging``; ``{relative path: file}``."""
    members = {info.filename: info for info in zf.infolist()
               if info.filename.startswith(MEDIA_PREFIX) and not info.is_dir()}
    expected = manifest.get("media", {})
    names = {_safe_member(n): n for n in members}
    if set(names) != set(expected):
        missing = sorted(set(expected) - set(names))[:5]
        extra = sorted(set(names) - set(expected))[:5]
        raise BackupError(f"Isi media cadangan tidak sesuai manifest (hilang: {missing}, "
                          f"tidak tercatat: {extra}).")
    out = {}
    for rel, member in names.items():
        dest = staging / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(member) as src, open(dest, "wb") as dst:
            shutil.copyfileobj(src, dst)
        if _sha256(dest) != expected[rel]["sha256"]:
            raise BackupError(f"Berkas media rusak (SHA-256 tidak cocok): {rel}")
        out[rel] = dest
    return out


def pulihkan_cadangan(source: str | os.PathLike, using: str = DEFAULT_DB_ALIAS,
                      hapus_media_lain: bool = False) -> Hasil:
    """Replace the database content and the media files with those of a backup."""
    source = Path(source)
    media_root = Path(settings.MEDIA_ROOT)
    try:
        zf = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"Berkas cadangan tidak dapat dibuka: {exc}") from exc
    media_root.parent.mkdir(parents=True, exist_ok=True)
    _hapus_sisa_staging(media_root.parent)
    with zf, berhenti_dengan_rapi():
        manifest = baca_manifest(zf)
        _check_migrations(manifest, using)
        staging = Path(tempfile.mkdtemp(prefix=".pulihkan-", dir=media_root.parent))
        try:
            files = _extract_media(zf, manifest, staging)
            try:
                counts = _load(zf, manifest, using)
            except BackupError:
                raise
            except Exception as exc:  # noqa: BLE001 - reported, and rolled back
                raise BackupError(f"Data cadangan gagal dimuat ({type(exc).__name__}: "
                                  f"{exc}); database tidak berubah.") from exc
            try:
                lain = _place_media(files, media_root, hapus_media_lain)
            except OSError as exc:
                raise BackupError(f"Database sudah dipulihkan, tetapi berkas media gagal "
                                  f"ditaruh di {media_root}: {exc}. Perbaiki lalu ulangi.") \
                    from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    from inti.cache import bump_data_version

    bump_data_version()  # a new data version: nothing cached before the restore is served
    try:
        cache.clear()  # dashboards cached from the replaced data
    except Exception:  # noqa: BLE001 - a cache outage must not fail a finished restore
        pass
    return Hasil(jumlah=counts, media=manifest.get("media", {}), media_lain=lain)


def _hapus_sisa_staging(parent: Path) -> None:
    """Media staging directories left by a restore killed with SIGKILL (photos only, no
    data), older than an hour: removed before the next restore."""
    limit = time.time() - 3600
    for path in parent.glob(".pulihkan-*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and path.stat().st_mtime < limit:
                shutil.rmtree(path, ignore_errors=True)


def _load(zf: zipfile.ZipFile, manifest: dict, using: str) -> dict[str, int]:
    # No history rows for the load itself (rows keep the history they were backed up with).
    # The dump is read from the zip through loaddata's stdin ("-"), never written to disk.
    # Format 2 (JSON Lines) is read a row at a time; format 1 is one JSON document.
    nama, fmt = DATA_PER_VERSI[manifest["versi_format"]]
    with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic(using=using), \
            zf.open(nama) as member, io.TextIOWrapper(member, encoding="utf-8") as text, \
            _stdin(text):
        call_command("flush", database=using, interactive=False, verbosity=0)
        call_command("loaddata", "-", format=fmt, database=using, verbosity=0)
        _hitung_ulang_turunan()
        counts = row_counts(using)
        # Older backups also held the derived tables: they are rebuilt, not compared.
        expected = {label: n for label, n in manifest["jumlah"].items()
                    if label.lower() not in DIHITUNG_ULANG}
        wrong = {label: (expected.get(label), counts.get(label))
                 for label in set(expected) | set(counts)
                 if expected.get(label, 0) != counts.get(label, 0)}
        if wrong:
            raise BackupError(f"Jumlah baris setelah pemulihan tidak sesuai manifest: {wrong}; "
                              "database tidak berubah.")
    return counts


def _hitung_ulang_turunan() -> None:
    """Rebuild the derived tables from the rows just loaded (in the restore's transaction)."""
    kondisi_tersimpan.bangun_ulang()
    ringkasan.bangun_ulang(segarkan_cache=False)


@contextlib.contextmanager
def _stdin(stream):
    previous, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = previous


def _place_media(files: dict[str, Path], media_root: Path, hapus_lain: bool) -> list[str]:
    """Move the verified files into MEDIA_ROOT; list (or delete) files the backup lacks."""
    media_root.mkdir(parents=True, exist_ok=True)
    for rel, path in files.items():
        dest = media_root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
    lain = [rel for rel, _path in media_files(media_root) if rel not in files]
    if hapus_lain:
        for rel in lain:
            (media_root / rel).unlink()
    return lain
