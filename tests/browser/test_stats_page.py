"""The statistics page in Chromium: ECharts (served from /static/) draws every chart, each next to its table.

Screenshot: test-artifacts/stats-page.png.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from nominations.models import Domain, RankingList, Role, State
from reviews import assignment, scoring
from reviews.criteria import load_review_criteria
from reviews.models import ReviewBody
from tests.factories import PASSWORD, MemberUnitFactory, NominationFactory, RecommendingUnitFactory, make_user
from tests.reviews.conftest import put_in_review

BEIJING = ZoneInfo("Asia/Shanghai")
REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)


@pytest.fixture
def data(settings, transactional_db, campaign):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_review_criteria(campaign)
    body = ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    platform_user = make_user(Role.PLATFORM, "platform", display_name="何平")
    coordinator = make_user(Role.COORDINATOR, "coordinator", review_body=body)
    experts = [make_user(Role.EXPERT, f"expert{i}", review_body=body, display_name=f"专家{i}") for i in (1, 2)]
    entries = []
    for i, unit_name in enumerate(("中国技术经济学会", "广东省科学技术协会", "北京市科学技术协会")):
        unit = RecommendingUnitFactory(name=unit_name, channel_codes=["society"])
        member = MemberUnitFactory(name=f"示例单位{i}", recommending_unit=unit)
        entries.append(
            NominationFactory(ranking_list=tech, domain=electronics, member_unit=member, state=State.RECOMMENDED)
        )
    put_in_review(entries, body, platform_user)
    with time_machine.travel(REVIEW_TIME, tick=True):
        for entry, (a, b) in zip(entries, [("9", "7"), ("8", "6"), ("6", "9")], strict=True):
            for expert, value in zip(experts, (a, b), strict=True):
                item = assignment.assign(entry, expert, coordinator)
                values = dict.fromkeys(["innovation", "advancement", "value", "transfer"], value)
                scoring.save_score(item, expert, values, "意见", submit=True)
    return entries


def test_stats_page_draws_its_charts(page, login, screenshot, data):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with time_machine.travel(REVIEW_TIME, tick=True):
        login(page, "platform", PASSWORD)
        page.goto("/reviews/platform/stats/")
        charts = page.locator("[data-chart]")
        count = charts.count()
        assert count == 8
        for i in range(count):
            expect(charts.nth(i).locator("svg")).to_have_count(1)
        expect(page.get_by_test_id("table-per-region")).to_contain_text("广东")
        screenshot(page, "stats-page")
    assert errors == []
