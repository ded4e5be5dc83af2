"""Confirming a recommending unit's recommendations to the platform, and reopening them.

Confirming is the secretariat's last step before the platform deadline (or the unit's extension).
While a unit is confirmed, the workflow refuses every change to its recommendations
(``workflow.check_not_confirmed``) until the platform secretariat reopens the unit. Who may confirm
and reopen is the policy's (``confirm_recommendations``, ``reopen_recommendations``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.audit import record_event
from nominations.models import Campaign, Nomination, Participation, RecommendingUnit
from nominations.notifications import queue_event_mail
from nominations.rules import deadlines, quotas
from nominations.rules.decision import ALLOW, Decision, Refused, require


class ConfirmationError(Refused):
    """A refused confirmation or reopening; ``str(error)`` is the Chinese reason."""


def participation_for(unit: RecommendingUnit, campaign: Campaign) -> Participation:
    participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=unit)
    return participation


def is_confirmed(unit: RecommendingUnit, campaign: Campaign) -> bool:
    return Participation.objects.filter(campaign=campaign, unit=unit).exclude(confirmed_at=None).exists()


def recommended_count(unit: RecommendingUnit, campaign: Campaign, entries: QuerySet[Nomination] | None = None) -> int:
    """How many entries ``unit`` has recommended, counted in ``entries`` (the reader's visible
    queryset) or, without it, among the entries staff may see (the figure goes to staff)."""
    entries = Nomination.objects.filter(policy.sent_to_staff()) if entries is None else entries
    return quotas.recommended_count(unit, campaign, entries=entries)


def check_confirm(
    user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, now: datetime | None = None
) -> Decision:
    decision = policy.may(user, "confirm_recommendations", unit)
    if not decision:
        return decision
    if is_confirmed(unit, campaign):
        return Decision.deny("本单位已确认推荐结果。")
    return deadlines.platform_deadline(campaign, unit).check(now)


def confirm(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign) -> Participation:
    """Confirm ``unit``'s recommendations; returns the Participation."""
    with transaction.atomic():
        # The same row the workflow locks for recommending: no recommendation slips in meanwhile.
        RecommendingUnit.objects.select_for_update().get(pk=unit.pk)
        require(check_confirm(user, unit, campaign), ConfirmationError)
        participation = participation_for(unit, campaign)
        now = clock.now()
        participation.confirmed_at = now
        participation.confirmed_by = user
        participation.save(update_fields=["confirmed_at", "confirmed_by"])
        count = recommended_count(unit, campaign)
        event = record_event(
            "confirm",
            user,
            recommending_unit=unit,
            note=f"确认推荐 {count} 项，确认时间 {format_datetime(now)}。",
            at=now,
        )
        queue_event_mail(event)
    return participation


def check_reopen(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign) -> Decision:
    decision = policy.may(user, "reopen_recommendations", unit)
    if not decision:
        return decision
    if not is_confirmed(unit, campaign):
        return Decision.deny("该单位尚未确认推荐结果，无需重新开放。")
    return ALLOW


def reopen(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, reason: str = "") -> Participation:
    """Undo the confirmation of ``unit`` so that its secretariat may change its recommendations."""
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmationError("请填写重新开放的理由。")
    with transaction.atomic():
        RecommendingUnit.objects.select_for_update().get(pk=unit.pk)
        require(check_reopen(user, unit, campaign), ConfirmationError)
        participation = participation_for(unit, campaign)
        participation.confirmed_at = None
        participation.confirmed_by = None
        participation.save(update_fields=["confirmed_at", "confirmed_by"])
        event = record_event("reopen", user, recommending_unit=unit, note=reason)
        queue_event_mail(event)
    return participation
