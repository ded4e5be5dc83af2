"""The society's secretariat triages in a browser: filter, return with a comment (the member sees it and
resubmits), accept and recommend up to the stacked quota, the next recommendation refused with the
quota shown, confirmation; and after 2023-11-30 24:00 Beijing time recommending is refused."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from nominations import extensions, workflow
from nominations.models import ExtensionKind, Nomination, State
from tests.factories import PASSWORD, MemberUnitFactory, NominationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
IN_COLLECTION = datetime(2023, 11, 25, 10, 0, tzinfo=SHANGHAI)
AFTER_DEADLINE = datetime(2023, 12, 1, 0, 5, tzinfo=SHANGHAI)

# Entries the members submitted during collection.
SENT = {"state": State.SUBMITTED, "sent_at": IN_COLLECTION}

# The member's side runs through the intake helper's pages (member/<pk>/); switch off if they move.
MEMBER_PAGES_READY = True


def _switch_user(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _member_resubmits(page, login, screenshot, entry, comment):
    """As ``member``: the comment shows on the entry, and the entry can be resubmitted."""
    _switch_user(page, login, "member")
    page.goto(f"/member/{entry.pk}/")
    expect(page.locator(".alert-info").filter(has_text="退回意见")).to_contain_text(comment)
    screenshot(page, "triage-03-member-sees-comment")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="重新提交").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#entry-state")).to_have_text("已提交")
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED


def _select(page, entries):
    for entry in entries:
        page.check(f"#sel-{entry.pk}")


def _batch(page, action_label):
    page.select_option("#batch-action", label=action_label)
    page.get_by_test_id("batch-preview").click()
    page.wait_for_load_state("networkidle")


def test_secretariat_triage(
    page,
    login,
    screenshot,
    secretariat_user,
    member_user,
    platform_user,
    society,
    member_unit,
    tech,
    electronics,
    enterprise,
):
    with time_machine.travel(IN_COLLECTION, tick=True):
        # Three member units of the society (each may have at most 3 live entries per domain).
        members = [
            member_unit,
            MemberUnitFactory(recommending_unit=society),
            MemberUnitFactory(recommending_unit=society),
        ]
        owners = [members[0]] * 2 + [members[1]] * 3 + [members[2]] * 2
        # The first has no 推荐意见 yet: the secretariat writes it on the entry's page before recommending.
        chips = [
            NominationFactory(
                member_unit=owner,
                ranking_list=tech,
                title=f"芯片技术{i}",
                **SENT,
                **({"opinion": ""} if i == 1 else {}),
            )
            for i, owner in enumerate(owners, start=1)
        ]
        to_return = NominationFactory(member_unit=member_unit, ranking_list=tech, title="待退回的感知技术", **SENT)
        NominationFactory(member_unit=member_unit, ranking_list=enterprise, title="新锐示例企业", **SENT)
        # The internal member deadline (11-20 17:00) has passed: the platform lets this member resubmit.
        extensions.grant_extension(
            platform_user,
            tech.campaign,
            kind=ExtensionKind.MEMBER,
            until=datetime(2023, 11, 28, 17, 0, tzinfo=SHANGHAI),
            reason="退回修改后补充材料",
            member_unit=member_unit,
        )

        login(page, "secretariat", PASSWORD)
        page.goto("/secretariat/inbox/")
        expect(page.get_by_test_id("inbox")).to_contain_text("新锐示例企业")
        # Filter: 先导技术榜 only, then a search.
        page.select_option("#id_ranking_list", label="先导技术榜")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state("networkidle")
        inbox = page.get_by_test_id("inbox")
        expect(inbox).not_to_contain_text("新锐示例企业")
        expect(inbox).to_contain_text("芯片技术1")
        page.fill("#id_q", "感知")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("inbox").locator("tbody tr")).to_have_count(1)
        screenshot(page, "triage-01-inbox-filtered")

        # Return with a comment.
        page.get_by_role("link", name="待退回的感知技术").click()
        comment = "请补充第三方检测报告和知识产权证明。"
        page.fill("#note-return", comment)
        page.locator("form[data-action=return] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("entry-state")).to_have_text("退回修改")
        expect(page.get_by_test_id("history")).to_contain_text(comment)
        screenshot(page, "triage-02-returned")

        if MEMBER_PAGES_READY:
            _member_resubmits(page, login, screenshot, to_return, comment)
            _switch_user(page, login, "secretariat")

        # Accept every 电子信息 entry in one batch (preview first).
        page.goto(f"/secretariat/inbox/?domain={electronics.pk}&state=submitted")
        _select(page, [*chips, to_return])
        _batch(page, "受理")
        expect(page.get_by_test_id("batch-items").locator("tbody tr")).to_have_count(8)
        screenshot(page, "triage-04-batch-accept-preview")
        page.get_by_test_id("batch-apply").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".alert-success")).to_contain_text("已批量受理 8 项申报")

        # 推荐 needs the 推荐意见: disabled with the reason until it is written on the entry's page.
        page.goto(f"/secretariat/entries/{chips[0].pk}/")
        recommend = page.get_by_test_id("action-recommend")
        expect(recommend).to_be_disabled()
        expect(recommend).to_have_attribute("title", "请先填写推荐意见（不超过 600 字）。")
        page.fill("#opinion", "该芯片技术指标国内领先，已在多家整机企业批量应用，同意推荐。")
        page.get_by_test_id("save-opinion").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".messages")).to_contain_text("已保存推荐意见")
        expect(page.get_by_test_id("action-recommend")).to_be_enabled()
        screenshot(page, "triage-04b-opinion")

        # Recommending seven at once would pass the quota of 6 (3 × 2 channels): nothing changes.
        page.goto(f"/secretariat/inbox/?domain={electronics.pk}&state=accepted")
        _select(page, chips)
        _batch(page, "推荐")
        expect(page.get_by_test_id("batch-problems")).to_contain_text(
            "先导技术榜“电子信息”领域名额 6，已推荐 0，本批再推荐 7 将超出"
        )
        expect(page.get_by_test_id("batch-apply")).to_have_count(0)
        screenshot(page, "triage-05-batch-over-quota")
        assert Nomination.objects.filter(state=State.RECOMMENDED).count() == 0

        # Six fit.
        page.goto(f"/secretariat/inbox/?domain={electronics.pk}&state=accepted")
        _select(page, chips[:6])
        _batch(page, "推荐")
        page.get_by_test_id("batch-apply").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator(".alert-success")).to_contain_text("已批量推荐 6 项申报")

        # The seventh is refused, with the quota shown.
        page.goto(f"/secretariat/entries/{chips[6].pk}/")
        expect(page.get_by_test_id("entry-quota")).to_have_text("已推荐 6 / 名额 6")
        # The button that cannot succeed is disabled, with the reason as its tooltip and as text.
        recommend = page.locator("form[data-action=recommend] button[type=submit]")
        expect(recommend).to_be_disabled()
        expect(recommend).to_have_attribute(
            "title", re.compile("先导技术榜“电子信息”领域的推荐名额已用完（已推荐 6 / 名额 6，3 × 2 个渠道")
        )
        expect(page.locator("form[data-action=recommend]")).to_contain_text("推荐名额已用完")
        screenshot(page, "triage-06-quota-refused")
        chips[6].refresh_from_db()
        assert chips[6].state == State.ACCEPTED

        # The meters, then confirmation.
        page.goto("/secretariat/")
        expect(page.locator('[data-meter="tech-electronics"] .meter-value')).to_have_text("6 / 6")
        expect(page.locator('[data-meter="tech-electronics"]')).to_contain_text(
            "3 × 2 个渠道（全国学会、协会、研究会、“科创中国”联合体成员单位）"
        )
        page.get_by_test_id("confirm-link").click()
        expect(page.get_by_test_id("confirm-consequence")).to_contain_text("项申报将标记为“未获推荐”")
        screenshot(page, "triage-07-confirm-preview")
        page.get_by_test_id("confirm-button").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("confirmation")).to_contain_text("已确认")
        screenshot(page, "triage-07-confirmed")
        chips[0].refresh_from_db()
        decision = workflow.check(chips[0], "unrecommend", secretariat_user)
        assert decision.reason == "本单位已确认推荐结果，如需修改请联系平台秘书处重新开放"


def test_recommending_is_refused_after_the_platform_deadline(
    page, login, screenshot, secretariat_user, member_unit, tech, electronics
):
    with time_machine.travel(IN_COLLECTION, tick=False):
        entry = NominationFactory(
            member_unit=member_unit,
            ranking_list=tech,
            state=State.ACCEPTED,
            title="截止后推荐的技术",
            sent_at=IN_COLLECTION,
        )
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        login(page, "secretariat", PASSWORD)
        page.goto(f"/secretariat/entries/{entry.pk}/")
        recommend = page.locator("form[data-action=recommend] button[type=submit]")
        expect(recommend).to_be_disabled()
        expect(recommend).to_have_attribute(
            "title", re.compile(r"平台申报截止时间已过：截止时间为北京时间 2023年11月30日 24:00")
        )
        screenshot(page, "triage-08-after-deadline")
        entry.refresh_from_db()
        assert entry.state == State.ACCEPTED
        page.goto("/secretariat/")
        expect(page.get_by_test_id("confirmation")).to_contain_text("平台申报截止时间已过")


def test_select_all_ticks_every_entry_on_the_page_for_a_batch(page, login, secretariat_user, member_unit, enterprise):
    with time_machine.travel(IN_COLLECTION, tick=False):
        entries = [
            NominationFactory(member_unit=member_unit, ranking_list=enterprise, title=f"全选企业{i}", **SENT)
            for i in range(3)
        ]
    with time_machine.travel(IN_COLLECTION, tick=True):
        login(page, "secretariat", PASSWORD)
        page.goto("/secretariat/inbox/")
        page.check("#select-all")
        for entry in entries:
            expect(page.locator(f"#sel-{entry.pk}")).to_be_checked()
        page.uncheck(f"#sel-{entries[0].pk}")
        assert page.eval_on_selector("#select-all", "el => el.indeterminate")
        page.check(f"#sel-{entries[0].pk}")
        expect(page.locator("#select-all")).to_be_checked()
        _batch(page, "受理")
        for entry in entries:
            expect(page.locator("body")).to_contain_text(entry.title)


pytestmark = pytest.mark.django_db(transaction=True)
