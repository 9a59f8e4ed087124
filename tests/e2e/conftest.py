"""Shared fixtures of the browser tests: Debian Chromium driven by Playwright against
pytest-django's ``live_server``.

- One browser per test session (pytest-playwright's ``browser``), launched from
  ``/usr/bin/chromium`` with the flags of STACK-NOTES.md; a fresh context and ``page`` per test,
  360 px wide (a phone) unless a test resizes it.
- ``page_errors``: console errors, uncaught exceptions, CSP violations and 5xx responses of the
  test's pages; the test fails if any is left unchecked at its end.
- ``axe(page)``: runs the vendored axe-core in the page and fails on serious/critical findings.
- ``shot(page, name)``: a full-page screenshot in ``docs/screenshots/<name>.png``.
- Every test here is transactional (the live server runs in another thread). A transactional
  test ends with a flush that also empties the rows the data migrations made (role groups, rule
  sets, funding sources, spam patterns); ``_data_migrations`` puts them back before each test.
- Personas: the fixtures of ``tests/conftest.py`` (``fasilitator_a``, ``verifikator``...; password
  ``tests.conftest.PASSWORD``), logged in with ``login_form`` (typing) or ``login_as`` (a
  session cookie); ``demo_data`` adds the demo accounts (``kotaku.demo.DEMO_PASSWORD``).

Every test in this folder is skipped, with the reason, where ``/usr/bin/chromium`` is missing
(``.ci/run`` installs it). Never run ``playwright install``: it downloads a browser.
"""

from __future__ import annotations

import io
import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.demo_cepat import muat_demo

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE_URL = "/static/vendor/axe-core-4.14.1/axe.min.js"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
E2E_DIR = Path(__file__).resolve().parent

# Playwright's sync API keeps its asyncio loop marked as running in this thread for the whole
# session (the browser is reused), so Django's async-safety check would refuse every ORM call
# made by a test after the first page was opened, in this worker. The ORM is only used between
# browser steps, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Debian Chromium not installed ({CHROMIUM} is missing; "
                                   "`apt-get install chromium`, never `playwright install`)")
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(skip)


# --------------------------------------------------------------------------- browser and page


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches ``browser`` (once per session) with these."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": FLAGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    """Relative URLs in ``page.goto("/desa/")`` go to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Reduced motion: charts are drawn at once (the portal honours the setting), so
    # screenshots never catch them half-way.
    return {**browser_context_args, "viewport": PHONE, "locale": "id-ID",
            "timezone_id": "Asia/Jakarta", "reduced_motion": "reduce"}


@pytest.fixture(autouse=True)
def _data_migrations(transactional_db):
    """Put back the rows of the data migrations: an earlier transactional test in this worker
    ended with a flush that removed them. (Not ``serialized_rollback``: once Playwright's loop
    runs, the test thread gets a connection object without the serialized copy.)"""
    from tests.keamanan_helpers import data_migrasi_ulang

    data_migrasi_ulang()


def _serve_media(route):
    """Uploaded files: the live server (DEBUG off) does not serve MEDIA_URL, production's web
    server does. Serve them from MEDIA_ROOT so photo pages load as they would."""
    name = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if root in path.parents and path.is_file():
        route.fulfill(path=path, content_type=mimetypes.guess_type(path.name)[0])
    else:
        route.fulfill(status=404, body="not found")


@pytest.fixture
def context(new_context, live_server):
    ctx = new_context()
    ctx.set_default_timeout(15_000)
    ctx.route(f"{live_server.url}/media/**", _serve_media)
    return ctx


class PageErrors(list):
    """What went wrong in the browser: console errors (failed loads and CSP violations
    included), uncaught exceptions and server errors."""

    def attach(self, page: Page) -> None:
        page.on("console", lambda msg: self.append(f"console: {msg.text} ({page.url})")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.append(f"exception: {exc} ({page.url})"))
        page.on("response", lambda r: self.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 500 else None)

    def check(self) -> None:
        """Assert none so far, and start afresh."""
        found = list(self)
        self.clear()
        assert found == [], "errors in the browser:\n" + "\n".join(found)


@pytest.fixture
def page_errors(request):
    errors = PageErrors()
    yield errors
    report = getattr(request.node, "rep_call", None)
    if report is None or report.passed:  # (a failed test already says what went wrong)
        errors.check()


@pytest.fixture
def page(context, page_errors) -> Page:
    page = context.new_page()
    page_errors.attach(page)
    return page


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


# ------------------------------------------------------------------------------------ helpers


@pytest.fixture
def shot():
    """``shot(page, "beranda-360")`` saves a full-page screenshot in docs/screenshots/."""

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        # A bar fixed to the bottom of the screen would sit mid-page in a full-page image:
        # make the window as tall as the page instead, so the bar sits where the page ends.
        # (The page is not touched: the CSP would report the style a script changed.)
        if page.locator(".fixed-bottom:visible").count():
            size = page.viewport_size
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": size["width"], "height": height})
            page.screenshot(path=path, animations="disabled")
            page.set_viewport_size(size)
        else:
            page.screenshot(path=path, full_page=True, animations="disabled")
        return path

    return take


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def wait_until(page: Page, script: str, *, timeout_ms: int = 10_000):
    """Poll ``script`` (a JS expression or arrow function) until it returns a truthy value and
    return it; fail with the script after ``timeout_ms``.

    Playwright's ``wait_for_function`` compiles its argument inside the page with
    ``new Function``, which the portal's CSP refuses; ``evaluate`` goes through the DevTools
    protocol instead. Use this after a navigation, where a page's own scripts may not have run
    yet when an element of its markup is already visible.
    """
    waited = 0
    while True:
        value = page.evaluate(script)
        if value:
            return value
        if waited >= timeout_ms:
            raise AssertionError(f"still false after {timeout_ms} ms: {script} → {value!r}")
        page.wait_for_timeout(50)
        waited += 50


def assert_fits(page: Page) -> None:
    over = horizontal_overflow(page)
    if over > 0:
        wide = page.evaluate(
            """() => { const w = document.documentElement.clientWidth; return Array.from(
                 document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect()
                 .right > w + 1 && !e.closest('.table-responsive, .gulir-x')).slice(0, 5).map(
                 e => e.tagName + '.' + e.className + ' ' + Math.round(
                 e.getBoundingClientRect().right)); }""")
        raise AssertionError(f"{page.url} scrolls sideways by {over}px; widest: {wide}")


SERIOUS = ("serious", "critical")


@pytest.fixture
def axe(live_server):
    """``axe(page)``: run the vendored axe-core (WCAG 2.x A/AA rules and best practices) on
    the page as it is now, and fail on any serious or critical violation.

    The script is loaded from the portal's own static files (``add_script_tag(url=...)``): the
    portal's strict CSP refuses inline scripts, which ``add_script_tag(path=...)`` would add.
    """

    def run(page: Page, *, exclude: tuple[str, ...] = ()) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=live_server.url + AXE_URL)
        results = page.evaluate(
            """async (exclude) => await axe.run(
                 exclude.length ? {exclude: exclude.map(s => [s])} : document,
                 {resultTypes: ['violations']})""", list(exclude))
        bad = [v for v in results["violations"] if v["impact"] in SERIOUS]
        assert not bad, f"axe on {page.url}:\n" + "\n".join(
            f"- [{v['impact']}] {v['id']}: {v['help']} → "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:6])
            for v in bad)
        return results["violations"]

    return run


# ----------------------------------------------------------------------------------- personas


def login_as(context, live_server, user: User) -> None:
    """A logged-in session without typing (for tests whose subject is not the login)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])


def login_form(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in as a person does: the login page, the two fields, the button."""
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


@pytest.fixture
def demo_data(transactional_db):
    """The 14 desa of Jiwan, the real stakeholders and the labelled demo data set (accounts
    with ``kotaku.demo.DEMO_PASSWORD``), as ``make run`` loads them."""
    quiet = io.StringIO()
    call_command("muat_wilayah_jiwan", verbosity=0, stdout=quiet)
    call_command("muat_pemangku_jiwan", stdout=quiet)
    muat_demo()
