"""Every figure a secretariat or the platform reads counts only what the policy lets it see.

A member's draft, and an entry the member withdrew before ever submitting it, never left the member:
no page of the staff counts them (nominations/policy.py ``_never_sent``)."""

import re

import pytest
from django.urls import reverse

from nominations.models import State
from tests.factories import NominationFactory, PioneerFactory


@pytest.fixture
def private_and_sent(make_nomination):
    """Two entries the secretariat never sees and three it received (one of them withdrawn later)."""
    make_nomination(state=State.DRAFT, title="未提交的草稿")
    make_nomination(state=State.WITHDRAWN, submitted_at=None, title="提交前撤回")
    make_nomination(state=State.SUBMITTED, title="已提交")
    make_nomination(state=State.ACCEPTED, title="已受理")
    make_nomination(state=State.WITHDRAWN, title="提交后撤回")


def _text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_secretariat_dashboard_counts_only_what_was_sent(client, secretariat_user, private_and_sent):
    client.force_login(secretariat_user)
    html = _text(client.get(reverse("secretariat:dashboard")))
    assert "收到的申报（3 项，来自 1 家会员单位）" in html
    buttons = dict(re.findall(r'\?state=(\w+)">[^<]*<span class="badge text-bg-secondary">(\d+)</span>', html))
    assert buttons == {"submitted": "1", "accepted": "1", "withdrawn": "1"}
    assert "draft" not in buttons


def test_the_member_list_counts_only_what_was_sent(client, secretariat_user, member_unit, private_and_sent):
    client.force_login(secretariat_user)
    html = _text(client.get(reverse("secretariat:members")))
    row = re.search(rf"<tr> <td[^>]*>{member_unit.name}.*?</tr>", html).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[3] == "3"


def test_a_member_with_only_private_entries_shows_none(client, secretariat_user, member_unit, make_nomination):
    make_nomination(state=State.DRAFT)
    make_nomination(state=State.WITHDRAWN, submitted_at=None)
    client.force_login(secretariat_user)
    html = _text(client.get(reverse("secretariat:dashboard")))
    assert "收到的申报（0 项，来自 1 家会员单位）" in html
    assert "尚未收到会员单位提交的申报。" in html
    row = re.search(rf"<tr> <td[^>]*>{member_unit.name}.*?</tr>", _text(client.get(reverse("secretariat:members"))))
    assert re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))[3] == "0"


def test_the_quota_meter_and_recommended_count_follow_the_policy(client, secretariat_user, make_nomination):
    make_nomination(state=State.RECOMMENDED, recommended_at=None)
    make_nomination(state=State.DRAFT)
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:dashboard"))
    html = _text(response)
    assert "本单位已推荐 <strong>1</strong> 项" in html
    used = {
        (row["list"].code, row["domain"].code if row["domain"] else None): row["quota"].used
        for row in response.context["meters"]
    }
    assert used[("tech", "electronics")] == 1
    assert sum(used.values()) == 1


def test_the_platform_counts_no_private_entry(client, platform_user, campaign, manager, society, private_and_sent):
    pioneer = PioneerFactory(campaign=campaign, name="李先锋")
    NominationFactory(ranking_list=manager, domain=None, pioneer=pioneer, state=State.DRAFT)
    NominationFactory(
        ranking_list=manager,
        domain=None,
        pioneer=pioneer,
        state=State.WITHDRAWN,
        submitted_at=None,
        recommended_at=None,
    )
    NominationFactory(ranking_list=manager, domain=None, pioneer=pioneer, state=State.RECOMMENDED)
    client.force_login(platform_user)
    response = client.get(reverse("platform:dashboard"))
    html = _text(response)
    row = next(row for row in response.context["rows"] if row["unit"] == society)
    assert (row["submitted"], row["accepted"]) == (2, 1)
    assert re.search(r"李先锋</td><td[^>]*>[^<]*</td><td class=\"text-end\"[^>]*>1 / ", html)
    assert "未提交的草稿" not in html and "提交前撤回" not in html
    pioneers = _text(client.get(reverse("platform:pioneers")))
    assert re.search(r"<td[^>]*>李先锋</td><td[^>]*>[^<]*</td><td[^>]*>\d+</td><td[^>]*>1</td>", pioneers)
