"""The foundation as a new user meets it in Chromium: the home page, the countdown, every demo log-in.

"Now" is frozen at 2023-11-15 10:00 Beijing time with time-machine (tick=True, so the clock runs);
it patches the clock of the whole process, so the live server thread sees the same time.
"""

import re
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from nominations import policy
from nominations.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo

DEMO_START = datetime(2023, 11, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MEMBER_DEADLINE = datetime(2023, 11, 20, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
REQUIRED_LOGINS = (
    "member",
    "member2",
    "secretariat",
    "secretariat2",
    "pioneer",
    "expert",
    "coordinator",
    "platform",
    "admin",
)
LISTS = ("先导技术榜", "新锐企业榜", "融通创新组织榜", "技术经理人先锋榜")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def demo(settings, transactional_db):
    # One fast hasher: the demo users are created (and logged in) many times over in these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(DEMO_START, tick=True):
        load_demo()
        yield


def new_page(chromium_browser, live_server, **options):
    context = chromium_browser.new_context(
        base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.kczg_errors = []
    page.kczg_answers = {}  # path -> status of the first response for it
    page.on("pageerror", lambda error: page.kczg_errors.append(str(error)))
    page.on("response", lambda response: page.kczg_answers.setdefault(urlparse(response.url).path, response.status))
    return page


def countdown_seconds(page):
    """Seconds left on the first countdown on the page, read from its day/hour/minute/second cells."""
    countdown = page.locator("[data-countdown]").first
    values = {}
    for unit in ("days", "hours", "minutes", "seconds"):
        text = countdown.locator(f'[data-unit="{unit}"]').inner_text()
        values[unit] = int(re.sub(r"\D", "", text))
    return values["days"] * 86400 + values["hours"] * 3600 + values["minutes"] * 60 + values["seconds"]


def test_home_page_shows_the_call_and_a_running_countdown(demo, page, screenshot):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto("/")
    assert response.status == 200

    body = page.locator("body").inner_text()
    for name in LISTS:
        assert name in body, f"{name} missing from the home page"

    # The next deadline is the members' 2023-11-20 17:00, about 5 days 7 hours after the frozen start.
    expected = (MEMBER_DEADLINE - DEMO_START).total_seconds()
    first = countdown_seconds(page)
    assert expected - 300 < first <= expected, first
    # The countdown runs: wait until its seconds cell changes twice (at least one second has passed).
    seconds = page.locator("[data-countdown]").first.locator('[data-unit="seconds"]')
    for _ in range(2):
        shown = seconds.inner_text()
        expect(seconds).not_to_have_text(shown, timeout=5_000)
    second = countdown_seconds(page)
    assert 1 <= first - second <= 5, (first, second)

    assert errors == [], errors
    screenshot(page, "foundation-home")


def test_home_page_on_a_phone(demo, chromium_browser, live_server, screenshot):
    page = new_page(chromium_browser, live_server, **PHONE)
    try:
        response = page.goto("/")
        assert response.status == 200
        for name in LISTS:
            assert page.get_by_text(name).first.is_visible()
        # Nothing wider than the screen: the page must not scroll sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the home page is {overflow}px wider than a phone screen"
        assert page.kczg_errors == []
        screenshot(page, "foundation-home-phone")
    finally:
        page.context.close()


def test_every_demo_login_lands_on_its_dashboard(demo, chromium_browser, live_server, login, screenshot):
    usernames = [username for username, *_ in DEMO_LOGINS]
    assert set(REQUIRED_LOGINS) <= set(usernames), set(REQUIRED_LOGINS) - set(usernames)
    users = {user.username: user for user in get_user_model().objects.filter(username__in=usernames)}
    login_path = reverse("login")

    # One browser for all of them: each user starts without cookies (a fresh session, as after logging
    # out or in a new window) and with the record of answers and errors emptied.
    page = new_page(chromium_browser, live_server)
    try:
        for username in usernames:
            expected = reverse(policy.dashboard_url_name(users[username]))
            assert expected != reverse("home"), f"{username} has no dashboard"
            page.context.clear_cookies()
            page.kczg_answers.clear()
            page.kczg_errors.clear()
            login(page, username, DEMO_PASSWORD)
            landed = urlparse(page.url).path
            assert landed != login_path, f"{username}: the log-in was refused"
            assert landed == expected, f"{username} landed on {landed}, expected {expected}"
            status = page.kczg_answers.get(expected)
            assert status == 200, f"{username}: {expected} answered {status}"
            assert page.locator("input[name=password]").count() == 0
            assert page.kczg_errors == [], f"{username}: {page.kczg_errors}"
            screenshot(page, f"foundation-dashboard-{username}")
    finally:
        page.context.close()
