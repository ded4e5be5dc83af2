"""A member unit fills in, saves, completes, attaches and submits a 先导技术榜 entry in Chromium; the cap
and the member deadline refuse with a message and lose nothing.

The clock is frozen with time-machine (tick=True) at 2023-11-15 10:00 Beijing time, then just after the
member deadline; it patches the whole process, so the live server thread sees the same time.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from nominations.forms.samples import complete_data
from nominations.models import Nomination, State
from nominations.rules.text import count_chars
from tests.factories import PASSWORD, NominationFactory

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
AFTER_DEADLINE = datetime(2023, 11, 20, 17, 0, 1, tzinfo=BEIJING)
SUMMARY = "本技术面向量子密钥分发，研制了集成化的安全通信芯片。\n\n第二段 说明技术指标\u3000与应用场景。"


def minimal_pdf():
    """A small valid PDF (one empty page) with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def errors(page):
    seen = []
    page.on("pageerror", lambda error: seen.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    return seen


def fill_rest(page):
    page.fill("#id_units", "清华大学、北京星衡智能科技有限公司")
    page.select_option("#id_maturity", "trl7")
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_innovation", "一是片上集成光源；二是自主纠错算法；三是低功耗封装。")
    page.fill("#id_ip", "授权发明专利 8 项。")
    page.fill("#id_application", "已在 3 家运营商试点，近三年新增产值 1.2 亿元。")
    page.fill("#id_contact_name", "周宁")
    page.fill("#id_contact_phone", "010-68767227")
    page.fill("#id_contact_email", "zhouning@example.org")


def test_member_fills_saves_attaches_and_submits(
    fast_hasher, transactional_db, page, login, screenshot, errors, member_user, tech, electronics
):
    with time_machine.travel(OPEN, tick=True):
        login(page, "member", PASSWORD)
        page.goto("/member/")
        expect(page.locator("#caps")).to_contain_text("先导技术榜 · 电子信息")
        page.click("a:has-text('新建申报')")
        page.check("#list-tech")
        page.select_option("#domain-select", label="电子信息")
        page.click("#new-entry-form button[type=submit]")
        # A draft with most fields missing saves.
        expect(page.locator("h1")).to_contain_text("先导技术榜申报表")
        page.fill("#id_name", "量子安全通信芯片关键技术")
        page.fill("#id_leader", "李明")
        page.click("button[value=save]")
        expect(page.locator(".messages")).to_contain_text("草稿已保存")
        screenshot(page, "member_intake_draft")
        nomination = Nomination.objects.get()
        assert nomination.state == State.DRAFT and nomination.title == "量子安全通信芯片关键技术"
        assert nomination.domain == electronics

        # Come back from the dashboard and complete it.
        page.goto("/member/")
        row = page.locator("#entries tr", has_text="量子安全通信芯片关键技术")
        expect(row).to_contain_text("草稿")
        row.locator("text=填写").click()
        expect(page.locator("#id_name")).to_have_value("量子安全通信芯片关键技术")
        fill_rest(page)
        counter = page.locator('.char-counter[data-counter-for="id_summary"]')
        # The page counts 字 exactly like the server (whitespace, full-width space and line breaks are free).
        expect(counter).to_have_text(f"已输入 {count_chars(SUMMARY)} / 800 字")
        expect(page.locator(".autosave-result")).to_contain_text("已自动保存", timeout=10_000)

        # Attach a PDF (htmx swaps the block; what was typed stays).
        page.set_input_files(
            "#attachment-file", {"name": "专利证书.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
        )
        page.click("#upload-form button[type=submit]")
        expect(page.locator("#attachments")).to_contain_text("已上传“专利证书.pdf”")
        expect(page.locator("#id_units")).to_have_value("清华大学、北京星衡智能科技有限公司")
        screenshot(page, "member_intake_complete")

        page.click("button[value=submit]")
        expect(page.locator("#entry-state")).to_have_text("已提交")
        expect(page.locator(".messages")).to_contain_text("已提交至")
        expect(page.locator("#history")).to_contain_text("提交")
        expect(page.locator(".entry-detail")).to_contain_text("专利证书.pdf")
        screenshot(page, "member_intake_submitted")
        nomination.refresh_from_db()
        assert nomination.state == State.SUBMITTED and nomination.attachments.count() == 1

        # Two more reach the cap of 3 in 电子信息; the fourth is refused with a message.
        unit = member_user.profile.member_unit
        for title in ("已提交二", "已提交三"):
            NominationFactory(
                ranking_list=tech,
                domain=electronics,
                member_unit=unit,
                created_by=member_user,
                state=State.SUBMITTED,
                title=title,
            )
        fourth = NominationFactory(
            ranking_list=tech,
            domain=electronics,
            member_unit=unit,
            created_by=member_user,
            title="第四项技术",
            data=complete_data("tech", title="第四项技术"),
        )
        page.goto(f"/member/{fourth.pk}/edit/")
        # 提交 cannot succeed: it is disabled, the cap's reason beside it and as its tooltip.
        submit = page.locator("button[value=submit]")
        expect(submit).to_be_disabled()
        expect(submit).to_have_attribute("title", re.compile("达到每个会员单位不超过 3 项的上限"))
        expect(page.locator("#why-submit")).to_contain_text("达到每个会员单位不超过 3 项的上限")
        screenshot(page, "member_intake_cap")
        fourth.refresh_from_db()
        assert fourth.state == State.DRAFT

    # After the member deadline: the edit page is read-only with a banner (what passed, when, the way on);
    # the dashboard offers 查看; the draft is intact.
    late = NominationFactory(
        ranking_list=tech,
        domain=tech.domains.get(code="green"),
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        title="绿色低碳草稿",
        data=complete_data("tech", title="绿色低碳草稿"),
    )
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        login(page, "member", PASSWORD)  # five days on, the 8-hour session has expired
        page.goto(f"/member/{late.pk}/edit/")
        banner = page.locator("#mode-banner")
        expect(banner).to_contain_text("填写已截止，申报内容只能查看")
        expect(banner).to_contain_text("会员提交截止时间已过：截止时间为北京时间 2023年11月20日 17:00")
        expect(banner.get_by_role("link", name="下载申报书（Word）")).to_be_visible()
        expect(banner.get_by_role("button", name="撤回申报")).to_be_visible()
        expect(page.locator("#read-only-entry")).to_contain_text("李负责")
        expect(page.locator("#id_leader")).to_have_count(0)
        expect(page.locator("button[value=submit], button[value=save]")).to_have_count(0)
        expect(page.locator("#deadline-bar")).to_contain_text("已截止")
        expect(page.locator("#deadline-bar")).not_to_contain_text("还剩")
        screenshot(page, "member_intake_deadline")
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, "member_intake_deadline_390")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto("/member/")
        row = page.locator("#entries tr", has_text="绿色低碳草稿")
        expect(row.get_by_role("link", name="查看")).to_be_visible()
        expect(page.locator("#mode-banner")).to_contain_text("不能新建申报")
        screenshot(page, "member_dashboard_deadline")
        late.refresh_from_db()
        assert late.state == State.DRAFT and late.data["leader"] == "李负责" and late.version == 1
    assert errors == []


def test_autosave_survives_a_dropped_connection(
    fast_hasher, transactional_db, page, login, screenshot, errors, member_user, tech, electronics
):
    """Typed while offline: kept in the browser, saved once the connection is back; a local copy newer
    than the server's (a tab closed while offline) is offered back on the next visit and saved."""
    draft = NominationFactory(
        ranking_list=tech,
        domain=electronics,
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        title="断网草稿",
        data=complete_data("tech", title="断网草稿"),
    )
    with time_machine.travel(OPEN, tick=True):
        login(page, "member", PASSWORD)
        page.goto(f"/member/{draft.pk}/edit/")

        # The connection drops while the member types: the autosave fails and says so.
        page.context.set_offline(True)
        page.fill("#id_leader", "断网时填写的负责人")
        expect(page.locator("#autosave-status")).to_contain_text("网络连接中断", timeout=10_000)
        stored = page.evaluate(f"localStorage.getItem('kczg-entry-{draft.pk}')")
        assert "断网时填写的负责人" in stored
        screenshot(page, "member_intake_offline")
        draft.refresh_from_db()
        assert draft.data["leader"] == "李负责"

        # Back online: the kept copy is sent without the member doing anything.
        page.context.set_offline(False)
        expect(page.locator(".autosave-result")).to_contain_text("已自动保存", timeout=15_000)
        draft.refresh_from_db()
        assert draft.data["leader"] == "断网时填写的负责人"

        # A copy left behind by a tab closed while offline (stored exactly as intake.js stores it).
        page.evaluate(
            """([pk, text]) => {
                const fields = [];
                new FormData(document.getElementById("entry-form")).forEach((value, name) => {
                    if (name === "csrfmiddlewaretoken" || name === "version" || typeof value !== "string") return;
                    fields.push([name, name === "ip" ? text : value]);
                });
                const base = parseInt(document.getElementById("entry-version").value, 10);
                localStorage.setItem("kczg-entry-" + pk, JSON.stringify({base, fields, at: Date.now()}));
            }""",
            [draft.pk, "断网后补充：授权发明专利 9 项。"],
        )
        page.goto("about:blank")
        draft.refresh_from_db()
        assert "9 项" not in draft.data["ip"]

        # The next visit offers the newer local copy back; accepting it saves it.
        page.goto(f"/member/{draft.pk}/edit/")
        banner = page.locator("#local-restore")
        expect(banner).to_be_visible()
        expect(page.locator("#id_ip")).not_to_have_value("断网后补充：授权发明专利 9 项。")
        banner.locator("[data-restore=apply]").click()
        expect(page.locator("#id_ip")).to_have_value("断网后补充：授权发明专利 9 项。")
        expect(page.locator(".autosave-result")).to_contain_text("已自动保存", timeout=15_000)
        draft.refresh_from_db()
        assert draft.data["ip"] == "断网后补充：授权发明专利 9 项。"
        assert draft.data["leader"] == "断网时填写的负责人"
    assert errors == []
