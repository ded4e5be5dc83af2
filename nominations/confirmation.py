"""Confirming a recommending unit's recommendations to the platform, and reopening them.

Confirming is the secretariat's last step before the platform deadline (or the unit's extension).
While a unit is confirmed, the workflow refuses every change to its recommendations
(``workflow.check_not_confirmed``) until the platform secretariat reopens the unit.
"""

from django.db import transaction

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.audit import record_event
from nominations.models import Nomination, Participation, RecommendingUnit, Role
from nominations.rules import deadlines, quotas
from nominations.rules.decision import ALLOW, Decision, Refused


class ConfirmationError(Refused):
    """A refused confirmation or reopening; ``str(error)`` is the Chinese reason."""


def participation_for(unit, campaign):
    participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=unit)
    return participation


def is_confirmed(unit, campaign):
    return Participation.objects.filter(campaign=campaign, unit=unit).exclude(confirmed_at=None).exists()


def recommended_count(unit, campaign, entries=None) -> int:
    """How many entries ``unit`` has recommended, counted in ``entries`` (the reader's visible
    queryset) or, without it, among the entries staff may see (the figure goes to staff)."""
    entries = Nomination.objects.filter(policy.sent_to_staff()) if entries is None else entries
    return quotas.recommended_count(unit, campaign, entries=entries)


def check_confirm(user, unit, campaign, now=None):
    profile = policy.profile_of(user)
    if policy.role_of(user) != Role.SECRETARIAT or profile is None or profile.recommending_unit_id != unit.pk:
        return Decision.deny("只有本推荐单位的秘书处可以确认推荐结果。")
    if is_confirmed(unit, campaign):
        return Decision.deny("本单位已确认推荐结果。")
    return deadlines.platform_deadline(campaign, unit).check(now)


def confirm(user, unit, campaign):
    """Confirm ``unit``'s recommendations; returns the Participation."""
    with transaction.atomic():
        # The same row the workflow locks for recommending: no recommendation slips in meanwhile.
        RecommendingUnit.objects.select_for_update().get(pk=unit.pk)
        decision = check_confirm(user, unit, campaign)
        if not decision:
            raise ConfirmationError(decision.reason)
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
            note=f"确认推荐 {count} 项,确认时间 {format_datetime(now)}。",
            at=now,
        )
        from nominations.notifications import queue_event_mail

        queue_event_mail(event)
    return participation


def check_reopen(user, unit, campaign):
    if policy.role_of(user) not in (Role.PLATFORM, Role.ADMIN):
        return Decision.deny("只有平台秘书处可以重新开放。")
    if not is_confirmed(unit, campaign):
        return Decision.deny("该单位尚未确认推荐结果,无需重新开放。")
    return ALLOW


def reopen(user, unit, campaign, reason=""):
    """Undo the confirmation of ``unit`` so that its secretariat may change its recommendations."""
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmationError("请填写重新开放的理由。")
    with transaction.atomic():
        RecommendingUnit.objects.select_for_update().get(pk=unit.pk)
        decision = check_reopen(user, unit, campaign)
        if not decision:
            raise ConfirmationError(decision.reason)
        participation = participation_for(unit, campaign)
        participation.confirmed_at = None
        participation.confirmed_by = None
        participation.save(update_fields=["confirmed_at", "confirmed_by"])
        event = record_event("reopen", user, recommending_unit=unit, note=reason)
        from nominations.notifications import queue_event_mail

        queue_event_mail(event)
    return participation
