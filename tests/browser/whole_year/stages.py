"""The stages of the 2023 year, in order: each sets its moment, logs in as a README demo user, clicks
through the pages and asserts what that user sees (the status in the row, the message, the count), then
saves its screenshots. Switches in ``pending`` mark what waits for other work of issue 13.
"""

import re

from playwright.sync_api import expect

from . import pending
from .helpers import ReviewTeam, Walk, demo_start, go, just_after, log_in, log_out, preset, review_teams, row, shot

# The entry the walk follows: filled in by `member` (北京星衡智能科技有限公司) in 先导技术榜 · 电子信息.
NEW_TITLE = "低轨卫星星间激光通信终端技术"
RETURN_NOTE = "请补充第三方检测报告，并写明近三年的应用单位。"
# The demo's own entries (nominations/demo_nominations.py) the walk meets.
MEMBER_SUBMITTED = "多模态遥感影像智能解译技术"  # member, 电子信息, submitted
MEMBER_DRAFT = "面向工业互联网的可信边缘计算平台"  # member, 电子信息, draft
MEMBER_ACCEPTED = "京津冀智能制造融通创新联合体"  # member, 融通创新组织榜, accepted (not recommended)
SOCIETY_RECOMMENDED = "车路协同毫米波雷达感知芯片"  # member2, 电子信息, recommended
SOCIETY_BIOMEDICINE = "新型脂质纳米颗粒核酸药物递送技术"  # member2, 生物医药, recommended
UNCONFIRMED_ENTRY = "工业视觉缺陷检测预训练模型"  # member3 of 陕西省科学技术协会 (never confirms), recommended
UNCONFIRMED_DRAFT = "许晴"  # member3, 技术经理人先锋榜, draft
SOCIETY = "中国技术经济学会"
ELECTRONICS_BODY = "中国科协信息科技学会联合体"  # reviews 先导技术榜 · 电子信息
UNCONFIRMED_UNIT = "陕西省科学技术协会"

ELECTRONICS = (NEW_TITLE, MEMBER_SUBMITTED, SOCIETY_RECOMMENDED, UNCONFIRMED_ENTRY)
NOT_LISTED = UNCONFIRMED_ENTRY  # the final review lists the others


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


def recommend_to_quota(walk: Walk) -> None:
    """`secretariat` accepts and recommends in batches; the 电子信息 meter shows the places used.

    The quota edge (the next 推荐 refused with the quota message) needs ``pending.QUOTA_EDGE``."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "secretariat")
        _batch(walk, [NEW_TITLE, MEMBER_SUBMITTED], "受理")
        _batch(walk, [NEW_TITLE, MEMBER_SUBMITTED], "推荐")
        if not pending.EVERY_BODY_STAFFED:
            # Only the 电子信息 body has log-ins today: keep the year within it.
            inbox = _inbox(walk)
            row(inbox, SOCIETY_BIOMEDICINE).get_by_role("link", name=SOCIETY_BIOMEDICINE).click()
            page.locator("form[data-action=unrecommend] button[type=submit]").click()
            expect(page.get_by_test_id("entry-state")).to_have_text("已受理")
        go(walk, "工作台")
        meter = page.locator('[data-meter="tech-electronics"]')
        expect(meter.locator(".meter-value")).to_have_text("3 / 6")
        if pending.QUOTA_EDGE:
            raise NotImplementedError("recommend up to 6 / 6, then the next 推荐 is refused with the quota")
        shot(walk, "recommended")


def confirm(walk: Walk) -> None:
    """`secretariat` confirms the unit's recommendations to the platform."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "secretariat")
        card = page.get_by_test_id("confirmation")
        expect(card).to_contain_text(re.compile(r"本单位已推荐 \d+ 项"))
        if pending.CONFIRMATION_PREVIEW:
            page.get_by_test_id("confirm-link").click()
            expect(page.get_by_role("heading", name="确认推荐结果：预览")).to_be_visible()
            electronics = page.get_by_test_id("confirm-list-tech").locator('[data-row="tech-electronics"]')
            expect(electronics.locator('[data-cell="recommended"]')).to_have_text("3")
            expect(electronics.locator('[data-cell="quota"]')).to_have_text("6")
            expect(page.get_by_test_id("confirm-consequence")).to_contain_text("项申报将标记为“未获推荐”")
            shot(walk, "confirm-preview")
        page.get_by_test_id("confirm-button").click()
        expect(page.locator(".messages")).to_contain_text("已向平台确认本单位的推荐结果")
        expect(page.get_by_test_id("confirmation")).to_contain_text("已确认")
        shot(walk, "confirmed")


def member_after_confirmation(walk: Walk) -> None:
    """`member` after the unit's confirmation: the entry reads 已推荐; a new submission is refused
    (``pending.CONFIRMATION_GATE``)."""
    page = walk.page
    with walk.at(demo_start()):
        log_in(walk, "member")
        entries = page.locator("#entries")
        expect(row(entries, NEW_TITLE)).to_contain_text("已推荐")
        expect(row(entries, MEMBER_SUBMITTED)).to_contain_text("已推荐")
        if pending.CONFIRMATION_GATE:
            # What the society did not recommend is told so; a new submission is refused with whom to ask.
            expect(row(entries, MEMBER_ACCEPTED)).to_contain_text("未获推荐")
            row(entries, MEMBER_DRAFT).get_by_role("link", name=MEMBER_DRAFT).click()
            expect(page.get_by_text(re.compile(f"{SOCIETY}已于 .+ 向平台确认推荐结果，不再接收")).first).to_be_visible()
            expect(page.get_by_role("button", name="提交")).to_be_disabled()
        shot(walk, "member-after-confirmation")


# ---------------------------------------------------------------- the deadlines pass


def member_deadline_passed(walk: Walk) -> None:
    """`member3` (whose unit never confirms, so only the deadline closes its form) opens a draft after the
    member deadline: the form says the deadline passed."""
    page = walk.page
    with walk.at(just_after(walk.campaign, "member_deadline")):
        log_in(walk, "member3")
        if pending.DEADLINE_MODES:
            # Read-only: 查看 instead of 填写, a banner saying what passed, no 保存草稿 / 提交.
            expect(page.locator("#deadline-bar")).to_contain_text("已截止")
            expect(page.locator("#mode-banner")).to_contain_text("不能新建申报")
            row(page.locator("#entries"), UNCONFIRMED_DRAFT).get_by_role("link", name="查看").click()
            expect(page.get_by_role("link", name="填写 / 修改")).to_have_count(0)
            page.goto(page.url + "edit/")  # the form's own address (a bookmark, a link in a reminder)
            expect(page.locator("#mode-banner")).to_contain_text("填写已截止，申报内容只能查看")
            expect(page.locator("#mode-banner")).to_contain_text("会员提交截止时间已过")
            expect(page.locator("button[value=submit], button[value=save]")).to_have_count(0)
        else:
            row(page.locator("#entries"), UNCONFIRMED_DRAFT).get_by_role("link", name="填写").click()
            expect(page.locator(".alert-warning").first).to_contain_text("会员提交截止时间已过")
        shot(walk, "member-deadline-passed")


def platform_deadline_passed(walk: Walk) -> None:
    """`secretariat2` (陕西省科学技术协会, never confirmed) after the platform deadline."""
    page = walk.page
    with walk.at(just_after(walk.campaign, "platform_deadline")):
        log_in(walk, "secretariat2")
        expect(page.get_by_role("heading", name=re.compile(UNCONFIRMED_UNIT))).to_be_visible()
        expect(page.get_by_text("已截止：不能再推荐、取消推荐或确认。")).to_be_visible()
        expect(page.get_by_test_id("confirmation")).to_contain_text("平台申报截止时间已过")
        if pending.DEADLINE_MODES:
            expect(page.locator("#mode-banner")).to_contain_text("平台申报已截止，推荐和确认不能再办理")
            expect(page.locator("#deadline-bar")).to_contain_text("已截止")
        shot(walk, "platform-deadline-passed")


# ---------------------------------------------------------------- initial review (the demo preset 初评阶段)


def _decide_on_unconfirmed_unit(walk: Walk) -> None:
    """`platform` includes the entries of the unit that never confirmed, with a recorded reason."""
    page = walk.page
    unit = page.get_by_test_id("unconfirmed-unit").filter(has_text=UNCONFIRMED_UNIT)
    expect(unit).to_contain_text(UNCONFIRMED_ENTRY)
    shot(walk, "dispatch-unconfirmed-unit")
    unit.get_by_label("纳入初评", exact=True).check()
    unit.locator("[name=reason]").fill("该单位已书面说明按期完成内部推荐，同意纳入初评。")
    unit.get_by_role("button", name="保存决定").click()
    unit = page.get_by_test_id("unconfirmed-unit").filter(has_text=UNCONFIRMED_UNIT)
    expect(unit.get_by_test_id("unconfirmed-decision")).to_contain_text("纳入初评")


def dispatch(walk: Walk) -> None:
    """`platform` dispatches the recommended entries to the review bodies (after deciding on the unit
    that never confirmed, ``pending.UNCONFIRMED_DECISION``)."""
    page = walk.page
    with walk.at(preset(walk.campaign, "initial_review_start")):
        log_in(walk, "platform")
        go(walk, "分发初评")
        if pending.UNCONFIRMED_DECISION:
            _decide_on_unconfirmed_unit(walk)
        heading = page.get_by_role("heading", name=re.compile(r"待分发的申报（\d+ 项）"))
        expect(heading).to_be_visible()
        count = int(re.search(r"（(\d+) 项）", heading.inner_text()).group(1))
        if not pending.EVERY_BODY_STAFFED:
            assert count == len(ELECTRONICS)
        pending_table = page.locator("#pending")
        for title in ELECTRONICS:
            expect(pending_table).to_contain_text(title)
        shot(walk, "dispatch")
        if pending.UNCONFIRMED_DECISION:
            page.get_by_role("button", name=re.compile("预览分发")).click()
            expect(
                page.get_by_role("heading", name=re.compile(f"确认后，以下 {count} 项申报将分发至初评机构"))
            ).to_be_visible()
            shot(walk, "dispatch-preview")
        page.get_by_role("button", name=re.compile("确认分发")).click()
        expect(page.get_by_text(f"已将 {count} 项申报分发至初评机构")).to_be_visible()


def _expected_in(team: ReviewTeam) -> tuple[str, ...]:
    """The walk's entries a body reviews (the 电子信息 body: all of them; others: the demo's own)."""
    return ELECTRONICS if team.body == ELECTRONICS_BODY else ()


def assign_experts(walk: Walk, team: ReviewTeam, *, screenshots: bool = True) -> None:
    """The body's coordinator assigns one expert per entry automatically."""
    page = walk.page
    with walk.at(preset(walk.campaign, "initial_review_start")):
        log_in(walk, team.coordinator)
        go(walk, "初评管理")
        expect(page.get_by_role("heading", name=f"初评管理 · {team.body}")).to_be_visible()
        table = page.locator("#assignment-table")
        for title in _expected_in(team):
            expect(table).to_contain_text(title)
        page.fill("#id_k", "1")
        page.get_by_role("button", name="自动分配").click()
        count = len(_expected_in(team))
        expect(page.get_by_text(re.compile(f"自动分配完成：新增 {count or '[0-9]+'} 条评审分配"))).to_be_visible()
        if screenshots:
            shot(walk, f"assigned-{team.coordinator}")


# Scores per entry (four criteria of at most 10 in every list), so that the ranking has an order.
SCORES = {
    NEW_TITLE: ("9.5", "9", "9", "8.5"),
    MEMBER_SUBMITTED: ("9", "8.5", "8.5", "8"),
    SOCIETY_RECOMMENDED: ("8.5", "8", "8", "8"),
    UNCONFIRMED_ENTRY: ("7", "7", "6.5", "7"),
}
DEFAULT_SCORES = ("8", "8", "8", "8")


def score_as(walk: Walk, username: str, *, screenshots: bool = True) -> None:
    """``username`` (an expert) scores every entry assigned to them and submits each."""
    page = walk.page
    with walk.at(preset(walk.campaign, "initial_review_start")):
        log_in(walk, username)
        go(walk, "评审任务")
        expect(page.get_by_role("heading", name=re.compile("^分配给我的申报"))).to_be_visible()
        total = page.locator("#expert-assignments tbody tr").count()
        if total == 0:  # one expert per entry: a body with fewer entries than experts leaves some without
            expect(page.get_by_text("暂时没有分配给您的申报")).to_be_visible()
        for done in range(total):
            page.locator("#expert-assignments").get_by_role("link", name="评审").first.click()
            scores = SCORES.get(page.locator("h1.page-title").inner_text().strip(), DEFAULT_SCORES)
            criteria = page.locator("input[name^=c_]")
            expect(criteria).to_have_count(len(scores))
            for index, value in enumerate(scores):
                criteria.nth(index).fill(value)
            page.fill("textarea[name=comment]", "技术路线清晰，指标先进，应用前景良好。")
            page.get_by_role("button", name="提交评分").click()
            if pending.SCORE_PREVIEW:
                expect(page.get_by_text("评分尚未提交。")).to_be_visible()
                if done == 0 and screenshots:
                    shot(walk, f"score-preview-{username}")
                page.get_by_role("button", name="确认提交评分").click()
            expect(page.get_by_text("评分已提交。")).to_be_visible()
            go(walk, "评审任务")
            expect(page.get_by_text(f"（{done + 1} / {total} 已提交）")).to_be_visible()
        if screenshots:
            shot(walk, f"scored-{username}")


def send_body_results(walk: Walk, team: ReviewTeam) -> None:
    """The body's coordinator sees the ranking and sends the body's results to the platform."""
    page = walk.page
    with walk.at(preset(walk.campaign, "initial_review_start")):
        log_in(walk, team.coordinator)
        go(walk, "初评管理")
        ranking = page.locator("#ranking table").first.locator("tbody tr")
        if team.body == ELECTRONICS_BODY:
            expect(ranking).to_have_count(len(ELECTRONICS))
            expect(ranking.first).to_contain_text(NEW_TITLE)
            expect(ranking.last).to_contain_text(UNCONFIRMED_ENTRY)
        page.get_by_role("button", name="向平台报送初评结果").click()
        if pending.RESULTS_PREVIEW:
            expect(page.get_by_text("报送后本机构评分锁定，不能修改")).to_be_visible()
            if team.body == ELECTRONICS_BODY:
                shot(walk, f"results-preview-{team.coordinator}")
            page.get_by_role("button", name="确认报送").click()
        expect(page.get_by_text("初评结果已报送平台秘书处")).to_be_visible()
        shot(walk, f"body-results-{team.coordinator}")


def initial_review(walk: Walk) -> None:
    """Every review body with log-ins in the README: assignment, every expert's scores, the results.
    Each step of the 电子信息 body is photographed; of the other bodies, the results they sent."""
    teams = review_teams()
    assert ELECTRONICS_BODY in [team.body for team in teams]
    for team in teams:
        assert len(team.experts) >= 3, f"{team.body} has fewer than three experts in the README"
        detailed = team.body == ELECTRONICS_BODY
        assign_experts(walk, team, screenshots=detailed)
        for expert in team.experts:
            score_as(walk, expert, screenshots=detailed)
        send_body_results(walk, team)


# ---------------------------------------------------------------- final review and publication


def final_review(walk: Walk) -> None:
    """`platform` lists three entries and leaves the unconfirmed unit's entry out, with a reason."""
    page = walk.page
    with walk.at(preset(walk.campaign, "final_review_start")):
        log_in(walk, "platform")
        go(walk, "终评与发布")
        form = page.locator("#final-form")
        expect(form.locator("tr[data-entry]").first).to_contain_text(NEW_TITLE)
        for title in ELECTRONICS:
            entry = form.locator("tr[data-entry]", has_text=title)
            expect(entry).to_contain_text("初评中")
            entry.locator("select").select_option("not_listed" if title == NOT_LISTED else "listed")
        form.locator("tr[data-entry]", has_text=NOT_LISTED).locator("[name^=reason_]").fill("名额所限，本年度暂不入榜")
        shot(walk, "final-review")
        page.get_by_role("button", name="保存终评结果").click()
        expect(page.get_by_text("终评结果已保存")).to_be_visible()
        for title in ELECTRONICS:
            expect(form.locator("tr[data-entry]", has_text=title)).to_contain_text(
                "未入榜" if title == NOT_LISTED else "拟入榜"
            )


def publish(walk: Walk) -> None:
    """`platform` publishes the year's lists."""
    page = walk.page
    with walk.at(preset(walk.campaign, "publication_start")):
        log_in(walk, "platform")
        go(walk, "终评与发布")
        if pending.PER_LIST_PUBLICATION:
            _publish_every_list(walk)
        else:
            page.get_by_role("button", name=f"发布 {walk.campaign.year} 年榜单").click()
            expect(page).to_have_url(re.compile(rf"/published/{walk.campaign.year}/$"))
        shot(walk, "published")


def _publish_every_list(walk: Walk) -> None:
    """先导技术榜 first (its preview shows the walk's entry), then every other list that can be published."""
    page = walk.page
    states = page.get_by_test_id("list-states")
    codes = states.locator("tr[data-list]").evaluate_all("rows => rows.map(r => r.dataset.list)")
    assert codes[0] == "tech"
    for code in codes:
        button = page.get_by_test_id(f"publish-{code}")
        expect(button).to_be_enabled()
        button.click()
        expect(page.get_by_text("发布后不能撤回")).to_be_visible()
        if code == "tech":
            rows = page.get_by_test_id("publish-rows")  # one table per domain
            expect(rows.filter(has_text=NEW_TITLE)).to_have_count(1)
            expect(rows.filter(has_text=NOT_LISTED)).to_have_count(0)
            shot(walk, "publish-preview")
        page.get_by_role("button", name="确认发布").click()
        go(walk, "终评与发布")
        expect(page.get_by_test_id("list-states").locator(f'tr[data-list="{code}"]')).to_contain_text("已发布")


def public_list(walk: Walk) -> None:
    """Anyone reaches the published list (from the home page once it links there)."""
    page = walk.page
    year = walk.campaign.year
    with walk.at(preset(walk.campaign, "publication_start")):
        log_out(walk)
        page.goto("/")
        if pending.HOME_PAGE_LINK:
            page.get_by_role("link", name=re.compile(f"{year}年榜单已发布")).first.click()
            expect(page).to_have_url(re.compile(rf"/published/{year}/"))
        else:
            page.goto(f"/published/{year}/")
        expect(page.get_by_role("heading", name=f"{year}年“科创中国”系列榜单")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("电子信息"))).to_be_visible()
        electronics = page.locator(".published-list").filter(has_text=NEW_TITLE)  # 先导技术榜 · 电子信息
        expect(electronics).to_have_count(1)
        for title in ELECTRONICS:
            if title == NOT_LISTED:
                expect(page.locator("main")).not_to_contain_text(title)
            else:
                expect(electronics).to_contain_text(title)
        shot(walk, "public-list")


def mail_log(walk: Walk) -> None:
    """The notices of the year in the mail logs: `secretariat` reads the mails to its unit (the
    confirmation), `platform` every mail (those to the member about its entry too)."""
    page = walk.page
    to_member = [
        f"您的申报“{NEW_TITLE}”已被退回修改",
        f"您的申报“{NEW_TITLE}”已受理",
        f"您的申报“{NEW_TITLE}”已获推荐",
    ]
    to_secretariat = [f"{SOCIETY}已确认推荐结果"]
    if pending.CONFIRMATION_GATE:
        to_member.append(f"您的申报“{MEMBER_ACCEPTED}”未获推荐")  # told at the confirmation
    if pending.OUTCOME_MAILS:
        to_member.append(f"{walk.campaign.year}年先导技术榜已发布：您的申报结果")
        to_secretariat.append(f"{walk.campaign.year}年先导技术榜已发布：本单位推荐结果汇总")
    with walk.at(preset(walk.campaign, "publication_start")):
        log_in(walk, "secretariat")
        go(walk, "工作台")
        page.get_by_role("link", name="邮件记录", exact=True).click()
        log = page.get_by_test_id("mail-log")
        for subject in to_secretariat:
            expect(log).to_contain_text(subject)
        for subject in to_member:  # a member's mail is read by the member and the platform only
            expect(log).not_to_contain_text(subject)
        shot(walk, "mail-log-secretariat")
        log_in(walk, "platform")
        go(walk, "平台总览")
        page.get_by_role("link", name="邮件记录", exact=True).click()
        log = page.get_by_test_id("mail-log")
        for subject in to_member + to_secretariat:
            expect(log).to_contain_text(subject)
        shot(walk, "mail-log-platform")
