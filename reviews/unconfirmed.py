"""The platform's decision on a recommending unit that never confirmed its recommendations.

After a unit's platform deadline (extension included) has passed without its confirmation, the
platform secretariat decides what becomes of the unit's recommended entries (the dispatch page's
section “未确认推荐结果的推荐单位”):

* 纳入初评 (include): the entries are dispatched like those of a confirmed unit
  (``reviews.dispatch.check_dispatch_open``);
* 不纳入初评 (exclude): each recommended entry moves to 未获推荐 through the workflow's ``exclude``
  transition, with the reason as its note, so its member is told (mail ``excluded``).

Both need a reason (at most 500 字). Recording saves the decision on the unit's ``Participation``,
writes an audit record (``decide_unconfirmed``) and, for 不纳入初评, moves the entries — one
transaction, all or nothing. Without a decision the campaign's default (``Campaign.unconfirmed_units``)
applies: 全部纳入初评 lets the entries go, 全部不纳入初评 keeps them back (nobody is told until the
platform records the decision), 由平台秘书处逐个决定 keeps them back until a decision.

A decision may be recorded, and changed, while the unit is still unconfirmed, its deadline has passed
and none of its entries has been dispatched or excluded by it (:func:`locks`): once an entry is in
review, or members have been told that theirs is not, the decision stands (giving 未获推荐 entries
back is the workflow's ``reconsider``, not a change of this decision). Who may decide is the policy's
``run_dispatch``.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q

from kczg_site import clock
from nominations import locks as row_locks
from nominations import workflow
from nominations.audit import record_event
from nominations.confirmation import participation_for
from nominations.models import Campaign, Nomination, Participation, RecommendingUnit, State, UnconfirmedDecision
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused, require
from reviews.dispatch import deadline_text, opening_of

MAX_REASON = 500
DISPATCHED = "该单位已有申报分发至初评，不能再更改处理决定。"
EXCLUDED = "该单位的申报已按“不纳入初评”处理并通知会员，不能再更改处理决定。"


class UnconfirmedError(Refused):
    """A refused decision on an unconfirmed unit; ``str(error)`` is the Chinese reason."""


def locks(campaign: Campaign, unit_ids: Iterable[int]) -> dict[int, str]:
    """``{unit id: reason}`` for the units whose decision may no longer change (one query)."""
    excluded = Q(
        state=State.NOT_RECOMMENDED,
        recommending_unit__participations__campaign=campaign,
        recommending_unit__participations__unconfirmed_decision=UnconfirmedDecision.EXCLUDE,
    )
    rows = (
        Nomination.objects.filter(campaign=campaign, recommending_unit_id__in=list(unit_ids))
        .filter(Q(dispatch__isnull=False) | excluded)
        .values_list("recommending_unit_id", "dispatch__id")
        .distinct()
    )
    result: dict[int, str] = {}
    for unit_id, dispatch_id in rows:
        if dispatch_id is not None or unit_id not in result:
            result[unit_id] = DISPATCHED if dispatch_id is not None else EXCLUDED
    return result


def check_decide(
    user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign, now: datetime | None = None
) -> Decision:
    """May ``user`` record (or change) the decision on ``unit`` now?"""
    decision = may(user, "run_dispatch")
    if not decision:
        return decision
    opening = opening_of(campaign, unit)
    if opening.confirmed_at is not None:
        return Decision.deny(f"{unit}已确认推荐结果，其申报照常分发，无需决定。")
    if opening.deadline.is_open(now):
        return Decision.deny(f"{unit}的平台申报截止时间（{deadline_text(opening.deadline)}）之后才能决定是否纳入初评。")
    reason = locks(campaign, [unit.pk]).get(unit.pk)
    return Decision.deny(reason) if reason else ALLOW


def decide(
    user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign, choice: str, reason: str
) -> tuple[Participation, list[Nomination]]:
    """Record the decision ``choice`` (``UnconfirmedDecision``) on ``unit``; returns the participation
    and the entries moved to 未获推荐 (none for 纳入初评)."""
    reason = (reason or "").strip()
    if choice not in UnconfirmedDecision.values:
        raise UnconfirmedError("请选择纳入初评或不纳入初评。")
    if not reason:
        raise UnconfirmedError("请填写处理理由。")
    with transaction.atomic():
        # The lock confirmation takes: the unit cannot confirm meanwhile.
        row_locks.serialize_on(RecommendingUnit, unit.pk)
        require(check_decide(user, unit, campaign), UnconfirmedError)
        participation = participation_for(unit, campaign)
        now = clock.now()
        participation.unconfirmed_decision = choice
        participation.unconfirmed_reason = reason
        participation.unconfirmed_decided_at = now
        participation.unconfirmed_decided_by = user
        participation.save(
            update_fields=[
                "unconfirmed_decision",
                "unconfirmed_reason",
                "unconfirmed_decided_at",
                "unconfirmed_decided_by",
            ]
        )
        label = UnconfirmedDecision(choice).label
        record_event("decide_unconfirmed", user, recommending_unit=unit, note=f"{label}：{reason}", at=now)
        excluded = []
        if choice == UnconfirmedDecision.EXCLUDE:
            entries = Nomination.objects.filter(
                campaign=campaign, recommending_unit=unit, state=State.RECOMMENDED
            ).order_by("pk")
            for entry in entries:
                try:
                    excluded.append(workflow.transition(entry, "exclude", user, note=reason))
                except workflow.WorkflowError as error:
                    raise UnconfirmedError(f"“{entry}”：{error}") from error
    return participation, excluded
