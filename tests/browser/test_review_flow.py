"""The review flow in Chromium: dispatch, automatic assignment, scoring, the body's results, the final
review, publication, and the public list.

Time is frozen with time-machine (tick=True): 2023-12-05 for dispatch, assignment and scoring, then
2024-02-05 for the final review and publication.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from nominations.models import Domain, MailAudience, MailKind, Participation, RankingList, Role, SentMail, State
from reviews.criteria import load_review_criteria
from reviews.models import Assignment, BodySubmission, Publication, ReviewBody
from tests.factories import PASSWORD, MemberUnitFactory, NominationFactory, RecommendingUnitFactory, make_user

BEIJING = ZoneInfo("Asia/Shanghai")
REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)
PUBLICATION_TIME = datetime(2024, 2, 5, 10, 0, tzinfo=BEIJING)
TITLES = ("量子安全通信芯片关键技术", "工业互联网标识解析平台")


@pytest.fixture
def flow(settings, transactional_db, campaign):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_review_criteria(campaign)
    body = ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")
    tech = RankingList.objects.get(campaign=campaign, code="tech")
    electronics = Domain.objects.get(ranking_list=tech, code="electronics")
    society = RecommendingUnitFactory(name="中国技术经济学会", channel_codes=["society"])
    Participation.objects.create(campaign=campaign, unit=society, confirmed_at=datetime(2023, 11, 25, tzinfo=BEIJING))
    entries = []
    for title, member_name in zip(TITLES, ("示例量子科技有限公司", "示例工业互联网有限公司"), strict=True):
        member = MemberUnitFactory(name=member_name, recommending_unit=society)
        entries.append(
            NominationFactory(
                ranking_list=tech, domain=electronics, member_unit=member, state=State.RECOMMENDED, title=title
            )
        )
    make_user(Role.PLATFORM, "platform", display_name="何平")
    make_user(Role.COORDINATOR, "coordinator", review_body=body, display_name="吴静")
    make_user(Role.EXPERT, "expert", review_body=body, display_name="孙立新", organization="北方信息科技大学")
    return {"body": body, "entries": entries, "campaign": campaign}


def as_user(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def test_review_flow(page, login, screenshot, flow):
    body, entries = flow["body"], flow["entries"]

    with time_machine.travel(REVIEW_TIME, tick=True):
        # The platform secretariat dispatches the recommended entries.
        as_user(page, login, "platform")
        page.goto("/reviews/platform/dispatch/")
        expect(page.get_by_role("heading", name="待分发的申报（2 项）")).to_be_visible()
        screenshot(page, "review-1-dispatch")
        page.get_by_role("button", name=re.compile("预览分发")).click()
        expect(page.get_by_role("heading", name=re.compile("确认后，以下 2 项申报将分发至初评机构"))).to_be_visible()
        page.get_by_role("button", name="确认分发").click()
        expect(page.get_by_text("已将 2 项申报分发至初评机构")).to_be_visible()

        # The coordinator assigns automatically.
        as_user(page, login, "coordinator")
        page.goto("/reviews/coordinator/")
        expect(page.locator("#assignment-table")).to_contain_text(TITLES[0])
        page.fill("#id_k", "1")
        page.get_by_role("button", name="自动分配").click()
        # The optimal plan first (nothing saved), then the confirmation.
        expect(page.get_by_test_id("plan-added")).to_have_text("2")
        screenshot(page, "review-2-coordinator-assignment-plan")
        page.get_by_role("button", name="确认按此方案分配").click()
        expect(page.get_by_text("自动分配完成：新增 2 条评审分配")).to_be_visible()
        expect(page.locator("#assignment-table")).to_contain_text("孙立新")
        screenshot(page, "review-2-coordinator-assigned")
        assert Assignment.objects.filter(body=body, active=True).count() == 2

        # The expert scores both entries and submits.
        as_user(page, login, "expert")
        page.goto("/reviews/expert/")
        expect(page.locator("#expert-assignments tbody tr")).to_have_count(2)
        screenshot(page, "review-3-expert-dashboard")
        for scores, entry in zip((("9", "8.5", "9", "8"), ("7", "7", "6.5", "7")), entries, strict=True):
            page.goto(f"/reviews/expert/entries/{entry.pk}/")
            expect(page.locator("#others-hidden")).to_be_visible()
            for name, value in zip(("innovation", "advancement", "value", "transfer"), scores, strict=True):
                page.fill(f"input[name=c_{name}]", value)
            page.fill("textarea[name=comment]", "技术先进，应用前景良好。")
            if entry == entries[0]:
                screenshot(page, "review-4-expert-scoring")
            page.get_by_role("button", name="提交评分").click()
            expect(page.get_by_text("评分尚未提交。")).to_be_visible()
            if entry == entries[0]:
                expect(page.locator("#preview-total")).to_have_text("86.75")
                screenshot(page, "review-4b-expert-score-preview")
                page.set_viewport_size({"width": 390, "height": 844})
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                screenshot(page, "review-4b-expert-score-preview-390")
                page.set_viewport_size({"width": 1280, "height": 720})
            page.get_by_role("button", name="确认提交评分").click()
            expect(page.get_by_text("评分已提交。")).to_be_visible()
        page.goto("/reviews/expert/")
        expect(page.locator("#expert-assignments")).to_contain_text("已提交")
        expect(page.get_by_text("（2 / 2 已提交）")).to_be_visible()

        # The coordinator sees the ranking and submits the results.
        as_user(page, login, "coordinator")
        page.goto("/reviews/coordinator/")
        ranking = page.locator("#ranking table").first
        expect(ranking.locator("tbody tr").first).to_contain_text(TITLES[0])
        expect(ranking.locator("tbody tr").first).to_contain_text("86.75")
        screenshot(page, "review-5-coordinator-ranking")
        page.get_by_role("button", name="向平台报送初评结果").click()
        expect(page.get_by_text("报送后本机构评分锁定，不能修改")).to_be_visible()
        screenshot(page, "review-5b-coordinator-results-preview")
        page.get_by_role("button", name="确认报送").click()
        expect(page.get_by_text("初评结果已报送平台秘书处")).to_be_visible()
        assert BodySubmission.objects.filter(body=body).exists()

    with time_machine.travel(PUBLICATION_TIME, tick=True):
        # The platform secretariat marks the entries listed and publishes.
        as_user(page, login, "platform")
        page.goto("/reviews/platform/final/")
        for entry in entries:
            page.select_option(f"select[name=choice_{entry.pk}]", "listed")
        page.fill(f"[name=reason_{entries[0].pk}]", "初评第一名")
        screenshot(page, "review-6-final-review")
        page.get_by_role("button", name="保存终评结果").click()
        expect(page.get_by_text("终评结果已保存")).to_be_visible()
        # Publication per list: the button leads to the preview, 确认发布 publishes.
        page.get_by_role("button", name="发布先导技术榜").click()
        expect(page.get_by_text("发布后不能撤回")).to_be_visible()
        expect(page.get_by_test_id("publish-rows")).to_contain_text(TITLES[0])
        screenshot(page, "review-7-publish-preview")
        page.get_by_role("button", name="确认发布").click()
        expect(page).to_have_url(re.compile(r"/published/2023/$"))
        assert Publication.objects.filter(campaign=flow["campaign"], ranking_list__code="tech").exists()
        assert SentMail.objects.filter(kind=MailKind.OUTCOME, audience=MailAudience.MEMBER).count() == 2

        # Anyone reads the published list.
        page.context.clear_cookies()
        page.goto("/published/2023/")
        expect(page.get_by_role("heading", name="2023年“科创中国”系列榜单")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("电子信息"))).to_be_visible()
        for title in TITLES:
            expect(page.locator(".published-list")).to_contain_text(title)
        expect(page.get_by_role("link", name="下载榜单（Excel）")).to_be_visible()
        expect(page.get_by_text("尚未发布").first).to_be_visible()
        screenshot(page, "review-8-published")

        # The home page links the published lists.
        page.goto("/")
        screenshot(page, "review-9-home-published")
        page.get_by_role("link", name=re.compile("2023年榜单已发布：先导技术榜")).click()
        expect(page).to_have_url(re.compile(r"/published/2023/$"))
    for entry in entries:
        entry.refresh_from_db()
        assert entry.state == State.PUBLISHED
