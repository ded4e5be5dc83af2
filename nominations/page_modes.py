"""The mode the clock (and the state) puts a page in: editable, or read-only with a banner that says
what passed, when, and what the user can still do.

No rule lives here: each mode asks the rule's one home and only words the answer for a page —
``workflow.check_edit`` (the author's edit page and dashboards), ``workflow.check`` (whether the
withdraw button is offered), ``policy.may`` and ``intake.creation_deadline`` (a new entry), and the
viewer's role deadline of ``rules.deadlines.role_deadline`` (a secretariat after its platform deadline).
The banner is ``templates/includes/mode_banner.html``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from kczg_site.formats import format_contact
from nominations import intake, policy, workflow
from nominations.models import Campaign, Nomination, RecommendingUnit, Role
from nominations.rules.deadlines import RoleDeadline

WITHDRAW_CONFIRM = "撤回后该申报不再参加本年度推荐，且不能恢复。确定撤回吗？"
PLATFORM_SECRETARIAT = "平台秘书处"


@dataclass(frozen=True)
class Option:
    """One thing the user can still do: a link (``url``), a form posting to ``url`` (``post``), or
    advice without a link (``url`` empty)."""

    label: str
    url: str = ""
    post: bool = False
    confirm: str = ""
    key: str = ""  # "download", "withdraw", "detail", "dashboard", "export", "inbox", "extension"


@dataclass(frozen=True)
class Mode:
    """``editable``; otherwise ``title`` (what the page is now), ``reason`` (what passed and when, the
    rule's own words) and ``options`` (what the user can still do)."""

    editable: bool
    title: str = ""
    reason: str = ""
    options: tuple[Option, ...] = ()

    @property
    def read_only(self) -> bool:
        return not self.editable


EDITABLE = Mode(True)


def ask_for_extension(unit: RecommendingUnit | None) -> Option:
    """Whom to ask for an extension: the recommending unit's secretariat (with its contact), else the
    platform secretariat."""
    if unit is None:
        return Option(f"如需延期，请联系{PLATFORM_SECRETARIAT}。", key="extension")
    contact = format_contact(unit.contact_name, unit.contact_phones, unit.contact_email)
    return Option(f"如需延期，请联系{unit}秘书处申请延期{contact}。", key="extension")


# ---------------------------------------------------------------- the author's entry


def edit_mode(nomination: Nomination, user: policy.AnyUser, namespace: str, now: datetime | None = None) -> Mode:
    """The mode of ``nomination``'s edit page for ``user``: editable while ``workflow.check_edit`` allows
    it; else read-only, with the reason and the way on (download, withdraw, ask for an extension)."""
    decision = workflow.check_edit(nomination, user, now)
    if decision:
        return EDITABLE
    deadline = workflow.check_deadline(nomination, "member", now)
    passed = not deadline and deadline.reason == decision.reason
    options = [
        Option("下载申报书（Word）", reverse("exports:nomination_docx", args=[nomination.pk]), key="download"),
    ]
    if workflow.check(nomination, "withdraw", user, now=now):
        url = reverse(f"{namespace}:act", kwargs={"pk": nomination.pk, "action": "withdraw"})
        options.append(Option("撤回申报", url, post=True, confirm=WITHDRAW_CONFIRM, key="withdraw"))
    if passed:
        options.append(ask_for_extension(nomination.recommending_unit if nomination.member_unit_id else None))
    options.append(Option("查看申报详情", reverse(f"{namespace}:detail", args=[nomination.pk]), key="detail"))
    title = "填写已截止，申报内容只能查看" if passed else "申报内容当前不能修改，只能查看"
    return Mode(False, title, decision.reason, tuple(options))


def remember_deadline(entries: Iterable[Nomination], deadline: object, kind: str = "member") -> None:
    """Tell the entries of one dashboard (one member unit or one pioneer: one deadline) the deadline
    the page already has, and let them share the rules' other lookups (their unit's confirmation), so
    that asking ``check_edit`` of each costs no query per row (``workflow.share_lookups``)."""
    entries = list(entries)
    workflow.remember_deadline(entries, kind, deadline)
    workflow.share_lookups(entries)


def mark_editable(entries: Iterable[Nomination], user: policy.AnyUser, now: datetime | None = None) -> None:
    """Set ``entry.editable`` (the dashboard's 填写 or 查看) from ``workflow.check_edit``."""
    for entry in entries:
        entry.editable = bool(workflow.check_edit(entry, user, now))


# ---------------------------------------------------------------- a new entry


def create_mode(user: policy.AnyUser, campaign: Campaign, namespace: str, now: datetime | None = None) -> Mode:
    """May ``user`` start a new entry now? ``intake.check_create``: the policy, the deadline that bounds
    creating and the unit's confirmation, as ``intake.create_nomination`` asks them."""
    decision = intake.check_create(user, campaign, now)
    if decision:
        return EDITABLE
    profile = policy.profile_of(user)
    member_unit = profile.member_unit if profile is not None and profile.member_unit_id else None
    label = "返回我的推举" if namespace == "pioneer" else "返回我的申报"
    options = [
        Option(label, reverse(f"{namespace}:dashboard"), key="dashboard"),
        ask_for_extension(member_unit.recommending_unit if member_unit is not None else None),
    ]
    title = "不能新建申报" if namespace != "pioneer" else "不能推举新的候选人"
    return Mode(False, title, decision.reason, tuple(options))


# ---------------------------------------------------------------- the viewer's role


def role_mode(
    user: policy.AnyUser, campaign: Campaign | None, own: RoleDeadline | None, now: datetime | None = None
) -> Mode:
    """The mode of a role's own dashboards: a secretariat after its platform deadline (the unit's
    extension included) can no longer recommend or confirm; it can still export and look."""
    if campaign is None or own is None or policy.role_of(user) != Role.SECRETARIAT:
        return EDITABLE
    decision = own.deadline.check(now)
    if decision:
        return EDITABLE
    options = (
        Option("导出", reverse("exports:list"), key="export"),
        Option("查看收件箱", reverse("secretariat:inbox"), key="inbox"),
        Option(f"如需延期，请联系{PLATFORM_SECRETARIAT}申请延期。", key="extension"),
    )
    return Mode(False, "平台申报已截止，推荐和确认不能再办理", decision.reason, options)
