"""Marker handling for the whole suite.

* ``postgres``: skipped with a reason unless the default database is PostgreSQL (``DATABASE_URL``).
* ``redis``: skipped with a reason unless ``REDIS_URL`` is set and Redis answers a ping. These tests
  are kept on one xdist worker (``xdist_group``) so that only one Celery worker consumes the broker.
* ``browser``: added by ``tests/browser/conftest.py``, which skips where Chromium is absent.
* ``pdf``: needs LibreOffice (``soffice``, ``nominations.documents.pdf``); skipped with a reason where it
  is absent.

Passwords are hashed with MD5 in tests (speed only).

With ``KCZG_REQUIRE_ALL=1`` (set by ``.ci/run``) a skipped test that carries one of these markers
fails the run: CI must prove the PostgreSQL-only, real-worker, browser and PDF tests ran.
"""

import os

import pytest

REQUIRED_MARKERS = ("postgres", "redis", "browser", "pdf")
_PROPERTY = "kczg_required_markers"

_redis_answer = {}
_skipped_required = []


def _database_is_postgres():
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def _redis_unavailable_reason():
    """None when Redis answers a ping at REDIS_URL, else why not (asked once per process)."""
    if "reason" not in _redis_answer:
        url = os.environ.get("REDIS_URL", "")
        if not url:
            reason = "needs Redis: REDIS_URL is not set"
        else:
            try:
                import redis

                redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
                reason = None
            except Exception as exc:
                reason = f"needs Redis: no answer to PING at {url} ({exc.__class__.__name__}: {exc})"
        _redis_answer["reason"] = reason
    return _redis_answer["reason"]


def pytest_configure(config):
    config.addinivalue_line("markers", "pdf: needs LibreOffice (soffice) for PDFs; .ci/run fails if skipped there")
    # Speed only: PBKDF2 costs ~0.3 s per password and factories create many users. Production keeps
    # Django's default hashers; tests/test_settings.py runs real settings in subprocesses.
    from django.conf import settings

    if settings.configured:
        from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        # django-axes needs the request in authenticate(); the test client's login() passes none.
        # tests/test_login_security.py turns it on again with the ``settings`` fixture.
        settings.AXES_ENABLED = False
        # The /verify/ page's limiter of failed look-ups (cache): off; tests/exports/test_official.py turns it on.
        settings.VERIFY_RATE_LIMIT = 0
        get_hashers.cache_clear()
        get_hashers_by_algorithm.cache_clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # trylast: tests/browser/conftest.py has added its ``browser`` marker by now.
    for item in items:
        names = sorted({mark.name for mark in item.iter_markers()} & set(REQUIRED_MARKERS))
        if not names:
            continue
        # Carried by every report of the item, also across xdist workers to the controller.
        item.user_properties.append((_PROPERTY, ",".join(names)))
        if "postgres" in names and not _database_is_postgres():
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (the default is SQLite)")
            )
        if "redis" in names:
            item.add_marker(pytest.mark.xdist_group("redis"))
            reason = _redis_unavailable_reason()
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))
        if "pdf" in names:
            from nominations.documents import pdf

            if not pdf.pdf_available():
                item.add_marker(pytest.mark.skip(reason=f"needs LibreOffice: no {pdf.SOFFICE!r} on the PATH"))


def _required_markers_of(report):
    for name, value in getattr(report, "user_properties", ()):
        if name == _PROPERTY:
            return value
    return ""


def pytest_runtest_logreport(report):
    # Called in the controller for the reports of every xdist worker, and in a plain run.
    if report.skipped and not hasattr(report, "wasxfail"):
        markers = _required_markers_of(report)
        if markers:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            reason = reason.removeprefix("Skipped: ")
            _skipped_required.append((report.nodeid, markers, reason))


def _require_all():
    return os.environ.get("KCZG_REQUIRE_ALL", "") == "1"


def pytest_sessionfinish(session, exitstatus):
    if not _require_all() or hasattr(session.config, "workerinput"):
        return
    if _skipped_required or exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _require_all() or not _skipped_required:
        return
    terminalreporter.section("KCZG_REQUIRE_ALL: required tests were skipped", sep="=", red=True, bold=True)
    for nodeid, markers, reason in _skipped_required:
        terminalreporter.line(f"SKIPPED [{markers}] {nodeid}: {reason}", red=True)
    terminalreporter.line(
        f"{len(_skipped_required)} test(s) marked postgres/redis/browser/pdf were skipped; "
        "CI counts this as a failure.",
        red=True,
        bold=True,
    )
