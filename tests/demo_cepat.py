"""``seed_demo`` once per test process; later tests get the rows it wrote, copied.

``seed_demo`` takes about 4 s (56 assessments scored, 44 activities saved through the
services, the stored condition rebuilt) and about a hundred tests start from it: a quarter of
the suite's time. :func:`muat_demo` runs the command the first time in a worker and records
what it changed in every table (rows inserted, changed, deleted). A later call whose database
starts from a state it saw (the same row count and highest id in every table) applies the
same change with plain bulk statements (no signals: the rollups, the stored condition and the
history are copied as rows, as the command left them) and moves the id sequences past the
copied ids. Any other starting state runs the command itself, so a test never sees demo data
that the command would not have written there.

Tests of the command itself (idempotence, what it loads) call ``seed_demo`` directly.
"""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models

_rekaman: dict = {}  # starting state -> the change the command made from it


def _tabel() -> list:
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy]


def _keadaan(tabel: list) -> tuple:
    """Row count and highest integer id of every table, in one statement."""
    q = connection.ops.quote_name
    bagian = []
    for i, m in enumerate(tabel):
        pk = m._meta.pk
        tertinggi = (f"MAX({q(pk.column)})" if isinstance(pk, models.IntegerField)
                     else "CAST(NULL AS BIGINT)")
        bagian.append(f"SELECT {i}, COUNT(*), {tertinggi} FROM {q(m._meta.db_table)}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(bagian))
        return tuple(sorted(cursor.fetchall()))


def _baris(model) -> dict:
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.order_by().values()}


def _terapkan(perubahan: list) -> None:
    for model, sisip, ubah, hapus in perubahan:
        manager = model._base_manager
        pk = model._meta.pk.attname
        if hapus:
            manager.filter(pk__in=hapus)._raw_delete(connection.alias)
        for row in ubah:
            manager.filter(pk=row[pk]).update(**{k: v for k, v in row.items() if k != pk})
        if sisip:
            manager.bulk_create([model(**row) for row in sisip], batch_size=500)
    urutan = connection.ops.sequence_reset_sql(no_style(), [m for m, sisip, *_ in perubahan
                                                            if sisip])
    with connection.cursor() as cursor:
        for sql in urutan:
            cursor.execute(sql)


def muat_demo() -> None:
    """The demo data set, as ``manage.py seed_demo`` writes it (see the module's docstring)."""
    tabel = _tabel()
    awal = _keadaan(tabel)
    if awal in _rekaman:
        _terapkan(_rekaman[awal])
        return
    sebelum = {m: _baris(m) for m in tabel}
    call_command("seed_demo", stdout=io.StringIO())
    perubahan = []
    for m in tabel:
        lama, baru = sebelum[m], _baris(m)
        sisip = [baru[k] for k in baru.keys() - lama.keys()]
        ubah = [baru[k] for k in baru.keys() & lama.keys() if baru[k] != lama[k]]
        hapus = sorted(lama.keys() - baru.keys())
        if sisip or ubah or hapus:
            perubahan.append((m, sisip, ubah, hapus))
    _rekaman[awal] = perubahan
