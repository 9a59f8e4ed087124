"""The benchmark's writer: a facilitator saving one activity with three funding lines every
second, through the same service the form uses (``anggaran.services.simpan_kegiatan``, rollup
upkeep included, in its transaction), while the pages are measured. Run by bench/run.py::

    python bench/writer.py OUT.json DESA_CODE [--interval 1.0]

It picks the desa's first activity that is not cancelled, gives it three lines from three
different funders on its first save, then changes their amounts on every save (the version
check passes: it always saves from the version it just wrote). On SIGTERM it writes the
latency of every save (ms, wall time of the service call) to OUT.json and exits.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotaku.settings")

import django  # noqa: E402

django.setup()

from anggaran.models import Kegiatan, Pendanaan, StatusKegiatan, SumberDana  # noqa: E402
from anggaran.services import simpan_kegiatan  # noqa: E402
from kolaborasi.models import PemangkuKepentingan  # noqa: E402

_stop = False


def _on_term(*_a):
    global _stop
    _stop = True


def _lines(kegiatan: Kegiatan, base: int) -> list[dict]:
    ada = list(kegiatan.pendanaan.order_by("pk"))
    if len(ada) == 3:
        targets = [(p.pk, p.pemangku, p.sumber) for p in ada]
    else:
        # First save: three funders of the desa's own data (or any), one source.
        funders = list(PemangkuKepentingan.objects.filter(
            pendanaan__kegiatan__desa=kegiatan.desa).distinct().order_by("pk")[:3])
        if len(funders) < 3:
            funders += list(PemangkuKepentingan.objects.exclude(
                pk__in=[f.pk for f in funders]).order_by("pk")[:3 - len(funders)])
        sumber = SumberDana.objects.order_by("pk").first()
        targets = [(None, f, sumber) for f in funders]
    return [{"pk": pk, "pemangku": p, "sumber": s, "rencana_rp": base + 1_000_000 * i,
             "realisasi_rp": 0, "natura": False, "uraian_natura": "", "alasan_lebih": ""}
            for i, (pk, p, s) in enumerate(targets)]


def main() -> None:
    out, kode = Path(sys.argv[1]), sys.argv[2]
    interval = float(sys.argv[sys.argv.index("--interval") + 1]) if "--interval" in sys.argv \
        else 1.0
    signal.signal(signal.SIGTERM, _on_term)
    kegiatan = (Kegiatan.objects.filter(desa__kode_wilayah=kode)
                .exclude(status=StatusKegiatan.BATAL).order_by("pk").first())
    if kegiatan is None:
        raise SystemExit(f"no activity in desa {kode}")
    lat: list[float] = []
    errors = 0
    n = 0
    next_at = time.monotonic()
    while not _stop:
        n += 1
        kegiatan = Kegiatan.objects.get(pk=kegiatan.pk)
        base = 50_000_000 + (n % 97) * 100_000
        t = time.perf_counter()
        try:
            simpan_kegiatan(kegiatan, _lines(kegiatan, base), None, kegiatan.versi)
        except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
            errors += 1
            print(f"writer: save failed: {exc!r}", file=sys.stderr)
        else:
            lat.append((time.perf_counter() - t) * 1000)
        next_at += interval
        time.sleep(max(0.0, next_at - time.monotonic()))
    runs = sorted(lat)
    out.write_text(json.dumps({
        "kegiatan": kegiatan.pk, "desa": kode, "interval_s": interval, "saves": len(runs),
        "errors": errors, "lines": Pendanaan.objects.filter(kegiatan=kegiatan).count(),
        "p50_ms": round(statistics.median(runs), 1) if runs else None,
        "p95_ms": round(runs[int(0.95 * (len(runs) - 1))], 1) if runs else None,
        "max_ms": round(runs[-1], 1) if runs else None, "all_ms": [round(x, 1) for x in runs],
    }))


if __name__ == "__main__":
    main()
