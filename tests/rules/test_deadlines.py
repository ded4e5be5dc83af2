"""Deadlines: 17:00 and 24:00 boundaries in Beijing time, whatever the server's clock zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from kczg_site import clock
from nominations.models import Extension, ExtensionKind, Participation
from nominations.rules.deadlines import Deadline, member_deadline, next_deadline, platform_deadline
from tests.factories import MemberUnitFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def extend(campaign, kind, until, *, recommending_unit=None, member_unit=None):
    return Extension.objects.create(
        campaign=campaign,
        kind=kind,
        recommending_unit=recommending_unit,
        member_unit=member_unit,
        until=until,
        reason="系统故障",
        granted_at=beijing(2023, 11, 20, 12),
    )


MEMBER_CASES = [
    (beijing(2023, 11, 20, 16, 59, 59), True),
    (beijing(2023, 11, 20, 17, 0, 0), False),
    (beijing(2023, 11, 20, 17, 0, 1), False),
    (utc(2023, 11, 20, 8, 59, 59), True),
    (utc(2023, 11, 20, 9, 0, 0), False),
]
PLATFORM_CASES = [
    (beijing(2023, 11, 30, 23, 59, 59), True),
    (beijing(2023, 12, 1, 0, 0, 0), False),
    (utc(2023, 11, 30, 15, 59, 59), True),
    (utc(2023, 11, 30, 16, 0, 0), False),
]


@pytest.mark.parametrize(("moment", "is_open"), MEMBER_CASES)
def test_member_deadline_boundary(campaign, member_unit, moment, is_open):
    deadline = member_deadline(campaign, member_unit)
    assert deadline.is_open(moment) is is_open
    assert bool(deadline.check(moment)) is is_open


@pytest.mark.parametrize(("moment", "is_open"), MEMBER_CASES)
def test_member_deadline_on_the_frozen_server_clock(campaign, member_unit, moment, is_open):
    # The server clock runs in UTC; time-machine freezes it at the moment given in either zone.
    with time_machine.travel(moment, tick=False):
        assert clock.now() == moment
        assert member_deadline(campaign, member_unit).is_open() is is_open


@pytest.mark.parametrize(("moment", "is_open"), PLATFORM_CASES)
def test_platform_deadline_boundary(campaign, society, moment, is_open):
    assert platform_deadline(campaign, society).is_open(moment) is is_open
    assert platform_deadline(campaign).is_open(moment) is is_open
    with time_machine.travel(moment, tick=False):
        assert platform_deadline(campaign, society).is_open() is is_open
        assert bool(platform_deadline(campaign, society).check()) is is_open


def test_refusal_names_the_deadline_and_24_00(campaign, society, member_unit):
    decision = platform_deadline(campaign, society).check(beijing(2023, 12, 1))
    assert not decision
    assert "平台申报截止时间已过" in decision.reason
    assert "2023年11月30日 24:00" in decision.reason
    decision = member_deadline(campaign, member_unit).check(utc(2023, 11, 20, 9))
    assert "会员提交截止时间已过" in decision.reason
    assert "2023年11月20日 17:00" in decision.reason
    assert "延期" not in decision.reason


def test_participation_overrides_the_member_deadline(campaign, society, member_unit):
    Participation.objects.create(campaign=campaign, unit=society, member_deadline=beijing(2023, 11, 25, 12))
    deadline = member_deadline(campaign, member_unit)
    assert deadline.at == beijing(2023, 11, 25, 12)
    assert deadline.is_open(beijing(2023, 11, 25, 11, 59, 59))
    assert not deadline.is_open(beijing(2023, 11, 25, 12))
    other = MemberUnitFactory()
    assert member_deadline(campaign, other).at == campaign.member_deadline


def test_a_participation_without_a_date_keeps_the_campaign_deadline(campaign, society, member_unit):
    Participation.objects.create(campaign=campaign, unit=society)
    assert member_deadline(campaign, member_unit).at == campaign.member_deadline


def test_extension_for_one_member_unit(campaign, society, member_unit):
    sibling = MemberUnitFactory(recommending_unit=society)
    extend(campaign, ExtensionKind.MEMBER, beijing(2023, 11, 22, 17), member_unit=member_unit)
    late = beijing(2023, 11, 21, 10)
    extended = member_deadline(campaign, member_unit)
    assert extended.is_open(late)
    assert extended.effective == beijing(2023, 11, 22, 17)
    assert not extended.is_open(beijing(2023, 11, 22, 17))
    assert not member_deadline(campaign, sibling).is_open(late)
    reason = extended.check(beijing(2023, 11, 23)).reason
    assert "2023年11月22日 17:00" in reason
    assert "含延期" in reason


def test_extension_for_a_recommending_unit_opens_it_for_all_its_members(campaign, society, other_unit):
    members = [MemberUnitFactory(recommending_unit=society) for _ in range(2)]
    outsider = MemberUnitFactory(recommending_unit=other_unit)
    extend(campaign, ExtensionKind.MEMBER, beijing(2023, 11, 24, 12), recommending_unit=society)
    late = beijing(2023, 11, 23, 10)
    assert all(member_deadline(campaign, m).is_open(late) for m in members)
    assert not member_deadline(campaign, outsider).is_open(late)
    # A member extension does not move the platform deadline.
    assert platform_deadline(campaign, society).effective == campaign.platform_deadline


def test_the_later_of_two_extensions_wins(campaign, society, member_unit):
    extend(campaign, ExtensionKind.MEMBER, beijing(2023, 11, 22, 17), member_unit=member_unit)
    extend(campaign, ExtensionKind.MEMBER, beijing(2023, 11, 24, 17), recommending_unit=society)
    assert member_deadline(campaign, member_unit).effective == beijing(2023, 11, 24, 17)


def test_an_earlier_extension_never_shortens(campaign, society, member_unit):
    extend(campaign, ExtensionKind.MEMBER, beijing(2023, 11, 19), member_unit=member_unit)
    assert member_deadline(campaign, member_unit).effective == campaign.member_deadline


def test_platform_extension_for_a_unit(campaign, society, other_unit):
    extend(campaign, ExtensionKind.PLATFORM, beijing(2023, 12, 3), recommending_unit=society)
    late = beijing(2023, 12, 2, 10)
    assert platform_deadline(campaign, society).is_open(late)
    assert not platform_deadline(campaign, other_unit).is_open(late)
    assert not platform_deadline(campaign).is_open(late)


def test_deadline_effective():
    at = beijing(2023, 11, 20, 17)
    assert Deadline("x", at).effective == at
    assert Deadline("x", at, beijing(2023, 11, 21)).effective == beijing(2023, 11, 21)
    assert Deadline("x", at, beijing(2023, 11, 19)).effective == at


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (beijing(2023, 11, 15, 10), ("会员提交截止", "member_deadline")),
        (beijing(2023, 11, 20, 16, 59, 59), ("会员提交截止", "member_deadline")),
        (beijing(2023, 11, 20, 17), ("平台申报截止", "platform_deadline")),
        (beijing(2023, 11, 30, 23, 59, 59), ("平台申报截止", "platform_deadline")),
        (beijing(2023, 12, 1), ("初评结果报送截止", "initial_review_deadline")),
        (beijing(2024, 1, 10), ("终评结束", "final_review_end")),
        (beijing(2024, 2, 1), None),
    ],
)
def test_next_deadline(campaign, moment, expected):
    found = next_deadline(campaign, moment)
    if expected is None:
        assert found is None
    else:
        assert found == (expected[0], getattr(campaign, expected[1]))
    with time_machine.travel(moment, tick=False):
        assert next_deadline(campaign) == found
