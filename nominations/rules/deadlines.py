"""The two levels of deadlines and their extensions.

* The member deadline: members submit to their recommending unit (the society's: 2023-11-20 17:00).
  A recommending unit may set its own (``Participation.member_deadline``).
* The platform deadline: recommending units recommend and confirm on the platform
  (2023-11-30 24:00, stored as 2023-12-01 00:00 +08:00).

A deadline is open while ``now < deadline``: at 17:00:00 sharp the member deadline has passed.
An extension recorded for the member unit or its recommending unit moves that one deadline for them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations.models import Campaign, ExtensionKind, MemberUnit, RecommendingUnit, Role

from . import moments
from .decision import ALLOW, Decision

# A unit given as its row or its primary key.
UnitRef = RecommendingUnit | MemberUnit | int | None


@dataclass(frozen=True)
class Deadline:
    label: str
    at: datetime
    extended_to: datetime | None = None

    @property
    def effective(self) -> datetime:
        if self.extended_to and self.extended_to > self.at:
            return self.extended_to
        return self.at

    def is_open(self, now: datetime | None = None) -> bool:
        return (now or clock.now()) < self.effective

    def check(self, now: datetime | None = None) -> Decision:
        if self.is_open(now):
            return ALLOW
        when = format_datetime(self.effective)
        extra = "（含延期）" if self.effective != self.at else ""
        return Decision.deny(f"{self.label}已过：截止时间为北京时间 {when}{extra}。")


def _latest_extension(
    campaign: Campaign | int, kind: str, *, recommending_unit: UnitRef = None, member_unit: UnitRef = None
) -> datetime | None:
    # Both levels (the member unit's own and its recommending unit's extensions), from the campaign's
    # extensions cached per process until the next change (nominations/campaign_cache.py).
    from nominations import campaign_cache  # inside: campaign_cache imports the models, as this module

    def pk(ref: Campaign | UnitRef) -> int | None:
        return ref if ref is None or isinstance(ref, int) else ref.pk

    return campaign_cache.latest_extension(pk(campaign), kind, pk(recommending_unit), pk(member_unit))


def member_deadline(campaign: Campaign, member_unit: MemberUnit) -> Deadline:
    """The deadline for ``member_unit`` to submit to its recommending unit.

    No query while the cached campaign data is current (``nominations.campaign_cache``: the recommending
    unit's own member deadline and the extensions, invalidated on every change of them); every autosave
    and submit at the deadline asks this. The deadline is checked against the clock at each use.
    """
    from nominations import campaign_cache

    unit_id = member_unit.recommending_unit_id
    own_at = campaign_cache.unit_member_deadline(campaign.pk, unit_id)
    extended = _latest_extension(campaign, ExtensionKind.MEMBER, recommending_unit=unit_id, member_unit=member_unit)
    return Deadline(moments.label("member_deadline") + "时间", own_at or campaign.member_deadline, extended)


def platform_deadline(campaign: Campaign, recommending_unit: RecommendingUnit | int | None = None) -> Deadline:
    """The deadline for a recommending unit (or a pioneer, without one) to recommend and confirm."""
    extended = None
    if recommending_unit is not None:
        extended = _latest_extension(campaign, ExtensionKind.PLATFORM, recommending_unit=recommending_unit)
    return Deadline(moments.label("platform_deadline") + "时间", campaign.platform_deadline, extended)


def next_deadline(campaign: Campaign, now: datetime | None = None) -> tuple[str, datetime] | None:
    """The next campaign-wide deadline after ``now`` as ``(label, moment)``, or ``None`` (the moments
    counted down to: ``rules/moments.py``)."""
    now = now or clock.now()
    for label, moment in moments.countdown_moments(campaign):
        if now < moment:
            return label, moment
    return None


# ---------------------------------------------------------------- the viewer's own deadline

# The review side's deadline of one body (its scoring and results deadline with the body's extension),
# registered by the reviews app at ready(): f(review_body) -> Deadline. The core never imports reviews.
REVIEW_DEADLINES: list[Callable[[Any], Deadline]] = []
# And an expert's (who may serve several bodies): f(user, campaign) -> Deadline | None, the nearest.
EXPERT_DEADLINES: list[Callable[[Any, Any], Deadline | None]] = []


def register_review_deadline(
    deadline_of_body: Callable[[Any], Deadline], deadline_of_expert: Callable[[Any, Any], Deadline | None] | None = None
) -> None:
    """Let the reviews app tell an expert's or a coordinator's deadline (its body's, extension included;
    an expert's: the nearest of the bodies they serve)."""
    REVIEW_DEADLINES[:] = [deadline_of_body]
    EXPERT_DEADLINES[:] = [deadline_of_expert] if deadline_of_expert else []


@dataclass(frozen=True)
class RoleDeadline:
    """The deadline that applies to one viewer: the moment (a ``Campaign`` field) and its :class:`Deadline`."""

    field: str
    deadline: Deadline

    @property
    def label(self) -> str:
        return moments.label(self.field)


@dataclass(frozen=True)
class NextDeadline:
    """What the header bar shows: ``label`` and ``at``; ``passed``: the viewer's own deadline is over
    (the bar says so, with no countdown to anybody else's deadline)."""

    label: str
    at: datetime
    passed: bool = False
    extended: bool = False


def _review_deadline(campaign: Campaign, body: Any) -> Deadline:
    if body is not None and body.campaign_id == campaign.pk and REVIEW_DEADLINES:
        body.campaign = campaign  # the active campaign is at hand: no second query for it
        return REVIEW_DEADLINES[0](body)
    return Deadline(moments.label("initial_review_deadline") + "时间", campaign.initial_review_deadline)


def role_deadline(user: Any, campaign: Campaign) -> RoleDeadline | None:
    """The deadline of ``user``'s role in ``campaign``, with the extensions that apply to them:

    member → its member deadline (its unit's own, the member unit's or its recommending unit's extension);
    pioneer → the platform deadline; secretariat → its unit's platform deadline (with the unit's
    extension); expert and coordinator → the initial-review deadline (with the body's extension, told by
    the review side). ``None`` for everybody else (the platform, the admin, visitors): the campaign-wide
    moments apply.
    """
    # Inside the function: the policy package imports the rules.
    from nominations.policy.roles import profile_of, role_of

    role = role_of(user)
    profile = profile_of(user)
    if profile is None:
        return None
    if role == Role.MEMBER and profile.member_unit_id:
        return RoleDeadline("member_deadline", member_deadline(campaign, profile.member_unit))
    if role == Role.PIONEER:
        return RoleDeadline("platform_deadline", platform_deadline(campaign))
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return RoleDeadline("platform_deadline", platform_deadline(campaign, profile.recommending_unit_id))
    if role == Role.EXPERT and EXPERT_DEADLINES:
        found = EXPERT_DEADLINES[0](user, campaign)
        if found is not None:
            return RoleDeadline("initial_review_deadline", found)
    if role in (Role.EXPERT, Role.COORDINATOR):
        body = profile.review_body if profile.review_body_id else None
        return RoleDeadline("initial_review_deadline", _review_deadline(campaign, body))
    return None


_UNSET: Any = object()


def next_deadline_for(
    user: Any, campaign: Campaign, now: datetime | None = None, *, own: RoleDeadline | None = _UNSET
) -> NextDeadline | None:
    """The deadline the header bar counts down to for ``user``: their role's own (:func:`role_deadline`;
    once it has passed, that it has, and no countdown to a later deadline that is not theirs), else the
    next campaign-wide moment (:func:`next_deadline`). ``own``: the role's deadline if already known."""
    now = now or clock.now()
    if own is _UNSET:
        own = role_deadline(user, campaign)
    if own is not None:
        deadline = own.deadline
        extended = deadline.effective != deadline.at
        return NextDeadline(own.label, deadline.effective, passed=not deadline.is_open(now), extended=extended)
    found = next_deadline(campaign, now)
    if not found:
        return None
    return NextDeadline(*found)
