"""Scoring: one score per criterion within its scale and a comment; draft and submit; the deadline.

* The deadline for scoring and for the body's results is ``Campaign.initial_review_deadline``
  (2023-12-30 24:00, stored as 2023-12-31 00:00 +08:00), moved for one body by a recorded
  :class:`~reviews.models.ReviewExtension`. Open while ``now < deadline``, checked on every request.
* A review stays editable until the body submits its results (:func:`submit_results`), which locks it.
* Other experts' reviews of an entry are shown to an expert only after they submitted their own.
* History: ``Score.history`` (django-simple-history) keeps every saved version.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kczg_site import clock
from nominations import locks
from nominations.models import Nomination
from nominations.policy import may
from nominations.rules.deadlines import Deadline
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews import aggregation, serving
from reviews.assignment import body_entries
from reviews.audit import record
from reviews.criteria import criteria_for
from reviews.models import (
    Assignment,
    BodySubmission,
    ReviewBody,
    ReviewCriterion,
    ReviewExtension,
    Score,
    ScoreStatus,
    ScoreStep,
)


class ScoringError(Refused):
    """A refused score sheet; ``errors`` (the ``detail``) maps each refused field to its message."""

    def __init__(self, decision: Decision | str, errors: dict[str, str] | None = None) -> None:
        super().__init__(decision, detail=errors or {})

    @property
    def errors(self) -> dict[str, str]:
        return self.detail


def scoring_deadline(body: ReviewBody) -> Deadline:
    """The deadline for ``body``'s experts and coordinator, with its latest extension."""
    return scoring_deadlines([body])[body.pk]


def scoring_deadlines(bodies: list[ReviewBody]) -> dict[int, Deadline]:
    """:func:`scoring_deadline` of several bodies at once (one query; ``body.campaign`` loaded)."""
    latest: dict[int, Any] = {}
    for body_id, until in ReviewExtension.objects.filter(body__in=bodies).values_list("body_id", "until"):
        latest[body_id] = max(until, latest.get(body_id, until))
    label = "初评评分及结果报送截止时间"
    return {b.pk: Deadline(label, b.campaign.initial_review_deadline, latest.get(b.pk)) for b in bodies}


def nearest(deadlines: list[Deadline], now: datetime | None = None) -> Deadline | None:
    """Of several bodies' deadlines, the nearest still open, else the last one passed."""
    now = now or clock.now()
    still = [d for d in deadlines if d.is_open(now)]
    if still:
        return min(still, key=lambda d: d.effective)
    return max(deadlines, key=lambda d: d.effective, default=None)


def expert_deadline(user: AbstractBaseUser, campaign: Any) -> Deadline | None:
    """The header's deadline of an expert: the nearest of the bodies the expert serves in ``campaign``
    (``reviews.serving``), extensions included; ``None`` when the expert serves none of its bodies.
    A page that has just computed it (the expert's dashboard) leaves it on the request's user
    (:func:`remember_expert_deadline`): no second query for the header."""
    known = getattr(user, "_expert_deadlines", {})
    if campaign.pk in known:
        return known[campaign.pk]
    bodies = list(serving.served_bodies(user, campaign))
    return nearest(list(scoring_deadlines(bodies).values()))


def remember_expert_deadline(user: AbstractBaseUser, campaign: Any, deadline: Deadline | None) -> None:
    """Keep the expert's nearest deadline in ``campaign`` on the request's user (see :func:`expert_deadline`)."""
    user._expert_deadlines = {**getattr(user, "_expert_deadlines", {}), campaign.pk: deadline}


def is_locked(body: ReviewBody) -> bool:
    return BodySubmission.objects.filter(body=body).exists()


def lock_reason(body: ReviewBody, *, scoring: bool = True) -> str | None:
    """Why ``body``'s scoring is locked (its results sent, or its review closed by the platform), or ``None``."""
    submission = BodySubmission.objects.filter(body=body).only("closed_by_platform").first()
    if submission is None:
        return None
    if submission.closed_by_platform:
        return "平台秘书处已关闭本机构的初评" + ("，评分已锁定。" if scoring else "。")
    return "本机构已报送初评结果" + ("，评分已锁定。" if scoring else "。")


def check_scoring_open(body: ReviewBody, now: datetime | None = None) -> Decision:
    reason = lock_reason(body)
    if reason:
        return Decision.deny(reason)
    return scoring_deadline(body).check(now)


def check_results_submittable(body: ReviewBody, now: datetime | None = None) -> Decision:
    reason = lock_reason(body, scoring=False)
    if reason:
        return Decision.deny(reason)
    decision = scoring_deadline(body).check(now)
    if not decision:
        return decision

    entries = body_entries(body)
    if not entries.exists():
        return Decision.deny("本机构没有待初评的申报。")
    scored = Score.objects.filter(assignment__body=body, assignment__active=True, status=ScoreStatus.SUBMITTED).values(
        "assignment__nomination_id"
    )
    unscored = entries.exclude(pk__in=scored).count()
    if unscored:
        return Decision.deny(f"尚有 {unscored} 项申报没有专家提交评分，不能报送初评结果。")
    return ALLOW


def range_message(criterion: ReviewCriterion) -> str:
    return f"“{criterion.name}”的评分应在 {criterion.min_score} 至 {criterion.max_score} 之间。"


def step_message(criterion: ReviewCriterion) -> str:
    if criterion.score_step == ScoreStep.INTEGER:
        return f"“{criterion.name}”的评分应为整数。"
    return f"“{criterion.name}”的评分最多保留一位小数。"


def score_error(criterion: ReviewCriterion, number: Decimal) -> str | None:
    """The one rule of a criterion's score: within ``min_score``–``max_score``, in steps of ``score_step``
    (an integer, or one decimal place); the Chinese message, or ``None`` when the score is fine.

    Both the expert's form (``reviews.forms.expert.ScoreForm``, next to the field) and
    :func:`parse_values` (every save) ask it.
    """
    if not number.is_finite() or number < criterion.min_score or number > criterion.max_score:
        return range_message(criterion)
    step = Decimal(criterion.score_step or ScoreStep.TENTH)
    if number != number.quantize(step):
        return step_message(criterion)
    return None


def parse_values(
    raw: dict[str, Any], criteria: list[ReviewCriterion], *, complete: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """Validate ``{code: text or number}`` against the criteria (:func:`score_error`); returns
    ``(values, errors)``. With ``complete`` every criterion needs a score.
    """
    values, errors = {}, {}
    for criterion in criteria:
        text = raw.get(criterion.code)
        if text is None or str(text).strip() == "":
            if complete:
                errors[criterion.code] = f"请为“{criterion.name}”评分。"
            continue
        try:
            number = Decimal(str(text).strip())
        except InvalidOperation:
            errors[criterion.code] = f"“{criterion.name}”的评分应为数字。"
            continue
        error = score_error(criterion, number)
        if error:
            errors[criterion.code] = error
        else:
            values[criterion.code] = str(int(number)) if number == number.to_integral() else str(number)
    return values, errors


def compute_total(values: dict[str, str], criteria: list[ReviewCriterion]) -> Decimal | None:
    if any(c.code not in values for c in criteria) or not criteria:
        return None
    total = aggregation.weighted_total(values, [(c.code, c.weight, c.max_score) for c in criteria])
    return Decimal(str(round(total, 3)))


@dataclass(frozen=True)
class CheckedScore:
    """A score sheet that passed every rule: the values per criterion code, the comment and the total."""

    criteria: list[ReviewCriterion]
    values: dict[str, str]
    comment: str
    total: Decimal | None

    @property
    def rows(self) -> list[tuple[ReviewCriterion, str]]:
        """``(criterion, its score or "")`` in the criteria's order (what a preview lists)."""
        return [(criterion, self.values.get(criterion.code, "")) for criterion in self.criteria]


def check_score(
    assignment: Assignment,
    user: AbstractBaseUser,
    raw_values: dict[str, Any],
    comment: str = "",
    *,
    submit: bool = False,
) -> CheckedScore:
    """Every rule of saving ``user``'s review, without saving it (the preview before a submission and
    :func:`save_score` ask the same); raises :class:`ScoringError` with the reasons."""
    if assignment.expert_id != user.pk or not assignment.active:
        raise ScoringError(Decision.deny("没有找到该记录，或您无权查看。"))
    decision = may(user, "score_nomination", assignment.nomination)
    if not decision:
        raise ScoringError(decision)
    criteria = criteria_for(assignment.nomination.ranking_list_id)
    if not criteria:
        raise ScoringError(Decision.deny("该榜单尚未设置评审指标，请联系平台秘书处。"))
    values, errors = parse_values(raw_values, criteria, complete=submit)
    comment = (comment or "").strip()
    if submit and not comment:
        errors["comment"] = "请填写评审意见。"
    if errors:
        raise ScoringError(Decision.deny("评分未保存：" + "；".join(errors.values())), errors)
    return CheckedScore(criteria, values, comment, compute_total(values, criteria))


def save_score(
    assignment: Assignment,
    user: AbstractBaseUser,
    raw_values: dict[str, Any],
    comment: str = "",
    *,
    submit: bool = False,
) -> Score:
    """Save ``user``'s review as a draft or submit it; raises :class:`ScoringError` with the reasons."""
    checked = check_score(assignment, user, raw_values, comment, submit=submit)
    values, comment = checked.values, checked.comment
    now = clock.now()
    with transaction.atomic():
        Assignment.objects.select_for_update().get(pk=assignment.pk)
        score = Score.objects.filter(assignment=assignment).first() or Score(assignment=assignment)
        score.values = values
        score.comment = comment
        score.total = checked.total
        score.updated_at = now
        if submit:
            score.status = ScoreStatus.SUBMITTED
            score.submitted_at = now
        else:
            score.status = ScoreStatus.DRAFT
        score._change_reason = "提交" if submit else "保存草稿"
        score.save()
        if submit:
            record("submit_score", user, nomination=assignment.nomination, note=f"加权总分 {score.total}")
    return score


def own_score(user: AbstractBaseUser, nomination: Nomination) -> Score | None:
    return Score.objects.filter(
        assignment__nomination=nomination, assignment__expert=user, assignment__active=True
    ).first()


def others_visible(user: AbstractBaseUser, nomination: Nomination) -> bool:
    score = own_score(user, nomination)
    return score is not None and score.is_submitted


def other_scores(user: AbstractBaseUser, nomination: Nomination) -> list[Score]:
    """The other experts' submitted reviews of ``nomination``, only once ``user`` submitted their own."""
    if not others_visible(user, nomination):
        return []
    return list(
        Score.objects.filter(assignment__nomination=nomination, assignment__active=True, status=ScoreStatus.SUBMITTED)
        .exclude(assignment__expert=user)
        .select_related("assignment__expert__profile")
        .order_by("assignment__expert__username")
    )


def submit_results(body: ReviewBody, user: AbstractBaseUser, note: str = "") -> BodySubmission:
    """The coordinator sends the body's results to the platform; scoring is locked from then on."""
    with transaction.atomic():
        locks.serialize_on(ReviewBody, body.pk)
        decision = may(user, "submit_body_results", body)
        if not decision:
            raise ScoringError(decision)
        submission = BodySubmission.objects.create(
            body=body, submitted_at=clock.now(), submitted_by=user, note=(note or "").strip()
        )
        record("submit_results", user, note=f"{body}报送初评结果")
    return submission


def grant_extension(body: ReviewBody, until: datetime, user: AbstractBaseUser, reason: str) -> ReviewExtension:
    decision = may(user, "grant_review_extension")
    if decision and not (reason or "").strip():
        decision = Decision.deny("请填写延期理由。")
    if decision and until <= body.campaign.initial_review_deadline:
        decision = Decision.deny("延期时间应晚于初评结果报送截止时间。")
    if not decision:
        raise ScoringError(decision)
    with transaction.atomic():
        extension = ReviewExtension.objects.create(
            body=body, until=until, reason=reason.strip(), granted_by=user, granted_at=clock.now()
        )
        record("review_extension", user, note=f"{body}初评延期至 {until:%Y-%m-%d %H:%M}：{reason.strip()}")
    return extension
