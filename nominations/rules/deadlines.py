"""The two levels of deadlines and their extensions.

* The member deadline: members submit to their recommending unit (the society's: 2023-11-20 17:00).
  A recommending unit may set its own (``Participation.member_deadline``).
* The platform deadline: recommending units recommend and confirm on the platform
  (2023-11-30 24:00, stored as 2023-12-01 00:00 +08:00).

A deadline is open while ``now < deadline``: at 17:00:00 sharp the member deadline has passed.
An extension recorded for the member unit or its recommending unit moves that one deadline for them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet, Subquery

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations.models import Campaign, Extension, ExtensionKind, MemberUnit, Participation, RecommendingUnit

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


def _extensions(
    campaign: Campaign | int, kind: str, *, recommending_unit: UnitRef = None, member_unit: UnitRef = None
) -> QuerySet | None:
    """The extensions of ``kind`` for the member unit or its recommending unit (objects or ids), latest first."""
    who = Q()
    if member_unit is not None:
        who |= Q(member_unit=member_unit)
    if recommending_unit is not None:
        who |= Q(recommending_unit=recommending_unit)
    if not who:
        return None
    return (
        Extension.objects.filter(who, campaign=campaign, kind=kind).order_by("-until").values_list("until", flat=True)
    )


def _latest_extension(
    campaign: Campaign | int, kind: str, *, recommending_unit: UnitRef = None, member_unit: UnitRef = None
) -> datetime | None:
    # One query for both levels (the member unit's own and its recommending unit's extensions).
    extensions = _extensions(campaign, kind, recommending_unit=recommending_unit, member_unit=member_unit)
    return extensions.first() if extensions is not None else None


def member_deadline(campaign: Campaign, member_unit: MemberUnit) -> Deadline:
    """The deadline for ``member_unit`` to submit to its recommending unit.

    One query: the recommending unit's own member deadline and the latest extension, as two subqueries
    (every autosave and submit at the deadline asks this).
    """
    unit_id = member_unit.recommending_unit_id
    own = (
        Participation.objects.filter(campaign=campaign, unit_id=unit_id)
        .exclude(member_deadline=None)
        .values("member_deadline")[:1]
    )
    extensions = _extensions(campaign, ExtensionKind.MEMBER, recommending_unit=unit_id, member_unit=member_unit)
    own_at, extended = (
        Campaign.objects.filter(pk=campaign.pk)
        .annotate(own=Subquery(own), extended=Subquery(extensions.values("until")[:1]))
        .values_list("own", "extended")
        .get()
    )
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
