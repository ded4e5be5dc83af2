"""形式审查 (formal review) at the recommending unit: the secretariat ticks the campaign's checklist for
one of its members' entries; a failed item returns the entry with the failed items and a fix-by time
(限期修改); an entry not resubmitted by then is not accepted (不予受理, :func:`lapse_overdue`).

The rules live here: the checklist of an entry (campaign data, :func:`items_for`, loaded by
:func:`load_formal_checks`), who may review and when (:func:`check_review`), the fix-by limits
(:func:`check_fix_by`), the review itself (:func:`review`) and the lapse. The state changes go through
``workflow.transition`` ("accept", "return", "lapse"); the member deadline of a returned entry is
extended to its fix-by time in ``workflow.deadline_for``; resubmitting clears it (:func:`on_transition`).

The platform's 形式审查 of a confirmed unit's recommendations (:func:`check_platform_review`,
:func:`platform_review`) uses the same checklist. A failed item leaves the entry 已推荐 and returns it
to the unit with the items and a fix-by time recorded on the review: until then the unit may replace
the entry's stamped pages (``stamps.check_entry_upload`` asks :func:`platform_fix_open`) and the
platform reviews it again; an entry whose latest platform review still fails at the fix-by time is not
accepted (``platform_lapse``, 未受理) by the same :func:`lapse_overdue`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.dispatch import receiver

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy, workflow
from nominations.audit import record_event
from nominations.models import (
    Campaign,
    FormalCheckItem,
    FormalReview,
    FormalStage,
    Nomination,
    RankingList,
    State,
)
from nominations.rules.decision import ALLOW, Decision, Refused, require

# The states in which the secretariat reviews an entry (a passed 已提交 entry is accepted at once).
REVIEWABLE_STATES = frozenset({State.SUBMITTED, State.ACCEPTED})
# The fix-by time: later than now and at most this many days away.
FIX_BY_MAX_DAYS = 30
REMARK_MAX_CHARS = 200


class FormalReviewRefused(Refused):
    """A refused formal review; ``str(error)`` is the Chinese reason for the user."""


# ---------------------------------------------------------------- the checklist (campaign data)


def items_for(nomination: Nomination) -> QuerySet[FormalCheckItem]:
    """The checklist of the entry: the items of its list and those of every list of its campaign."""
    return FormalCheckItem.objects.filter(campaign_id=nomination.campaign_id).filter(
        Q(ranking_list__isnull=True) | Q(ranking_list_id=nomination.ranking_list_id)
    )


def load_formal_checks(
    campaign: Campaign, rows: Iterable[dict[str, Any]], *, lists: dict[str, RankingList], **kwargs: object
) -> None:
    """Load the ``formal_checks`` section of a campaign file (idempotent: keyed by list and label).

    Each row: ``label``, optional ``description``, ``order`` and ``list`` (a list code; absent or null:
    every list). Items added in the admin are kept."""
    for order, row in enumerate(rows, start=1):
        row = dict(row)
        code = row.pop("list", None)
        ranking_list = lists[code] if code else None
        FormalCheckItem.objects.update_or_create(
            campaign=campaign,
            ranking_list=ranking_list,
            label=row.pop("label"),
            defaults={"description": row.get("description", ""), "order": row.get("order", order)},
        )


# ---------------------------------------------------------------- who may review, and the fix-by time


def check_review(nomination: Nomination, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """May ``user`` review the entry now? Its secretariat, while it is 已提交 or 已受理 and may still be
    returned (the platform deadline, the unit's confirmation: the workflow's rules of 退回修改)."""
    if nomination.state not in REVIEWABLE_STATES:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能进行形式审查。")
    return workflow.check_button(nomination, "return", user, now=now)


def default_fix_by(campaign: Campaign, now: datetime | None = None) -> datetime:
    """The fix-by time offered: now plus the campaign's ``formal_fix_days``, to the minute."""
    moment = (now or clock.now()) + timedelta(days=campaign.formal_fix_days)
    return moment.replace(second=0, microsecond=0)


def check_fix_by(fix_by: datetime | None, now: datetime | None = None) -> Decision:
    now = now or clock.now()
    if fix_by is None:
        return Decision.deny("请填写限期修改截止时间。")
    if fix_by <= now:
        return Decision.deny("限期修改截止时间须晚于当前时间。")
    if fix_by > now + timedelta(days=FIX_BY_MAX_DAYS):
        return Decision.deny(f"限期修改截止时间最多为 {FIX_BY_MAX_DAYS} 天之后。")
    return ALLOW


# ---------------------------------------------------------------- one review


@dataclass(frozen=True)
class FailedItem:
    label: str
    remark: str = ""

    def __str__(self) -> str:
        return f"{self.label}（{self.remark}）" if self.remark else self.label


def failed_text(failed: Sequence[FailedItem], note: str = "") -> str:
    """The failed items (with their remarks) and the reviewer's note, as the member reads them."""
    lines = ["形式审查未通过的项目："]
    lines += [f"{number}. {item}" for number, item in enumerate(failed, start=1)]
    if note.strip():
        lines.append(f"审查意见：{note.strip()}")
    return "\n".join(lines)


def return_note(failed: Sequence[FailedItem], fix_by: datetime, note: str = "") -> str:
    return failed_text(failed, note) + f"\n请于北京时间 {format_datetime(fix_by)} 前修改并重新提交。"


def review(
    nomination: Nomination,
    user: policy.AnyUser,
    *,
    failed: Sequence[FailedItem] = (),
    fix_by: datetime | None = None,
    note: str = "",
) -> FormalReview:
    """Record one formal review of ``nomination`` by ``user``; raise :class:`FormalReviewRefused`.

    All passed: the review is recorded and a 已提交 entry is accepted. Some failed: the entry is returned
    with the failed items and ``fix_by`` (its member deadline is extended to it). One transaction."""
    now = clock.now()
    require(check_review(nomination, user, now), FormalReviewRefused)
    note = note.strip()
    with transaction.atomic():
        if failed:
            require(check_fix_by(fix_by, now), FormalReviewRefused)
            text = failed_text(failed, note)
            workflow.transition(nomination, "return", user, note=return_note(failed, fix_by, note))
            nomination.fix_by = fix_by
            nomination._change_reason = "形式审查限期修改"
            nomination.save(update_fields=["fix_by"])
        else:
            text = "形式审查通过。" + (f"\n审查意见：{note}" if note else "")
            if nomination.state == State.SUBMITTED:
                workflow.transition(nomination, "accept", user, note=text)
        record = FormalReview.objects.create(
            nomination=nomination,
            reviewer=user,
            at=now,
            passed=not failed,
            failed=[item.label for item in failed],
            note=text,
            fix_by=fix_by if failed else None,
            stage=FormalStage.UNIT,
        )
        record_event("formal_review", user, nomination=nomination, note=text, at=now)
    return record


# ---------------------------------------------------------------- the platform's review


def check_platform_review(nomination: Nomination, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """May ``user`` review the entry as the platform now? The platform secretariat, for a unit's
    recommendation (not a pioneer's) while it is 已推荐 and its unit has confirmed."""
    decision = policy.may(user, "platform_formal_review", nomination)
    if not decision:
        return decision
    if nomination.pioneer_id or not nomination.recommending_unit_id:
        return Decision.deny("平台形式审查只针对推荐单位的推荐。")
    if nomination.state != State.RECOMMENDED:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能进行平台形式审查。")
    if workflow.confirmed_participation(nomination) is None:
        return Decision.deny("推荐单位尚未确认推荐结果，平台暂不进行形式审查。")
    return ALLOW


def platform_return_note(failed: Sequence[FailedItem], fix_by: datetime, note: str = "") -> str:
    return (
        "平台" + failed_text(failed, note) + f"\n请推荐单位于北京时间 {format_datetime(fix_by)} 前完成修改"
        "（如重新上传签字盖章页），逾期不予受理。"
    )


def platform_review(
    nomination: Nomination,
    user: policy.AnyUser,
    *,
    failed: Sequence[FailedItem] = (),
    fix_by: datetime | None = None,
    note: str = "",
) -> FormalReview:
    """Record the platform's formal review of a confirmed unit's recommendation; raise
    :class:`FormalReviewRefused`. Failed items: a fix-by time (the unit fixes, the platform reviews
    again; :func:`lapse_overdue` after it). The entry's state does not change here."""
    now = clock.now()
    require(check_platform_review(nomination, user, now), FormalReviewRefused)
    note = note.strip()
    if failed:
        require(check_fix_by(fix_by, now), FormalReviewRefused)
        text = platform_return_note(failed, fix_by, note)
    else:
        text = "平台形式审查通过。" + (f"\n审查意见：{note}" if note else "")
    with transaction.atomic():
        record = FormalReview.objects.create(
            nomination=nomination,
            reviewer=user,
            at=now,
            passed=not failed,
            failed=[item.label for item in failed],
            note=text,
            fix_by=fix_by if failed else None,
            stage=FormalStage.PLATFORM,
        )
        record_event("platform_formal_review", user, nomination=nomination, note=text, at=now)
    return record


def last_platform_review(nomination: Nomination) -> FormalReview | None:
    return nomination.formal_reviews.filter(stage=FormalStage.PLATFORM).first()


def platform_failed(nomination: Nomination) -> FormalReview | None:
    """The platform's latest review if it failed and the entry is still 已推荐 (what the unit fixes)."""
    if nomination.state != State.RECOMMENDED:
        return None
    latest = last_platform_review(nomination)
    return latest if latest is not None and not latest.passed else None


def platform_fix_open(nomination: Nomination, now: datetime | None = None) -> bool:
    """Is the entry returned by the platform's review with a fix-by time still ahead?"""
    failed = platform_failed(nomination)
    return failed is not None and failed.fix_by is not None and failed.fix_by > (now or clock.now())


DISPATCH_WAITS = "平台形式审查未通过，待推荐单位修改、平台复审通过后再分发初评。"


def platform_returned(ids: Iterable[int]) -> set[int]:
    """Those of the entries ``ids`` whose latest platform review failed (one query for any number)."""
    latest = (
        FormalReview.objects.filter(nomination=OuterRef("pk"), stage=FormalStage.PLATFORM)
        .order_by("-at", "-pk")
        .values("passed")[:1]
    )
    entries = Nomination.objects.filter(pk__in=list(ids)).annotate(last_passed=Subquery(latest))
    return set(entries.filter(last_passed=False).values_list("pk", flat=True))


def check_dispatchable(nomination: Nomination, returned: set[int] | None = None) -> Decision:
    """An entry the platform's formal review returned goes to 初评 only once a later review passes it
    (until then the unit fixes it, or it lapses to 未受理 at its fix-by time): the workflow asks this
    for ``dispatch``, and the dispatch page, its preview and the batch ask it with ``returned``, the
    :func:`platform_returned` of all their entries at once."""
    if returned is None:
        returned = platform_returned([nomination.pk])
    return Decision.deny(DISPATCH_WAITS) if nomination.pk in returned else ALLOW


def reviews_of(nomination: Nomination) -> list[FormalReview]:
    """The entry's formal reviews, newest first, with their reviewers."""
    return list(nomination.formal_reviews.select_related("reviewer__profile"))


def last_failed(nomination: Nomination) -> FormalReview | None:
    """The entry's latest failed review while it is returned with a fix-by time (what the member fixes)."""
    if nomination.state != State.RETURNED or nomination.fix_by is None:
        return None
    return nomination.formal_reviews.filter(passed=False, stage=FormalStage.UNIT).first()


@receiver(workflow.transitioned, dispatch_uid="nominations.formal.clear_fix_by")
def on_transition(sender: type, nomination: Nomination, transition: workflow.Transition, **kwargs: Any) -> None:
    """A resubmitted entry has no fix-by time any more (its member deadline is the unit's again)."""
    if transition.action == "resubmit" and nomination.fix_by is not None:
        nomination.fix_by = None
        nomination._change_reason = "重新提交"
        nomination.save(update_fields=["fix_by"])


# ---------------------------------------------------------------- after the fix-by time: 不予受理


def lapse_note(fix_by: datetime) -> str:
    return f"限期修改截止时间（北京时间 {format_datetime(fix_by)}）已过，未重新提交，不予受理。"


def overdue(now: datetime | None = None) -> QuerySet[Nomination]:
    """The returned entries whose fix-by time has passed."""
    return Nomination.objects.filter(state=State.RETURNED, fix_by__lte=now or clock.now()).order_by("pk")


def lapse_overdue(now: datetime | None = None) -> list[Nomination]:
    """Move every overdue returned entry to 未受理 (不予受理), on behalf of the secretariat member whose
    failed review set the fix-by time; idempotent (a lapsed entry is no longer returned). An entry whose
    reviewer may no longer act (e.g. a deactivated account) stays as it is."""
    lapsed = []
    for nomination in overdue(now):
        reviewer_review = (
            nomination.formal_reviews.filter(passed=False, stage=FormalStage.UNIT).select_related("reviewer").first()
        )
        if reviewer_review is None:
            continue
        try:
            workflow.transition(nomination, "lapse", reviewer_review.reviewer, note=lapse_note(nomination.fix_by))
        except Refused:
            continue
        lapsed.append(nomination)
    return lapsed + lapse_platform_overdue(now)


def platform_lapse_note(fix_by: datetime) -> str:
    return f"平台形式审查的限期修改截止时间（北京时间 {format_datetime(fix_by)}）已过，未通过复查，不予受理。"


def lapse_platform_overdue(now: datetime | None = None) -> list[Nomination]:
    """Move every 已推荐 entry whose latest platform review failed with a passed fix-by time to 未受理
    (``platform_lapse``), on behalf of that review's platform reviewer; idempotent."""
    now = now or clock.now()
    candidates = (
        Nomination.objects.filter(
            state=State.RECOMMENDED,
            formal_reviews__stage=FormalStage.PLATFORM,
            formal_reviews__passed=False,
            formal_reviews__fix_by__lte=now,
        )
        .distinct()
        .order_by("pk")
    )
    lapsed = []
    for nomination in candidates:
        latest = nomination.formal_reviews.filter(stage=FormalStage.PLATFORM).select_related("reviewer").first()
        if latest is None or latest.passed or latest.fix_by is None or latest.fix_by > now:
            continue
        try:
            workflow.transition(nomination, "platform_lapse", latest.reviewer, note=platform_lapse_note(latest.fix_by))
        except Refused:
            continue
        lapsed.append(nomination)
    return lapsed
