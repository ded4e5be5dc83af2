"""The navbar entries of 发布推介: who sees which, decided by the policy without a query."""

import pytest
from django.test import Client
from django.urls import reverse

from nominations.models import Role
from tests.factories import make_user
from tests.pages.test_layout import nav_labels
from tests.promotion.test_promotion import login, make_partner

pytestmark = pytest.mark.django_db

PROMOTION = ("入榜推介", "我的推介", "合作机构", "发布推介")


def promotion_labels(client: Client) -> list[str]:
    return [label for label in nav_labels(client.get(reverse("home")).content.decode()) if label in PROMOTION]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.MEMBER, ["入榜推介", "我的推介"]),
        (Role.PIONEER, ["入榜推介", "我的推介"]),
        (Role.SECRETARIAT, ["入榜推介"]),
        (Role.EXPERT, ["入榜推介"]),
        (Role.PLATFORM, ["入榜推介", "发布推介"]),
        (Role.ADMIN, ["入榜推介", "发布推介"]),
    ],
)
def test_entries_by_role(campaign, role, expected):
    assert promotion_labels(login(make_user(role, f"alice-{role}"))) == expected


def test_anonymous_viewers_see_the_public_search_only(client, campaign):
    assert promotion_labels(client) == ["入榜推介"]
    html = client.get("/promotion/").content.decode()
    assert 'class="nav-link active" href="/promotion/" aria-current="page">入榜推介' in html


def test_partner_staff_see_their_workbench_once_approved(campaign, platform_user):
    _, bob = make_partner("甲银行", "bob", "91350100M000100Y4", platform_user, approve=False)
    assert promotion_labels(login(bob)) == ["入榜推介"]
    _, carol = make_partner("乙创投", "carol", "91110108MA01ABCDE", platform_user)
    assert promotion_labels(login(carol)) == ["入榜推介", "合作机构"]
    html = login(carol).get("/promotion/partner/").content.decode()
    assert 'class="nav-link active" href="/promotion/partner/" aria-current="page">合作机构' in html


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.SECRETARIAT, Role.PLATFORM])
def test_the_entries_cost_no_query(campaign, monkeypatch, role):
    """The same page costs as many queries with the promotion entries as without them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nominations import context_processors

    client = login(make_user(role, "dave")) if role else Client()
    client.get(reverse("home"))  # the process's cached campaign data

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        return len(queries)

    with_entries = count()
    monkeypatch.setattr(context_processors, "EXTRA_NAV", [])
    assert count() == with_entries


def test_approved_partner_staff_land_on_their_workbench(campaign, platform_user):
    _, bob = make_partner("甲银行", "bob", "91350100M000100Y4", platform_user, approve=False)
    _, carol = make_partner("乙创投", "carol", "91110108MA01ABCDE", platform_user)
    assert login(bob).get("/dashboard/").url == reverse("home")
    assert login(carol).get("/dashboard/").url == reverse("promotion:partner")
