"""Every URL pattern × every role × own and other objects, checked against the policy.

The patterns come from the URL resolver, so a new view fails ``test_every_pattern_is_classified``
until it is added to ``matrix.REGISTRY``. For each pattern, role, object and method:

* anonymous: a redirect to the log-in page, or for public pages the policy's answer (200 or 404);
* a role the view is not for: 403 or 404;
* an object the user may not see (the policy says so): 404;
* otherwise a normal answer (200, a redirect that is not to the log-in page, 400 or 409 for the
  minimal body), never 404 and never 5xx.

Django's admin is in the matrix too: anonymous and non-staff users are sent to the admin's log-in
page, staff get what Django's permissions (the platform group's) and the policy's ``visible_*`` allow;
views the admin keeps read-only for everyone answer 403 (or 404 for what the user may not see).

Each request runs in a savepoint that is rolled back, so POSTs leave the shared scenario untouched.
"""

from copy import deepcopy
from dataclasses import replace

import pytest
from django.db import transaction
from django.test import Client

from tests.security.conftest import ROLES
from tests.security.matrix import MISSING, NEVER, REGISTRY, SKIPPED_NAMES, make_platform_staff, target_url, url_names

LOGIN_PREFIX = "/accounts/login/"
ADMIN_LOGIN_PREFIX = "/admin/login/"
ADMIN_INDEX = "/admin/"
OK = {200, 302, 400, 409}
DENIED = {403, 404}
COUNTS = {"requests": 0}


@pytest.fixture(scope="module", autouse=True)
def _platform_staff(scenario, django_db_blocker):
    """The platform user as in production: staff, in the platform group."""
    with django_db_blocker.unblock():
        make_platform_staff(scenario.users["platform"])


def test_every_pattern_is_classified():
    found = set(url_names())
    unclassified = sorted(found - set(REGISTRY) - set(SKIPPED_NAMES))
    assert not unclassified, f"URL patterns missing from tests/security/matrix.py REGISTRY: {unclassified}"
    stale = sorted(set(REGISTRY) - found)
    assert not stale, f"REGISTRY names that no longer resolve: {stale}"


def _url(name, kwargs):
    return target_url(name, kwargs)


def _request(client, method, url, data):
    # The session is rolled back with the request (e.g. the admin's log-out): so are the cookies.
    cookies = deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    client.cookies = cookies
    COUNTS["requests"] += 1
    _drain(response)
    return response


def _drain(response):
    # Read a streamed file through the test client's own wrapper, which closes it without firing
    # request_finished; calling response.close() here would close the database connection that
    # the module's outer transaction lives on (PostgreSQL only: in-memory SQLite ignores it).
    if response.streaming:
        b"".join(response.streaming_content)


def _describe(response):
    detail = ""
    if response.status_code in (301, 302):
        detail = f" -> {response['Location']}"
    exc = getattr(response, "exc_info", None)
    if exc:
        detail += f" raised {exc[1]!r}"
    return f"{response.status_code}{detail}"


def _expected(rule, user, obj, method="GET"):
    """'login', 'admin_login', 'ok', 'denied', 'refused', 'missing' or 'hidden' (404) for one user,
    one URL object and one method."""
    if rule.admin and (user is None or not (user.is_active and user.is_staff)):
        return "admin_login"
    if user is None:
        if not rule.public:
            return "login"
        return "hidden" if obj is NEVER else "ok"
    if obj is MISSING:
        # Django's history page redirects for a row that does not exist before asking permissions.
        return "missing"
    if not rule.gate_of(method)(user):
        return "denied"
    if method in rule.refused:
        # Refused to everyone, what the user may see or not (403 before the row is even looked up).
        return "refused"
    if obj is NEVER:
        return "hidden"
    if obj is not None and not rule.sees(user, obj):
        return "hidden"
    return "ok"


def _to_login(response, prefix):
    return response.status_code == 302 and response["Location"].startswith(prefix)


def _check(expected, response, rule):
    status = response.status_code
    if status >= 500:
        return False
    if expected == "login":
        return _to_login(response, LOGIN_PREFIX)
    if expected == "admin_login":
        # The admin's log-out sends those who are not logged in to the admin's index (then log-in).
        return _to_login(response, ADMIN_LOGIN_PREFIX) or (status == 302 and response["Location"] == ADMIN_INDEX)
    if expected in ("denied", "refused"):
        return status in DENIED
    if expected == "hidden":
        return status == 404
    if _to_login(response, LOGIN_PREFIX) or _to_login(response, ADMIN_LOGIN_PREFIX):
        return False
    if expected == "missing":
        # Django's admin redirects to its index for a row that does not exist; the policy's 404 or
        # a refusal by permission are fine too.
        return status in (302, 403, 404)
    return status in OK or status in rule.also_ok


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_matrix(sdb, name):
    rule = REGISTRY[name]
    targets = rule.targets(sdb)
    clients = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(sdb.user(role))
        clients[role] = client
    failures = []
    seen_sides = {}
    for role in ROLES:
        user = sdb.user(role)
        for label, kwargs, obj in targets:
            url = _url(name, kwargs)
            # The side of the policy (seen or not), also for views refused to everyone.
            side = _expected(replace(rule, refused=()), user, obj)
            if side in ("ok", "hidden") and obj is not None:
                seen_sides.setdefault(role, set()).add(side)
            for method in rule.methods:
                expected = _expected(rule, user, obj, method)
                response = _request(clients[role], method, url, rule.body(sdb))
                if not _check(expected, response, rule):
                    failures.append(
                        f"{role:18} {method:4} {label:20} {url}: expected {expected}, got {_describe(response)}"
                    )
            if expected == "ok" and rule.methods == ("POST",) and label == targets[0][0]:
                # A POST-only view does not act on GET.
                response = _request(clients[role], "GET", url, {})
                if response.status_code != 405:
                    failures.append(f"{role:18} GET  {label:20} {url}: POST-only view answered {_describe(response)}")
            if expected == "ok" and rule.methods == ("GET",) and label == targets[0][0] and name != "home":
                response = _request(clients[role], "POST", url, {})
                if response.status_code >= 500:
                    failures.append(f"{role:18} POST {label:20} {url}: GET view answered {_describe(response)}")
    assert not failures, f"{name}: {len(failures)} answers disagree with the policy:\n" + "\n".join(failures)
    entry_like = {t[2].__class__.__name__ for t in targets if t[2] is not None and t[2] is not NEVER}
    if "Nomination" in entry_like:
        # Both sides were exercised: some role saw an own entry and some role was refused another's.
        sides = set().union(*seen_sides.values()) if seen_sides else set()
        assert {"ok", "hidden"} <= sides, f"{name}: own/other not both covered ({seen_sides})"
