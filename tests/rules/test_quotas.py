"""Quotas: cap × channels (可叠加推荐名额), per domain for 先导技术榜; pioneers; member caps."""

import pytest

from nominations.models import Channel, RankingList, State
from nominations.rules.quotas import (
    member_cap,
    member_cap_table,
    pioneer_lists,
    pioneer_quota,
    quota_rows,
    quota_table,
    recommended_count,
    stacked_quota,
    unit_quota,
)
from tests.factories import MemberUnitFactory, NominationFactory, PioneerFactory, RecommendingUnitFactory

pytestmark = pytest.mark.django_db

CHANNEL_SETS = {
    1: ["society"],
    2: ["society", "alliance_member"],
    3: ["society", "alliance_member", "provincial_cast"],
}
EXPECTED = {
    "tech": {1: 3, 2: 6, 3: 9},
    "enterprise": {1: 5, 2: 10, 3: 15},
    "organization": {1: 2, 2: 4, 3: 6},
    "manager": {1: 2, 2: 4, 3: 6},
}
ALL_STATES = list(State)
RECOMMENDED = {
    State.RECOMMENDED,
    State.IN_REVIEW,
    State.REVIEW_PASSED,
    State.REVIEW_FAILED,
    State.LISTED,
    State.NOT_LISTED,
    State.PUBLISHED,
}
# 未获推荐 keeps its place in the member's cap: reopening the unit gives the entry back as 已受理.
LIVE = RECOMMENDED | {State.SUBMITTED, State.ACCEPTED, State.NOT_RECOMMENDED}


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Every factory-made entry has an author with a password: keep hashing cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("channels", [1, 2, 3])
@pytest.mark.parametrize("list_code", ["tech", "enterprise", "organization", "manager"])
def test_stacking(campaign, list_code, channels):
    unit = RecommendingUnitFactory(channel_codes=CHANNEL_SETS[channels])
    ranking_list = RankingList.objects.get(campaign=campaign, code=list_code)
    expected = EXPECTED[list_code][channels]
    domains = list(ranking_list.domains.all()) or [None]
    assert len(domains) == (6 if list_code == "tech" else 1)
    for domain in domains:
        quota = unit_quota(unit, ranking_list, domain)
        assert quota.total == expected
        assert quota.used == 0
        assert quota.left == expected
        assert len(quota.channels) == channels
        assert quota.per_channel == ranking_list.channel_quota
        assert f"{ranking_list.channel_quota} × {channels} 个渠道" in quota.explanation


def test_no_channel_no_quota(tech, electronics):
    unit = RecommendingUnitFactory()
    quota = unit_quota(unit, tech, electronics)
    assert quota.total == 0
    assert quota.is_full
    assert quota.explanation == "无适用的推荐渠道"


def test_the_pioneer_route_does_not_count_for_a_unit(campaign, tech, manager):
    unit = RecommendingUnitFactory(channel_codes=["society", "pioneer_2022"])
    assert unit_quota(unit, manager).channels == ("全国学会、协会、研究会",)
    assert unit_quota(unit, manager).total == 2
    assert unit_quota(unit, tech, tech.domains.first()).total == 3
    only_route = RecommendingUnitFactory(channel_codes=["pioneer_2022"])
    assert unit_quota(only_route, manager).total == 0


def test_channels_of_another_campaign_do_not_count(campaign, tech, electronics):
    from nominations.models import Campaign

    other = Campaign.objects.create(
        year=2024,
        title="2024",
        **{
            name: getattr(campaign, name)
            for name in (
                "collection_start",
                "member_deadline",
                "platform_deadline",
                "initial_review_start",
                "initial_review_deadline",
                "final_review_start",
                "final_review_end",
                "publication_start",
                "publication_end",
                "promotion_start",
                "promotion_end",
            )
        },
    )
    foreign = Channel.objects.create(campaign=other, code="society", name="全国学会、协会、研究会")
    unit = RecommendingUnitFactory(channel_codes=["society"])
    unit.channels.add(foreign)
    assert unit_quota(unit, tech, electronics).total == 3


def test_used_counts_recommended_entries_only(society, enterprise):
    member = MemberUnitFactory(recommending_unit=society)
    for state in ALL_STATES:
        NominationFactory(ranking_list=enterprise, member_unit=member, state=state)
    quota = unit_quota(society, enterprise)
    assert quota.total == 10
    assert quota.used == len(RECOMMENDED)
    assert quota.left == 10 - len(RECOMMENDED)


def test_used_counts_per_domain_for_tech(society, tech, electronics):
    biomedicine = tech.domains.get(code="biomedicine")
    member = MemberUnitFactory(recommending_unit=society)
    entries = [
        NominationFactory(ranking_list=tech, member_unit=member, state=State.RECOMMENDED, domain=electronics)
        for _ in range(6)
    ]
    NominationFactory(ranking_list=tech, member_unit=member, state=State.ACCEPTED, domain=biomedicine)
    full = unit_quota(society, tech, electronics)
    assert (full.total, full.used, full.left, full.is_full) == (6, 6, 0, True)
    assert unit_quota(society, tech, biomedicine).used == 0
    # ``exclude`` leaves out the entry being checked (re-checking a recommended entry).
    assert unit_quota(society, tech, electronics, exclude=entries[0]).used == 5


def test_other_units_and_pioneer_entries_do_not_use_the_quota(society, other_unit, manager, campaign):
    NominationFactory(
        ranking_list=manager, member_unit=MemberUnitFactory(recommending_unit=other_unit), state=State.RECOMMENDED
    )
    pioneer = PioneerFactory(campaign=campaign)
    NominationFactory(
        ranking_list=manager, member_unit=None, recommending_unit=society, pioneer=pioneer, state=State.RECOMMENDED
    )
    assert unit_quota(society, manager).used == 0
    assert unit_quota(other_unit, manager).used == 1


def test_pioneer_quota_is_one_for_manager_and_zero_elsewhere(campaign, tech, enterprise, organization, manager):
    pioneer = PioneerFactory(campaign=campaign)
    quota = pioneer_quota(pioneer, manager)
    assert (quota.total, quota.used, quota.left) == (1, 0, 1)
    assert quota.channels == ("2022年技术经理人先锋人物推举",)
    for ranking_list in (tech, enterprise, organization):
        assert pioneer_quota(pioneer, ranking_list).total == 0
        assert pioneer_quota(pioneer, ranking_list).is_full


def test_pioneer_quota_used_and_inactive(campaign, manager):
    pioneer = PioneerFactory(campaign=campaign)
    draft = NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer, state=State.DRAFT)
    assert pioneer_quota(pioneer, manager).used == 0
    done = NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer, state=State.RECOMMENDED)
    assert pioneer_quota(pioneer, manager).is_full
    assert not pioneer_quota(pioneer, manager, exclude=done).is_full
    assert draft.pk != done.pk
    pioneer.is_active = False
    pioneer.save()
    assert pioneer_quota(pioneer, manager).total == 0


def test_member_cap(member_unit, enterprise, tech, electronics):
    for state in ALL_STATES:
        NominationFactory(ranking_list=enterprise, member_unit=member_unit, state=state)
    cap = member_cap(member_unit, enterprise)
    assert cap.total == 5
    assert cap.used == len(LIVE)
    assert cap.is_full


def test_member_cap_per_domain_for_tech(member_unit, tech, electronics):
    biomedicine = tech.domains.get(code="biomedicine")
    first = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.ACCEPTED, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.DRAFT, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.RETURNED, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.WITHDRAWN, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.DECLINED, domain=electronics)
    cap = member_cap(member_unit, tech, electronics)
    assert (cap.total, cap.used, cap.left) == (3, 2, 1)
    assert member_cap(member_unit, tech, biomedicine).used == 0
    assert member_cap(member_unit, tech, electronics, exclude=first).used == 1
    # The member cap does not stack with the recommending unit's channels.
    assert member_unit.recommending_unit.channels.count() == 2


def test_quota_table_rows(society, campaign, tech, electronics, enterprise):
    member = MemberUnitFactory(recommending_unit=society)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.RECOMMENDED, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.IN_REVIEW, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.ACCEPTED, domain=electronics)
    NominationFactory(ranking_list=enterprise, member_unit=member, state=State.RECOMMENDED)
    rows = quota_table(society, campaign)
    labels = [(lst.code, domain.code if domain else None) for lst, domain, _ in rows]
    assert labels == [
        ("tech", "electronics"),
        ("tech", "biomedicine"),
        ("tech", "equipment"),
        ("tech", "materials"),
        ("tech", "green"),
        ("tech", "foundation"),
        ("enterprise", None),
        ("organization", None),
        ("manager", None),
    ]
    table = {label: quota for label, (_, _, quota) in zip(labels, rows, strict=True)}
    assert {label: q.total for label, q in table.items()} == {
        **{("tech", d): 6 for d in ("electronics", "biomedicine", "equipment", "materials", "green", "foundation")},
        ("enterprise", None): 10,
        ("organization", None): 4,
        ("manager", None): 4,
    }
    assert table[("tech", "electronics")].used == 2
    assert table[("tech", "biomedicine")].used == 0
    assert table[("enterprise", None)].used == 1
    assert table[("manager", None)].used == 0
    # The table agrees with unit_quota for every row.
    for lst, domain, quota in rows:
        assert unit_quota(society, lst, domain).total == quota.total
        assert unit_quota(society, lst, domain).used == quota.used


def test_quota_table_ignores_the_pioneer_route(campaign):
    unit = RecommendingUnitFactory(channel_codes=["other", "pioneer_2022"])
    totals = {lst.code: q.total for lst, _, q in quota_table(unit, campaign)}
    assert totals == {"tech": 3, "enterprise": 5, "organization": 2, "manager": 2}


# ---------------------------------------------------------------- one home: quota_rows


def _units(n):
    codes = [CHANNEL_SETS[1 + i % 3] for i in range(n)]
    units = [RecommendingUnitFactory(channel_codes=c) for c in codes]
    for unit in units:
        member = MemberUnitFactory(recommending_unit=unit)
        NominationFactory(
            ranking_list=RankingList.objects.get(code="enterprise"), member_unit=member, state=State.RECOMMENDED
        )
    return units


@pytest.mark.parametrize("n", [1, 5])
def test_quota_rows_run_the_same_queries_for_one_unit_and_five(campaign, django_assert_max_num_queries, n):
    units = _units(n)
    # The units' channels serving the lists and the use: two queries for any number, plus the lists and their
    # domains the first time (campaign data, cached per process) and the cache's version (outside a request,
    # at every use; in a request it comes with the user).
    with django_assert_max_num_queries(5):
        first = quota_rows(units, campaign)
    with django_assert_max_num_queries(3):
        rows = quota_rows(units, campaign)
    assert [(r.unit, r.ranking_list.pk, r.domain and r.domain.pk, r.quota) for r in rows] == [
        (r.unit, r.ranking_list.pk, r.domain and r.domain.pk, r.quota) for r in first
    ]
    # Six domains of 先导技术榜 and three other lists for each unit, in the units' order.
    assert len(rows) == 9 * n
    assert [row.unit for row in rows[::9]] == units
    for i, unit in enumerate(units):
        enterprise = next(r for r in rows if r.unit == unit and r.ranking_list.code == "enterprise")
        channels = 1 + i % 3
        assert (enterprise.quota.total, enterprise.quota.used) == (5 * channels, 1)


def test_quota_rows_are_what_the_single_unit_functions_give(society, other_unit, campaign, tech, electronics):
    member = MemberUnitFactory(recommending_unit=society)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.RECOMMENDED, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.IN_REVIEW, domain=electronics)
    NominationFactory(ranking_list=tech, member_unit=member, state=State.ACCEPTED, domain=electronics)
    rows = quota_rows([society, other_unit], campaign)
    for row in rows:
        single = unit_quota(row.unit, row.ranking_list, row.domain)
        assert single == row.quota
    electronics_row = next(r for r in rows if r.unit == society and r.domain == electronics)
    assert (electronics_row.quota.used, electronics_row.quota.total) == (2, 6)
    assert recommended_count(society, campaign) == 2
    assert recommended_count(other_unit, campaign) == 0


def test_quota_rows_count_only_the_entries_given(society, campaign, enterprise):
    from nominations.models import Nomination

    member = MemberUnitFactory(recommending_unit=society)
    shown = NominationFactory(ranking_list=enterprise, member_unit=member, state=State.RECOMMENDED)
    NominationFactory(ranking_list=enterprise, member_unit=member, state=State.RECOMMENDED)
    rows = quota_rows([society], campaign, entries=Nomination.objects.filter(pk=shown.pk))
    assert next(r for r in rows if r.ranking_list == enterprise).quota.used == 1
    assert unit_quota(society, enterprise, entries=Nomination.objects.filter(pk=shown.pk)).used == 1
    assert recommended_count(society, campaign, entries=Nomination.objects.filter(pk=shown.pk)) == 1
    assert unit_quota(society, enterprise).used == 2


def test_stacked_quota_is_the_quota_per_channel_times_the_channels(enterprise, tech):
    assert [stacked_quota(enterprise, n) for n in (0, 1, 2, 3)] == [0, 5, 10, 15]
    assert stacked_quota(tech, 2) == 6


def test_the_channel_quota_and_the_member_cap_are_two_numbers(society, member_unit, campaign, enterprise):
    enterprise.channel_quota = 4
    enterprise.member_cap = 1
    enterprise.save()
    NominationFactory(ranking_list=enterprise, member_unit=member_unit, state=State.SUBMITTED)
    quota = unit_quota(society, enterprise)
    assert (quota.total, quota.per_channel) == (8, 4)
    assert "4 × 2 个渠道" in quota.explanation
    cap = member_cap(member_unit, enterprise)
    assert (cap.total, cap.used, cap.is_full) == (1, 1, True)
    caps = {lst.code: q.total for lst, _, q in member_cap_table(member_unit, campaign)}
    assert caps["enterprise"] == 1
    assert {lst.code: q.total for lst, _, q in quota_table(society, campaign)}["enterprise"] == 8


def test_the_pioneer_lists_are_the_pioneer_route_s_lists(campaign, manager, enterprise):
    assert list(pioneer_lists(campaign)) == [manager]
    route = Channel.objects.get(campaign=campaign, is_pioneer_route=True)
    route.lists.add(enterprise)
    assert list(pioneer_lists(campaign)) == [enterprise, manager]
    route.lists.set([])
    assert list(pioneer_lists(campaign)) == []


def test_a_changed_list_quota_counts_at_once(campaign, society, enterprise):
    """The lists come from the per-process campaign data (nominations/campaign_cache.py): saving one, as
    the admin does, is seen by the next computation."""
    before = next(r for r in quota_rows([society], campaign) if r.ranking_list.code == "enterprise")
    enterprise.channel_quota = 7
    enterprise.save()
    after = next(r for r in quota_rows([society], campaign) if r.ranking_list.code == "enterprise")
    assert after.quota.total == 7 * len(before.quota.channels) != before.quota.total
