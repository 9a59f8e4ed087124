"""The client's address: one function for the login lockout, the rate limits and the audit.

Behind a reverse proxy every request's ``REMOTE_ADDR`` is the proxy's. The portal trusts
exactly ``TRUSTED_PROXY_COUNT`` proxies in front of it (nginx alone: 1), each of which
*appends* the address it received the request from to ``X-Forwarded-For``. The client is then
the entry that the outermost trusted proxy appended: the ``TRUSTED_PROXY_COUNT``-th from the
right. Everything to the left of it was written by the client and is never trusted (an attacker
can put any address there). With 0 (the default: gunicorn faces the clients directly, or
``make run``), the header is ignored altogether.

django-axes uses this function through ``AXES_CLIENT_IP_CALLABLE`` (so it needs no
django-ipware), the public feedback rate limit and the PDF rate limit call it directly.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

MAX_LEN = 64  # an IPv6 address with a zone fits; anything longer is not an address


def proxy_count() -> int:
    try:
        return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0))
    except (TypeError, ValueError):
        return 0


def _clean(value: str) -> str:
    value = (value or "").strip()[:MAX_LEN]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def alamat_klien(request) -> str:
    """The client's IP address as a normalised string ("" when unknown or malformed)."""
    remote = _clean(request.META.get("REMOTE_ADDR", ""))
    proxies = proxy_count()
    if proxies == 0:
        return remote
    chain = [part.strip() for part in
             request.META.get("HTTP_X_FORWARDED_FOR", "")[:2000].split(",") if part.strip()]
    if len(chain) < proxies:
        # Fewer entries than trusted proxies: the request skipped the proxy (or it is
        # misconfigured). The direct peer is the only thing known for sure.
        return remote
    return _clean(chain[-proxies]) or remote
