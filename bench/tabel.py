"""Render a benchmark result (bench/results/<timestamp>.json) as the markdown tables of
docs/PERFORMANCE.md: ``python bench/tabel.py bench/results/<timestamp>.json``.

Targets are issue 16's, judged at national scale: with the dashboard cache off, alone and
while the writer saves every second, p50 ≤ 150 ms and p95 ≤ 400 ms; the writer's save p50 ≤
60 ms; queries per page identical at Jiwan and national scale; the CSV export ≥ 100,000
rows/s; the admin changelists < 1 s; the rollup rebuild < 3 min.
"""

from __future__ import annotations

import json
import sys

P50_MS, P95_MS = 150, 400
SAVE_P50_MS = 60
EXPORT_RATE = 100_000
ADMIN_MS = 1000
REBUILD_S = 180
PASSES = ("dingin", "penulis", "hangat")


def _fmt(x, digits=1) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}"


def _ok(good: bool) -> str:
    return "✓" if good else "✗"


def _load(x) -> str:
    return "/".join(f"{v:.1f}" for v in x) if x else "–"


def _target(r: dict, page: str) -> str:
    out = []
    for pass_name, label in (("dingin", "off"), ("penulis", "writer")):
        h = r["nasional"]["passes"][pass_name][page]
        out.append(f"{label} {_ok(h['p50_ms'] <= P50_MS and h['p95_ms'] <= P95_MS)}")
    if "jiwan" in r:
        a = r["jiwan"]["inprocess"].get(page, {}).get("queries_uncached")
        b = r["nasional"]["inprocess"].get(page, {}).get("queries_uncached")
        out.append(f"queries {_ok(a == b)}" + ("" if a == b else f" ({a} vs {b})"))
    return ", ".join(out)


def markdown(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"Run {r['started']}: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, "
        f"PostgreSQL {m['postgresql']}, Python {m['python']}; load average at start "
        f"{_load(m['loadavg_start'])}. gunicorn {r['args']['workers']} sync workers, a fresh "
        f"one per page; `wrk -t1 -c{r['args']['connections']} -d{r['args']['duration']}s` "
        f"per page (sequential requests for a page slower than 2 s). Total "
        f"{r.get('total_seconds', 0) / 60:.1f} min.",
        "",
        "Columns: **off** = dashboard cache off (`DASHBOARD_CACHE=False`: every request "
        "computes); **writer** = cache off while `bench/writer.py` saves an activity with "
        "three funding lines every second in the desa measured; **warm** = cache on, after the "
        "first request. p50 / p95 in ms.",
        "",
        "| page | scale | off p50 / p95 | writer p50 / p95 | warm p50 / p95 | first request "
        "(off) ms | SQL queries (off / warm) | bare SQL ms | peak RSS MB | targets |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    scales = [s for s in ("jiwan", "nasional") if s in r]
    for page, url in r["pages"].items():
        if page == "ekspor_csv":
            continue
        for scale in scales:
            ph = r[scale]
            cells = []
            for p in PASSES:
                h = ph["passes"][p][page]
                cells.append(f"{_fmt(h['p50_ms'])} / {_fmt(h['p95_ms'])}")
            off = ph["passes"]["dingin"][page]
            inproc = ph["inprocess"].get(page, {})
            target = _target(r, page) if scale == "nasional" and page != "healthz" else ""
            lines.append(
                f"| `{url}` | {scale} | {' | '.join(cells)} | {_fmt(off['cold_ms'])} | "
                f"{inproc.get('queries_uncached', '–')} / {_fmt(inproc.get('queries_warm'))} | "
                f"{_fmt(inproc.get('bare_sql_ms'))} | {_fmt(off['peak_rss_mb'])} | {target} |")
    lines += ["", "| the writer's save (service call, rollup upkeep included) | scale | saves | "
              "p50 ms | p95 ms | max ms | errors | target p50 ≤ 60 ms |",
              "|---|---|--:|--:|--:|--:|--:|---|"]
    for scale in scales:
        w = r[scale].get("writer", {})
        ok = _ok((w.get("p50_ms") or 1e9) <= SAVE_P50_MS) if scale == "nasional" else ""
        lines.append(f"| activity with 3 lines in `{w.get('desa')}`, every "
                     f"{w.get('interval_s')} s | {scale} | {_fmt(w.get('saves'))} | "
                     f"{_fmt(w.get('p50_ms'))} | {_fmt(w.get('p95_ms'))} | "
                     f"{_fmt(w.get('max_ms'))} | {_fmt(w.get('errors'))} | {ok} |")
    lines += ["", "| CSV export of all funding lines | scale | rows | seconds | rows/s | "
              "first byte ms | peak RSS MB | bare `COPY` of the same rows: ms, rows/s | "
              "target ≥ 100,000 rows/s |", "|---|---|--:|--:|--:|--:|--:|--:|---|"]
    for scale in scales:
        e = r[scale]["export"]
        c = r[scale]["inprocess"].get("ekspor_csv", {})
        ok = _ok(e["rows_per_s"] >= EXPORT_RATE) if scale == "nasional" else ""
        lines.append(f"| `/ekspor/pendanaan.csv` | {scale} | {_fmt(e['rows'])} | "
                     f"{_fmt(e['seconds'], 2)} | {_fmt(e['rows_per_s'])} | {_fmt(e['ttfb_ms'])} | "
                     f"{_fmt(e['peak_rss_mb'])} | {_fmt(c.get('copy_ms'))}, "
                     f"{_fmt(c.get('copy_rows_per_s'))} | {ok} |")
    lines += ["", "| admin changelist (in-process, superuser, median of 3) | scale | ms | "
              "queries | target < 1 s |", "|---|---|--:|--:|---|"]
    for scale in scales:
        for label, a in r[scale]["inprocess"].get("_admin", {}).items():
            ok = _ok(a["median_ms"] < ADMIN_MS and a["status"] == 200) \
                if scale == "nasional" else ""
            lines.append(f"| {label} | {scale} | {_fmt(a['median_ms'])} | {a['queries']} | "
                         f"{ok} |")
    if "rebuild_money_seconds" in r:
        lines += ["", "| national load and rebuilds | seconds | target |", "|---|--:|---|"]
        if "generator_seconds" in r:
            lines.append(f"| regions (`muat_wilayah_nasional`) | {r['wilayah_seconds']} | |")
            lines.append(f"| generator (`bangkitkan_data_nasional --lines "
                         f"{r['args']['lines']:,}`, rollups and stored conditions included) | "
                         f"{r['generator_seconds']} | |")
        lines.append(f"| money rollups rebuilt (`bangun_ulang_ringkasan`) | "
                     f"{r['rebuild_money_seconds']} | < 180 s "
                     f"{_ok(r['rebuild_money_seconds'] < REBUILD_S)} |")
        lines.append(f"| stored conditions rebuilt (`bangun_ulang_kondisi`) | "
                     f"{r['rebuild_condition_seconds']} | < 180 s "
                     f"{_ok(r['rebuild_condition_seconds'] < REBUILD_S)} |")
    for scale in scales:
        lines.append("")
        lines.append(f"Load average ({scale}) at the start of each pass: " + ", ".join(
            f"{p} {_load(v)}" for p, v in r[scale]["loadavg"].items())
            + f"; at the end {_load(r[scale]['loadavg_end'])}.")
    if "generator_output" in r:
        lines += ["", "```", r["generator_output"].strip(), "```"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(json.loads(open(sys.argv[1]).read())))
