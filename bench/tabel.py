"""Render a benchmark result (bench/results/<timestamp>.json) as the markdown tables of
docs/PERFORMANCE.md: ``python bench/tabel.py bench/results/<timestamp>.json``."""

from __future__ import annotations

import json
import sys

P95_TARGET_MS = 500
EXPORT_RATE_TARGET = 50_000
EXPORT_RSS_TARGET_MB = 200
GENERATOR_TARGET_S = 300


def _fmt(x, digits=1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}"


def _targets(page: str, http: dict, inproc: dict, floor: float, other: dict | None) -> str:
    """Issue 8 targets (judged at national scale): p50 ≤ 3×floor + bare SQL, p95 ≤ 500 ms,
    queries identical at both scales."""
    out = []
    limit = 3 * floor + inproc.get("bare_sql_ms", 0)
    out.append("p50 ✓" if http["p50_ms"] <= limit else
                f"p50 ✗ ({http['p50_ms'] / limit:.1f}× the {limit:,.0f} ms allowed)")
    out.append("p95 ✓" if http["p95_ms"] <= P95_TARGET_MS else
               f"p95 ✗ ({http['p95_ms'] / P95_TARGET_MS:.1f}× 500 ms)")
    if other is not None:
        same = other.get("queries_uncached") == inproc.get("queries_uncached")
        out.append("queries ✓" if same else "queries ✗ (differ)")
    return ", ".join(out)


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"Run {r['started']}: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}, Linux {m['kernel']}; "
        f"load average at start {', '.join(f'{x:.2f}' for x in m['loadavg_start'])}. "
        f"gunicorn {r['args']['workers']} sync workers, wrk -t1 -c{r['args']['connections']} "
        f"-d{r['args']['duration']}s per page; Redis cache. Total bench time "
        f"{r.get('total_seconds', 0) / 60:.1f} min.",
        "",
        "| page | scale | p50 ms | p95 ms | req/s | p50 ÷ floor | SQL queries (uncached / warm) "
        "| bare SQL ms | cold 1st request ms | peak worker RSS MB | targets (national) |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    scales = [s for s in ("jiwan", "nasional") if s in r]
    for page in r["pages"]:
        if page == "ekspor_csv":
            continue
        for scale in scales:
            http = r[scale]["http"][page]
            inproc = r[scale]["inprocess"].get(page, {})
            floor = r[scale]["http"]["healthz"]["p50_ms"]
            target = ""
            if scale == "nasional" and page != "healthz":
                target = _targets(page, http, inproc, floor,
                                  r["jiwan"]["inprocess"].get(page) if "jiwan" in r else None)
                if inproc.get("wilayah_filter_applied") is False:
                    target += "; **region filter not applied: national page**"
            lines.append(
                f"| `{r['pages'][page]}` | {scale} | {_fmt(http['p50_ms'])} | "
                f"{_fmt(http['p95_ms'])} | {_fmt(http['req_s'], 1 if http['req_s'] >= 1 else 2)} | "
                f"{http['p50_ms'] / floor:,.1f}× | {inproc.get('queries_uncached', '–')} / "
                f"{_fmt(inproc.get('queries_warm'))} | {_fmt(inproc.get('bare_sql_ms'))} | "
                f"{_fmt(http['cold_ms'])} | {_fmt(http['peak_rss_mb'])} | {target} |")
    lines += ["", "| CSV export of all funding lines | scale | rows | seconds | rows/s | "
              "first byte ms | peak worker RSS MB | bare SQL ms (stream all rows) | target |",
              "|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for scale in scales:
        e = r[scale]["http"]["ekspor_csv"]
        sql = r[scale]["inprocess"].get("ekspor_csv", {}).get("bare_sql_ms")
        target = ""
        if scale == "nasional":
            target = ("≥ 50,000 rows/s " + ("✓" if e["rows_per_s"] >= EXPORT_RATE_TARGET
                                             else f"✗ ({e['rows_per_s'] / EXPORT_RATE_TARGET:.0%})")
                      + ", RSS < 200 MB " + ("✓" if e["peak_rss_mb"] < EXPORT_RSS_TARGET_MB
                                              else "✗"))
        lines.append(f"| `/ekspor/pendanaan.csv` | {scale} | {_fmt(e['rows'])} | "
                     f"{_fmt(e['seconds'], 2)} | {_fmt(e['rows_per_s'])} | {_fmt(e['ttfb_ms'])} | "
                     f"{_fmt(e['peak_rss_mb'])} | {_fmt(sql)} | {target} |")
    if "generator_seconds" in r:
        ok = "✓" if r["generator_seconds"] < GENERATOR_TARGET_S else "✗"
        lines += ["", f"National data: regions loaded in {r['wilayah_seconds']} s; generator "
                  f"(`bangkitkan_data_nasional --lines {r['args']['lines']:,} --seed "
                  f"{r['args']['seed']}`) {r['generator_seconds']} s (target < 300 s {ok}).",
                  "", "```", r["generator_output"].strip(), "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(open(sys.argv[1]).read())))
