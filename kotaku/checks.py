"""Deployment checks (``manage.py check --deploy``) of the portal itself."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

# Per-process (or no-op) cache backends: what one gunicorn worker counts, the others never see.
PER_PROSES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.caches, deploy=True)
def cache_bersama(app_configs=None, **kwargs):
    """kotaku.W016: the login throttle (inti/masuk.py), the PDF rate limit and the lockout
    counters need one cache shared by every worker and server; a per-process cache gives each
    worker its own counters, so an attacker gets ``workers × limit`` tries and a limit
    reached on one server does not exist on the next."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROSES:
        nama = backend.rsplit(".", 1)[-1]
        return [checks.Warning(
            f"CACHE_URL menunjuk cache per proses ({nama}): batas percobaan masuk, batas "
            "unduhan PDF dan penguncian tidak dibagi antar-worker/server.",
            hint="Setel CACHE_URL ke Redis (redis://...) di produksi; lihat docs/DEPLOYMENT.md.",
            id="kotaku.W016")]
    return []
