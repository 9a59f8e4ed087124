"""Read replicas for the public pages: a configuration change (``DATABASE_REPLICA_URL``).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database, this router and
:class:`ReplicaMiddleware`. Reads go to the replica only where a slightly stale answer is
harmless and no write can precede them in the same request:

- the request is an anonymous ``GET``/``HEAD`` (the public dashboards, profiles and lists;
  anonymous visitors never write, so they cannot miss their own change);
- no transaction is open on the primary (inside ``atomic`` every read stays on the primary);
- not while a dashboard aggregate is computed for the shared cache (:func:`primary`): the
  cache entry is keyed by the data version bumped on the primary's commit, and a lagging
  replica must not store old numbers under a new version.

Everything else (logged-in staff, every write, every ``select_for_update``, migrations) uses the
primary. The replica is read-only by construction: ``db_for_write`` is always ``default``.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
_replica_ok: ContextVar[bool] = ContextVar("kotaku_replica_ok", default=False)


def has_replica() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_ok.get() and has_replica() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def replica_ok() -> bool:
    """Whether reads may go to the replica here (see :func:`replica_allowed`)."""
    return _replica_ok.get()


@contextmanager
def replica_allowed(allowed: bool = True):
    token = _replica_ok.set(allowed)
    try:
        yield
    finally:
        _replica_ok.reset(token)


def primary():
    """Within this block every read goes to the primary."""
    return replica_allowed(False)


class ReplicaMiddleware:
    """Lets the reads of anonymous GET/HEAD requests go to the replica (after
    AuthenticationMiddleware, which it needs to tell anonymous visitors apart)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = request.method in ("GET", "HEAD") and not request.user.is_authenticated
        with replica_allowed(allowed):
            return self.get_response(request)
