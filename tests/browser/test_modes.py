"""The deadline modes in Chromium: a secretariat's dashboard and inbox after its platform deadline show the
banner and no countdown, and stay within a 390 px phone's width."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from playwright.sync_api import expect

from tests.factories import PASSWORD

BEIJING = ZoneInfo("Asia/Shanghai")
AFTER_PLATFORM = datetime(2023, 12, 2, 10, 0, tzinfo=BEIJING)


def test_secretariat_after_its_platform_deadline(transactional_db, settings, page, login, screenshot, secretariat_user):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    with time_machine.travel(AFTER_PLATFORM, tick=True):
        login(page, secretariat_user.username, PASSWORD)
        for path, name in (
            ("/secretariat/", "secretariat_dashboard_deadline"),
            ("/secretariat/inbox/", "secretariat_inbox_deadline"),
        ):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(path)
            banner = page.locator("#mode-banner")
            expect(banner).to_contain_text("平台申报已截止，推荐和确认不能再办理")
            expect(banner).to_contain_text("平台申报截止时间已过：截止时间为北京时间 2023年11月30日 24:00")
            expect(banner.get_by_role("link", name="导出")).to_be_visible()
            expect(page.locator("#deadline-bar")).to_contain_text("已截止")
            screenshot(page, name)
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            screenshot(page, f"{name}_390")
    assert errors == []
