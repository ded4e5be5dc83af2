"""The states of an interest request (对接请求) as data, and the one locked function that applies a row,
as ``nominations.workflow.transition()`` does for entries and ``reviews.objections.transition_case()``
for cases. Who may take a step is the caller's question (the policy); which step may follow which, the
times it sets, its mail and its audit record are this table's.

  (a new partner's first requests)
  moderation ─┬─ release ─→ pending ─┬─ accept ──→ accepted   (only this partner sees the contact)
              │                      ├─ decline ─→ declined
              │                      └─ expire ──→ expired    (the answer period passed, or the consent
              ├─ block ───→ declined                            was revoked)
              └─ withdraw ─→ expired  (the consent was revoked before the platform looked)

A request sent by a partner past its first ones starts as pending (``services.send_request``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from kczg_site import clock
from nominations.audit import record_event
from promotion import mails
from promotion.errors import PromotionError
from promotion.models import InterestRequest, RequestState

R = RequestState


@dataclass(frozen=True)
class RequestTransition:
    action: str
    label: str  # the step as the refusal names it: 不能{label}
    sources: frozenset
    target: str
    verb: str  # the audit verb (labels in promotion/hooks.AUDIT_LABELS)
    restarts_period: bool = False  # the answer period starts when the listed party first sees it


def _t(action: str, label: str, sources: set[str], target: str, verb: str, **kw: object) -> RequestTransition:
    return RequestTransition(action, label, frozenset(sources), target, verb, **kw)


REQUEST_TRANSITIONS = {
    t.action: t
    for t in (
        _t("release", "放行", {R.MODERATION}, R.PENDING, "promotion_moderate", restarts_period=True),
        _t("block", "拦截", {R.MODERATION}, R.DECLINED, "promotion_moderate"),
        _t("accept", "接受", {R.PENDING}, R.ACCEPTED, "promotion_release"),
        _t("decline", "拒绝", {R.PENDING}, R.DECLINED, "promotion_decline"),
        _t("expire", "标记过期", {R.PENDING}, R.EXPIRED, "promotion_expire"),
        _t("withdraw", "撤回", {R.MODERATION, R.PENDING}, R.EXPIRED, "promotion_expire"),
    )
}
OPEN_STATES = frozenset({R.MODERATION, R.PENDING})
CLOSED_STATES = frozenset({R.ACCEPTED, R.DECLINED, R.EXPIRED})


def _answer_days(item: InterestRequest) -> int:
    # Inside the function: services imports this module.
    from promotion.services import settings_of

    return settings_of(item.profile.nomination.campaign).answer_days


def transition_request(
    item: InterestRequest, action: str, actor=None, *, note: str = "", now: datetime | None = None
) -> InterestRequest:
    """Apply ``action`` to ``item`` under its row lock; raise :class:`PromotionError` when its state does
    not allow it (a second click, an answer after expiry). The partner or the listed party is mailed
    after commit; the step is audited (``actor`` ``None``: the platform's own clock)."""
    spec = REQUEST_TRANSITIONS.get(action)
    if spec is None:
        raise PromotionError("未知的操作。")
    with transaction.atomic():
        locked = (
            InterestRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("partner", "profile__nomination__campaign")
            .get(pk=item.pk)
        )
        if locked.state not in spec.sources:
            raise PromotionError(f"该请求当前为{locked.get_state_display()}，不能{spec.label}。")
        now = now or clock.now()
        locked.state = spec.target
        fields = ["state"]
        if spec.restarts_period:
            locked.expires_at = now + timedelta(days=_answer_days(locked))
            fields.append("expires_at")
        if spec.target in CLOSED_STATES:
            locked.answered_at = now
            fields.append("answered_at")
        locked.save(update_fields=fields)
        if spec.target == R.PENDING:
            mails.queue_reached(locked)
        else:
            mails.queue_answer(locked)
        text = f"{spec.label}{locked.partner.name}的对接请求" + (f"：{note}" if note else "")
        record_event(spec.verb, actor, nomination=locked.profile.nomination, note=text, at=now)
    for field in ("state", "expires_at", "answered_at"):
        setattr(item, field, getattr(locked, field))
    return item
