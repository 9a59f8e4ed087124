"""Shared cache for the dashboard aggregates, invalidated by a data version.

At national scale (83,000 desa, a million funding lines) some aggregates behind the public
dashboards take a second or more in PostgreSQL. Their results are cached in the shared cache
(Redis through ``CACHE_URL``) under a key made of the function, its arguments (the filter) and
a **data version** of the kinds of data it shows and the region it is scoped to (issue 16).
Versions live in the database (``kotaku.VersiData``: one counter per kind × region, read once
per request and scope; in the cache a save during a Redis outage could not bump them and
stale numbers came back with Redis). Kinds: money (activities, funding lines, stakeholders,
sources) and condition (assessments, locations, rule sets); desa and rule criteria are both.
A committed change in a desa bumps its kind's national counter, its provinsi's and its
kabupaten's; a change without a region (a funding source, bulk SQL) the national and the
region-less one. A province's entry reads its provinsi's + the region-less counter, a
kabupaten's (or kecamatan's/desa's) its kabupaten's + the region-less one, the nation the
national one; all add the epoch (:func:`bump_data_version`: "everything changed"). So a save
in Jiwan keeps Aceh's pages, and feedback, stories, forums and spam patterns (not watched)
flush nothing. Nothing is deleted by pattern; no key lists.

Why the increment runs on commit (``transaction.on_commit``): a reader that caches a result
under the new version must only ever have seen committed data. A rolled-back change never
bumps anything.

No write path can skip it: model saves and deletes are seen by signals (which know the
region), and every other write to a watched table (``QuerySet.update``, ``bulk_update``,
``bulk_create``, raw SQL, COPY) by an ``execute_wrapper`` on each database connection, which
bumps that table's kinds everywhere at commit.

Caching is on when the default cache is shared between processes (Redis, Memcached, database)
and off with the per-process local-memory or dummy cache, where one gunicorn worker's
invalidation would not reach the others. ``DASHBOARD_CACHE=True/False`` forces it either way.
Any cache failure (Redis down) falls back to computing the result: the page stays correct,
only slower. With ``inti.cache_opsional.CacheTahanGangguan`` (the Redis backend in production)
a failing or hung Redis costs at most one short timeout per process per breaker period, and
is logged once per outage. Every key also carries the release (``settings.RELEASE`` in the cache's
``KEY_PREFIX``), so a deploy never serves entries made by the previous templates or code.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections, router, transaction
from django.db.backends.signals import connection_created
from django.db.models import F, Q
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_migrate,
    pre_save,
)

from inti import db_router
from inti.db_router import primary

logger = logging.getLogger(__name__)

KEY_PREFIX = "kotaku:dasbor"
DEFAULT_TIMEOUT = 6 * 60 * 60  # entries of an old version just age out
# Models of those apps that nothing cached shows: public feedback is moderated all day, and
# each decision would otherwise throw away every cached national aggregate.
UNWATCHED: set[str] = set()
# Per-process (or no-op) backends: invalidation in one process never reaches another.
_LOCAL_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def enabled() -> bool:
    forced = getattr(settings, "DASHBOARD_CACHE", None)
    if forced is not None:
        return bool(forced)
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return backend not in _LOCAL_BACKENDS


def _timeout() -> int:
    return int(getattr(settings, "DASHBOARD_CACHE_TIMEOUT", DEFAULT_TIMEOUT))


# The versions read in this request (or, outside requests, since this process last bumped
# them): one query per request and scope, however many cached aggregates the page shows.
_memo = threading.local()

# Kinds of data a cached entry can depend on. A row of ``VersiData`` is one (kind, region)
# counter; ``EPOCH`` (kind "*", region "") is part of every key and bumped by
# :func:`bump_data_version` (a restore, the generator, the region loader: "everything changed").
UANG, KONDISI = "uang", "kondisi"
SEMUA = (UANG, KONDISI)
EPOCH = ("*", "")
NASIONAL = ""     # bumped by every change of the kind, wherever it is
TANPA_WILAYAH = "*"  # changes without a known region (reference data, bulk SQL): every scope


def _model():
    """The table holding the versions (``DATA_VERSION_MODEL``, an app label and model
    name: the table lives in the project package, which this module must not import)."""
    return apps.get_model(getattr(settings, "DATA_VERSION_MODEL", "kotaku.VersiData"))


def reset_memo(**kwargs) -> None:
    """Forget the memoised versions (each request start; each background task start)."""
    _memo.rows = {}
    _masked.tables = {}


# One page's aggregates often read the same grouped rows (Beranda's money per region, source
# and funder type serves five of them): within one request such rows are read once. Any write
# statement forgets them (``_execute_wrapper``), a new request starts empty, and outside a
# request (commands, tasks, tests calling a function) nothing is kept. Not a cache: it never
# outlives the request, so a number is never older than the request that shows it.
_permintaan = threading.local()


def _mulai_permintaan(**kwargs) -> None:
    _permintaan.memo = {}


def _akhir_permintaan(**kwargs) -> None:
    _permintaan.memo = None


def sekali_per_permintaan(key, hitung):
    """``hitung()``, computed once per request for ``key`` (a hashable naming the rows and
    their arguments); every time outside a request."""
    memo = getattr(_permintaan, "memo", None)
    if memo is None:
        return hitung()
    key = (key, db_router.replica_ok())  # rows read from a replica stay apart
    if key not in memo:
        memo[key] = hitung()
    return memo[key]


def _scope_rows(jenis, wilayah) -> list[tuple[str, str]]:
    """The (kind, region) rows a cached entry of ``jenis`` for scope ``wilayah`` depends on:
    the nation reads the national counter; a provinsi its own plus the region-less one; a
    kabupaten (or anything inside it) its kabupaten's plus the region-less one."""
    rows = [EPOCH]
    for j in jenis:
        if not wilayah:
            rows.append((j, NASIONAL))
        else:
            rows += [(j, TANPA_WILAYAH), (j, wilayah[:5] if len(wilayah) >= 5 else wilayah[:2])]
    return rows


def _change_rows(jenis, kode) -> list[tuple[str, str]]:
    """The rows a change of ``jenis`` at desa/region code ``kode`` (None: unknown) bumps."""
    if kode is None:
        return [(jenis, NASIONAL), (jenis, TANPA_WILAYAH)]
    rows = [(jenis, NASIONAL), (jenis, kode[:2])]
    if len(kode) >= 5:
        rows.append((jenis, kode[:5]))
    else:  # a provinsi itself (its name is in every kabupaten's trail): all its kabupaten
        rows.append((jenis, TANPA_WILAYAH))
    return rows


def data_version(jenis=SEMUA, wilayah: str | None = None) -> int:
    """The data version of what ``jenis`` shows for scope ``wilayah`` (None: the nation), from
    the database (``VersiData``): the sum of the counters it depends on. Every counter only
    grows, so the sum changes whenever one of them does (and a newer version is larger).

    Not from the cache: a version kept in Redis could not be bumped while Redis was down, and
    entries computed before such a save were served again once it came back. The epoch starts
    at the clock in nanoseconds, so a database restored from an older backup never meets
    entries cached under its old numbers.
    """
    wanted = _scope_rows(tuple(jenis), wilayah)
    memo = getattr(_memo, "rows", None)
    if memo is None:
        memo = _memo.rows = {}
    missing = [r for r in wanted if r not in memo]
    if missing:
        VersiData = _model()
        db = router.db_for_write(VersiData)
        if EPOCH in missing:
            # First read of this request: the national and region-less rows of every kind
            # come along, so the usual page needs one query whatever it shows.
            missing = list(dict.fromkeys(missing + [(j, w) for j in SEMUA
                                                    for w in (NASIONAL, TANPA_WILAYAH)]))
        cond = Q()
        for j, w in missing:
            cond |= Q(jenis=j, wilayah=w)
        found = dict(((j, w), n) for j, w, n in VersiData.objects.using(db).filter(cond)
                     .values_list("jenis", "wilayah", "nilai"))
        if EPOCH in missing and EPOCH not in found:
            VersiData.objects.using(db).get_or_create(
                jenis=EPOCH[0], wilayah=EPOCH[1], defaults={"nilai": time.time_ns()})
            found[EPOCH] = VersiData.objects.using(db).values_list("nilai", flat=True).get(
                jenis=EPOCH[0], wilayah=EPOCH[1])
        for r in missing:
            memo[r] = found.get(r, 0)
    return sum(memo[r] for r in wanted)


def _bump_rows(rows, using=None) -> None:
    rows = sorted(set(rows))
    if not rows:
        return
    VersiData = _model()
    db = using if using is not None else router.db_for_write(VersiData)
    if db != router.db_for_write(VersiData):
        db = router.db_for_write(VersiData)
    VersiData.objects.using(db).bulk_create(
        [VersiData(jenis=j, wilayah=w, nilai=0 if (j, w) != EPOCH else time.time_ns())
         for j, w in rows], ignore_conflicts=True)
    cond = Q()
    for j, w in rows:
        cond |= Q(jenis=j, wilayah=w)
    VersiData.objects.using(db).filter(cond).update(nilai=F("nilai") + 1)
    reset_memo()


def bump_data_version() -> None:
    """Invalidate every cached dashboard aggregate (a restore, the generator, the loader).

    One ``UPDATE``; if the database cannot take it, the save before it could not have
    committed either, so there is nothing stale to protect.
    """
    _bump_rows([EPOCH])


def bump(jenis=SEMUA, kode: str | None = None) -> None:
    """Invalidate what ``jenis`` shows around desa/region ``kode`` (None: everywhere)."""
    _bump_rows([r for j in jenis for r in _change_rows(j, kode)])


# --- Which change bumps what -----------------------------------------------------------------
# Filled by :func:`connect_signals`: model label -> kinds, model label -> path to the desa
# (``"kegiatan__desa"``; ``"."`` for a region itself), table -> kinds (bulk SQL).
_KINDS: dict[str, tuple[str, ...]] = {}
_PATHS: dict[str, str] = {}
_TABLES: dict[str, tuple[str, ...]] = {}
# Changes waiting for their transaction's commit, per thread: (alias, kinds, related model
# label or None, key). Flushed by the first on_commit callback that runs; a rolled-back
# change left here is flushed with the next commit (invalidating too much is harmless).
_pending = threading.local()
# Tables whose rows a save/delete being signalled is writing (its SQL is accounted for by the
# signal, which knows the region); any other write to a watched table is bulk.
_masked = threading.local()


def _queue(using, jenis, ref, key) -> None:
    items = getattr(_pending, "items", None)
    if items is None:
        items = _pending.items = []
    items.append((using, jenis, ref, key))
    transaction.on_commit(_flush, using=using)


def _flush() -> None:
    items = getattr(_pending, "items", None)
    if not items:
        return
    _pending.items = []
    _masked.tables = {}
    by_ref: dict[str, set] = {}
    for _using, _jenis, ref, key in items:
        if ref is not None and key is not None:
            by_ref.setdefault(ref, set()).add(key)
    codes: dict[tuple[str, object], str] = {}
    for ref, keys in by_ref.items():
        model_label, _, rest = ref.partition(":")
        model = apps.get_model(model_label)
        field = f"{rest}__kode_wilayah" if rest else "kode_wilayah"
        for pk, kode in model._base_manager.using(
                router.db_for_write(model)).filter(pk__in=keys).values_list("pk", field):
            if kode:
                codes[(ref, pk)] = kode
    rows = []
    for _using, jenis, ref, key in items:
        kode = codes.get((ref, key)) if ref is not None else key
        for j in jenis:
            rows += _change_rows(j, kode)
    _bump_rows(rows)


def catat_perubahan_desa(desa_ids, jenis=SEMUA, using=None) -> None:
    """Bump, at commit, the versions of ``jenis`` around each of these desa (by pk): for
    tables the dashboards read that are written in bulk for known desa (the stored
    condition), so their upkeep stays regional."""
    label = getattr(settings, "VERSI_MODEL_DESA", "desa.desa")
    for pk in desa_ids:
        _queue(using, tuple(jenis), f"{label}:", pk)


def _locate(instance):
    """(related model label with the path to its desa's code, key), without a query: the
    key is a foreign key's value read from the instance; resolved at commit."""
    label = instance._meta.label_lower
    path = _PATHS.get(label)
    if path is None:
        return None, None
    if path == ".":
        return None, getattr(instance, "kode_wilayah", None)
    first, _, rest = path.partition("__")
    field = instance._meta.get_field(first)
    key = getattr(instance, field.attname)
    if key is None:
        return None, None
    return f"{field.related_model._meta.label_lower}:{rest}", key


def _tables_of(model) -> list[str]:
    return [m._meta.db_table for m in [model, *model._meta.get_parent_list()]]


def _mask(model, delta) -> None:
    counts = getattr(_masked, "tables", None)
    if counts is None:
        counts = _masked.tables = {}
    for table in _tables_of(model):
        counts[table] = counts.get(table, 0) + delta
        if counts[table] <= 0:
            counts.pop(table)


def _before(sender, **kwargs):
    _mask(sender, 1)


def _on_change(sender, instance=None, using=None, **kwargs):
    _mask(sender, -1)
    ref, key = _locate(instance)
    _queue(using, _KINDS[sender._meta.label_lower], ref, key)


def _on_m2m(sender, instance=None, action="", reverse=False, using=None, **kwargs):
    if action.startswith("pre_"):
        _mask(sender, 1)
        return
    _mask(sender, -1)
    jenis = _TABLES.get(sender._meta.db_table, SEMUA)
    ref, key = (None, None) if reverse else _locate(instance)
    _queue(using, jenis, ref, key)


_WRITE = re.compile(r'^\s*(?:UPDATE|INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM|COPY|TRUNCATE'
                    r'(?:\s+TABLE)?)\s+[`"]?(\w+)', re.IGNORECASE)


_migrating = threading.Event()


def _migrate_started(**kwargs) -> None:
    _migrating.set()  # schema changes and data migrations: no versions (maybe no table yet)


def _migrate_finished(**kwargs) -> None:
    _migrating.clear()


def _execute_wrapper(execute, sql, params, many, context):
    try:
        result = execute(sql, params, many, context)
    except Exception:
        _masked.tables = {}  # a failed save never reaches post_save: unmask
        raise
    if isinstance(sql, str) and not _migrating.is_set():
        match = _WRITE.match(sql)
        if match and getattr(_permintaan, "memo", None):
            _permintaan.memo.clear()
        if match:
            table = match.group(1).lower()
            jenis = _TABLES.get(table)
            if jenis and not getattr(_masked, "tables", {}).get(table):
                # A write no model signal accounts for (update, bulk_create, raw SQL):
                # its region is unknown, so every scope of its kinds.
                _queue(context["connection"].alias, jenis, None, None)
    return result


def _install_wrapper(sender=None, connection=None, **kwargs) -> None:
    if _execute_wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_execute_wrapper)


def _watched_models(app_labels):
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            # django-simple-history's shadow tables change with every save already watched.
            if hasattr(model, "instance_type") or model._meta.label_lower in UNWATCHED:
                continue
            yield model


def connect_signals(app_labels, kinds=None, paths=None) -> None:
    """Bump the versions after every committed write of the models of ``app_labels`` (the
    project lists the apps whose data the dashboards show).

    ``kinds`` maps a model label to the kinds of data it is (default: all; an empty tuple:
    nothing cached shows it); ``paths`` to the lookup path from it to its desa (``"."`` for a
    region itself): a change there bumps only that region's counters. Writes that bypass
    model signals (``update``, ``bulk_update``, ``bulk_create``, raw SQL) are caught on every
    database connection (``execute_wrapper``) and bump their kinds everywhere.
    """
    kinds = kinds or {}
    _PATHS.update(paths or {})
    request_started.connect(reset_memo, dispatch_uid="kotaku-dasbor-versi-memo")
    request_started.connect(_mulai_permintaan, dispatch_uid="kotaku-dasbor-permintaan")
    request_finished.connect(_akhir_permintaan, dispatch_uid="kotaku-dasbor-permintaan")
    connection_created.connect(_install_wrapper, dispatch_uid="kotaku-dasbor-versi-sql")
    pre_migrate.connect(_migrate_started, dispatch_uid="kotaku-dasbor-versi-migrate")
    post_migrate.connect(_migrate_finished, dispatch_uid="kotaku-dasbor-versi-migrated")
    for alias in connections:
        _install_wrapper(connection=connections[alias])
    for model in _watched_models(app_labels):
        label = model._meta.label_lower
        jenis = tuple(kinds.get(label, SEMUA))
        if not jenis:
            continue
        _KINDS[label] = jenis
        for table in _tables_of(model):
            _TABLES[table] = tuple(sorted(set(_TABLES.get(table, ())) | set(jenis)))
        uid = f"kotaku-dasbor-{label}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-presave")
        pre_delete.connect(_before, sender=model, dispatch_uid=f"{uid}-predelete")
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            _TABLES[through._meta.db_table] = jenis
            m2m_changed.connect(_on_m2m, sender=through,
                                dispatch_uid=f"kotaku-dasbor-m2m-{label}-{field.name}")


_down = threading.Event()


def _gangguan(exc: BaseException) -> None:
    """One warning per outage (no traceback per miss: 20 requests made 3,211 log lines)."""
    if not _down.is_set():
        _down.set()
        logger.warning("Cache unavailable, computing without it: %s: %s",
                       type(exc).__name__, str(exc)[:200])


def _pulih() -> None:
    if _down.is_set():
        _down.clear()
        logger.info("Cache available again")


def _key(name: str, version, args, kwargs) -> str:
    digest = hashlib.sha1(repr((args, sorted(kwargs.items()))).encode(), usedforsecurity=False)
    return f"{KEY_PREFIX}:{name}:{version}:{digest.hexdigest()}"


def _wilayah_of(args, kwargs):
    """The region scope of a call: a ``wilayah`` argument, or a filter's ``wilayah``."""
    if kwargs.get("wilayah"):
        return kwargs["wilayah"]
    for value in (*args, *kwargs.values()):
        scope = getattr(value, "wilayah", None)
        if isinstance(scope, str) and scope:
            return scope
    return None


def cached_aggregate(name: str, when=None, key=None, jenis=SEMUA, wilayah=None):
    """Cache a dashboard function's result under (name, arguments, data version).

    ``when(*args, **kwargs)`` may veto caching for some calls (e.g. a per-page list of ids).
    Arguments must have a stable ``repr`` (the frozen ``Filter`` dataclass, str, int, None),
    or ``key(*args, **kwargs)`` says what identifies the call (e.g. a model instance's pk).
    ``jenis`` are the kinds of data the result shows (money, condition): only their changes
    invalidate it. ``wilayah(*args, **kwargs)`` gives the region code it is scoped to
    (default: a ``wilayah`` argument or a filter's); a change elsewhere keeps it.
    The undecorated function stays available as ``fn.uncached``.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not enabled() or (when is not None and not when(*args, **kwargs)):
                return fn(*args, **kwargs)
            try:
                ident = (key(*args, **kwargs),) if key is not None else args
                scope = (wilayah(*args, **kwargs) if wilayah is not None
                         else _wilayah_of(args, kwargs))
                versi = data_version(jenis, scope)
                cache_key = _key(name, versi, ident, {} if key else kwargs)
                hit = cache.get(cache_key)
            except Exception as exc:  # noqa: BLE001 - cache down: compute, stay correct
                _gangguan(exc)
                return fn(*args, **kwargs)
            _pulih()
            if hit is not None:
                return hit
            # Computed on the primary: with a read replica (inti.db_router) a lagging
            # replica could otherwise store old numbers under the new data version.
            with primary():
                result = fn(*args, **kwargs)
            try:
                cache.set(cache_key, result, timeout=_timeout())
            except Exception as exc:  # noqa: BLE001
                _gangguan(exc)
            return result

        wrapper.uncached = fn
        return wrapper

    return decorate
