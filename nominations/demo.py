"""Demo data for walking through the 2023 campaign (``python manage.py load_demo``).

Apps above the core add their part with :func:`register_extra` (the promotion app: a 2022 archive
with published entries, financial partners and their log-ins).

``load_demo()`` is idempotent: it looks every row up by its natural key (unit name, username, ...),
so running it twice changes nothing. Passwords are set only when a user is created or when the stored
one no longer matches ``DEMO_PASSWORD``.

Everything here except the society (中国技术经济学会, whose contact the notice prints) and the review
bodies of the notice is fictional: company names, people, universities, phone numbers and codes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kczg_site import clock
from kczg_site.formats import format_timestamp
from nominations.audit import record_event
from nominations.campaign_data import load_campaign
from nominations.demo_nominations import create_demo_nominations
from nominations.demo_reviewers import REVIEW_TEAMS, team_logins
from nominations.groups import ensure_platform_group
from nominations.models import (
    Campaign,
    Channel,
    MemberUnit,
    Participation,
    Pioneer,
    Profile,
    RecommendingUnit,
    Role,
)
from nominations.rules import moments

CAMPAIGN_FILE = "fixtures/campaign_2023.json"
DEMO_PASSWORD = "kczg-demo-2023"

SOCIETY = {
    "name": "中国技术经济学会",
    "short_name": "技术经济学会",
    "channels": ("society", "alliance_member"),
    "contact_name": "李凤",
    "contact_phones": "17801200960/01065124716",
    "contact_email": "jishujingjixuehui@vip.163.com",
}
SECOND_UNIT = {
    "name": "陕西省科学技术协会",
    "short_name": "陕西省科协",
    "channels": ("provincial_cast",),
    "contact_name": "王敏",
    "contact_phones": "029-00000000",
    "contact_email": "sxast-demo@example.org",
}
# (unit key, name, credit code, contact, phone, e-mail); the codes carry a correct check character.
MEMBER_UNITS = {
    "member": (
        "society",
        "北京星衡智能科技有限公司",
        "91110108MA01R2KD7U",
        "周宁",
        "010-00000001",
        "xingheng-demo@example.org",
    ),
    "member2": (
        "society",
        "杭州青禾生物医药有限公司",
        "91330106MA2H3T8L50",
        "沈悦",
        "0571-00000002",
        "qinghe-demo@example.org",
    ),
    "member3": (
        "second",
        "西安渭原新材料科技有限公司",
        "91610131MA6U4P2N93",
        "韩磊",
        "029-00000003",
        "weiyuan-demo@example.org",
    ),
    # A third member of the society, so that its 先导技术榜 · 电子信息 candidates outnumber its 6 places
    # (two members can have at most 3 live entries each in a domain): the next 推荐 meets the quota.
    "member4": (
        "society",
        "南京瀚芯微电子科技有限公司",
        "91320115MA1X7H3C2M",
        "吴桐",
        "025-00000004",
        "hanxin-demo@example.org",
    ),
}
PIONEER = {"name": "高远航", "organization": "江南技术转移研究院", "listed_year": 2022}
# The body of 先导技术榜 · 电子信息, whose log-ins are `coordinator`, `expert`, `expert2`, `expert3`.
REVIEW_BODY_NAME = REVIEW_TEAMS[0].body

# (username, role label, description) — printed by ``load_demo`` and listed in the README (a test keeps them equal).
DEMO_LOGINS = [
    ("member", Role.MEMBER.label, f"{MEMBER_UNITS['member'][1]}（中国技术经济学会的会员单位）"),
    ("member2", Role.MEMBER.label, f"{MEMBER_UNITS['member2'][1]}（中国技术经济学会的会员单位）"),
    ("member3", Role.MEMBER.label, f"{MEMBER_UNITS['member3'][1]}（陕西省科学技术协会的会员单位）"),
    ("member4", Role.MEMBER.label, f"{MEMBER_UNITS['member4'][1]}（中国技术经济学会的会员单位）"),
    ("secretariat", Role.SECRETARIAT.label, "中国技术经济学会秘书处（两个推荐渠道，先导技术榜每领域 6 个名额）"),
    ("secretariat2", Role.SECRETARIAT.label, "陕西省科学技术协会（一个推荐渠道）"),
    ("pioneer", Role.PIONEER.label, f"{PIONEER['name']}（2022年技术经理人先锋人物，可推举 1 人）"),
    *team_logins(Role.EXPERT.label, Role.COORDINATOR.label),
    ("platform", Role.PLATFORM.label, "“科创中国”联合体秘书处（平台）"),
    ("admin", Role.ADMIN.label, "系统管理员（可进入后台）"),
]

DEMO_START_LABEL = "征集中（演示起点）"
DEMO_START_HINT = "会员单位填写并提交申报；推荐单位秘书处在“收件箱”退回、受理或推荐，先锋人物推举 1 人。"


class DemoMoment(NamedTuple):
    """A quick button of the demo clock: the ISO value it sends, its label, the moment and what to do then."""

    value: str
    label: str
    moment: datetime
    hint: str


def demo_moments(campaign: Campaign | None = None) -> list[DemoMoment]:
    """The demo clock's quick buttons: the demo's start, then the presets of the moments table
    (``rules/moments.py``) for ``campaign`` (the active one by default)."""
    return _demo_moments(campaign or Campaign.objects.active())


def current_demo_moment(campaign: Campaign | None, now: datetime | None = None) -> DemoMoment | None:
    """The last quick button at or before ``now`` (the stage the demo clock is in; ``campaign`` ``None``:
    the demo's start only), or ``None`` before the first."""
    now = now or clock.now()
    passed = [m for m in _demo_moments(campaign) if m.moment <= now]
    return passed[-1] if passed else None


def _demo_moments(campaign: Campaign | None) -> list[DemoMoment]:
    presets = [(DEMO_START_LABEL, clock.demo_start(), DEMO_START_HINT)]
    if campaign is not None:
        presets += moments.demo_presets(campaign)
    rows = [
        DemoMoment(timezone.localtime(moment).isoformat(timespec="seconds"), label, timezone.localtime(moment), hint)
        for label, moment, hint in presets
    ]
    return sorted(rows, key=lambda row: row.moment)


def _counter():
    return {"created": 0, "updated": 0}


def _recommending_unit(campaign, spec, counts):
    fields = {key: spec[key] for key in ("short_name", "contact_name", "contact_phones", "contact_email")}
    fields["is_active"] = True
    unit, created = RecommendingUnit.objects.get_or_create(name=spec["name"], defaults=fields)
    _count(counts, created, created or _refresh(unit, fields))
    # This campaign's channels are exactly the listed ones; other years' channels are kept.
    wanted = set(Channel.objects.filter(campaign=campaign, code__in=spec["channels"]).values_list("pk", flat=True))
    if len(wanted) != len(spec["channels"]):
        raise ValueError(f"Unknown channel among {spec['channels']} in campaign {campaign.year}")
    current = set(unit.channels.filter(campaign=campaign).values_list("pk", flat=True))
    if current - wanted:
        unit.channels.remove(*(current - wanted))
    if wanted - current:
        unit.channels.add(*(wanted - current))
    Participation.objects.get_or_create(campaign=campaign, unit=unit)
    return unit


def _member_unit(unit, name, credit_code, contact, phone, email, counts):
    fields = {
        "credit_code": credit_code,
        "contact_name": contact,
        "contact_phone": phone,
        "contact_email": email,
        "is_active": True,
    }
    member, created = MemberUnit.objects.get_or_create(recommending_unit=unit, name=name, defaults=fields)
    _count(counts, created, created or _refresh(member, fields))
    return member


def _count(counts, created, changed):
    if created:
        counts["created"] += 1
    elif changed:
        counts["updated"] += 1


def _refresh(obj, fields):
    """Write the fields that differ; return whether anything changed."""
    changed = [key for key, value in fields.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, fields[key])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _account(username, *, is_staff=False, is_superuser=False, **user_fields):
    """The demo user ``username`` with the demo password; returns ``(user, created, changed)``."""
    user_model = get_user_model()
    fields = {
        "email": f"{username}@demo.kczg.invalid",
        "is_staff": is_staff or is_superuser,
        "is_superuser": is_superuser,
        "is_active": True,
        **user_fields,
    }
    user, created = user_model.objects.get_or_create(username=username, defaults=fields)
    dirty = created or _refresh(user, fields)
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        dirty = True
    return user, created, dirty


def demo_account(username, counts, **user_fields):
    """A demo user without a platform role (no profile), counted in ``counts`` (the summary's ``users``);
    for the demo extras of other apps (e.g. a financial partner's staff)."""
    user, created, dirty = _account(username, **user_fields)
    _count(counts, created, dirty)
    return user


def _user(username, role, counts, *, display_name="", is_staff=False, is_superuser=False, **profile_fields):
    user, created, dirty = _account(username, is_staff=is_staff, is_superuser=is_superuser)
    profile = {
        "role": role,
        "display_name": display_name,
        "phone": "",
        "member_unit": None,
        "recommending_unit": None,
        "pioneer": None,
        "review_body": None,
        "organization": "",
    }
    profile.update(profile_fields)
    found = Profile.objects.filter(user=user).first()
    if found is None:
        Profile.objects.create(user=user, **profile)
        dirty = True
    else:
        dirty = _refresh(found, profile) or dirty
    _count(counts, created, dirty)
    return user


@dataclass(frozen=True)
class DemoReviewSide:
    """What the demo needs from the review side (registered by the reviews app at ready()).

    ``body(campaign, name)`` is the review body the demo experts and coordinator belong to;
    ``load_criteria(campaign)`` gives the lists without scoring criteria the default ones."""

    body: Callable
    load_criteria: Callable


_REVIEW_SIDE: list[DemoReviewSide] = []


def register_review_side(side: DemoReviewSide) -> None:
    _REVIEW_SIDE[:] = [side]


def _review_side() -> DemoReviewSide:
    if not _REVIEW_SIDE:
        raise LookupError("The demo needs the review side: the reviews app registers it at ready().")
    return _REVIEW_SIDE[0]


@dataclass(frozen=True)
class DemoExtra:
    """A further part of the demo, registered by an app above the core at ready() (the promotion app).

    ``logins`` are rows like those of ``DEMO_LOGINS`` (appended to it, so the command and the README
    list them); ``load(campaign, summary)`` runs at the end of ``load_demo`` (idempotent, like it) with
    the active demo campaign and the summary, whose ``users`` counter it adds its users to."""

    name: str
    logins: tuple
    load: Callable


_EXTRAS: dict[str, DemoExtra] = {}


def register_extra(extra: DemoExtra) -> None:
    """Add (or replace) a demo extra; its log-ins join ``DEMO_LOGINS`` once."""
    _EXTRAS[extra.name] = extra
    known = {row[0] for row in DEMO_LOGINS}
    DEMO_LOGINS.extend(row for row in extra.logins if row[0] not in known)


@transaction.atomic
def load_demo(campaign_file=CAMPAIGN_FILE):
    """Load the 2023 campaign and the demo units and users; return a summary dict."""
    review_side = _review_side()

    path = campaign_file
    if not str(path).startswith("/"):
        path = settings.BASE_DIR / path
    campaign = load_campaign(path)

    units = _counter()
    society = _recommending_unit(campaign, SOCIETY, units)
    second = _recommending_unit(campaign, SECOND_UNIT, units)
    by_key = {"society": society, "second": second}

    members = _counter()
    member_units = {
        username: _member_unit(by_key[unit_key], *rest, members) for username, (unit_key, *rest) in MEMBER_UNITS.items()
    }

    pioneer_fields = {"organization": PIONEER["organization"], "listed_year": PIONEER["listed_year"], "is_active": True}
    pioneer, pioneer_created = Pioneer.objects.get_or_create(
        campaign=campaign, name=PIONEER["name"], defaults=pioneer_fields
    )
    _refresh(pioneer, pioneer_fields)

    users = _counter()
    for username, (_, _, _, contact, phone, _) in MEMBER_UNITS.items():
        _user(
            username,
            Role.MEMBER,
            users,
            display_name=contact,
            phone=phone,
            member_unit=member_units[username],
        )
    _user("secretariat", Role.SECRETARIAT, users, display_name="赵晨", recommending_unit=society)
    _user("secretariat2", Role.SECRETARIAT, users, display_name="刘洋", recommending_unit=second)
    _user("pioneer", Role.PIONEER, users, display_name=PIONEER["name"], pioneer=pioneer)
    for team in REVIEW_TEAMS:
        body = review_side.body(campaign, team.body)
        for username, (name, organization) in zip(team.expert_usernames, team.experts, strict=True):
            _user(username, Role.EXPERT, users, display_name=name, review_body=body, organization=organization)
        _user(
            team.coordinator_username,
            Role.COORDINATOR,
            users,
            display_name=team.coordinator,
            review_body=body,
            organization=team.body,
        )
    platform = _user("platform", Role.PLATFORM, users, display_name="何平", is_staff=True)
    _user("admin", Role.ADMIN, users, display_name="系统管理员", is_superuser=True)

    group = ensure_platform_group()
    if not platform.groups.filter(pk=group.pk).exists():
        platform.groups.add(group)

    review_side.load_criteria(campaign)
    entries = create_demo_nominations(campaign)
    summary = {
        "campaign": campaign,
        "recommending_units": units,
        "member_units": members,
        "pioneer_created": pioneer_created,
        "users": users,
        "entries_created": entries,
    }
    for extra in _EXTRAS.values():
        extra.load(campaign, summary)
    return summary


def demo_logins_table():
    """The demo log-ins as rows ``(username, role label, description, password)``."""
    return [(username, role, description, DEMO_PASSWORD) for username, role, description in DEMO_LOGINS]


README_LOGINS_HEADER = ("| username | role | acts for | password |", "|---|---|---|---|")


def demo_logins_markdown() -> str:
    """The README's table of demo log-ins (tests/test_demo_data.py keeps the README equal to it)."""
    rows = [
        f"| `{username}` | {role} | {description} | `{password}` |"
        for username, role, description, password in demo_logins_table()
    ]
    return "\n".join([*README_LOGINS_HEADER, *rows])


def move_demo_clock(user, moment):
    """Move the demo clock to ``moment`` and record it; return the new simulated time."""
    if not clock.demo_clock_enabled():
        raise RuntimeError("The demo clock is off in these settings.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    before = clock.now()
    with transaction.atomic():
        clock.set_demo_time(moment)
        record_event(
            "move_demo_clock",
            user,
            at=before,
            note=(f"演示时钟由 {format_timestamp(before)} 调整为 {format_timestamp(moment)}（北京时间）。"),
        )
    return clock.now()
