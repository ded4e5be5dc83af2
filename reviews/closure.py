"""The platform's decision for a body that never reports: close its initial review (关闭初评).

After the body's deadline (``scoring.scoring_deadline``, its extension included) the platform secretariat
may close the review of a body that has not reported, with a recorded reason. The closure is a
``BodySubmission`` with ``closed_by_platform``: the body counts as reported for the final review and
publication, scoring is locked for it (``scoring.is_locked``), scores already submitted count and the
missing ones stay missing.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import locks
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused, require
from nominations.rules.text import count_chars
from reviews import scoring
from reviews.audit import record
from reviews.models import BodySubmission, ReviewBody

REASON_MAX = 500


class ClosureError(Refused):
    """A refused closure."""


def check_close(body: ReviewBody, now: datetime | None = None) -> Decision:
    """Whether the platform may close ``body``'s review now: not yet reported, and its deadline passed."""
    if scoring.is_locked(body):
        return Decision.deny(f"{body}已报送初评结果或已关闭初评。")
    deadline = scoring.scoring_deadline(body)
    if deadline.is_open(now):
        return Decision.deny(
            f"{body}的初评截止时间（北京时间 {format_datetime(deadline.effective)}）未到，不能关闭初评。"
        )
    return ALLOW


def close_review(body: ReviewBody, user: AbstractBaseUser, reason: str) -> BodySubmission:
    """Close ``body``'s review with ``reason`` (audited); refused as :class:`ClosureError`."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locks.serialize_on(ReviewBody, body.pk)
        decision = may(user, "run_final_review")
        if decision and not reason:
            decision = Decision.deny("请填写关闭初评的理由。")
        if decision and count_chars(reason) > REASON_MAX:
            decision = Decision.deny(f"关闭初评的理由不超过 {REASON_MAX} 字。")
        if decision:
            decision = check_close(body)
        require(decision, ClosureError)
        submission = BodySubmission.objects.create(
            body=body, submitted_at=clock.now(), submitted_by=user, closed_by_platform=True, close_reason=reason
        )
        record("close_review", user, note=f"{body}逾期未报送，平台秘书处关闭初评：{reason}")
    return submission
