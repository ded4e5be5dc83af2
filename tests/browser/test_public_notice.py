"""公示 and 异议 in Chromium: the platform opens the notice after the final review (preview first); an
anonymous visitor files an objection with evidence and gets a receipt; an anonymous objection and a late
one are refused; the platform accepts one as 非实质性, the recommending unit answers (never seeing who
objected), the platform upholds it and the entry leaves the list; another is dismissed; publication is
refused until the period is over and every accepted case is decided, then succeeds without the withdrawn
entry. Screenshots: ``test-artifacts/notice-<nn>-<step>.png``.

The clock is moved with time-machine (the live server's thread sees it, as in the whole-year walk).
The captcha's documented test hook (``settings.NOTICE_CAPTCHA_TEST_ANSWER``, see ``reviews.public_guard``)
gives the visitor a known answer; production never honours it.
"""

import re
from contextlib import contextmanager
from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache
from playwright.sync_api import expect

from nominations.campaign_data import load_campaign
from nominations.models import Nomination, Role, State
from tests.browser.conftest import ARTIFACTS
from tests.conftest import CAMPAIGN_FILE
from tests.factories import PASSWORD, MemberUnitFactory, RecommendingUnitFactory, make_user
from tests.reviews.notice_setup import BEIJING, FINAL_TIME, listed_entries

pytestmark = pytest.mark.django_db(transaction=True)

WITHDRAWN, DISMISSED_ON, KEPT = "甲·智能感知芯片", "乙·工业大模型平台", "丙·柔性显示材料"
OBJECTOR = "王实名"
# The notice overlaps the publication phase (from 1 February): publishing is refused while it runs.
OPEN_TIME = datetime(2024, 1, 28, 10, 0, tzinfo=BEIJING)  # 7 natural days: 28 January – 3 February
IN_NOTICE = datetime(2024, 2, 2, 9, 0, tzinfo=BEIJING)
LAST_MINUTE = datetime(2024, 2, 3, 23, 59, tzinfo=BEIJING)
AFTER_NOTICE = datetime(2024, 2, 4, 0, 1, tzinfo=BEIJING)
PUBLICATION = datetime(2024, 2, 5, 10, 0, tzinfo=BEIJING)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def year(settings, tmp_path):
    settings.NOTICE_CAPTCHA_TEST_ANSWER = "42"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    for old in ARTIFACTS.glob("notice-*.png"):
        old.unlink()
    campaign = load_campaign(CAMPAIGN_FILE)
    society = RecommendingUnitFactory(name="中国技术经济学会", channel_codes=["society"])
    member_unit = MemberUnitFactory(name="甲芯科技有限公司", recommending_unit=society)
    make_user(Role.PLATFORM, "platform", display_name="平台秘书处")
    make_user(Role.SECRETARIAT, "secretariat", recommending_unit=society, display_name="学会秘书处")
    make_user(Role.MEMBER, "member", member_unit=member_unit)
    platform = make_user(Role.PLATFORM, "platform-setup")
    with time_machine.travel(FINAL_TIME, tick=False):
        listed_entries(campaign, society, platform, [WITHDRAWN, DISMISSED_ON, KEPT], member_unit=member_unit)
    evidence = tmp_path / "专利转让证明.pdf"
    evidence.write_bytes(PDF)
    return {"campaign": campaign, "evidence": evidence}


class Shots:
    def __init__(self, page):
        self.page, self.n = page, 0

    def __call__(self, name, *, phone=False):
        """``notice-<nn>-<name>.png`` (desktop); with ``phone``, also ``-phone.png`` at 390 px, which must
        not scroll sideways (the public pages are read on phones)."""
        self.n += 1
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"notice-{self.n:02d}-{name}.png"), full_page=True)
        if phone:
            self.page.set_viewport_size({"width": 390, "height": 844})
            self.page.screenshot(path=str(ARTIFACTS / f"notice-{self.n:02d}-{name}-phone.png"), full_page=True)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            self.page.set_viewport_size({"width": 1280, "height": 800})
            assert width <= 390, f"{name}: the page scrolls sideways at 390 px ({width} px wide)"


@contextmanager
def at(moment):
    with time_machine.travel(moment, tick=True):
        yield


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def nav(page, label):
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label, exact=True).click()


def fill_objection(
    page,
    evidence,
    *,
    name=OBJECTOR,
    phone="13912345678",
    grounds="该项目的核心专利已于2022年转让他人，申报单位并非权利人。",
):
    form = page.get_by_test_id("objection-form")
    form.get_by_label("以个人名义").check()
    form.get_by_label("真实姓名").fill(name)
    form.get_by_label("工作单位").fill("某研究所")
    form.get_by_label("联系电话").fill(phone)
    form.get_by_label("电子邮箱").fill("wang@example.org")
    form.get_by_label("异议理由及事实依据").fill(grounds)
    if evidence is not None:
        form.locator("input[name=evidence]").set_input_files(str(evidence))
    form.get_by_label("验证码", exact=True).fill("42")
    return form


def case_step(page, action, note, *, outcome=None):
    form = page.get_by_test_id("case-step")
    form.get_by_label(action, exact=True).check()
    if outcome:
        form.get_by_label("处理结果").select_option(label=outcome)
    form.get_by_label("说明").fill(note)
    form.get_by_role("button", name="保存").click()


def test_public_notice(page, year):
    shot = Shots(page)
    page.on("dialog", lambda dialog: dialog.accept())
    campaign, evidence = year["campaign"], year["evidence"]
    notice_url = f"/published/{campaign.year}/notice/"

    # The platform opens the 公示 after the final review: the preview first.
    with at(OPEN_TIME):
        log_in(page, "platform")
        nav(page, "公示与异议")
        page.get_by_label("公示天数（自然日）").fill("7")
        page.get_by_role("button", name="预览公示").click()
        expect(page.get_by_test_id("preview-period")).to_contain_text("至 2024年2月3日 24:00（7 个自然日）")
        expect(page.get_by_test_id("notice-rows")).to_contain_text(WITHDRAWN)
        shot("open-preview")
        page.get_by_role("button", name="确认开启公示").click()
        expect(page.get_by_text("公示已开启")).to_be_visible()
        shot("opened")

    # An anonymous visitor files an objection with evidence and gets a receipt.
    with at(IN_NOTICE):
        page.context.clear_cookies()
        page.goto(notice_url)
        expect(page.get_by_test_id("objection-rules")).to_contain_text("匿名异议、逾期提出的异议不予受理")
        shot("public-notice", phone=True)
        page.locator("tr", has_text=WITHDRAWN).get_by_role("link", name="提出异议").click()
        expect(page.get_by_label("异议对象")).to_have_value(str(Nomination.objects.get(title=WITHDRAWN).pk))
        fill_objection(page, evidence)
        shot("objection-form", phone=True)
        page.get_by_role("button", name="提交异议").click()
        receipt = page.get_by_test_id("receipt").inner_text().strip()
        assert re.fullmatch(r"YY2023-\d{8}", receipt)
        shot("receipt", phone=True)

        # An anonymous objection (no real name, no phone) is refused with the fixed ground.
        page.goto(notice_url + "objection/")
        page.get_by_label("异议对象").select_option(label=f"先导技术榜 · {DISMISSED_ON}")
        fill_objection(page, evidence, name="", phone="")
        page.get_by_role("button", name="提交异议").click()
        expect(page.get_by_text("匿名异议（未署真实姓名或联系电话）不予受理")).to_be_visible()
        shot("anonymous-refused")

        # A second, signed objection (it will be dismissed).
        page.goto(notice_url + "objection/")
        page.get_by_label("异议对象").select_option(label=f"先导技术榜 · {DISMISSED_ON}")
        fill_objection(page, evidence, grounds="该平台的用户数量与实际不符，请核实。")
        page.get_by_role("button", name="提交异议").click()
        second = page.get_by_test_id("receipt").inner_text().strip()

        # The objector looks up the status with the receipt number and the e-mail.
        page.get_by_role("link", name="查询异议处理进度").click()
        page.get_by_label("受理编号").fill(receipt)
        page.get_by_label("提交时填写的电子邮箱").fill("wang@example.org")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("case-state")).to_have_text("已收到")

        # The platform accepts the first one and classifies it 非实质性: forwarded to the recommending unit.
        log_in(page, "platform")
        nav(page, "公示与异议")
        expect(page.get_by_test_id("due")).to_contain_text(receipt)
        page.get_by_role("link", name=receipt).first.click()
        expect(page.get_by_test_id("objector")).to_contain_text(OBJECTOR)
        case_step(page, "受理", "署名、证明材料齐全，予以受理。")
        expect(page.get_by_test_id("case-state")).to_have_text("已受理")
        case_step(page, "认定为非实质性异议，转推荐单位核实", "请核实该项目核心专利的权属。")
        expect(page.get_by_test_id("case-state")).to_contain_text("待推荐单位答复")
        shot("forwarded")

        # The recommending unit reads the grounds and the evidence, never who objected, and answers.
        log_in(page, "secretariat")
        nav(page, "公示与更正")
        page.get_by_role("link", name=receipt).click()
        expect(page.get_by_test_id("grounds")).to_contain_text("核心专利已于2022年转让他人")
        expect(page.get_by_role("link", name="证明材料1.pdf")).to_be_visible()
        main = page.locator("main")
        for secret in (OBJECTOR, "某研究所", "13912345678", "wang@example.org", "专利转让证明"):
            expect(main).not_to_contain_text(secret)
        page.get_by_label("核实情况及答复").fill("经核实，该专利已转让，申报材料有误，同意撤销。")
        shot("unit-answers")
        page.get_by_role("button", name="提交答复").click()
        expect(page.get_by_test_id("case-state")).to_have_text("推荐单位已答复")

        # The platform investigates and upholds it: the entry is withdrawn from the list.
        log_in(page, "platform")
        nav(page, "公示与异议")
        page.get_by_role("link", name=receipt).first.click()
        expect(page.get_by_test_id("unit-answer")).to_contain_text("同意撤销")
        case_step(page, "调查核实", "核对专利登记簿，与推荐单位答复一致。")
        case_step(page, "异议成立", "异议成立，撤销该项目入榜资格。", outcome="撤销入榜资格")
        expect(page.get_by_test_id("case-state")).to_contain_text("异议成立（撤销入榜资格）")
        shot("upheld")
        assert Nomination.objects.get(title=WITHDRAWN).state == State.NOT_LISTED
        page.goto(notice_url)
        expect(page.locator("main")).not_to_contain_text(WITHDRAWN)

        # The second one is accepted (substantive) and stays undecided for now; publication is refused.
        nav(page, "公示与异议")
        page.get_by_role("link", name=second).first.click()
        case_step(page, "受理", "予以受理。")
        case_step(page, "认定为实质性异议", "涉及申报数据真实性，由平台调查。")
        nav(page, "终评与发布")
        publish = page.get_by_test_id("publish-tech")
        expect(publish).to_be_disabled()
        expect(page.get_by_test_id("list-states")).to_contain_text(
            "公示期至 2024年2月3日 24:00 结束，公示期间不能发布。"
        )

    # A late objection: the form opened in the period's last minute, sent after its end.
    with at(LAST_MINUTE):
        page.context.clear_cookies()
        page.goto(notice_url + "objection/")
        page.get_by_label("异议对象").select_option(label=f"先导技术榜 · {KEPT}")
        fill_objection(page, evidence, grounds="迟到的异议。")
    with at(AFTER_NOTICE):
        page.get_by_role("button", name="提交异议").click()
        expect(page.get_by_test_id("objection-refused")).to_contain_text("逾期提出的异议不予受理")
        shot("late-refused")

    # After the period: refused while the accepted case is undecided; dismissed; then published.
    with at(PUBLICATION):
        log_in(page, "platform")
        nav(page, "终评与发布")
        expect(page.get_by_test_id("list-states")).to_contain_text("尚有 1 件已受理的异议或更正申请未作出处理决定")
        expect(page.get_by_test_id("publish-tech")).to_be_disabled()
        shot("publication-waits")
        nav(page, "公示与异议")
        page.get_by_role("link", name=second).first.click()
        case_step(page, "调查核实", "调取后台数据核实。")
        case_step(page, "异议不成立", "经核实，用户数量与申报一致，异议不成立。")
        expect(page.get_by_test_id("case-state")).to_have_text("异议不成立")
        nav(page, "公示与异议")
        expect(page.get_by_test_id("case-overview").locator('tr[data-list="tech"]')).to_contain_text("2")
        shot("overview")
        nav(page, "终评与发布")
        page.get_by_test_id("publish-tech").click()
        expect(page.get_by_text("发布后不能撤回")).to_be_visible()
        rows = page.get_by_test_id("publish-rows")
        expect(rows).not_to_contain_text(WITHDRAWN)
        page.get_by_role("button", name="确认发布").click()
        expect(page).to_have_url(re.compile(rf"/published/{campaign.year}/"))
        published = page.locator(".published-list")
        expect(published).to_contain_text(KEPT)
        expect(published).to_contain_text(DISMISSED_ON)
        expect(page.locator("main")).not_to_contain_text(WITHDRAWN)
        shot("published")
