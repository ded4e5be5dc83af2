"""The header bar counts down to the next deadline of the viewer's role (rules/deadlines.next_deadline_for):
a member to its member deadline (and, once it has passed, says so instead of counting down to the
platform's), a pioneer and a secretariat to the platform deadline (the unit's extension included), an
expert and a coordinator to the initial-review deadline (the body's extension included), everybody else
to the next campaign-wide moment."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nominations.models import Extension, ExtensionKind, Role
from reviews.models import ReviewBody, ReviewExtension
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
AFTER_MEMBER = datetime(2023, 11, 21, 10, 0, tzinfo=BEIJING)
AFTER_PLATFORM = datetime(2023, 12, 2, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def bar(client, user, moment):
    """The header bar's visible text (tags stripped) for ``user`` (``None``: a visitor) at ``moment``."""
    if user is not None:
        client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(moment, tick=False):
        page = client.get("/").content.decode()
    found = re.search(r'<div class="deadline-bar.*?</div>\s*</div>', page, re.S)
    assert found, "no header bar"
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", found.group(0))
    summary = re.search(r'<span class="visually-hidden">([^<]*)</span>', found.group(0))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
    return text, summary.group(1) if summary else None


def test_member_counts_down_to_its_member_deadline(client, member_user):
    text, summary = bar(client, member_user, OPEN)
    assert "会员提交截止： 2023年11月20日 17:00" in text and summary == "还剩 5 天 7 小时"


def test_member_after_its_deadline_is_not_told_it_has_time(client, member_user):
    text, summary = bar(client, member_user, AFTER_MEMBER)
    assert "会员提交截止： 2023年11月20日 17:00" in text and "已截止" in text
    assert summary is None and "还剩" not in text and "平台申报截止" not in text


def test_member_with_an_extension(client, member_user, member_unit, campaign):
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.MEMBER,
        member_unit=member_unit,
        until=datetime(2023, 11, 22, 17, 0, tzinfo=BEIJING),
        reason="系统故障",
        granted_at=OPEN,
    )
    text, summary = bar(client, member_user, AFTER_MEMBER)
    assert "会员提交截止（已延期）： 2023年11月22日 17:00" in text and summary == "还剩 1 天 7 小时"


def test_pioneer_counts_down_to_the_platform_deadline(client, pioneer_user):
    text, summary = bar(client, pioneer_user, AFTER_MEMBER)
    assert "平台申报截止： 2023年11月30日 24:00" in text and summary == "还剩 9 天 14 小时"


def test_secretariat_counts_down_to_its_units_platform_deadline(
    client, secretariat_user, other_secretariat_user, society, campaign
):
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.PLATFORM,
        recommending_unit=society,
        until=datetime(2023, 12, 5, 17, 0, tzinfo=BEIJING),
        reason="材料补正",
        granted_at=OPEN,
    )
    text, summary = bar(client, secretariat_user, AFTER_PLATFORM)
    assert "平台申报截止（已延期）： 2023年12月5日 17:00" in text and summary == "还剩 3 天 7 小时"
    client.logout()
    text, summary = bar(client, other_secretariat_user, AFTER_PLATFORM)
    assert "平台申报截止： 2023年11月30日 24:00" in text and "已截止" in text and summary is None


@pytest.mark.parametrize("role", [Role.EXPERT, Role.COORDINATOR])
def test_review_side_counts_down_to_its_bodys_deadline(client, campaign, role):
    body, other = ReviewBody.objects.filter(campaign=campaign).order_by("order")[:2]
    ReviewExtension.objects.create(
        body=body, until=datetime(2024, 1, 5, 17, 0, tzinfo=BEIJING), reason="专家出差", granted_at=AFTER_PLATFORM
    )
    text, summary = bar(client, make_user(role, f"{role}-a", review_body=body), AFTER_MEMBER)
    assert "初评结果报送截止（已延期）： 2024年1月5日 17:00" in text and summary == "还剩 45 天 7 小时"
    client.logout()
    text, summary = bar(client, make_user(role, f"{role}-b", review_body=other), AFTER_MEMBER)
    assert "初评结果报送截止： 2023年12月30日 24:00" in text and summary == "还剩 39 天 14 小时"


@pytest.mark.parametrize("who", ["platform", "visitor"])
def test_platform_and_visitors_see_the_next_campaign_wide_moment(client, campaign, who):
    user = make_user(Role.PLATFORM, "platform") if who == "platform" else None
    text, summary = bar(client, user, AFTER_MEMBER)
    assert "平台申报截止： 2023年11月30日 24:00" in text and summary == "还剩 9 天 14 小时"
