"""Shared cache for the dashboard aggregates, invalidated by a data version.

At national scale (83,000 desa, a million funding lines) some aggregates behind the public
dashboards take a second or more in PostgreSQL. Their results are cached in the shared cache
(Redis through ``CACHE_URL``) under a key made of the function, its arguments (the filter) and
a **data version**. The version is one integer in the database (``kotaku.VersiData``, read once per
request; it used to live in the cache, where a save during a Redis outage could not bump it
and stale numbers came back with Redis): every committed save or delete of
a model the dashboards read (activities, funding lines, assessments and their volumes, desa,
stakeholders, sources, rule sets, ...) increments it, so the next request computes fresh
numbers and the old entries simply expire. Nothing is deleted by pattern; no key lists.

Why the increment runs on commit (``transaction.on_commit``): a reader that caches a result
under the new version must only ever have seen committed data. A rolled-back change never
bumps anything.

Bulk writes bypass model signals (``QuerySet.update``, ``bulk_create``, raw SQL, COPY): code
that changes dashboard data that way calls :func:`bump_data_version` itself (the region loader
and the synthetic-data generator do).

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
import threading
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import router, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

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


# The version read in this request (or, outside requests, since this process last bumped
# it): one primary-key query per request, however many cached aggregates the page shows.
_memo = threading.local()


def _model():
    """The one-row table holding the version (``DATA_VERSION_MODEL``, an app label and model
    name: the table lives in the project package, which this module must not import)."""
    return apps.get_model(getattr(settings, "DATA_VERSION_MODEL", "kotaku.VersiData"))


def reset_memo(**kwargs) -> None:
    """Forget the memoised version (each request start; each background task start)."""
    _memo.versi = None


def data_version():
    """The current data version, from the database (``VersiData``; created on first use).

    Not from the cache: a version kept in Redis could not be bumped while Redis was down, and
    entries computed before such a save were served again once it came back. The first value
    is the clock in nanoseconds, so a database restored from an older backup never meets
    entries cached under its old numbers.
    """
    versi = getattr(_memo, "versi", None)
    if versi is not None:
        return versi
    VersiData = _model()
    db = router.db_for_write(VersiData)
    versi = VersiData.objects.using(db).filter(pk=1).values_list("nilai", flat=True).first()
    if versi is None:
        VersiData.objects.using(db).get_or_create(pk=1, defaults={"nilai": time.time_ns()})
        versi = VersiData.objects.using(db).values_list("nilai", flat=True).get(pk=1)
    _memo.versi = versi
    return versi


def bump_data_version() -> None:
    """Invalidate every cached dashboard aggregate (call after committed bulk writes).

    One ``UPDATE`` of one row; if the database cannot take it, the save before it could not
    have committed either, so there is nothing stale to protect.
    """
    VersiData = _model()
    db = router.db_for_write(VersiData)
    if not VersiData.objects.using(db).filter(pk=1).update(nilai=F("nilai") + 1):
        VersiData.objects.using(db).get_or_create(pk=1, defaults={"nilai": time.time_ns()})
    reset_memo()


def _on_change(sender, using=None, **kwargs):
    transaction.on_commit(bump_data_version, using=using)


def _watched_models(app_labels):
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            # django-simple-history's shadow tables change with every save already watched.
            if hasattr(model, "instance_type") or model._meta.label_lower in UNWATCHED:
                continue
            yield model


def connect_signals(app_labels) -> None:
    """Bump the data version after every committed save/delete of the models of
    ``app_labels`` (the project lists the apps whose data the dashboards show)."""
    request_started.connect(reset_memo, dispatch_uid="kotaku-dasbor-versi-memo")
    for model in _watched_models(app_labels):
        uid = f"kotaku-dasbor-{model._meta.label_lower}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}-delete")
    for model in _watched_models(app_labels):
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_on_change, sender=field.remote_field.through,
                                dispatch_uid=f"kotaku-dasbor-m2m-{model._meta.label_lower}"
                                             f"-{field.name}")


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


def cached_aggregate(name: str, when=None, key=None):
    """Cache a dashboard function's result under (name, arguments, data version).

    ``when(*args, **kwargs)`` may veto caching for some calls (e.g. a per-page list of ids).
    Arguments must have a stable ``repr`` (the frozen ``Filter`` dataclass, str, int, None),
    or ``key(*args, **kwargs)`` says what identifies the call (e.g. a model instance's pk).
    The undecorated function stays available as ``fn.uncached``.
    """

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not enabled() or (when is not None and not when(*args, **kwargs)):
                return fn(*args, **kwargs)
            try:
                ident = (key(*args, **kwargs),) if key is not None else args
                cache_key = _key(name, data_version(), ident, {} if key else kwargs)
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
