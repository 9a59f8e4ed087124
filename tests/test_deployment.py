"""Scale-out settings (issue 8): read replica routing and S3 media are configuration changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.test.utils import override_settings

from inti import cache as dash_cache
from inti import db_router
from inti.db_router import (
    ReplicaMiddleware,
    ReplicaRouter,
    primary,
    replica_allowed,
)

ROOT = Path(__file__).resolve().parents[1]


class _User:
    is_authenticated = True


def test_router_reads_from_the_replica_only_when_allowed(monkeypatch):
    monkeypatch.setattr(db_router, "has_replica", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(None) == "default"
    with replica_allowed():
        assert router.db_for_read(None) == "replica"
        with primary():
            assert router.db_for_read(None) == "default"
        assert router.db_for_write(None) == "default"
    monkeypatch.setattr(db_router, "has_replica", lambda: False)
    with replica_allowed():
        assert router.db_for_read(None) == "default"
    assert router.allow_migrate("default", "desa") and not router.allow_migrate("replica", "desa")


def test_reads_inside_a_transaction_stay_on_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "has_replica", lambda: True)

    class Conn:
        in_atomic_block = True

    monkeypatch.setattr(db_router, "connections", type(
        "C", (), {"__getitem__": lambda self, alias: Conn(), "settings": {}})())
    with replica_allowed():
        assert ReplicaRouter().db_for_read(None) == "default"


def test_middleware_allows_the_replica_for_anonymous_reads_only():
    seen = []
    middleware = ReplicaMiddleware(lambda request: seen.append(db_router._replica_ok.get()))
    factory = RequestFactory()
    for method, user, expected in [("get", AnonymousUser(), True), ("head", AnonymousUser(), True),
                                   ("post", AnonymousUser(), False), ("get", _User(), False)]:
        request = getattr(factory, method)("/")
        request.user = user
        middleware(request)
        assert seen.pop() is expected
    assert db_router._replica_ok.get() is False  # reset after the request


@pytest.mark.django_db  # the data version is read from the database (issue 18)
def test_cached_aggregates_are_computed_on_the_primary():
    seen = []

    @dash_cache.cached_aggregate("uji_primary")
    def aggregate():
        seen.append(db_router._replica_ok.get())
        return 1

    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "LOCATION": "test-deployment"}}
    with override_settings(CACHES=caches, DASHBOARD_CACHE=True), replica_allowed():
        assert aggregate() == 1
    assert seen == [False]


def test_replica_and_s3_are_configuration_changes():
    """Production settings with DATABASE_REPLICA_URL and MEDIA_STORAGE=s3 (no network)."""
    code = (
        "import json, django; django.setup();"
        "from django.conf import settings; from django.core.files.storage import storages;"
        "s = storages['default'];"
        "print(json.dumps({'dbs': sorted(settings.DATABASES), 'routers': settings.DATABASE_ROUTERS,"
        " 'mw': settings.MIDDLEWARE, 'storage': type(s).__module__ + '.' + type(s).__name__,"
        " 'bucket': s.bucket_name}))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kotaku.settings", "DEBUG": "False",
           "SECRET_KEY": "x" * 50, "DATABASE_URL": "sqlite:///:memory:",
           "DATABASE_REPLICA_URL": "postgres://kotaku:kotaku@replica.invalid:5432/kotaku",
           "MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "kotaku-media",
           "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                         capture_output=True, check=True).stdout
    data = json.loads(out.strip().splitlines()[-1])
    assert data["dbs"] == ["default", "replica"]
    assert data["routers"] == ["inti.db_router.ReplicaRouter"]
    auth = data["mw"].index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert data["mw"][auth + 1] == "inti.db_router.ReplicaMiddleware"
    assert data["storage"] == "storages.backends.s3.S3Storage"
    assert data["bucket"] == "kotaku-media"
