"""The frame of the whole-year walk: who logs in (the README's demo log-ins, read from
``nominations.demo.demo_logins_table``), when (the campaign's moments, ``nominations.rules.moments``),
and the one screenshot helper (desktop 1280 px and phone 390 px, ``test-artifacts/year-<nn>-<stage>-*.png``).

time-machine patches the whole process, so the live server's thread sees the traveled time; the walk
keeps a cursor so that time never runs backwards between two stages set at the same moment.
"""

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from kczg_site import clock
from nominations.demo import demo_logins_table
from nominations.models import Campaign, Role
from nominations.rules import moments
from tests.browser.conftest import ARTIFACTS

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
JUST_AFTER = timedelta(minutes=1)


def demo_passwords() -> dict[str, str]:
    """``{username: password}`` of the README's demo log-ins."""
    return {username: password for username, _role, _description, password in demo_logins_table()}


@dataclass(frozen=True)
class ReviewTeam:
    """A review body's log-ins in the README: its coordinator and experts."""

    body: str
    coordinator: str
    experts: tuple[str, ...]


def review_teams() -> list[ReviewTeam]:
    """The review bodies that have a coordinator among the README's log-ins, with their experts.

    The body is the start of the description: "<body>（<list> · <domain>）" for an expert,
    "<body>联络人" for a coordinator (``nominations.demo.DEMO_LOGINS``)."""
    coordinators, experts = {}, {}
    for username, role, description, _password in demo_logins_table():
        body = description.split("（")[0].removesuffix("联络人")
        if role == Role.COORDINATOR.label:
            coordinators[body] = username
        elif role == Role.EXPERT.label:
            experts.setdefault(body, []).append(username)
    return [ReviewTeam(body, user, tuple(experts.get(body, ()))) for body, user in coordinators.items()]


@dataclass
class Walk:
    page: Page
    campaign: Campaign
    passwords: dict[str, str] = field(default_factory=demo_passwords)
    shots: int = 0
    cursor: datetime | None = None  # the latest moment the walk has reached
    user: str | None = None

    @contextmanager
    def at(self, moment: datetime):
        """Run the block at ``moment`` (or where the walk already is, if later), with the clock ticking."""
        start = moment if self.cursor is None or moment > self.cursor else self.cursor
        with time_machine.travel(start, tick=True):
            yield
            self.cursor = timezone.now()


# ---------------------------------------------------------------- when


def demo_start() -> datetime:
    """Where the README's demo clock starts (征集中)."""
    return clock.demo_start()


def preset(campaign: Campaign, field_name: str) -> datetime:
    """The demo clock's preset moment of ``field_name`` (e.g. 初评阶段 for ``initial_review_start``)."""
    row = moments.moment(field_name)
    return getattr(campaign, field_name) + row.demo.offset


def just_after(campaign: Campaign, field_name: str) -> datetime:
    """A minute after the campaign's moment ``field_name`` (a deadline that has just passed)."""
    return getattr(campaign, field_name) + JUST_AFTER


# ---------------------------------------------------------------- who


def log_in(walk: Walk, username: str) -> None:
    """Log in as one of the README's demo users through the real form (a fresh session)."""
    assert username in walk.passwords, f"{username} is not among the README's demo log-ins"
    page = walk.page
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", walk.passwords[username])
    page.click("button[type=submit], input[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    walk.user = username


def log_out(walk: Walk) -> None:
    walk.page.context.clear_cookies()
    walk.user = None


# ---------------------------------------------------------------- what is seen


def clear_shots() -> None:
    """Remove the screenshots of an earlier walk, so that test-artifacts/ shows this one only."""
    for old in ARTIFACTS.glob("year-*.png"):
        old.unlink()


def shot(walk: Walk, stage: str) -> None:
    """Save ``year-<nn>-<stage>-desktop.png`` (1280 px) and ``-phone.png`` (390 px) of the whole page;
    at 390 px the page must not scroll sideways."""
    walk.shots += 1
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"year-{walk.shots:02d}-{stage}"
    page = walk.page
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{base}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(ARTIFACTS / f"{base}-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{stage}: the page scrolls sideways at 390 px ({width} px wide)"
    page.set_viewport_size(DESKTOP)


def messages(page: Page):
    """The Django messages block (success, error) at the top of the page."""
    return page.locator(".messages, .alert-success, .alert-danger").first


def row(table, text: str):
    """The row of ``table`` (a locator) that contains ``text``."""
    return table.locator("tbody tr", has_text=text)


def go(walk: Walk, label: str) -> None:
    """Follow the main navigation's link ``label`` (the role's menu: 收件箱, 分发初评, 评审任务, ...)."""
    walk.page.get_by_role("navigation", name="主导航").get_by_role("link", name=label, exact=True).click()
