"""In-process measurements for one benchmark phase (run by bench/run.py, not by hand).

For every page: the SQL queries it runs with the dashboard cache off (the page's real query
count, and the SQL itself), the queries it runs warm (cache on, second request), the bare
time of that SQL replayed with psycopg2 on its own connection (median of 3 runs), and for the
slowest query its EXPLAIN ANALYZE plan. Usage::

    python bench/measure.py OUT.json NAME=URL [NAME=URL ...]
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotaku.settings")

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    override_settings,
    setup_test_environment,
)

EXPORT_SAMPLE_BYTES = 2_000_000  # in-process, read only the start of a streamed export
DECLARE = re.compile(r"^DECLARE .*? CURSOR (?:WITH(?:OUT)? HOLD )?FOR (.*)$", re.S)
SLOW_SQL_S = 5.0
SLOW_PAGE_MS = 10_000


def _raw_connection():
    db = settings.DATABASES["default"]
    return psycopg2.connect(dbname=db["NAME"], user=db.get("USER") or None,
                            password=db.get("PASSWORD") or None, host=db.get("HOST") or None,
                            port=db.get("PORT") or None)


def _statement(sql: str) -> str | None:
    sql = sql.strip()
    m = DECLARE.match(sql)
    if m:
        return m.group(1)
    if sql.upper().startswith(("SELECT", "WITH")):
        return sql
    return None  # SAVEPOINT, SET, ...


def _time_sql(raw, statements: list[str]) -> tuple[float, list[float]]:
    """Median wall time (ms) of each statement, executed and fully fetched."""
    per = []
    with raw.cursor() as cur:
        for sql in statements:
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                cur.execute(sql)
                cur.fetchall()
                runs.append((time.perf_counter() - t) * 1000)
                if runs[-1] > SLOW_SQL_S * 1000:
                    break
            per.append(statistics.median(runs))
    raw.rollback()
    return sum(per), per


def _time_export(raw, sql: str) -> tuple[float, int]:
    """The export's SELECT streamed through a server-side cursor, as the view reads it."""
    t = time.perf_counter()
    n = 0
    with raw.cursor(name="bench_export") as cur:
        cur.itersize = 5000
        cur.execute(sql)
        for _row in cur:
            n += 1
    raw.rollback()
    return (time.perf_counter() - t) * 1000, n


class _Null:
    """A file that counts what COPY writes to it."""

    def __init__(self):
        self.bytes = self.lines = 0

    def write(self, data):
        self.bytes += len(data)
        self.lines += data.count(b"\n" if isinstance(data, bytes) else "\n")


def _time_copy(raw) -> dict:
    """The export's own ``COPY (SELECT ...) TO STDOUT``, replayed on its own connection into
    a counting sink: the floor of ``/ekspor/pendanaan.csv`` (no temporary file, no socket)."""
    from anggaran.views_ekspor import _copy_sql

    sink = _Null()
    t = time.perf_counter()
    with raw.cursor() as cur:
        cur.copy_expert(_copy_sql("default"), sink)
    raw.rollback()
    secs = time.perf_counter() - t
    return {"copy_ms": round(secs * 1000, 1), "copy_rows": sink.lines,
            "copy_rows_per_s": round(sink.lines / secs) if secs else None}


def measure_admin() -> dict:
    """The admin changelists of funding lines and activities: first page, the last page (the
    deepest OFFSET) and a search, as a superuser; median of 3 sequential requests (ms)."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    from anggaran.models import Kegiatan, Pendanaan

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True})
    client = Client()
    client.force_login(user)
    out = {}
    for model, path in ((Pendanaan, "/admin/anggaran/pendanaan/"),
                        (Kegiatan, "/admin/anggaran/kegiatan/")):
        per_page = admin.site._registry[model].list_per_page
        last = max(1, -(-model.objects.count() // per_page))
        for label, url in (("page 1", path), (f"page {last:,} (last)", f"{path}?p={last}"),
                           ("search 'sukolilo'", f"{path}?q=sukolilo")):
            runs, status = [], None
            for _ in range(3):
                with CaptureQueriesContext(connection) as ctx:
                    response, ms, _size = _get(client, url)
                status = response.status_code
                runs.append(ms)
                if ms > SLOW_PAGE_MS:
                    break
            out[f"{model._meta.model_name} {label}"] = {
                "url": url, "status": status, "median_ms": round(statistics.median(runs), 1),
                "queries": len(ctx.captured_queries)}
            print(f"  admin {model._meta.model_name:<10} {label:<22} {status} "
                  f"{statistics.median(runs):>9.1f} ms", file=sys.stderr)
    return out


def _explain(raw, sql: str) -> str:
    with raw.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(r[0] for r in cur.fetchall())
    raw.rollback()
    return plan


def _get(client, url):
    """GET, reading a streamed body (at most EXPORT_SAMPLE_BYTES of it)."""
    t = time.perf_counter()
    response = client.get(url)
    size = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
            if size >= EXPORT_SAMPLE_BYTES:
                break
        response.close()
    else:
        size = len(response.content)
    return response, (time.perf_counter() - t) * 1000, size


def measure(pages: list[tuple[str, str]]) -> dict:
    setup_test_environment()
    client = Client()
    raw = _raw_connection()
    out = {}
    for name, url in pages:
        entry: dict = {"url": url}
        with override_settings(DASHBOARD_CACHE=False), CaptureQueriesContext(connection) as ctx:
            response, ms, size = _get(client, url)
        entry.update(status=response.status_code, inprocess_uncached_ms=round(ms, 1),
                     body_bytes_read=size, queries_uncached=len(ctx.captured_queries))
        f = getattr(response, "context", None) and response.context.get("filter")
        if "wilayah=" in url:
            entry["wilayah_filter_applied"] = bool(getattr(f, "wilayah", None))
        statements = [s for s in (_statement(q["sql"]) for q in ctx.captured_queries) if s]
        # Warm: the HTTP phase has just filled the shared cache for this data version. A page
        # slower than 10 s uncached gets no second in-process run (keeps the bench bounded).
        if entry["inprocess_uncached_ms"] < SLOW_PAGE_MS:
            with CaptureQueriesContext(connection) as ctx:
                _r, ms, _s = _get(client, url)
            entry.update(inprocess_warm_ms=round(ms, 1), queries_warm=len(ctx.captured_queries))
        else:
            entry.update(inprocess_warm_ms=None, queries_warm=None)
        if response.streaming and connection.vendor == "postgresql":
            entry.update(_time_copy(raw))
            entry["bare_sql_ms"] = entry["copy_ms"]
        elif response.streaming:
            sql_ms, rows = _time_export(raw, statements[-1])
            entry.update(bare_sql_ms=round(sql_ms, 1), bare_sql_rows=rows,
                         slowest_sql=statements[-1], plan=_explain(raw, statements[-1]))
        else:
            sql_ms, per = _time_sql(raw, statements)
            entry["bare_sql_ms"] = round(sql_ms, 1)
            entry["bare_sql_per_query_ms"] = [round(x, 1) for x in per]
            if per:
                slowest = statements[per.index(max(per))]
                entry["slowest_sql"] = slowest
                entry["plan"] = _explain(raw, slowest)
        out[name] = entry
        warm = entry["queries_warm"] if entry["queries_warm"] is not None else "-"
        print(f"  {name:<16} {entry['status']} queries {entry['queries_uncached']:>3} "
              f"(warm {warm:>2})  bare SQL {entry['bare_sql_ms']:>9.1f} ms  "
              f"in-process {entry['inprocess_uncached_ms']:>9.1f} ms uncached, "
              f"{entry['inprocess_warm_ms'] or 0:>8.1f} ms warm", file=sys.stderr)
    raw.close()
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1])
    pages = [tuple(arg.split("=", 1)) for arg in sys.argv[2:]]
    result = measure(pages)
    result["_admin"] = measure_admin()
    target.write_text(json.dumps(result, indent=1))
