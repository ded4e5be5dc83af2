"""Every URL that takes POST, posted a hostile body by every role allowed there: never a 5xx.

The URLs, their methods, gates and targets come from ``tests/security/matrix.py`` (itself driven by
the URL resolver, so a new view is covered as soon as it is classified). The body sets every field
name of the project's forms (the staff and action forms, the entry forms of every list, the review
forms) and the usual suspects (``note``, ``reason``, ``action``, ``ids`` …) to values with a NUL, with
control characters, 200,000 characters, or ids that are not numbers. Each request runs in a savepoint
that is rolled back, so the module's scenario stays as it was.

Runs on SQLite and, marked ``postgres``, on PostgreSQL (where a NUL reaching the database is a
``DataError``).
"""

import pytest
from django import forms
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.security.conftest import ROLES
from tests.security.matrix import NEVER, REGISTRY, target_url, url_names

ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

# Besides the forms' own fields: names that views have read from request.POST directly.
USUAL_NAMES = (
    "action",
    "apply",
    "body",
    "comment",
    "description",
    "domain",
    "expert",
    "ids",
    "kind",
    "list",
    "moment",
    "norm",
    "note",
    "override_reason",
    "payload",
    "preset",
    "ranking_list",
    "reason",
    "score",
    "target",
    "until",
    "version",
    "year",
)
# Fields that get the 200,000-character value (all others get 2,000, to stay within the upload limit).
LONG_NAMES = ("note", "reason", "override_reason", "comment", "payload", "description", "name", "title")
LONG = "x" * 200_000


def known_field_names():
    """Every field name of the project's forms (Form subclasses of nominations and reviews, and the
    entry form definitions of every list), plus :data:`USUAL_NAMES`."""
    url_names()  # imports every view module, hence every form class they use
    from nominations.forms import get_definition
    from nominations.models import ListCode

    names = set(USUAL_NAMES)
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith(("nominations.", "reviews.")):
            names.update(getattr(cls, "base_fields", {}))
    for code in ListCode.values:
        names.update(spec.key for spec in get_definition(code).fields)
    return sorted(names)


def hostile_bodies():
    names = known_field_names()

    def body(value, action, ids, long_value=None):
        data = dict.fromkeys(names, value)
        if long_value is not None:
            data.update(dict.fromkeys(LONG_NAMES, long_value))
        data["action"] = action
        data["ids"] = ids
        return data

    return {
        "nul": body("1\x00", "return", ["1\x00", "2"]),
        "control": body("a\x07b\x1b[0m", "decline", ["\x1b", "3"]),
        "long": body("x" * 2000, "withdraw", ["9" * 40], long_value=LONG),
        "non-numeric": body("abc", "\x00", ["abc", "-1", "1e9", "²", ""]),
    }


def _request(client, url, data):
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


POST_NAMES = sorted(name for name, rule in REGISTRY.items() if "POST" in rule.methods)


@pytest.fixture(
    params=[
        pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
        pytest.param(
            "sqlite", marks=pytest.mark.skipif(ON_POSTGRES, reason="runs as the postgres variant"), id="sqlite"
        ),
    ]
)
def engine(request):
    return request.param


@pytest.fixture(scope="module")
def bodies():
    return hostile_bodies()


def test_the_body_names_the_fields_of_the_action_forms(bodies):
    names = set(bodies["nul"])
    assert {"note", "override_reason", "reason", "ids", "payload", "contact_email", "until", "target"} <= names


@pytest.mark.parametrize("name", POST_NAMES)
def test_hostile_post_never_answers_5xx(engine, sdb, bodies, name):
    rule = REGISTRY[name]
    failures = []
    posted = 0
    for role in ROLES:
        user = sdb.user(role)
        if user is None or not rule.gate(user):
            continue
        targets = [t for t in rule.targets(sdb) if t[2] is not NEVER and (t[2] is None or rule.sees(user, t[2]))]
        if not targets:
            continue
        label, kwargs, _obj = targets[0]
        url = target_url(name, kwargs)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for variant, data in bodies.items():
            response = _request(client, url, data)
            posted += 1
            if response.status_code >= 500:
                exc = getattr(response, "exc_info", None)
                failures.append(f"{role:18} {label:20} {variant:12} {url}: {response.status_code} {exc and exc[1]!r}")
    assert posted, f"{name}: no role was allowed to post there"
    assert not failures, f"{name}: {len(failures)} hostile posts answered 5xx:\n" + "\n".join(failures)
