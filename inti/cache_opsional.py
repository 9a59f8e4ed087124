"""A Redis cache that is optional: an outage makes it a miss, never an error or a wait.

Django's ``RedisCache`` raises on every call while Redis is down, and waits the client's
socket timeout on every call while Redis accepts connections but never answers (a hung
server): with several cache calls per page that took the Beranda to 30 s. This backend

- passes short ``socket_connect_timeout``/``socket_timeout`` to redis-py (settings
  ``CACHE_CONNECT_TIMEOUT``/``CACHE_SOCKET_TIMEOUT``, default 0.3 s/0.25 s) with no retries;
- turns any failure into a miss (``get`` → default, ``set``/``add`` → nothing stored) and
  then stops calling Redis for ``breaker_seconds`` (a circuit breaker: one slow call per
  process per period, not one per cache call); only ``incr``/``decr`` raise
  :class:`CacheTidakTersedia`, so a caller that must know (the dashboards' data version, a
  rate-limit counter) can tell "no such key" from "cache unavailable";
- logs one WARNING when an outage starts (with the error, no traceback) and one INFO when
  the cache answers again, instead of a traceback per miss.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class CacheTidakTersedia(Exception):
    """The cache cannot be reached (raised by ``incr``/``decr`` only)."""


class _Breaker:
    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.open_until = 0.0
        self.down = False
        self.lock = threading.Lock()

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            self.open_until = time.monotonic() + self.seconds
            if not self.down:
                self.down = True
                logger.warning("Cache %s unavailable (%s: %s); serving without it, retrying "
                               "every %.0f s", self.name, type(exc).__name__, str(exc)[:200],
                               self.seconds)

    def succeeded(self) -> None:
        if self.down:
            with self.lock:
                if self.down:
                    self.down = False
                    logger.info("Cache %s available again", self.name)


class CacheTahanGangguan(RedisCache):
    """``RedisCache`` with the behaviour described in the module docstring.

    OPTIONS: ``breaker_seconds`` (default 10) plus anything redis-py's connection pool
    takes; ``socket_timeout``/``socket_connect_timeout`` default to 0.25/0.3 s.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        seconds = float(options.pop("breaker_seconds", 10))
        options.setdefault("socket_timeout", 0.25)
        options.setdefault("socket_connect_timeout", 0.3)
        # redis-py 6+ retries a timed-out call by default: each retry is another full wait.
        options.setdefault("retry", None)
        options.setdefault("retry_on_timeout", False)
        options.setdefault("retry_on_error", [])
        super().__init__(server, {**params, "OPTIONS": options})
        self._breaker = _Breaker(",".join(self._servers), seconds)

    # -------------------------------------------------------------- state

    def tersedia(self) -> bool | None:
        """True when the last call worked, False while an outage is known (no network call)."""
        return not self._breaker.down

    def periksa(self) -> bool:
        """One real round trip (``/healthz``): True when the cache answers."""
        if not self._breaker.allows():
            return False
        try:
            self._cache.get_client(None).ping()
        except Exception as exc:  # noqa: BLE001
            self._breaker.failed(exc)
            return False
        self._breaker.succeeded()
        return True

    def _call(self, method, miss, *args, **kwargs):
        if not self._breaker.allows():
            return miss
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - any failure of the cache is a miss
            if isinstance(exc, ValueError) and method in ("incr", "decr"):
                raise  # "no such key": an answer, not an outage
            self._breaker.failed(exc)
            if method in ("incr", "decr"):
                raise CacheTidakTersedia(str(exc)) from exc
            return miss
        self._breaker.succeeded()
        return result

    # -------------------------------------------------------------- the cache API

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        if not self._breaker.allows():
            raise CacheTidakTersedia("cache unavailable")
        return self._call("incr", None, key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)
