"""HTML → PDF with WeasyPrint, offline: resources only from MEDIA_ROOT and the static files.

The URL fetcher refuses every scheme but ``file:`` and ``data:``, and every file outside the
allowed roots, so a report can never make the server fetch a network address (SSRF) or read
an arbitrary file, whatever text ends up in the HTML.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
# WeasyPrint reports every layout step at INFO; the portal's INFO log is for requests.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

STYLESHEET = "css/laporan.css"


def _roots() -> list[Path]:
    roots = [Path(settings.MEDIA_ROOT)]
    if getattr(settings, "STATIC_ROOT", None):
        roots.append(Path(settings.STATIC_ROOT))
    for entry in getattr(settings, "STATICFILES_DIRS", []):
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return [r.resolve() for r in roots]


def allowed_file(url: str) -> Path | None:
    """The local path of a ``file:`` URL inside an allowed root, else ``None``."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in _roots()) and path.is_file():
        return path
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if allowed_file(url) is None:
                raise ValueError(f"resource not allowed in reports: {url[:200]}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"file", "data"}, timeout=5)


def stylesheet_path() -> str:
    path = finders.find(STYLESHEET)
    if not path:  # collected static files only (production)
        path = str(Path(settings.STATIC_ROOT) / STYLESHEET)
    return path


def render_pdf(template: str, context: dict, request=None) -> bytes:
    """Render ``template`` and convert it to PDF bytes (A4; page setup in laporan.css)."""
    from weasyprint import CSS, HTML

    html = render_to_string(template, context, request=request)
    fetcher = _fetcher()
    document = HTML(string=html, base_url=Path(settings.MEDIA_ROOT).resolve().as_uri() + "/",
                    url_fetcher=fetcher)
    css = CSS(filename=stylesheet_path(), url_fetcher=fetcher)
    # Photos are downsampled to print resolution: a report with a dozen phone photos stays a
    # few hundred kilobytes instead of many megabytes.
    return document.write_pdf(stylesheets=[css], dpi=150, jpeg_quality=80,
                              optimize_images=True)
