"""The demo's review side: every review body of the notice has a coordinator and three experts, and the
demo entries give every body something to review once dispatched, within the quotas and caps."""

import pytest
from django.contrib.auth import get_user_model

from nominations.demo import DEMO_LOGINS, load_demo
from nominations.demo_reviewers import REVIEW_TEAMS
from nominations.models import MemberUnit, Nomination, RecommendingUnit, Role, State
from nominations.rules.quotas import member_cap_table, quota_table
from reviews.conflicts import conflicts
from reviews.dispatch import plan
from reviews.models import ReviewBody

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def campaign():
    return load_demo()["campaign"]


def test_every_review_body_has_a_coordinator_and_three_experts(campaign):
    bodies = list(ReviewBody.objects.filter(campaign=campaign).order_by("order"))
    assert [team.body for team in REVIEW_TEAMS] == [body.name for body in bodies]
    users = get_user_model().objects.select_related("profile__review_body")
    for body in bodies:
        staff = users.filter(profile__review_body=body, is_active=True)
        experts = staff.filter(profile__role=Role.EXPERT)
        assert experts.count() >= 3, body.name
        assert staff.filter(profile__role=Role.COORDINATOR).count() == 1, body.name
        assert all(e.profile.display_name and e.profile.organization for e in experts)
    first = REVIEW_TEAMS[0]
    assert (first.coordinator_username, first.expert_usernames) == ("coordinator", ["expert", "expert2", "expert3"])
    assert (REVIEW_TEAMS[1].coordinator_username, REVIEW_TEAMS[1].expert_usernames) == (
        "coord-bio",
        ["expert-bio1", "expert-bio2", "expert-bio3"],
    )


def test_names_and_organisations_are_distinct_and_not_the_entries_units(campaign):
    names = [name for team in REVIEW_TEAMS for name, _ in team.experts] + [t.coordinator for t in REVIEW_TEAMS]
    organisations = [org for team in REVIEW_TEAMS for _, org in team.experts]
    assert len(set(names)) == len(names)
    assert len(set(organisations)) == len(organisations)
    units = set(MemberUnit.objects.values_list("name", flat=True)) | set(
        RecommendingUnit.objects.values_list("name", flat=True)
    )
    assert not units & set(organisations)
    codes = [team.code for team in REVIEW_TEAMS]
    assert len(set(codes)) == len(codes)


def test_the_login_table_says_which_lists_each_body_reviews(campaign):
    descriptions = {username: description for username, _, description in DEMO_LOGINS}
    for team in REVIEW_TEAMS:
        body = ReviewBody.objects.get(campaign=campaign, name=team.body)
        for coverage in body.coverages.select_related("ranking_list", "domain"):
            assert coverage.ranking_list.name in team.covers
            if coverage.domain:
                assert coverage.domain.name in team.covers
        assert descriptions[team.coordinator_username].startswith(team.body)
        for username in team.expert_usernames:
            assert descriptions[username] == f"{team.body}（{team.covers}）"


def test_every_body_gets_entries_its_experts_may_score(campaign):
    rows = plan(campaign)
    by_body = {}
    for row in rows:
        assert row.body is not None, row.nomination
        by_body.setdefault(row.body.pk, []).append(row.nomination)
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    for body in ReviewBody.objects.filter(campaign=campaign):
        entries = by_body.get(body.pk, [])
        # Whatever the platform decides about the other (unconfirmed) unit, the society's entries are there.
        assert any(entry.recommending_unit_id == society.pk for entry in entries), body.name
        experts = get_user_model().objects.filter(profile__review_body=body, profile__role=Role.EXPERT)
        assert conflicts(entries, experts.select_related("profile")) == {}, body.name


def test_the_recommended_entries_keep_the_quotas_and_caps(campaign):
    assert Nomination.objects.filter(state=State.RECOMMENDED).count() >= 10
    for unit in RecommendingUnit.objects.all():
        for ranking_list, domain, quota in quota_table(unit, campaign):
            assert quota.used <= quota.total, (unit.name, ranking_list.code, domain)
    for member in MemberUnit.objects.all():
        for ranking_list, domain, cap in member_cap_table(member, campaign):
            assert cap.used <= cap.total, (member.name, ranking_list.code, domain)
