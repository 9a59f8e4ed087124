"""KOTAKU benchmark: the same pages at Jiwan scale and at national scale, against the
framework floor (``/healthz``) measured in the same run. Run it as ``bash bench/run.sh``.

1. (Re)creates the PostgreSQL database ``kotaku_bench`` (only that one), migrates, loads
   Jiwan (``muat_wilayah_jiwan``, ``muat_pemangku_jiwan``, ``seed_demo``).
2. Phase "jiwan": serves the portal with gunicorn on 127.0.0.1 (production settings: DEBUG
   off, Redis cache), measures every page with ``wrk`` (bounded: ``--duration`` seconds each)
   or, for a page slower than 2 s, with a few sequential requests; the peak RSS of the
   gunicorn workers per page (``/proc/<pid>/status`` VmHWM, reset before each page); the CSV
   export of all funding lines downloaded in full (rows/s, peak RSS); then, in-process
   (``bench/measure.py``), the SQL queries per page and the bare SQL time.
3. Loads the national data (``muat_wilayah_nasional``, ``bangkitkan_data_nasional``), timed.
4. Phase "nasional": the same measurements.
5. Writes ``bench/results/<timestamp>.json`` and ``.md`` (the table for docs/PERFORMANCE.md).

Only 127.0.0.1 is ever targeted. gunicorn is stopped at the end, also on errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS = ROOT / "bench" / "results"
ADMIN_URL = os.environ.get("BENCH_ADMIN_DSN", "dbname=postgres user=postgres host=127.0.0.1")
DB_NAME = os.environ.get("BENCH_DATABASE", "kotaku_bench")
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
SLOW_MS = 2000
VERY_SLOW_MS = 10_000

PAGES = [
    ("healthz", "/healthz"),
    ("beranda", "/"),
    ("matriks", "/siapa-mendanai/"),
    ("matriks_aspek", "/siapa-mendanai/?kolom=aspek"),
    ("matriks_sumber", "/siapa-mendanai/?baris=sumber"),
    ("matriks_kab", "/siapa-mendanai/?wilayah=35.19"),
    ("beranda_kab", "/?wilayah=35.19"),
    ("dampak", "/dampak/"),
    ("desa", "/desa/35.19.09.2005/"),
    ("pemangku", "/kolaborasi/pemangku/{pemangku}/"),
    ("pemangku_daftar", "/kolaborasi/pemangku/?urut=-rencana"),
    ("kegiatan", "/anggaran/kegiatan/?tahun_anggaran=2022&sumber=apbd-kab"),
    ("ekspor_csv", "/ekspor/pendanaan.csv"),
]
#: The desa the writer saves in (Sukolilo, whose pages are measured: its saves touch every
#: scope measured, from the desa to the nation).
WRITER_DESA = "35.19.09.2005"
#: Passes over the pages, each with a fresh gunicorn per page: the dashboard cache off (every
#: request computes), the same while the writer saves every second, and the cache on (warm).
PASSES = [("dingin", {"DASHBOARD_CACHE": "False"}, False),
          ("penulis", {"DASHBOARD_CACHE": "False"}, True),
          ("hangat", {"DASHBOARD_CACHE": "True"}, False)]
EXPORT = "ekspor_csv"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def env(extra: dict | None = None) -> dict:
    e = dict(os.environ)
    e.update({
        "DJANGO_SETTINGS_MODULE": "kotaku.settings",
        "DATABASE_URL": DB_URL, "CACHE_URL": CACHE_URL, "CONN_MAX_AGE": "60",
        "DEBUG": "False", "SECRET_KEY": "bench-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "False",
        "STATIC_MANIFEST": "False", "STATIC_ROOT": str(Path(tempfile.gettempdir())
                                                        / "kotaku-bench-static"),
        "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
    })
    e.pop("DASHBOARD_CACHE", None)
    e.update(extra or {})
    return e


def manage(*args: str, capture: bool = False) -> str:
    t = time.monotonic()
    proc = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env(), text=True,
                          stdout=subprocess.PIPE if capture else None, check=True)
    log(f"manage.py {' '.join(args)}: {time.monotonic() - t:.1f} s")
    return proc.stdout or ""


# -------------------------------------------------------------------------------- machine


def machine() -> dict:
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    pg = subprocess.run(["psql", ADMIN_URL, "-tAc", "SHOW server_version"], text=True,
                        capture_output=True).stdout.strip()
    wrk = shutil.which("wrk")
    return {"nproc": os.cpu_count(), "ram_gb": round(int(mem) / 1024 / 1024, 1), "cpu": cpu,
            "postgresql": pg, "python": platform.python_version(),
            "kernel": platform.release(), "wrk": bool(wrk),
            "loadavg_start": os.getloadavg()}


def reset_database() -> None:
    for sql in (f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}"):
        subprocess.run(["psql", ADMIN_URL, "-q", "-c", sql], check=True)
    log(f"database {DB_NAME} recreated")


# ------------------------------------------------------------------------------- gunicorn


def free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50)]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit("no free port")


class Server:
    def __init__(self, port: int, workers: int, extra_env: dict | None = None):
        self.port, self.workers, self.proc = port, workers, None
        self.extra_env = extra_env or {}

    def __enter__(self):
        self.proc = subprocess.Popen(
            [GUNICORN, "kotaku.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers",
             str(self.workers), "--timeout", "180", "--graceful-timeout", "5",
             "--log-level", "warning"], cwd=ROOT, env=env(self.extra_env),
            start_new_session=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("gunicorn did not start")
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], text=True,
                             capture_output=True).stdout.split()
        return [int(p) for p in out]

    def reset_peak_rss(self) -> None:
        for pid in self.worker_pids():
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
            except OSError:
                pass

    def peak_rss_mb(self) -> float:
        peak = 0
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return round(peak / 1024, 1)


def timed_get(url: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    with urllib.request.urlopen(url, timeout=180) as r:
        size = len(r.read())
        status = r.status
    return (time.perf_counter() - t) * 1000, status, size


def load_page(server: Server, url: str, duration: int, connections: int) -> dict:
    """Cold first request, then warm latency with wrk (or sequential requests if slow)."""
    server.reset_peak_rss()
    cold_ms, status, size = timed_get(server.url(url))
    # Keep the whole run bounded: a page that takes more than 10 s gets one warm request.
    warm = [timed_get(server.url(url))[0] for _ in range(1 if cold_ms > VERY_SLOW_MS else 2)]
    result = {"cold_ms": round(cold_ms, 1), "status": status, "body_bytes": size}
    if max(warm) > SLOW_MS:
        runs = sorted(warm)
        result.update(method=f"{len(runs)} sequential warm requests (page slower than 2 s)",
                      p50_ms=round(statistics.median(runs), 1), p95_ms=round(runs[-1], 1),
                      req_s=round(1000 / statistics.mean(runs), 2), requests=len(runs))
    else:
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "60s",
               "-s", str(ROOT / "bench" / "report.lua"), server.url(url)]
        out = subprocess.run(cmd, text=True, capture_output=True, check=True).stdout
        data = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        secs = data["duration_us"] / 1e6
        result.update(method=f"wrk -t1 -c{connections} -d{duration}s",
                      p50_ms=round(data["p50_us"] / 1000, 1),
                      p95_ms=round(data["p95_us"] / 1000, 1),
                      p99_ms=round(data["p99_us"] / 1000, 1),
                      req_s=round(data["requests"] / secs, 1), requests=data["requests"],
                      errors=data["errors"] + data["non_2xx_or_timeout"])
    result["peak_rss_mb"] = server.peak_rss_mb()
    return result


def export_download(server: Server, url: str) -> dict:
    server.reset_peak_rss()
    t = time.perf_counter()
    rows = size = 0
    first = None
    with urllib.request.urlopen(server.url(url), timeout=600) as r:
        while chunk := r.read(1 << 16):
            if first is None:
                first = time.perf_counter() - t
            rows += chunk.count(b"\n")
            size += len(chunk)
    secs = time.perf_counter() - t
    rows -= 1  # header
    return {"rows": rows, "bytes": size, "seconds": round(secs, 2),
            "rows_per_s": round(rows / secs), "ttfb_ms": round((first or 0) * 1000, 1),
            "peak_rss_mb": server.peak_rss_mb()}


# ---------------------------------------------------------------------------------- phases


class Writer:
    """``bench/writer.py`` in its own process for the length of a pass."""

    def __init__(self, interval: float):
        self.interval, self.proc = interval, None
        self.out = Path(tempfile.mkstemp(suffix=".json")[1])

    def __enter__(self):
        self.proc = subprocess.Popen(
            [PY, str(ROOT / "bench" / "writer.py"), str(self.out), WRITER_DESA, "--interval",
             str(self.interval)], cwd=ROOT, env=env(), start_new_session=True)
        time.sleep(3)  # django.setup() and the first save
        if self.proc.poll() is not None:
            raise SystemExit(f"bench/writer.py stopped (exit {self.proc.returncode})")
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)

    def result(self) -> dict:
        try:
            data = json.loads(self.out.read_text() or "{}")
        finally:
            self.out.unlink(missing_ok=True)
        return data


def pages(args) -> list[tuple[str, str]]:
    return [(p, u.format(pemangku=args.pemangku)) for p, u in PAGES]


def http_pass(name: str, extra_env: dict, args) -> dict:
    http: dict = {}
    for page, url in pages(args):
        if page == EXPORT:
            continue
        # A fresh gunicorn per page, so each page's peak worker RSS is its own.
        with Server(args.port, args.workers, extra_env) as server:
            http[page] = load_page(server, url, args.duration, args.connections)
        r = http[page]
        log(f"  {name:<7} {page:<14} cold {r['cold_ms']:>9.1f} ms  p50 {r['p50_ms']:>9.1f}  "
            f"p95 {r['p95_ms']:>9.1f}  {r['req_s']:>8} req/s  RSS {r['peak_rss_mb']} MB")
    return http


def phase(name: str, args) -> dict:
    log(f"phase {name}: HTTP (gunicorn, {args.workers} workers, 127.0.0.1:{args.port})")
    out: dict = {"passes": {}, "loadavg": {}}
    for pass_name, extra_env, with_writer in PASSES:
        out["loadavg"][pass_name] = os.getloadavg()
        if with_writer:
            with Writer(args.writer_interval) as writer:
                out["passes"][pass_name] = http_pass(pass_name, extra_env, args)
            out["writer"] = writer.result()
            w = out["writer"]
            log(f"  writer: {w.get('saves')} saves, p50 {w.get('p50_ms')} ms, "
                f"p95 {w.get('p95_ms')} ms, {w.get('errors')} errors")
        else:
            out["passes"][pass_name] = http_pass(pass_name, extra_env, args)
    with Server(args.port, args.workers) as server:
        out["export"] = export_download(server, dict(PAGES)[EXPORT])
    log(f"  export {out['export']}")
    log(f"phase {name}: in-process queries, bare SQL, admin changelists")
    tmp = Path(tempfile.mkstemp(suffix=".json")[1])
    subprocess.run([PY, str(ROOT / "bench" / "measure.py"), str(tmp),
                    *(f"{p}={u}" for p, u in pages(args))], cwd=ROOT, env=env(), check=True)
    out["inprocess"] = json.loads(tmp.read_text())
    tmp.unlink()
    out["loadavg_end"] = os.getloadavg()
    return out


def pick_funder() -> int:
    """The stakeholder page measured: the funder with most lines in Jiwan (same id at both
    scales: the national data is added after it)."""
    sql = ("SELECT p.pemangku_id FROM anggaran_pendanaan p JOIN anggaran_kegiatan k "
           "ON k.id = p.kegiatan_id JOIN desa_desa d ON d.id = k.desa_id "
           "WHERE d.kode_wilayah LIKE '35.19.09.%' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    dsn = f"dbname={DB_NAME} user=postgres host=127.0.0.1"
    return int(subprocess.run(["psql", dsn, "-tAc", sql], text=True, capture_output=True,
                              check=True).stdout.strip())


def timed_manage(result: dict, key: str, *args: str) -> None:
    t = time.monotonic()
    result[key + "_output"] = manage(*args, capture=True)
    result[key + "_seconds"] = round(time.monotonic() - t, 1)
    log(result[key + "_output"].strip()[-2000:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--duration", type=int, default=8, help="seconds of wrk per page")
    ap.add_argument("--connections", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--writer-interval", type=float, default=1.0,
                    help="seconds between the writer's saves (default 1)")
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--skip-rebuild", action="store_true",
                    help="do not time the rollup rebuilds on their own at national scale")
    ap.add_argument("--reuse", action="store_true",
                    help="measure the national data already in $BENCH_DATABASE (no reset, "
                         "no Jiwan phase, no load)")
    args = ap.parse_args(argv)
    args.port = free_port(args.port)
    started = time.monotonic()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    result: dict = {"started": stamp, "machine": machine(), "args": vars(args),
                    "pages": dict(PAGES), "database": DB_NAME}
    if not args.reuse:
        reset_database()
        manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    if not args.reuse:
        manage("muat_wilayah_jiwan")
        manage("muat_pemangku_jiwan")
        manage("seed_demo")
    args.pemangku = pick_funder()
    result["pages"] = dict(pages(args))
    if not args.reuse:
        result["jiwan"] = phase("jiwan", args)
    if args.reuse or not args.skip_national:
        if not args.reuse:
            timed_manage(result, "wilayah", "muat_wilayah_nasional")
            timed_manage(result, "generator", "bangkitkan_data_nasional", "--lines",
                         str(args.lines), "--seed", str(args.seed), "--tanpa-wilayah")
        if not args.skip_rebuild:
            # The rebuilds on their own (the generator runs them inside its load as well).
            timed_manage(result, "rebuild_money", "bangun_ulang_ringkasan")
            timed_manage(result, "rebuild_condition", "bangun_ulang_kondisi")
        result["nasional"] = phase("nasional", args)
    result["total_seconds"] = round(time.monotonic() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    from bench.tabel import markdown

    md = markdown(result)
    (RESULTS / f"{stamp}.md").write_text(md)
    print(md)
    log(f"results: {path} (+ .md); total {result['total_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
