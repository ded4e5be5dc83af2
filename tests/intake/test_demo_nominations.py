"""Demo entries: every list, several states, made through the workflow, idempotent."""

import pytest

from nominations.demo import load_demo
from nominations.models import AuditEvent, ListCode, MemberUnit, Nomination, RankingList, RecommendingUnit, State
from nominations.rules.quotas import member_cap, unit_quota

pytestmark = pytest.mark.django_db


def test_demo_entries_cover_lists_and_states():
    summary = load_demo()
    assert summary["entries_created"] >= 10
    entries = Nomination.objects.all()
    assert set(entries.values_list("ranking_list__code", flat=True)) == set(ListCode.values)
    states = set(entries.values_list("state", flat=True))
    assert {"draft", "submitted", "returned", "accepted", "declined", "recommended"} <= states
    returned = entries.get(state=State.RETURNED)
    assert AuditEvent.objects.filter(nomination=returned, verb="return").exclude(note="").exists()
    assert entries.filter(pioneer__isnull=False, member_unit=None).exists()
    assert entries.exclude(earlier_listed=None).exists()
    assert {e.member_unit.name for e in entries if e.member_unit} >= {"北京星衡智能科技有限公司"}

    again = load_demo()
    assert again["entries_created"] == 0
    assert Nomination.objects.count() == entries.count()


def test_the_society_has_more_electronics_candidates_than_places():
    """中国技术经济学会 has 7 entries of 先导技术榜 · 电子信息 (of member, member2, member4) its secretariat can
    recommend, for 6 places; one is recommended already, and no member is over its cap."""
    campaign = load_demo()["campaign"]
    society = RecommendingUnit.objects.get(name="中国技术经济学会")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = tech.domains.get(code="electronics")
    candidates = Nomination.objects.filter(
        recommending_unit=society,
        domain=electronics,
        state__in=[State.SUBMITTED, State.ACCEPTED, State.RECOMMENDED],
    )
    assert candidates.count() == 7
    assert unit_quota(society, tech, electronics).total == 6
    assert candidates.filter(state=State.RECOMMENDED).count() == 1
    by_member = {
        name: candidates.filter(member_unit__name=name).count()
        for name in set(candidates.values_list("member_unit__name", flat=True))
    }
    assert by_member["南京瀚芯微电子科技有限公司"] == 3  # member4
    for member in MemberUnit.objects.filter(recommending_unit=society):
        cap = member_cap(member, tech, electronics)
        assert cap.used <= cap.total, member.name
