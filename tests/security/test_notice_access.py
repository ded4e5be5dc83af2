"""The notice's cases in the security scenario: the recommending unit and the entry's member read the
grounds and the evidence of an accepted objection, never who objected (name, unit, phone, e-mail, the
stamped letter or the objector's file names); other units and roles read nothing of it."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews.policy import visible_cases
from tests.security.conftest import token
from tests.security.matrix import notice_cases

SECRETS = (token("异议人"), token("异议单位"), "13900001111", "objector@example.org", "TKN-材料")


def _get(user, name, *args):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize("role", ["secretariat", "member"])
def test_the_recommending_unit_and_the_member_never_see_the_objector(sdb, role):
    _notice, cases, files = notice_cases(sdb)
    user = sdb.users[role]
    case = cases["a-forwarded"]
    pages = [
        _get(user, "reviews:notice_cases"),
        _get(user, "reviews:notice_case", case.pk),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        assert case.receipt in text
        for secret in SECRETS:
            assert secret not in text, f"{role} sees {secret}"
    assert token("异议理由") in pages[1].content.decode()
    evidence = _get(user, "reviews:case_file", files["evidence"].pk)
    assert evidence.status_code == 200 and "TKN" not in evidence["Content-Disposition"]
    assert _get(user, "reviews:case_file", files["letter"].pk).status_code == 404
    assert _get(user, "reviews:platform_case", case.pk).status_code == 403
    # A case not yet accepted is the platform's alone.
    assert _get(user, "reviews:notice_case", cases["a-received"].pk).status_code == 404


@pytest.mark.parametrize("role", ["other_secretariat", "other_member", "expert", "coordinator", "pioneer"])
def test_other_units_and_roles_see_nothing_of_the_case(sdb, role):
    _notice, cases, _files = notice_cases(sdb)
    user = sdb.users[role]
    assert not visible_cases(user).filter(pk=cases["a-forwarded"].pk).exists()
    response = _get(user, "reviews:notice_case", cases["a-forwarded"].pk)
    assert response.status_code in (403, 404)
    for secret in SECRETS:
        assert secret not in response.content.decode()


def test_the_platform_sees_the_objector(sdb):
    _notice, cases, _files = notice_cases(sdb)
    text = _get(sdb.users["platform"], "reviews:platform_case", cases["a-forwarded"].pk).content.decode()
    assert token("异议人") in text and "13900001111" in text
