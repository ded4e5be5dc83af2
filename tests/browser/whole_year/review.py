"""The review stages of the year, in order: dispatch (with the platform's decision on the unit that never
confirmed), every review body's assignment, scores and results, the final review, publication, the
public list and the mail logs.
"""

import re

from playwright.sync_api import expect

from nominations.demo import MEMBER_UNITS

from .entries import (
    ELECTRONICS,
    ELECTRONICS_BODY,
    MEMBER_ACCEPTED,
    MEMBER_SUBMITTED,
    NEW_TITLE,
    NOT_LISTED,
    SOCIETY,
    SOCIETY_RECOMMENDED,
    UNCONFIRMED_ENTRY,
    UNCONFIRMED_UNIT,
)
from .helpers import ReviewTeam, Walk, go, log_in, log_out, preset, review_teams, shot

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
    """`platform` decides on the unit that never confirmed (includes it, with a reason), then dispatches
    the recommended entries to the review bodies after the preview."""
    page = walk.page
    with walk.at(preset(walk.campaign, "initial_review_start")):
        log_in(walk, "platform")
        go(walk, "分发初评")
        _decide_on_unconfirmed_unit(walk)
        heading = page.get_by_role("heading", name=re.compile(r"待分发的申报（\d+ 项）"))
        expect(heading).to_be_visible()
        count = int(re.search(r"（(\d+) 项）", heading.inner_text()).group(1))
        pending_table = page.locator("#pending")
        for title in ELECTRONICS:
            expect(pending_table).to_contain_text(title)
        shot(walk, "dispatch")
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
        # The optimal plan first (nothing saved yet), then the confirmation.
        page.get_by_role("button", name="确认按此方案分配").click()
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
    """`platform` publishes the year's lists one by one, each after its preview."""
    with walk.at(preset(walk.campaign, "publication_start")):
        log_in(walk, "platform")
        go(walk, "终评与发布")
        _publish_every_list(walk)
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
    """Anyone reaches the published list from the home page's link."""
    page = walk.page
    year = walk.campaign.year
    with walk.at(preset(walk.campaign, "publication_start")):
        log_out(walk)
        page.goto("/")
        page.get_by_role("link", name=re.compile(f"{year}年榜单已发布")).first.click()
        expect(page).to_have_url(re.compile(rf"/published/{year}/"))
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
    confirmation, the outcome summary), `platform` every mail: it searches the log for the unit's and
    then for every mail to `member` (about the walk's entry, the one not recommended, the outcome)."""
    page = walk.page
    to_member = [
        f"您的申报“{NEW_TITLE}”已被退回修改",
        f"您的申报“{NEW_TITLE}”已受理",
        f"您的申报“{NEW_TITLE}”已获推荐",
        f"您的申报“{MEMBER_ACCEPTED}”未获推荐",  # told at the confirmation
        f"{walk.campaign.year}年先导技术榜已发布：您的申报结果",
    ]
    to_secretariat = [
        f"{SOCIETY}已确认推荐结果",
        f"{walk.campaign.year}年先导技术榜已发布：本单位推荐结果汇总",
    ]
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
        for subject in to_secretariat:
            _search_mails(walk, subject)
            expect(log).to_contain_text(subject)
        _search_mails(walk, MEMBER_UNITS["member"][5])  # every mail to the member, by its address
        for subject in to_member:
            expect(log).to_contain_text(subject)
        shot(walk, "mail-log-platform")


def _search_mails(walk: Walk, text: str) -> None:
    """Search the mail log by 收件人或主题 (the log has one page of 50 mails; the year sends more)."""
    page = walk.page
    page.get_by_label("收件人或主题").fill(text)
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_label("收件人或主题")).to_have_value(text)
