"""``manage.py seed_scale`` at a small size: the counts it promises, the rules it keeps, one run only."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from nominations.models import AuditEvent, MemberUnit, Nomination, Profile, RecommendingUnit, Role, SentMail, State
from nominations.rules import quotas
from reviews.models import Assignment, Dispatch

pytestmark = pytest.mark.django_db


def seed(**sizes):
    out = StringIO()
    call_command("seed_scale", *[f"--{key}={value}" for key, value in sizes.items()], stdout=out)
    return out.getvalue()


def test_small_run_creates_what_it_promises():
    output = seed(units=10, members=60, entries=150, experts=2)
    assert "规模测试数据已生成" in output
    assert RecommendingUnit.objects.filter(name__startswith="规模测试学会").count() == 10
    assert MemberUnit.objects.count() == 60
    assert Nomination.objects.count() == 150
    assert Profile.objects.filter(role=Role.SECRETARIAT).count() == 10
    assert Profile.objects.filter(role=Role.MEMBER).count() == 60
    assert Profile.objects.filter(role=Role.PLATFORM).count() == 1
    # Every entry that left its author has an audit record; review states have dispatches and experts.
    sent = Nomination.objects.exclude(state="draft")
    assert AuditEvent.objects.filter(nomination__in=sent).values("nomination").distinct().count() == sent.count()
    assert SentMail.objects.exists()
    assert (
        Dispatch.objects.filter(nomination__state="in_review").count()
        == Nomination.objects.filter(state="in_review").count()
    )
    assert Assignment.objects.exists()


def test_small_run_keeps_quotas_and_member_caps():
    from nominations.models import Campaign

    seed(units=5, members=10, entries=200)
    campaign = Campaign.objects.get(year=2023)
    for unit in RecommendingUnit.objects.all():
        for _lst, _domain, quota in quotas.quota_table(unit, campaign):
            assert quota.used <= quota.total
    over = (
        Nomination.objects.filter(state__in=State.live())
        .values("member_unit_id", "ranking_list_id", "ranking_list__member_cap", "domain_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert all(row["n"] <= row["ranking_list__member_cap"] for row in over)
    assert Nomination.objects.filter(state__in=State.recommended(), recommended_at=None).count() == 0


def test_second_run_changes_nothing():
    seed(units=3, members=6, entries=20)
    output = seed(units=3, members=6, entries=20)
    assert "未重复生成" in output
    assert RecommendingUnit.objects.filter(name__startswith="规模测试学会").count() == 3
    assert Nomination.objects.count() == 20
