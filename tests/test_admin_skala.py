"""The admin's funding-line and activity lists at national size (issue 16): no COUNT(*) of a
large unfiltered table (the planner's estimate instead), and trigram indexes for searches
on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from inti import admin_base
from tests.anggaran_helpers import buat_kegiatan, buat_pemangku

pytestmark = pytest.mark.django_db


def test_sqlite_and_filtered_lists_count_exactly(admin_client, desa_a):
    buat_kegiatan(desa_a, lines=[(buat_pemangku("Dinas Uji"), "apbd-kab", 1000)])
    response = admin_client.get(reverse("admin:anggaran_pendanaan_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].paginator.count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_large_lists_use_the_estimate_and_searches_have_trigram_indexes(
        admin_client, desa_a, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_trgm"])
        names = {row[0] for row in cursor.fetchall()}
    assert {"kegiatan_nama_trgm", "pemangku_nama_trgm", "desa_nama_trgm"} <= names

    pemangku = buat_pemangku("Dinas Uji")
    for i in range(3):
        buat_kegiatan(desa_a, nama=f"Kegiatan {i}", lines=[(pemangku, "apbd-kab", 1000)])
    # ANALYZE records 3 rows (as autovacuum would at national size); two more lines later
    # the exact count is 5, the estimate still 3. The table's owner may ANALYZE (CI's role is
    # not a superuser, so pg_class cannot be written directly).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE anggaran_pendanaan")
    for i in range(3, 5):
        buat_kegiatan(desa_a, nama=f"Kegiatan {i}", lines=[(pemangku, "apbd-kab", 1000)])
    monkeypatch.setattr(admin_base, "PERKIRAAN_MULAI", 3)
    response = admin_client.get(reverse("admin:anggaran_pendanaan_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].paginator.count == 3
    monkeypatch.setattr(admin_base, "PERKIRAAN_MULAI", 4)  # below the threshold: exact
    response = admin_client.get(reverse("admin:anggaran_pendanaan_changelist"))
    assert response.context["cl"].paginator.count == 5
    # A search counts exactly (and the trigram index serves it).
    response = admin_client.get(reverse("admin:anggaran_pendanaan_changelist"),
                                {"q": "Kegiatan 1"})
    assert response.status_code == 200 and response.context["cl"].paginator.count == 1


def test_the_estimate_starts_at_national_size():
    assert admin_base.PERKIRAAN_MULAI == 100_000
