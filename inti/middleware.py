"""Cross-cutting HTTP behaviour: HEAD wherever GET works, no caching of personal pages, and a
503 page (not a 500) while the database cannot be reached."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.cache import patch_cache_control

from inti.galat import DATABASE_ERRORS, gangguan_database

logger = logging.getLogger(__name__)


class HeadSebagaiGetMiddleware:
    """Answer HEAD like GET, without the body (RFC 9110 §9.3.2).

    Views declare ``require_GET``/``require_http_methods(["GET", ...])``, which refuse HEAD
    with 405: a load balancer's ``HEAD /healthz`` failed. Rather than touching every view, a
    HEAD request is dispatched as GET and its body dropped here. Only safe methods are
    mapped, so nothing can write on a HEAD.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        request.head_asli = True
        response = self.get_response(request)
        if response.streaming:
            close = getattr(response, "close", None)
            response.streaming_content = []
            if close:
                close()
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class TanpaSimpanMiddleware:
    """``Cache-Control: no-store`` on every response to a logged-in user: a shared computer's
    browser cache or an intermediate proxy must not keep a staff page (names, drafts,
    queues)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only requests carrying a session cookie can be logged in: anonymous requests never
        # make the (lazy) user load the session.
        if (user is not None and settings.SESSION_COOKIE_NAME in request.COOKIES
                and getattr(user, "is_authenticated", False) is True):
            patch_cache_control(response, no_store=True, no_cache=True, private=True,
                                max_age=0)
        return response


class GangguanDatabaseMiddleware:
    """A view that fails because the database cannot be reached gets the 503 page with
    ``Retry-After`` (errors raised in other middleware reach ``inti.galat.server_error``,
    which does the same)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("Database unavailable: %s %s: %s", request.method,
                         request.path[:200], str(exception)[:300])
            return gangguan_database()
        return None
