"""Error pages in Indonesian (400, 403, 404, 429, 500, 503).

400/403/404/429 extend ``base.html`` (the database answered; a menu and the user's name are
fine). 500 and 503 are rendered without a request context: no session, no user, no context
processor, so they still render while PostgreSQL is down. A database that cannot be reached
(``OperationalError``/``InterfaceError``) is a 503 with ``Retry-After``, not a 500: the
request failed before anything was saved, and trying again later is the right advice.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def retry_after() -> int:
    return int(getattr(settings, "RETRY_AFTER_DETIK", 30))


def _plain(template: str, status: int, context: dict | None = None) -> HttpResponse:
    try:
        body = loader.get_template(template).render(context or {})
    except Exception:  # noqa: BLE001 - the error page itself must never fail
        body = "Layanan sedang terganggu. Coba lagi beberapa saat lagi.\n"
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=status)


def gangguan_database() -> HttpResponse:
    """The 503 page for a database outage (no database access while rendering)."""
    seconds = retry_after()
    response = _plain("503.html", 503, {"retry_after": seconds})
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def _safe(view, request, exception, template):
    try:
        return view(request, exception, template_name=template)
    except DATABASE_ERRORS:
        return gangguan_database()


def bad_request(request, exception, template_name="400.html"):
    return _safe(defaults.bad_request, request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    return _safe(defaults.permission_denied, request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    return _safe(defaults.page_not_found, request, exception, template_name)


def server_error(request, template_name="500.html"):
    """500, or 503 when the exception being handled is a database outage (Django calls the
    500 handler inside its ``except`` block, so the exception is still ``sys.exc_info()``)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return gangguan_database()
    return _plain(template_name, 500)


def terlalu_sering(request, retry: int, template_name="429.html") -> HttpResponse:
    """A 429 page with ``Retry-After`` (rate limits)."""
    try:
        body = loader.render_to_string(template_name, {"retry_after": retry}, request)
    except DATABASE_ERRORS:
        return gangguan_database()
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry)
    return response
