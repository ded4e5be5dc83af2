"""What every page needs: the active campaign, the clock, the next deadline of the viewer's role, the
mode of the viewer's role and the role navigation.

Everything is lazy: a value costs a query only when a template asks for it, and the active campaign
is fetched at most once per request (a view that already loaded it hands it over with
:func:`remember_campaign`).
"""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject

from kczg_site import clock
from nominations import campaign_cache, page_modes
from nominations.models import Campaign, Role
from nominations.policy import may, role_of
from nominations.rules import deadlines

_CAMPAIGN_ATTR = "_kczg_active_campaign"

# Per role: (label, URL name) in navbar order. Missing URL names are skipped, so an area that is not
# built yet simply does not show.
_PLATFORM_NAV = [
    ("平台总览", "platform:dashboard"),
    ("分发初评", "reviews:platform_dispatch"),
    ("初评进度", "reviews:platform_progress"),
    ("终评与发布", "reviews:platform_final"),
    ("公示与异议", "reviews:platform_notice"),
    ("导出", "exports:list"),
]

ROLE_NAV = {
    "member": [("我的申报", "member:dashboard"), ("导出", "exports:list"), ("公示与更正", "reviews:notice_cases")],
    "secretariat": [
        ("工作台", "secretariat:dashboard"),
        ("收件箱", "secretariat:inbox"),
        ("导出", "exports:list"),
        ("公示与更正", "reviews:notice_cases"),
    ],
    "pioneer": [("我的推举", "pioneer:dashboard")],
    "expert": [("评审任务", "reviews:expert_dashboard")],
    "coordinator": [("初评管理", "reviews:coordinator_dashboard")],
    "platform": _PLATFORM_NAV,
    "admin": _PLATFORM_NAV,
}


# Entries other apps add at ready() (the promotion app): (label, URL name, policy action), after the
# role's entries; an entry shows when ``may(user, action)`` allows it, or to everybody (anonymous
# viewers included) when its action is ``None``.
EXTRA_NAV: list[tuple[str, str, str | None]] = []


def register_nav(label: str, url_name: str, action: str | None = None) -> None:
    """Add a navbar entry shown to whom the policy's ``action`` allows (everybody for ``None``); idempotent."""
    if (label, url_name, action) not in EXTRA_NAV:
        EXTRA_NAV.append((label, url_name, action))


def remember_campaign(request: HttpRequest, campaign: Campaign | None) -> None:
    """Let the context processor reuse a campaign the view already loaded (with its prefetches)."""
    setattr(request, _CAMPAIGN_ATTR, campaign)


def active_campaign(request: HttpRequest) -> Campaign | None:
    """The active campaign (the newest active year), fetched once per request; ``None`` without one."""
    if not hasattr(request, _CAMPAIGN_ATTR):
        # Cached per process until the campaign changes (nominations/campaign_cache.py): a fresh instance.
        remember_campaign(request, campaign_cache.active_campaign())
    return getattr(request, _CAMPAIGN_ATTR)


def nav_items(request: HttpRequest) -> list[dict[str, Any]]:
    """The navbar links of the user's role: dicts with ``label``, ``url`` and ``active``."""
    user = getattr(request, "user", None)
    role = role_of(user)
    entries = [(label, name, None) for label, name in ROLE_NAV.get(role, [])] + EXTRA_NAV
    items = []
    for label, name, action in entries:
        if action is not None and not may(user, action):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if any(item["url"] == url for item in items):
            continue
        items.append({"label": label, "url": url})
    if user is not None and user.is_authenticated and user.is_staff:
        items.append({"label": "管理后台", "url": reverse("admin:index")})
    # The longest matching prefix is the active one ("/secretariat/inbox/" over "/secretariat/").
    path = request.path
    best = max((item for item in items if path.startswith(item["url"])), key=lambda i: len(i["url"]), default=None)
    for item in items:
        item["active"] = item is best
    return items


def site(request: HttpRequest) -> dict[str, Any]:
    """The active campaign, the clock, the deadlines (the campaign's next one, the viewer's role's), the
    role's mode and the navigation, evaluated on demand."""

    own: dict[str, Any] = {}

    def role_deadline() -> deadlines.RoleDeadline | None:
        # Asked by the bar and by the page's mode banner: one computation per request.
        if "deadline" not in own:
            campaign = active_campaign(request)
            user = getattr(request, "user", None)
            own["deadline"] = deadlines.role_deadline(user, campaign) if campaign is not None else None
        return own["deadline"]

    def upcoming() -> deadlines.NextDeadline | None:
        # The campaign-wide next moment (the home page's countdown: the year's timeline for everybody).
        campaign = active_campaign(request)
        found = deadlines.next_deadline(campaign) if campaign is not None else None
        return deadlines.NextDeadline(*found) if found else None

    def header_deadline() -> deadlines.NextDeadline | None:
        # The header bar: the next deadline of the viewer's role.
        campaign = active_campaign(request)
        if campaign is None:
            return None
        return deadlines.next_deadline_for(getattr(request, "user", None), campaign, own=role_deadline())

    def role_mode() -> page_modes.Mode:
        campaign = active_campaign(request)
        user = getattr(request, "user", None)
        return page_modes.role_mode(user, campaign, role_deadline() if campaign is not None else None)

    def role_label() -> str:
        role = role_of(getattr(request, "user", None))
        return Role(role).label if role in Role.values else ""

    return {
        "active_campaign": SimpleLazyObject(lambda: active_campaign(request)),
        "demo_clock": clock.demo_clock_enabled(),
        "clock_now": SimpleLazyObject(clock.localnow),
        "next_deadline": SimpleLazyObject(upcoming),
        "header_deadline": SimpleLazyObject(header_deadline),
        # The mode of the viewer's role (e.g. a secretariat after its platform deadline), for
        # ``includes/mode_banner.html`` on its dashboards.
        "role_mode": SimpleLazyObject(role_mode),
        "nav_items": SimpleLazyObject(lambda: nav_items(request)),
        "user_role_label": SimpleLazyObject(role_label),
        "site_name": "科创中国系列榜单申报平台",
    }
