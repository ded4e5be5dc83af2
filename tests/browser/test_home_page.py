"""The home page in a real browser at desktop and phone widths, on the demo clock.

Screenshots land in test-artifacts/ (home-desktop.png, home-phone.png, login-phone.png) for a person
to look at.
"""

import re

import pytest

from kczg_site import clock


@pytest.fixture
def demo_clock(settings):
    settings.DEMO_CLOCK = True
    clock.forget()
    yield
    clock.forget()


def countdown_seconds(page, selector):
    values = page.eval_on_selector(
        selector,
        "el => ['days','hours','minutes','seconds'].map(u => el.querySelector(`[data-unit=${u}]`).textContent)",
    )
    days, hours, minutes, seconds = (int(v) for v in values)
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def test_home_page_desktop_and_phone(page, campaign, demo_clock, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    assert page.title().startswith("2023年“科创中国”系列榜单")
    banner = page.locator(".demo-banner")
    assert "演示模式：当前模拟时间" in banner.inner_text()
    assert re.search(r"2023年11月15日 10:0\d", banner.inner_text())

    # The countdown runs on the demo timeline: about 5 days 7 hours to 2023-11-20 17:00, and ticking.
    hero = ".countdown-card [data-countdown]"
    first = countdown_seconds(page, hero)
    assert 5 * 86400 + 6 * 3600 < first <= 5 * 86400 + 7 * 3600
    page.wait_for_timeout(2100)
    assert countdown_seconds(page, hero) < first
    assert page.locator(".deadline-bar [data-countdown]").is_visible()

    # Desktop: the navbar is expanded, no toggler.
    assert page.locator(".navbar-toggler").is_hidden()
    assert page.locator("#site-nav").is_visible()
    assert page.locator(".timeline-today").is_visible()
    screenshot(page, "home-desktop")

    # Phone: the navbar collapses behind the toggler and opens on a tap; nothing overflows sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.locator("#site-nav").is_hidden()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    screenshot(page, "home-phone")
    page.click(".navbar-toggler")
    page.locator("#site-nav").wait_for(state="visible")
    assert page.locator("#site-nav >> text=登录").is_visible()


def test_login_page_on_a_phone(page, campaign, demo_clock, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    assert page.locator("input[name=username]").is_visible()
    page.click("[data-demo-username=secretariat]")
    assert page.input_value("input[name=username]") == "secretariat"
    assert page.input_value("input[name=password]") == "kczg-demo-2023"
    screenshot(page, "login-phone")
