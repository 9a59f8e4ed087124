"""Per-account slow-down of password guessing, without a hard lock anyone could trigger.

django-axes locks a (username, client address) pair after ``AXES_FAILURE_LIMIT`` failures:
the attacker's address only, never the owner at theirs. Guessing from many addresses is slowed
per account instead: after ``LOGIN_LAMBAT_SETELAH`` failures for one username within
``LOGIN_LAMBAT_JENDELA_DETIK`` (any address), each further attempt must wait 2, 4, 8 ... up
to ``LOGIN_LAMBAT_MAKS_DETIK`` seconds after the previous failure, and is refused with an
Indonesian message (no password is checked) before then. A browser where the account logged
in successfully before carries a signed "known device" cookie and is never slowed, so an
attacker keeping the account busy does not keep its owner out.

Counted in the cache; while the cache is unavailable there is no slow-down (the lockout per
address still holds).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

logger = logging.getLogger(__name__)

COOKIE = "kotaku_perangkat"
_SALT = "kotaku.inti.masuk.perangkat"
_KEY = "kotaku:masuk:gagal:{}"


def _setting(name: str, default):
    return type(default)(getattr(settings, name, default))


def _key(username: str) -> str:
    digest = hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()[:32]
    return _KEY.format(digest)


def catat_gagal(username: str) -> None:
    """Count one failed login for ``username`` (any address)."""
    key = _key(username)
    window = _setting("LOGIN_LAMBAT_JENDELA_DETIK", 900)
    try:
        state = cache.get(key) or {"n": 0, "t": 0.0}
        state = {"n": int(state.get("n", 0)) + 1, "t": time.time()}
        cache.set(key, state, timeout=window)
    except Exception:  # noqa: BLE001 - no cache, no slow-down (the backend logs the outage)
        logger.debug("Cache unavailable: login slow-down not recorded")


def lupakan(username: str) -> None:
    try:
        cache.delete(_key(username))
    except Exception:  # noqa: BLE001
        pass


def tunggu_detik(username: str, sekarang: float | None = None) -> int:
    """Seconds to wait before ``username`` may be tried again (0: go ahead)."""
    after = _setting("LOGIN_LAMBAT_SETELAH", 10)
    try:
        state = cache.get(_key(username))
    except Exception:  # noqa: BLE001
        return 0
    if not state or int(state.get("n", 0)) < after:
        return 0
    delay = min(2 ** (int(state["n"]) - after + 1), _setting("LOGIN_LAMBAT_MAKS_DETIK", 60))
    remaining = float(state.get("t", 0)) + delay - (sekarang or time.time())
    return max(0, int(remaining + 0.999))


def perangkat_dikenal(request, username: str) -> bool:
    """Whether this browser logged in to ``username`` successfully before."""
    value = request.COOKIES.get(COOKIE, "")
    if not value:
        return False
    try:
        known = signing.loads(value, salt=_SALT, max_age=365 * 24 * 3600)
    except signing.BadSignature:
        return False
    return isinstance(known, list) and (username or "").strip().casefold() in known


def tandai_perangkat(request, response, username: str) -> None:
    """After a successful login: remember the account in this browser (signed, HttpOnly)."""
    known = []
    value = request.COOKIES.get(COOKIE, "")
    if value:
        try:
            known = signing.loads(value, salt=_SALT, max_age=365 * 24 * 3600)
        except signing.BadSignature:
            known = []
    name = (username or "").strip().casefold()
    known = [n for n in (known if isinstance(known, list) else []) if n != name][-4:] + [name]
    response.set_cookie(COOKIE, signing.dumps(known, salt=_SALT), max_age=365 * 24 * 3600,
                        httponly=True, samesite="Lax",
                        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)))
