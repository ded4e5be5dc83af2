"""No silent errors in Chromium: a forged upload is refused next to the upload; an autosave after the
session expired says so in the status line, keeps the copy in the browser, and after logging in in a
new window the member is back on the edit page with the text offered back (and the first page saves it).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from nominations.models import Attachment
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, NominationFactory

OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def errors(page):
    seen = []
    page.on("pageerror", lambda error: seen.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    return seen


@pytest.fixture
def draft(member_user, tech, electronics):
    return NominationFactory(
        ranking_list=tech,
        domain=electronics,
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        title="静默错误草稿",
    )


def shoot_both(page, name, locator):
    """What the member sees at desktop and at phone width (the window, scrolled to ``locator``)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        locator.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}_{label}.png"))
    page.set_viewport_size(DESKTOP)


def test_a_forged_upload_is_refused_next_to_the_upload(
    fast_hasher, transactional_db, page, login, errors, member_user, draft
):
    with time_machine.travel(OPEN, tick=True):
        login(page, "member", PASSWORD)
        page.goto(f"/member/{draft.pk}/edit/")
        page.fill("#id_leader", "上传前填写的负责人")
        page.set_input_files(
            "#attachment-file",
            {
                "name": "任务书.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": "这不是一个 Word 文件，只是改了扩展名的文本。".encode(),
            },
        )
        page.click("#upload-form button[type=submit]")
        refusal = page.locator("#attachments .alert-danger")
        expect(refusal).to_contain_text("文件“任务书.docx”的内容不是允许的类型")
        # The block was swapped in place: the upload form is still there, and what was typed stays.
        expect(page.locator("#upload-form")).to_be_visible()
        expect(page.locator("#attachments")).to_contain_text("还没有附件。")
        expect(page.locator("#id_leader")).to_have_value("上传前填写的负责人")
        shoot_both(page, "silent_errors_forged_upload", refusal)
    assert Attachment.objects.count() == 0
    assert errors == []


def test_an_expired_session_keeps_the_copy_and_brings_the_member_back(
    fast_hasher, transactional_db, page, login, errors, member_user, draft
):
    edit = f"/member/{draft.pk}/edit/"
    typed = "会话过期后填写的负责人"
    with time_machine.travel(OPEN, tick=True):
        login(page, "member", PASSWORD)
        page.goto(edit)
        Session.objects.all().delete()  # the session expires on the server while the member types

        page.fill("#id_leader", typed)
        page.press("#id_leader", "Tab")  # the change event now, not when the link is clicked
        status = page.locator("#autosave-status")
        expect(status).to_contain_text("登录已过期，请在新窗口重新登录，填写内容已保存在本机。", timeout=10_000)
        expect(status.locator("form")).to_have_count(0)  # not the log-in page swapped into the line
        assert typed in page.evaluate(f"localStorage.getItem('kczg-entry-{draft.pk}')")
        draft.refresh_from_db()
        assert draft.data["leader"] != typed
        shoot_both(page, "silent_errors_session_expired", status)

        # The link opens the log-in page in a new window; logging in there returns to the edit page.
        with page.context.expect_page() as opened:
            status.get_by_role("link", name="在新窗口重新登录").click()
        second = opened.value
        second.wait_for_load_state()
        expect(second.locator("h1")).to_have_text("登录")
        second.fill("input[name=username]", "member")
        second.fill("input[name=password]", PASSWORD)
        second.click("button[type=submit]")
        second.wait_for_url(f"**{edit}")
        expect(second.locator("h1")).to_contain_text("先导技术榜申报表")
        # The copy kept in the browser is offered back there.
        banner = second.locator("#local-restore")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("是否恢复？")
        expect(second.locator("#id_leader")).not_to_have_value(typed)

        # Back in the first window, the kept copy is sent again (with the token of the new log-in).
        page.bring_to_front()
        page.evaluate("window.dispatchEvent(new Event('focus'))")
        expect(page.locator(".autosave-result")).to_contain_text("已自动保存", timeout=15_000)
        draft.refresh_from_db()
        assert draft.data["leader"] == typed

        second.reload()
        expect(second.locator("#id_leader")).to_have_value(typed)
        expect(second.locator("#local-restore")).to_be_hidden()
        second.close()
    assert errors == []


def test_a_too_large_autosave_and_an_upload_after_expiry_are_shown(
    fast_hasher, transactional_db, settings, page, login, errors, member_user, draft
):
    """A form over DATA_UPLOAD_MAX_MEMORY_SIZE: the 413 reason in the status line, the copy kept. An
    upload after the session expired: the notice at the top of the window, the attachments untouched."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4000
    typed = "很长的技术简介" * 300
    with time_machine.travel(OPEN, tick=True):
        login(page, "member", PASSWORD)
        page.goto(f"/member/{draft.pk}/edit/")
        page.fill("#id_summary", typed)
        page.press("#id_summary", "Tab")
        status = page.locator("#autosave-status")
        expect(status).to_contain_text("提交的内容过大", timeout=10_000)
        expect(status).not_to_contain_text("网络连接中断")
        assert typed in page.evaluate(f"localStorage.getItem('kczg-entry-{draft.pk}')")
        draft.refresh_from_db()
        assert draft.data["summary"] != typed

        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
        Session.objects.all().delete()
        page.set_input_files(
            "#attachment-file", {"name": "说明.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}
        )
        page.click("#upload-form button[type=submit]")
        notice = page.locator("#htmx-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("登录已过期，请在新窗口重新登录后重试。")
        link = notice.get_by_role("link", name="在新窗口重新登录")
        expect(link).to_have_attribute("href", f"/accounts/login/?next=%2Fmember%2F{draft.pk}%2Fedit%2F")
        expect(page.locator("#upload-form")).to_be_visible()  # the attachments block is not replaced
        shoot_both(page, "silent_errors_site_notice", notice)
        notice.get_by_role("button", name="关闭").click()
        expect(notice).to_be_hidden()
    assert Attachment.objects.count() == 0
    assert errors == []
