"""Playwright for Python driving Debian's Chromium against pytest-django's live server.

Where /usr/bin/chromium is absent (a laptop) these tests skip with a reason; ``.ci/run`` installs it
and fails if any browser test was skipped. Screenshots land in ``test-artifacts/`` for a person to
look at.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# The sync Playwright API keeps an event loop on this thread; the ORM calls made by the test itself
# (setting up data, checking rows) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _cached_static_files():
    """The live server's static files (``/static/``) may be kept by the browser for an hour.

    Django's handler sends them with only ``Last-Modified``, so Chromium asks again (304) for every CSS
    and JS file on every page; production's WhiteNoise sends the hashed names with a far-future
    ``Cache-Control``. The files do not change during a run. Speed only: each page is still fetched.
    The ``Date`` is the real time: a test that moves the clock (time-machine) would otherwise date the
    file years away from the browser's clock, which then treats it as stale.
    """
    import time

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.utils.http import http_date
    from time_machine import escape_hatch

    original = StaticFilesHandler.serve

    def serve(self, request):
        response = original(self, request)
        if response.status_code == 200:
            response["Cache-Control"] = "max-age=3600"
            now = escape_hatch.time.time() if escape_hatch.is_travelling() else time.time()
            response["Date"] = http_date(now)
        return response

    StaticFilesHandler.serve = serve
    yield
    StaticFilesHandler.serve = original


@pytest.fixture(scope="session")
def chromium_browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server):
    """A fresh browser context (no cookies) whose relative URLs go to the live server."""
    context = chromium_browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login():
    """``login(page, username, password)``: log in through the real form at /accounts/login/."""

    def do_login(page, username, password):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        # The POST answers with the landing page (a redirect) or the form again: wait for that page's
        # load event. No page fetches anything after loading, so "networkidle" (>= 500 ms) adds nothing.
        with page.expect_navigation():
            page.click("button[type=submit], input[type=submit]")

    return do_login


@pytest.fixture
def screenshot():
    """``screenshot(page, "name")`` saves test-artifacts/name.png (full page)."""

    def take(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
