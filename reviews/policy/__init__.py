"""The reviews side of the policy: what experts and coordinators may see, and the review actions.

The actions are registered with :func:`nominations.policy.register` (from ``ReviewsConfig.ready``
through ``reviews.hooks``) so that ``may(user, action, obj)`` answers them with a reason, like every
other action. Where each lives:

* this module: the initial review's actions: the pages (``view_review_tasks``, ``view_body_reviews``,
  ``download_entry_form``, ``run_dispatch``, ``run_final_review``, ``grant_review_extension``; the
  review views ask these and nothing else), the services' actions (scoring, conflicts, assignments,
  the body's results) and the workflow transitions of the review side (dispatch, the final review,
  publication);
* :mod:`.visibility`: the entries experts and coordinators see, and the reviews (``visible_scores``);
* :mod:`.panel`: the panel meeting (会评);
* :mod:`.notice`: 公示 and its cases, with ``visible_cases``;
* :mod:`.pool`: the expert pool and the pledge (open an entry, sign the pledge, the pool profile);
* :mod:`.roles`: ``body_of`` and the checks every area shares (platform only, one role, an assigned
  expert).

:data:`ACTIONS` is all of them, in that order.
"""

from nominations.models import Nomination, Role
from nominations.policy import NOT_FOUND, can_see, is_platform, register, role_of
from nominations.rules.decision import ALLOW, Decision
from reviews.models import ReviewBody
from reviews.policy.notice import NOTICE_ACTIONS, visible_cases
from reviews.policy.panel import PANEL_ACTIONS
from reviews.policy.pool import POOL_ACTIONS
from reviews.policy.roles import (
    COORDINATORS_ONLY,
    NO_BODY,
    PLATFORM_ONLY,
    Check,
    User,
    assigned_expert,
    body_of,
    platform_only,
    role_only,
    role_that_sees,
)
from reviews.policy.visibility import visible_nominations_for_reviewer, visible_scores
from reviews.scoring import check_results_submittable, check_scoring_open

__all__ = [
    "ACTIONS",
    "body_of",
    "register_actions",
    "visible_cases",
    "visible_nominations_for_reviewer",
    "visible_scores",
]


# ---------------------------------------------------------------- checks


def _platform_sees(user: User, nomination: Nomination | None) -> Decision:
    if not is_platform(user):
        return Decision.deny(PLATFORM_ONLY)
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _reviewer_sees(user: User, nomination: Nomination | None) -> Decision:
    """An expert or a coordinator who sees the entry; anyone else is told nothing (404-style)."""
    if role_of(user) not in (Role.EXPERT, Role.COORDINATOR):
        return NOT_FOUND
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _score(user: User, nomination: Nomination | None) -> Decision:
    decision = assigned_expert(user, nomination)
    if not decision:
        return decision
    return check_scoring_open(nomination.dispatch.body)


_coordinator_of_entry = role_that_sees(Role.COORDINATOR, COORDINATORS_ONLY)


def _coordinator_of_body(user: User, body: ReviewBody | None) -> Decision:
    if role_of(user) != Role.COORDINATOR:
        return Decision.deny(COORDINATORS_ONLY)
    if body is not None and body_of(user) != body.pk:
        return NOT_FOUND
    return ALLOW


def _body_pages(user: User, body: ReviewBody | None = None) -> Decision:
    """The coordinator's pages: a coordinator whose account belongs to a body (that body, if given)."""
    if role_of(user) != Role.COORDINATOR:
        return Decision.deny("只有初评机构联络人可以查看初评管理。")
    if not body_of(user):
        return Decision.deny(NO_BODY)
    if body is not None and body_of(user) != body.pk:
        return NOT_FOUND
    return ALLOW


def _submit_results(user: User, body: ReviewBody | None) -> Decision:
    decision = _coordinator_of_body(user, body)
    if not decision or body is None:
        return decision
    return check_results_submittable(body)


REVIEW_ACTIONS: dict[str, Check] = {
    # Workflow transitions of the review side (reviews.dispatch, reviews.final).
    "dispatch": _platform_sees,
    "pass_review": _platform_sees,
    "fail_review": _platform_sees,
    "list": _platform_sees,
    "unlist": _platform_sees,
    "publish": _platform_sees,
    # Pages and batch actions of the platform secretariat.
    "run_dispatch": platform_only("只有平台秘书处可以分发初评。"),
    "run_final_review": platform_only("只有平台秘书处可以进行终评。"),
    "grant_review_extension": platform_only("只有平台秘书处可以批准初评延期。"),
    # Experts: their pages, then what they do on them.
    "view_review_tasks": role_only(Role.EXPERT, "只有初评专家可以查看评审任务。"),
    "review_nomination": assigned_expert,
    "score_nomination": _score,
    "declare_conflict": assigned_expert,
    # Experts and coordinators: the Word form of an entry they see.
    "download_entry_form": _reviewer_sees,
    # Coordinators: their pages, then what they do on them.
    "view_body_reviews": _body_pages,
    "assign_experts": _coordinator_of_entry,
    "manage_body_reviews": _coordinator_of_body,
    "invite_expert": _coordinator_of_body,
    "submit_body_results": _submit_results,
}

ACTIONS: dict[str, Check] = {**REVIEW_ACTIONS, **PANEL_ACTIONS, **NOTICE_ACTIONS, **POOL_ACTIONS}


def register_actions() -> None:
    for action, check in ACTIONS.items():
        register(action, check)
