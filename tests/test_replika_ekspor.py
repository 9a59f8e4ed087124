"""Streamed exports read the read replica when one is configured (issue 16).

The replica here is a second SQLite database whose funding lines differ from the primary's.
The body is read after the request's routing context is gone, as gunicorn does.
"""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connections
from django.test import RequestFactory
from django.test.utils import override_settings

from anggaran import views_ekspor
from anggaran.models import Kegiatan, Pendanaan, SumberDana
from desa.models import Aspek, AturanPenilaian, Desa, Kecamatan, Kriteria
from inti.db_router import REPLICA, replica_allowed
from kolaborasi.models import PemangkuKepentingan
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

TABLES = [SumberDana, PemangkuKepentingan, AturanPenilaian, Aspek, Kriteria, Kecamatan, Desa,
          Kegiatan, Pendanaan]


@pytest.fixture
def replica(db, tmp_path):
    config = {**connections.settings["default"], "NAME": str(tmp_path / "replika.sqlite3"),
              "TEST": {**connections.settings["default"].get("TEST", {}), "NAME": None}}
    if config["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the replica stand-in is a SQLite file")
    connections.settings[REPLICA] = config
    conn = connections[REPLICA]
    conn.connect()  # opened here: the test case only guards aliases it knew at setup
    with conn.schema_editor() as editor:
        for model in TABLES:
            editor.create_model(model)
    with conn.cursor() as cursor:  # only the tables the export reads
        cursor.execute("PRAGMA foreign_keys = OFF")
    try:
        with override_settings(DATABASE_ROUTERS=["inti.db_router.ReplicaRouter"]):
            yield REPLICA
    finally:
        conn.close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@contextmanager
def anonymous_get():
    """The routing of an anonymous GET (ReplicaMiddleware), outside any transaction on the
    primary as in production (the test's own transaction is hidden from the router)."""
    primary = connections["default"]
    with replica_allowed():
        saved, primary.in_atomic_block = primary.in_atomic_block, False
        try:
            yield
        finally:
            primary.in_atomic_block = saved


def _copy_to_replica(rencana_replika: Decimal) -> None:
    """The replica holds the same rows, except one planned amount (it lags)."""
    for model in TABLES:
        rows = list(model._base_manager.using("default").order_by("pk"))
        if model is Pendanaan:
            for row in rows:
                row.rencana_rp = rencana_replika
        model._base_manager.using(REPLICA).bulk_create(rows)


@pytest.mark.django_db  # the replica alias is added by the fixture, after the test case set up
def test_funding_csv_streams_from_the_replica(replica, desa_a):
    buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas Uji"), "apbd-kab", 1_000_000)])
    _copy_to_replica(Decimal(7_777_777))
    request = RequestFactory().get("/ekspor/pendanaan.csv")
    with anonymous_get():
        response = views_ekspor.pendanaan_csv(request)
    body = b"".join(response.streaming_content).decode()  # read after the request, like gunicorn
    assert "7777777" in body and "1000000" not in body

    # Staff (no replica context) read the primary.
    body = b"".join(views_ekspor.pendanaan_csv(request).streaming_content).decode()
    assert "1000000" in body and "7777777" not in body


@pytest.mark.django_db  # the replica alias is added by the fixture, after the test case set up
def test_list_exports_are_pinned_to_the_request_database(replica, desa_a):
    from inti.exports import pinned

    buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas Uji"), "apbd-kab", 1_000_000)])
    _copy_to_replica(Decimal(5))
    with anonymous_get():
        qs = pinned(Pendanaan.objects.all())
    assert qs.db == REPLICA
    assert [p.rencana_rp for p in qs] == [Decimal(5)]
