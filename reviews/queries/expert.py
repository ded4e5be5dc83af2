"""The expert's pages: the tasks on the dashboard and the review sheet of one entry."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from nominations.forms import definition_for
from nominations.models import Nomination
from nominations.policy import visible_nominations
from nominations.rules.deadlines import Deadline
from reviews import modes, scoring
from reviews.models import Assignment, ExpertPledge, ReviewBody, ReviewCriterion, Score, ScoreStatus

ENTRY_PARTIAL = "nominations/includes/nomination_detail.html"


@dataclass
class Task:
    """One row of the expert's dashboard: an assigned entry and where the expert's review of it stands."""

    assignment: Assignment
    nomination: Nomination
    score: Score | None
    status: str  # 未评分, 草稿 or 已提交
    css: str
    submitted: bool


def _task(item: Assignment) -> Task:
    score = getattr(item, "score", None)
    if score is None:
        status, css = "未评分", "secondary"
    elif score.status == ScoreStatus.SUBMITTED:
        status, css = "已提交", "success"
    else:
        status, css = "草稿", "warning"
    submitted = score is not None and score.status == ScoreStatus.SUBMITTED
    return Task(item, item.nomination, score, status, css, submitted)


def tasks(user: AbstractBaseUser, body: ReviewBody | None) -> list[Task]:
    """The entries assigned to ``user`` in ``body`` that the user sees, in list, domain and id order (one query)."""
    if body is None:
        return []
    assignments = (
        Assignment.objects.filter(
            expert=user,
            active=True,
            body=body,
            nomination__in=visible_nominations(user),
        )
        .select_related("nomination__ranking_list", "nomination__domain", "nomination__recommending_unit", "score")
        .order_by("nomination__ranking_list__order", "nomination__domain__order", "nomination_id")
    )
    return [_task(item) for item in assignments]


@dataclass
class BodyTasks:
    """The expert's tasks of one body they serve, with that body's deadline (its extension included)."""

    body: ReviewBody
    deadline: Deadline
    rows: list[Task]
    pledged: bool

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.submitted)

    @property
    def submission(self) -> Any:
        return getattr(self.body, "submission", None)


def dashboard(user: AbstractBaseUser, bodies: list[ReviewBody] | ReviewBody | None) -> dict[str, Any]:
    """The tasks grouped per body the expert serves (``bodies``: ``queries.reviewers.expert_bodies``),
    each with its deadline; three queries whatever the number of bodies."""
    if not isinstance(bodies, list):
        bodies = [bodies] if bodies is not None else []
    by_body: dict[int, list[Task]] = {b.pk: [] for b in bodies}
    if bodies:
        assignments = (
            Assignment.objects.filter(
                expert=user, active=True, body__in=bodies, nomination__in=visible_nominations(user)
            )
            .select_related("nomination__ranking_list", "nomination__domain", "nomination__recommending_unit", "score")
            .order_by("nomination__ranking_list__order", "nomination__domain__order", "nomination_id")
        )
        for item in assignments:
            by_body[item.body_id].append(_task(item))
    deadlines = scoring.scoring_deadlines(bodies)
    pledged = set(ExpertPledge.objects.filter(expert=user, body__in=bodies).values_list("body_id", flat=True))
    groups = [BodyTasks(b, deadlines[b.pk], by_body[b.pk], b.pk in pledged) for b in bodies]
    rows = [row for group in groups for row in group.rows]
    return {
        "groups": groups,
        "rows": rows,
        "done": sum(1 for row in rows if row.submitted),
        "pledge_needed": any(not g.pledged for g in groups),
        "deadline": scoring.nearest([g.deadline for g in groups]),
    }


def assigned_entry(user: AbstractBaseUser, pk: int) -> tuple[Nomination, Assignment] | None:
    """The entry ``pk`` the user sees and the user's active assignment to it, or ``None``."""
    nomination = (
        visible_nominations(user)
        .select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "dispatch__body__campaign"
        )
        .filter(pk=pk)
        .first()
    )
    if nomination is None:
        return None
    item = Assignment.objects.filter(nomination=nomination, expert=user, active=True).first()
    if item is None:
        return None
    item.nomination = nomination
    return nomination, item


def entry_display(nomination: Nomination) -> dict[str, Any]:
    """What the read-only entry needs: its form definition for the shared entry partial, or, for a list
    without a form definition, its stored fields as rows."""
    try:
        definition = definition_for(nomination)
    except LookupError:  # a list without a form definition
        definition = None
    rows = [] if definition is not None else list((nomination.data or {}).items())
    return {"definition": definition, "entry_partial": ENTRY_PARTIAL, "entry_rows": rows}


def own_score(item: Assignment) -> Score | None:
    return Score.objects.filter(assignment=item).first()


def deadline_of(nomination: Nomination) -> dict[str, Any]:
    """The scoring deadline of the entry's body (with its extension), for the submission preview."""
    return {"deadline": scoring.scoring_deadline(nomination.dispatch.body)}


def review_sheet(
    user: AbstractBaseUser,
    nomination: Nomination,
    item: Assignment,
    *,
    criteria: list[ReviewCriterion],
    score: Score | None,
) -> dict[str, Any]:
    """The review page of one entry, without its forms: the entry, the deadline, whether scoring is open
    and the other experts' submitted reviews (only once the user's own is submitted)."""
    body = nomination.dispatch.body
    open_decision = scoring.check_scoring_open(body)
    return {
        "nomination": nomination,
        "assignment": item,
        "criteria": criteria,
        "score": score,
        "can_score": bool(open_decision),
        "open_decision": open_decision,
        "closed_reason": open_decision.reason,
        "mode": modes.expert_mode(nomination, body),
        "deadline": scoring.scoring_deadline(body),
        "others_visible": score is not None and score.is_submitted,
        "others": scoring.other_scores(user, nomination),
        "attachments": list(nomination.attachments.all()),
        **entry_display(nomination),
    }
