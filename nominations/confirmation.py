"""Confirming a recommending unit's recommendations to the platform, and reopening them.

Confirming is the secretariat's last step before the platform deadline (or the unit's extension).
Confirming needs the signed and stamped scans the campaign requires (``stamps.check_complete``).
At confirmation every entry of the unit still 已提交, 已受理 or 退回修改 becomes 未获推荐 (the
workflow's ``not_recommend``, audited and mailed to its member unit). While a unit is confirmed, the
workflow refuses every change to its recommendations (``workflow.check_not_confirmed``) and its
members' submissions, edits and new entries (:func:`check_accepting_submissions`) until the platform
secretariat reopens the unit; reopening gives the 未获推荐 entries back (``reconsider``, 已受理), and is
refused once the unit's entries went to review. Who may confirm and reopen is the policy's
(``confirm_recommendations``, ``reopen_recommendations``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from kczg_site import clock
from kczg_site.formats import format_clock_time, format_contact, format_datetime
from nominations import locks, official, policy, workflow
from nominations.audit import record_event
from nominations.models import Campaign, Nomination, Participation, RecommendingUnit, State
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


def confirmed_participation(unit_id: int | None, campaign_id: int | None) -> Participation | None:
    """The unit's Participation (with its unit) in the campaign if it has confirmed, else ``None``."""
    if not unit_id or not campaign_id:
        return None
    confirmed = Participation.objects.filter(campaign_id=campaign_id, unit_id=unit_id).exclude(confirmed_at=None)
    return confirmed.select_related("unit").first()


def whom_to_ask(unit: RecommendingUnit) -> str:
    """``中国电子学会秘书处（联系人：张三，电话：010-1234）``: the unit's secretariat and its contact."""
    return f"{unit.name}秘书处{format_contact(unit.contact_name, unit.contact_phones)}"


def closed_reason(participation: Participation) -> str:
    unit = participation.unit
    return (
        f"{unit.name}已于 {format_clock_time(participation.confirmed_at)} 向平台确认推荐结果，"
        f"不再接收本年度的新申报、提交或修改。如有疑问，请联系{whom_to_ask(unit)}；"
        "确需调整的，须由平台秘书处重新开放该单位。"
    )


def accepting_submissions(unit_id: int | None, campaign_id: int | None) -> Decision:
    """The rule of :func:`check_accepting_submissions`, asked by ids (one query; the workflow's form)."""
    participation = confirmed_participation(unit_id, campaign_id)
    return Decision.deny(closed_reason(participation)) if participation is not None else ALLOW


def check_accepting_submissions(unit: RecommendingUnit | None, campaign: Campaign | None) -> Decision:
    """Does ``unit`` still take its members' entries (new, submitted, resubmitted, edited) in ``campaign``?

    Refused once the unit has confirmed its recommendations, until the platform reopens it; the reason
    names the unit, the time, whom to ask and that the platform can reopen. The one home of this rule:
    the workflow (``submit``, ``resubmit``, ``check_edit``) and intake (``check_create``) ask it."""
    if unit is None or campaign is None:
        return ALLOW
    return accepting_submissions(unit.pk, campaign.pk)


def not_recommended_entries(unit: RecommendingUnit, campaign: Campaign) -> QuerySet[Nomination]:
    """The unit's entries that confirming turns into 未获推荐: those ``not_recommend`` starts from."""
    sources = workflow.TRANSITIONS["not_recommend"].sources
    return Nomination.objects.filter(campaign=campaign, recommending_unit=unit, pioneer=None, state__in=sources)


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
    decision = deadlines.platform_deadline(campaign, unit).check(now)
    if not decision:
        return decision
    # 签字盖章: the stamped 汇总表 and every recommended entry's stamped pages, when the campaign asks.
    # Inside the function: stamps asks this module whether a unit has confirmed.
    from nominations.stamps import check_complete

    return check_complete(unit, campaign)


def confirm(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign) -> Participation:
    """Confirm ``unit``'s recommendations; returns the Participation."""
    with transaction.atomic():
        # The same row the workflow locks for recommending: no recommendation slips in meanwhile.
        locks.serialize_on(RecommendingUnit, unit.pk)
        require(check_confirm(user, unit, campaign), ConfirmationError)
        # What the unit did not recommend is told so, entry by entry (audited, mailed after commit).
        not_recommended = 0
        for entry in not_recommended_entries(unit, campaign).order_by("pk"):
            try:
                workflow.transition(entry, "not_recommend", user)
            except workflow.WorkflowError as refusal:
                raise ConfirmationError(f"“{entry}”不能标记为“未获推荐”：{refusal}") from refusal
            not_recommended += 1
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
            note=f"确认推荐 {count} 项，{not_recommended} 项未获推荐，确认时间 {format_datetime(now)}。",
            at=now,
        )
        queue_event_mail(event)
        # The official PDFs of the recommended entries (nominations/official.py), rendered after commit.
        official.freeze_unit(user, unit, campaign, at=now)
    return participation


def check_reopen(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign) -> Decision:
    decision = policy.may(user, "reopen_recommendations", unit)
    if not decision:
        return decision
    if not is_confirmed(unit, campaign):
        return Decision.deny("该单位尚未确认推荐结果，无需重新开放。")
    if Nomination.objects.filter(campaign=campaign, recommending_unit=unit, state__in=State.in_review()).exists():
        return Decision.deny("该单位的推荐已分发初评，不能重新开放。")
    return ALLOW


def reopen(user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, reason: str = "") -> Participation:
    """Undo the confirmation of ``unit`` so that its secretariat may change its recommendations."""
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmationError("请填写重新开放的理由。")
    with transaction.atomic():
        locks.serialize_on(RecommendingUnit, unit.pk)
        require(check_reopen(user, unit, campaign), ConfirmationError)
        # The entries confirming marked 未获推荐 go back to the unit (已受理), each audited.
        entries = Nomination.objects.filter(
            campaign=campaign, recommending_unit=unit, pioneer=None, state=State.NOT_RECOMMENDED
        )
        for entry in entries.order_by("pk"):
            workflow.transition(entry, "reconsider", user)
        participation = participation_for(unit, campaign)
        participation.confirmed_at = None
        participation.confirmed_by = None
        participation.save(update_fields=["confirmed_at", "confirmed_by"])
        event = record_event("reopen", user, recommending_unit=unit, note=reason)
        queue_event_mail(event)
        # The official versions of the unit become 作废 (kept; /verify/ says so).
        official.void_unit(user, unit, campaign, reason)
    return participation
