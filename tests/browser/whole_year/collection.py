"""The collection stages of the year, in order: intake, return and resubmit, recommendation, confirmation,
the member after it, and the two deadlines passing. Each sets its moment, logs in as a README demo user,
clicks through the pages and asserts what that user sees, then saves its screenshots.
"""

import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from .entries import (
    MEMBER4_ELECTRONICS,
    MEMBER_ACCEPTED,
    MEMBER_DRAFT,
    MEMBER_SUBMITTED,
    NEW_TITLE,
    OVER_QUOTA,
    RETURN_NOTE,
    SOCIETY,
    UNCONFIRMED_DRAFT,
    UNCONFIRMED_UNIT,
)
from .helpers import Walk, demo_start, go, just_after, log_in, row, shot


def _fill_tech_form(page) -> None:
    """Every required field of the 先导技术榜 form."""
    page.fill("#id_name", NEW_TITLE)
    page.fill("#id_units", "北京星衡智能科技有限公司、北方航天光电研究所")
    page.fill("#id_leader", "周宁")
    page.select_option("#id_maturity", "trl7")
    page.fill("#id_summary", "研制低轨卫星星间激光通信终端，实现百公里级稳定链路与自主捕获跟踪。")
    page.fill("#id_innovation", "一是快速捕获跟踪算法；二是轻小型光学天线；三是星载高速调制解调。")
    page.fill("#id_ip", "授权发明专利 6 项。")
    page.fill("#id_application", "已在 2 颗试验卫星上在轨验证，近三年合同额 8000 万元。")
    page.fill("#id_contact_name", "周宁")
    page.fill("#id_contact_phone", "010-68767227")
    page.fill("#id_contact_email", "zhouning@example.org")


def _inbox(walk: Walk):
    go(walk, "收件箱")
    inbox = walk.page.get_by_test_id("inbox")
    expect(inbox).to_be_visible()
    return inbox


def _batch(walk: Walk, titles, action_label: str):
    """Tick ``titles`` in the inbox, preview ``action_label`` for them and apply it."""
    page = walk.page
    inbox = _inbox(walk)
    for title in titles:
        row(inbox, title).locator("input[name=ids]").check()
    page.select_option("#batch-action", label=action_label)
    page.get_by_test_id("batch-preview").click()
    items = page.get_by_test_id("batch-items")
    for title in titles:
        expect(items).to_contain_text(title)
    page.get_by_test_id("batch-apply").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已批量{action_label} {len(titles)} 项申报")


# ---------------------------------------------------------------- collection (the demo clock's start)


def intake(walk: Walk) -> None:
    """`member` creates a 先导技术榜 · 电子信息 entry, fills every required field and submits it."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "member")
        expect(page.get_by_role("heading", name=re.compile("我的申报"))).to_be_visible()
        page.get_by_role("link", name="新建申报").click()
        page.check("#list-tech")
        page.select_option("#domain-select", label="电子信息")
        page.click("#new-entry-form button[type=submit]")
        expect(page.locator("h1")).to_contain_text("先导技术榜申报表")
        _fill_tech_form(page)
        page.click("button[value=submit]")
        expect(page.locator("#entry-state")).to_have_text("已提交")
        expect(page.locator(".messages")).to_contain_text("已提交至")
        go(walk, "我的申报")
        expect(row(page.locator("#entries"), NEW_TITLE)).to_contain_text("已提交")
        shot(walk, "intake")


def return_with_note(walk: Walk) -> None:
    """`secretariat` returns the new entry with a note."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "secretariat")
        inbox = _inbox(walk)
        expect(row(inbox, NEW_TITLE)).to_contain_text("已提交")
        row(inbox, NEW_TITLE).get_by_role("link", name=NEW_TITLE).click()
        page.fill("#note-return", RETURN_NOTE)
        page.locator("form[data-action=return] button[type=submit]").click()
        expect(page.get_by_test_id("entry-state")).to_have_text("退回修改")
        expect(page.get_by_test_id("history")).to_contain_text(RETURN_NOTE)
        shot(walk, "returned")


def resubmit(walk: Walk) -> None:
    """`member` reads the note on the entry and resubmits it."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "member")
        entries = page.locator("#entries")
        expect(row(entries, NEW_TITLE)).to_contain_text("退回修改")
        row(entries, NEW_TITLE).get_by_role("link", name=NEW_TITLE).click()
        expect(page.locator(".alert-info").filter(has_text="退回意见")).to_contain_text(RETURN_NOTE)
        page.get_by_role("button", name="重新提交").click()
        expect(page.locator("#entry-state")).to_have_text("已提交")
        shot(walk, "resubmitted")


# The refusal of 推荐 without an opinion (nominations.opinions.check_opinion).
OPINION_MISSING = "请先填写推荐意见（不超过 600 字）。"


def _write_opinion(walk: Walk, title: str) -> None:
    """On the entry's page: 推荐 is disabled until the opinion is written; write it and save."""
    page = walk.page
    inbox = _inbox(walk)
    row(inbox, title).get_by_role("link", name=title).click()
    expect(page.get_by_test_id("action-recommend")).to_have_attribute("title", OPINION_MISSING)
    expect(page.get_by_test_id("form-docx")).to_have_text("下载申报书（Word）")
    page.fill("#opinion", f"“{title}”技术水平国内领先，已形成规模化应用，材料真实完整，同意推荐。")
    page.get_by_test_id("save-opinion").click()
    expect(page.locator(".messages")).to_contain_text("已保存推荐意见")
    expect(page.get_by_test_id("history")).to_contain_text("填写推荐意见")
    expect(page.get_by_test_id("action-recommend")).to_be_enabled()


# The quota's refusal (workflow.check_limit) once the society's 6 places of 电子信息 are used.
QUOTA_FULL = re.compile(r"电子信息.*的推荐名额已用完（已推荐 6 / 名额 6，")


def recommend_to_quota(walk: Walk) -> None:
    """`secretariat` accepts in a batch, writes the 推荐意见 of each on its page (推荐 is disabled until
    then), and recommends in a batch up to the 6 places of 先导技术榜 · 电子信息 (one was
    recommended already; the 工作台 meter shows 6 / 6). The society's 7th candidate can still be accepted,
    but its 推荐 is disabled with the quota's reason: in the inbox row (tooltip) and on the entry's page
    (tooltip and visible text)."""
    page = walk.page
    candidates = [NEW_TITLE, MEMBER_SUBMITTED, *MEMBER4_ELECTRONICS]
    with walk.at(demo_start()):
        log_in(walk, "secretariat")
        _batch(walk, candidates, "受理")
        # Recommending needs the unit's 推荐意见: written on each entry's page (the new one shown).
        for title in candidates:
            _write_opinion(walk, title)
            if title == NEW_TITLE:
                shot(walk, "opinion")
        _batch(walk, candidates, "推荐")
        go(walk, "工作台")
        meter = page.locator('[data-meter="tech-electronics"]')
        expect(meter.locator(".meter-value")).to_have_text("6 / 6")
        shot(walk, "recommended")

        inbox = _inbox(walk)
        over = row(inbox, OVER_QUOTA)
        expect(over).to_contain_text("已受理")
        button = over.get_by_test_id("row-actions").get_by_role("button", name="推荐", exact=True)
        expect(button).to_be_disabled()
        expect(button).to_have_attribute("title", QUOTA_FULL)
        shot(walk, "quota-full-inbox")
        over.get_by_role("link", name=OVER_QUOTA).click()
        button = page.get_by_test_id("action-recommend")
        expect(button).to_be_disabled()
        expect(button).to_have_attribute("title", QUOTA_FULL)
        reason = page.get_by_test_id("refusal-reason").filter(has_text=QUOTA_FULL)
        expect(reason).to_be_visible()
        expect(page.get_by_test_id("entry-state")).to_have_text("已受理")
        shot(walk, "quota-full-entry")


# A scan as the unit uploads it (签字盖章页, 推荐汇总表): a minimal PDF.
STAMPED_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _upload_stamped_scans(walk: Walk) -> None:
    """On the confirmation page: each recommended entry still without its stamped pages (the list links
    to its page, where they are uploaded), then the stamped 推荐汇总表 (the campaign requires both)."""
    page = walk.page
    scan = Path(tempfile.mkdtemp(prefix="kczg-walk-")) / "签字盖章.pdf"
    scan.write_bytes(STAMPED_SCAN)
    confirm_url = page.url
    missing = page.get_by_test_id("stamp-missing-entries").locator("a")
    links = [missing.nth(i).get_attribute("href") for i in range(missing.count())]
    for link in links:
        page.goto(link)
        card = page.get_by_test_id("stamp-card")
        card.locator("input[type=file]").set_input_files(str(scan))
        card.get_by_test_id("stamp-upload").click()
        expect(page.get_by_test_id("stamp-current")).to_contain_text("签字盖章.pdf")
    page.goto(confirm_url)
    section = page.get_by_test_id("stamp-section")
    section.locator("input[type=file]").set_input_files(str(scan))
    section.get_by_test_id("summary-upload").click()
    expect(page.get_by_test_id("summary-current")).to_contain_text("签字盖章.pdf")


def confirm(walk: Walk) -> None:
    """`secretariat` confirms the unit's recommendations to the platform, after the preview (6 of 6 in
    电子信息; what was not recommended will read 未获推荐)."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "secretariat")
        card = page.get_by_test_id("confirmation")
        expect(card).to_contain_text(re.compile(r"本单位已推荐 \d+ 项"))
        page.get_by_test_id("confirm-link").click()
        expect(page.get_by_role("heading", name="确认推荐结果：预览")).to_be_visible()
        electronics = page.get_by_test_id("confirm-list-tech").locator('[data-row="tech-electronics"]')
        expect(electronics.locator('[data-cell="recommended"]')).to_have_text("6")
        expect(electronics.locator('[data-cell="quota"]')).to_have_text("6")
        expect(page.get_by_test_id("confirm-consequence")).to_contain_text("项申报将标记为“未获推荐”")
        # Confirming waits for the stamped 汇总表 and every recommended entry's stamped pages.
        expect(page.get_by_test_id("confirm-refused")).to_have_text("请先上传签字盖章的推荐汇总表。")
        _upload_stamped_scans(walk)
        shot(walk, "confirm-preview")
        page.get_by_test_id("confirm-button").click()
        expect(page.locator(".messages")).to_contain_text("已向平台确认本单位的推荐结果")
        expect(page.get_by_test_id("confirmation")).to_contain_text("已确认")
        shot(walk, "confirmed")


def member_after_confirmation(walk: Walk) -> None:
    """`member` after the unit's confirmation: the entry reads 已推荐, the accepted one not recommended
    未获推荐; a new submission is refused, with whom to ask."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "member")
        entries = page.locator("#entries")
        expect(row(entries, NEW_TITLE)).to_contain_text("已推荐")
        expect(row(entries, MEMBER_SUBMITTED)).to_contain_text("已推荐")
        expect(row(entries, MEMBER_ACCEPTED)).to_contain_text("未获推荐")
        row(entries, MEMBER_DRAFT).get_by_role("link", name=MEMBER_DRAFT).click()
        expect(page.get_by_text(re.compile(f"{SOCIETY}已于 .+ 向平台确认推荐结果，不再接收")).first).to_be_visible()
        expect(page.get_by_role("button", name="提交")).to_be_disabled()
        shot(walk, "member-after-confirmation")


# ---------------------------------------------------------------- the deadlines pass


def member_deadline_passed(walk: Walk) -> None:
    """`member3` (whose unit never confirms, so only the deadline closes its form) opens a draft after the
    member deadline: read-only (查看 instead of 填写, no 保存草稿 / 提交), with a banner saying what passed."""
    page = walk.page
    with walk.at(just_after(walk.campaign, "member_deadline")):
        log_in(walk, "member3")
        expect(page.locator("#deadline-bar")).to_contain_text("已截止")
        expect(page.locator("#mode-banner")).to_contain_text("不能新建申报")
        row(page.locator("#entries"), UNCONFIRMED_DRAFT).get_by_role("link", name="查看").click()
        expect(page.get_by_role("link", name="填写 / 修改")).to_have_count(0)
        page.goto(page.url + "edit/")  # the form's own address (a bookmark, a link in a reminder)
        expect(page.locator("#mode-banner")).to_contain_text("填写已截止，申报内容只能查看")
        expect(page.locator("#mode-banner")).to_contain_text("会员提交截止时间已过")
        expect(page.locator("button[value=submit], button[value=save]")).to_have_count(0)
        shot(walk, "member-deadline-passed")


def platform_deadline_passed(walk: Walk) -> None:
    """`secretariat2` (陕西省科学技术协会, never confirmed) after the platform deadline: nothing can be
    recommended or confirmed any more, and the banner and the countdown say so."""
    page = walk.page
    with walk.at(just_after(walk.campaign, "platform_deadline")):
        log_in(walk, "secretariat2")
        expect(page.get_by_role("heading", name=re.compile(UNCONFIRMED_UNIT))).to_be_visible()
        expect(page.get_by_text("已截止：不能再推荐、取消推荐或确认。")).to_be_visible()
        expect(page.get_by_test_id("confirmation")).to_contain_text("平台申报截止时间已过")
        expect(page.locator("#mode-banner")).to_contain_text("平台申报已截止，推荐和确认不能再办理")
        expect(page.locator("#deadline-bar")).to_contain_text("已截止")
        shot(walk, "platform-deadline-passed")
