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


def test_deep_pages_read_their_keys_first_and_show_the_same_rows(admin_client, desa_a,
                                                                 monkeypatch):
    """Past HALAMAN_DALAM rows a changelist page selects its primary keys first, then those
    rows with their related objects: the same rows in the same order as a plain OFFSET."""
    from anggaran.admin import PendanaanAdmin

    pemda = buat_pemangku("Pemda uji")
    for i in range(7):
        buat_kegiatan(desa_a, nama=f"Kegiatan {i}", lines=[(pemda, "apbd-kab", 1000 + i)])
    url = reverse("admin:anggaran_pendanaan_changelist")
    monkeypatch.setattr(PendanaanAdmin, "list_per_page", 2)
    biasa = [list(admin_client.get(url, {"p": n, "o": "4"}).context["cl"].result_list)
             for n in (2, 3, 4)]
    monkeypatch.setattr(admin_base, "HALAMAN_DALAM", 1)
    dalam = [list(admin_client.get(url, {"p": n, "o": "4"}).context["cl"].result_list)
             for n in (2, 3, 4)]
    assert dalam == biasa and [len(p) for p in dalam] == [2, 2, 1]
    assert [line.rencana_rp for line in dalam[0]] == [1002, 1003]  # ordered by rencana


@pytest.mark.parametrize("term", ["jalan", "PEMDA", "apbd", "jalan pemda", "tidak-ada", "'jalan'"])
def test_search_per_table_finds_what_the_joined_search_finds(admin_client, desa_a, term):
    """The per-table search (each related table through its own index) lists exactly the
    rows Django's joined search lists, for funding lines and activities."""
    from django.contrib.admin import ModelAdmin

    from anggaran.models import Kegiatan, Pendanaan

    pemda, opd = buat_pemangku("Pemda uji"), buat_pemangku("Dinas Jalan", "opd")
    buat_kegiatan(desa_a, nama="Jalan lingkungan", lines=[(pemda, "apbd-kab", 1000)])
    buat_kegiatan(desa_a, nama="Drainase", lines=[(opd, "apbn", 2000), (pemda, "apbd-kab", 5)])
    from django.contrib import admin

    for model, name in ((Pendanaan, "pendanaan"), (Kegiatan, "kegiatan")):
        response = admin_client.get(reverse(f"admin:anggaran_{name}_changelist"), {"q": term})
        assert response.status_code == 200
        got = {o.pk for o in response.context["cl"].result_list}
        model_admin = admin.site._registry[model]
        want, _dup = ModelAdmin.get_search_results(
            model_admin, response.wsgi_request, model.objects.all(), term)
        assert got == {o.pk for o in want}, (model, term)
