"""The panel vote (会评) in Chromium: the chair records attendance and opens the vote, the members vote on
their phones (390 px wide), the chair closes the vote, the result and the minutes appear.

Screenshots: test-artifacts/panel-*.png.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from nominations.models import Domain, Participation, RankingList, Role, State
from reviews import assignment, panel_setup, scoring
from reviews.criteria import load_review_criteria
from reviews.models import PanelBallotReceipt, ReviewBody
from tests.factories import PASSWORD, MemberUnitFactory, NominationFactory, RecommendingUnitFactory, make_user
from tests.reviews.conftest import put_in_review

BEIJING = ZoneInfo("Asia/Shanghai")
REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)
MEETING_TIME = datetime(2024, 1, 20, 10, 0, tzinfo=BEIJING)
TITLES = ("量子安全通信芯片关键技术", "工业互联网标识解析平台")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def meeting(settings, transactional_db, campaign):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_review_criteria(campaign)
    body = ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    society = RecommendingUnitFactory(name="中国技术经济学会", channel_codes=["society"])
    Participation.objects.create(campaign=campaign, unit=society, confirmed_at=datetime(2023, 11, 25, tzinfo=BEIJING))
    platform_user = make_user(Role.PLATFORM, "platform", display_name="何平")
    coordinator = make_user(Role.COORDINATOR, "coordinator", review_body=body, display_name="吴静")
    expert = make_user(Role.EXPERT, "expert", review_body=body, display_name="孙立新")
    entries = [
        NominationFactory(
            ranking_list=tech,
            domain=electronics,
            member_unit=MemberUnitFactory(name=f"示例单位{i}", recommending_unit=society),
            state=State.RECOMMENDED,
            title=title,
        )
        for i, title in enumerate(TITLES)
    ]
    put_in_review(entries, body, platform_user)
    with time_machine.travel(REVIEW_TIME, tick=True):
        for entry, value in zip(entries, ("9", "7"), strict=True):
            item = assignment.assign(entry, expert, coordinator)
            values = dict.fromkeys(["innovation", "advancement", "value", "transfer"], value)
            scoring.save_score(item, expert, values, "意见", submit=True)
        scoring.submit_results(body, coordinator)
    members = [
        make_user(Role.EXPERT, name, display_name=label, organization=unit)
        for name, label, unit in (
            ("alice", "李华", "北方大学"),
            ("bob", "王强", "南方研究院"),
            ("carol", "张敏", "东方科技"),
        )
    ]
    with time_machine.travel(MEETING_TIME, tick=True):
        meeting = panel_setup.create_meeting(
            platform_user, campaign, name="先导技术榜终评会评", ranking_lists=[tech], chair=members[0], members=members
        )
        panel_setup.add_candidates(meeting, platform_user)
    return meeting


def _phone(chromium_browser, live_server, login, username):
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True,
        has_touch=True, device_scale_factor=2,
    )  # fmt: skip
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, username, PASSWORD)
    return page


def test_panel_vote(page, login, screenshot, meeting, chromium_browser, live_server):
    url = f"/reviews/panel/{meeting.pk}/"
    with time_machine.travel(MEETING_TIME, tick=True):
        # The chair records attendance: everyone present.
        login(page, "alice", PASSWORD)
        page.goto(url)
        expect(page.get_by_test_id("panel-state")).to_have_text("筹备")
        for checkbox in page.locator("#attendance-form input[type=checkbox]").all():
            checkbox.check()
        page.click("#attendance-form button[type=submit]")
        expect(page.locator(".alert-success")).to_contain_text("实到 3 人")
        # Opening shows a preview first.
        page.get_by_test_id("panel-open").click()
        expect(page.get_by_test_id("panel-preview")).to_contain_text("应到 3 人，实到 3 人")
        page.get_by_test_id("panel-confirm").click()
        expect(page.get_by_test_id("panel-state")).to_have_text("投票中")
        screenshot(page, "panel-chair-opened")

        # Each member votes on a phone: 同意 on the first candidate; the second gets 同意 from two of three.
        candidates = list(meeting.candidates.order_by("order"))
        choices = {"alice": ("yes", "yes"), "bob": ("yes", "no"), "carol": ("yes", "abstain")}
        for username, (first, second) in choices.items():
            phone = _phone(chromium_browser, live_server, login, username)
            phone.goto(url)
            button = phone.get_by_test_id(f"vote-{candidates[0].pk}-{first}")
            box = button.bounding_box()
            assert box["width"] >= 90 and box["height"] >= 44  # big enough for a thumb
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            button.tap()
            phone.get_by_test_id(f"vote-{candidates[1].pk}-{second}").tap()
            if username == "bob":
                screenshot(phone, "panel-phone-ballot")
            phone.get_by_test_id("ballot-submit").tap()
            expect(phone.get_by_test_id("ballot-preview")).to_contain_text(TITLES[0])
            if username == "bob":
                screenshot(phone, "panel-phone-preview")
            phone.get_by_test_id("ballot-confirm").tap()
            expect(phone.locator(".alert-success").first).to_contain_text("您的选票已投出")
            expect(phone.get_by_test_id("ballot-status")).to_contain_text("您已投票")
            assert "panel-results" not in phone.content()  # sealed while the vote runs
            phone.context.close()
        assert PanelBallotReceipt.objects.filter(meeting=meeting).count() == 3

        # The chair sees the turnout only, then closes the vote (preview, then confirmation).
        page.goto(url)
        expect(page.get_by_test_id("panel-turnout")).to_contain_text("已投票 3 人 / 实到 3 人")
        page.get_by_test_id("panel-close").click()
        expect(page.get_by_test_id("panel-preview")).to_contain_text("已投票 3 人")
        page.get_by_test_id("panel-confirm").click()
        expect(page.get_by_test_id("panel-state")).to_have_text("已结束")
        results = page.get_by_test_id("panel-results")
        first_row = results.locator(f"tr[data-candidate='{candidates[0].pk}']")
        expect(first_row).to_contain_text("通过")
        expect(first_row.locator("td[data-label='同意']")).to_have_text("3")
        second_row = results.locator(f"tr[data-candidate='{candidates[1].pk}']")
        expect(second_row.locator("td[data-label='同意']")).to_have_text("1")
        expect(second_row).to_contain_text("未通过")
        screenshot(page, "panel-results")
        with page.expect_download() as download_info:
            page.get_by_test_id("minutes-docx").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".docx")

        # A member sees the result on the phone too.
        phone = _phone(chromium_browser, live_server, login, "bob")
        phone.goto(url)
        expect(phone.get_by_test_id("panel-results")).to_contain_text(TITLES[0])
        screenshot(phone, "panel-phone-results")
        phone.context.close()
