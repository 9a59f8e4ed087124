"""In-process rate and memory of the open-data CSV export (``/ekspor/pendanaan.csv``).

Runs the real view (``anggaran.views_ekspor.pendanaan_csv``) without a web server and reads
its streamed body to the end, against the database in ``DATABASE_URL`` (read-only: the
export only SELECTs). Prints rows/s, MB/s, the time to the first chunk, and the process's peak
RSS during the run (``VmHWM``, reset before each run), with the load average before and after.
``--sql`` also times the bare fetch of the same rows (same queryset, same server-side cursor,
no formatting): the floor the export cannot beat. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kotaku_nasional DEBUG=True \\
        .venv/bin/python bench/export_rate.py [--runs 3] [--rows 200000] [--sql] [--python]

A gunicorn worker adds the socket writes on top (see docs/PERFORMANCE.md for both numbers).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotaku.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from anggaran import views_ekspor  # noqa: E402

STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)
    except OSError:
        pass


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_export(limit: int | None, python: bool = False) -> dict:
    """Read the view's streamed body; stop after ``limit`` data rows if given. ``python``:
    the Python formatting path (SQLite's, and PostgreSQL's before COPY) instead of COPY."""
    _reset_peak()
    rss_before = _status_mb("VmRSS")
    t0 = time.perf_counter()
    if python:
        response = views_ekspor.csv_response("pendanaan-semua", views_ekspor.COLUMNS,
                                             views_ekspor._rows("default"))
    else:
        response = views_ekspor.pendanaan_csv(RequestFactory().get("/ekspor/pendanaan.csv"))
    lines = size = chunks = 0
    first = None
    content = iter(response.streaming_content)
    try:
        for chunk in content:
            if first is None:
                first = time.perf_counter() - t0
            lines += chunk.count(b"\n")  # LF ends a record on both paths (the data has none)
            size += len(chunk)
            chunks += 1
            if limit is not None and lines > limit:
                break
    finally:
        response.close()
        if hasattr(content, "close"):
            content.close()  # ends the generator: leaves the transaction, closes the cursor
    seconds = time.perf_counter() - t0
    rows = lines - 1  # the header
    return {"rows": rows, "seconds": seconds, "rows_s": rows / seconds,
            "mb_s": size / seconds / 1e6, "mb": size / 1e6, "chunks": chunks,
            "first_ms": (first or 0) * 1000, "rss_before_mb": rss_before,
            "peak_rss_mb": _status_mb("VmHWM")}


def run_sql(limit: int | None) -> dict:
    """The same rows fetched through the same server-side cursor, not formatted."""
    _reset_peak()
    qs = views_ekspor.Pendanaan.objects.order_by().values_list(
        *(f for f, _l, _k in views_ekspor.FIELDS))
    t0 = time.perf_counter()
    rows = 0
    with transaction.atomic():
        for _row in qs.iterator(chunk_size=views_ekspor.CHUNK):
            rows += 1
            if limit is not None and rows >= limit:
                break
    seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": seconds, "rows_s": rows / seconds,
            "peak_rss_mb": _status_mb("VmHWM")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="export runs (default 1)")
    parser.add_argument("--rows", type=int, default=None,
                        help="stop after this many rows (default: all)")
    parser.add_argument("--sql", action="store_true",
                        help="also time the bare fetch of the same rows")
    parser.add_argument("--python", action="store_true",
                        help="also time the Python formatting path (before COPY)")
    args = parser.parse_args()

    db = connection.settings_dict
    print(f"database: {connection.vendor} {db.get('NAME')}; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; idle RSS {_status_mb('VmRSS'):.1f} MB")
    if args.sql:
        print(f"  load {_load()}")
        r = run_sql(args.rows)
        print(f"bare fetch: {r['rows']:,} rows in {r['seconds']:.2f} s = "
              f"{r['rows_s']:,.0f} rows/s; peak RSS {r['peak_rss_mb']:.1f} MB; load {_load()}")
    kinds = [("export", False)] + ([("python path", True)] if args.python else [])
    for (label, python), i in ((k, i) for k in kinds for i in range(1, args.runs + 1)):
        load_before = _load()
        r = run_export(args.rows, python)
        print(f"{label} run {i}: {r['rows']:,} rows, {r['mb']:.1f} MB in {r['seconds']:.2f} s = "
              f"{r['rows_s']:,.0f} rows/s ({r['mb_s']:.1f} MB/s); {r['chunks']:,} chunks, "
              f"first after {r['first_ms']:.0f} ms; RSS {r['rss_before_mb']:.1f} MB before, "
              f"peak {r['peak_rss_mb']:.1f} MB; load {load_before} -> {_load()}")


if __name__ == "__main__":
    main()
