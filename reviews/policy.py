"""The reviews side of the policy: what experts and coordinators may see, and the review actions.

* Experts see the entries assigned to them (an active assignment in their own body: a declared
  conflict removes the assignment, and with it the entry).
* Coordinators see the entries dispatched to their body.

The actions are registered with :func:`nominations.policy.register` (from ``ReviewsConfig.ready``
through ``reviews.hooks``) so that ``may(user, action, obj)`` answers them with a reason, like every
other action. They are of three kinds:

* the pages (``view_review_tasks``, ``view_body_reviews``, ``download_entry_form``, ``run_dispatch``,
  ``run_final_review``, ``grant_review_extension``): the review views ask these and nothing else;
* the services' actions (scoring, conflicts, assignments, the body's results);
* the workflow transitions of the review side (dispatch, the final review, publication).
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q, QuerySet

from nominations.models import Nomination, Role
from nominations.policy import can_see, profile_of, register, role_of, visible_nominations
from nominations.rules.decision import ALLOW, Decision
from reviews import serving
from reviews.models import Assignment, ReviewBody, Score, ScoreStatus
from reviews.scoring import check_results_submittable, check_scoring_open
from reviews.states import REVIEW_STATES

User = AbstractBaseUser | AnonymousUser
Check = Callable[[User, Any], Decision]

NOT_FOUND = Decision.deny("没有找到该记录，或您无权查看。")

EXPERTS_ONLY = "只有初评专家可以进行此操作。"
COORDINATORS_ONLY = "只有初评机构联络人可以进行此操作。"
PLATFORM_ONLY = "只有平台秘书处可以进行此操作。"
NO_BODY = "您的账号尚未关联初评机构。"

__all__ = [
    "ACTIONS",
    "NOT_FOUND",
    "REVIEW_STATES",
    "body_of",
    "register_actions",
    "visible_nominations_for_reviewer",
    "visible_scores",
]


def visible_nominations_for_reviewer(user: User, qs: QuerySet) -> QuerySet:
    """Of ``qs``, the entries an expert or a coordinator sees (registered with the core's visibility)."""
    profile = profile_of(user)
    if profile is None:
        return qs.none()
    if profile.role == Role.EXPERT:
        # Assigned in a body the expert serves (reviews.serving), and the entry dispatched to that body.
        assigned = Assignment.objects.filter(
            expert=user,
            active=True,
            body_id__in=serving.served_body_ids(user),
            nomination__dispatch__body_id=F("body_id"),
        ).values("nomination_id")
        return qs.filter(pk__in=assigned, state__in=REVIEW_STATES)
    if not profile.review_body_id:
        return qs.none()
    if profile.role == Role.COORDINATOR:
        return qs.filter(dispatch__body_id=profile.review_body_id, state__in=REVIEW_STATES)
    return qs.none()


def visible_scores(user: User) -> QuerySet:
    """The reviews ``user`` may read: of an entry the user sees, submitted ones only; a draft review is
    its expert's alone. Another expert of the body reads the submitted reviews of an entry only once
    their own review of it is submitted (as on the expert's page)."""
    if user is None or not user.is_authenticated:
        return Score.objects.none()
    own = Q(assignment__expert=user)
    submitted = Q(status=ScoreStatus.SUBMITTED)
    if role_of(user) == Role.EXPERT:
        reviewed = Score.objects.filter(own, submitted, assignment__active=True).values("assignment__nomination_id")
        submitted &= Q(assignment__nomination_id__in=reviewed, assignment__active=True)
    return Score.objects.filter(own | submitted, assignment__nomination__in=visible_nominations(user))


def body_of(user: User) -> int | None:
    """The review body id of a coordinator's account (an expert's: the account's body only; the bodies an
    expert serves are ``reviews.serving``), else ``None``."""
    profile = profile_of(user)
    if profile is None or profile.role not in (Role.EXPERT, Role.COORDINATOR):
        return None
    return profile.review_body_id


# ---------------------------------------------------------------- checks


def _is_platform(user: User) -> bool:
    return role_of(user) in (Role.PLATFORM, Role.ADMIN)


def _platform_sees(user: User, nomination: Nomination | None) -> Decision:
    if not _is_platform(user):
        return Decision.deny(PLATFORM_ONLY)
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _platform(reason: str) -> Check:
    def check(user: User, obj: Any = None) -> Decision:
        return ALLOW if _is_platform(user) else Decision.deny(reason)

    return check


def _role(role: str, reason: str) -> Check:
    def check(user: User, obj: Any = None) -> Decision:
        return ALLOW if role_of(user) == role else Decision.deny(reason)

    return check


def _reviewer_sees(user: User, nomination: Nomination | None) -> Decision:
    """An expert or a coordinator who sees the entry; anyone else is told nothing (404-style)."""
    if role_of(user) not in (Role.EXPERT, Role.COORDINATOR):
        return NOT_FOUND
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _assigned_expert(user: User, nomination: Nomination | None) -> Decision:
    """An expert with an active assignment to the entry (else 404-style)."""
    if role_of(user) != Role.EXPERT:
        return Decision.deny(EXPERTS_ONLY)
    return ALLOW if nomination is not None and can_see(user, nomination) else NOT_FOUND


def _score(user: User, nomination: Nomination | None) -> Decision:
    decision = _assigned_expert(user, nomination)
    if not decision:
        return decision
    return check_scoring_open(nomination.dispatch.body)


def _coordinator_of_entry(user: User, nomination: Nomination | None) -> Decision:
    if role_of(user) != Role.COORDINATOR:
        return Decision.deny(COORDINATORS_ONLY)
    return ALLOW if nomination is not None and can_see(user, nomination) else NOT_FOUND


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


ACTIONS: dict[str, Check] = {
    # Workflow transitions of the review side (reviews.dispatch, reviews.final).
    "dispatch": _platform_sees,
    "pass_review": _platform_sees,
    "fail_review": _platform_sees,
    "list": _platform_sees,
    "unlist": _platform_sees,
    "publish": _platform_sees,
    # Pages and batch actions of the platform secretariat.
    "run_dispatch": _platform("只有平台秘书处可以分发初评。"),
    "run_final_review": _platform("只有平台秘书处可以进行终评。"),
    "grant_review_extension": _platform("只有平台秘书处可以批准初评延期。"),
    # Experts: their pages, then what they do on them.
    "view_review_tasks": _role(Role.EXPERT, "只有初评专家可以查看评审任务。"),
    "review_nomination": _assigned_expert,
    "score_nomination": _score,
    "declare_conflict": _assigned_expert,
    # Experts and coordinators: the Word form of an entry they see.
    "download_entry_form": _reviewer_sees,
    # Coordinators: their pages, then what they do on them.
    "view_body_reviews": _body_pages,
    "assign_experts": _coordinator_of_entry,
    "manage_body_reviews": _coordinator_of_body,
    "invite_expert": _coordinator_of_body,
    "submit_body_results": _submit_results,
}


def register_actions() -> None:
    for action, check in ACTIONS.items():
        register(action, check)


# ---------------------------------------------------------------- the panel meeting (会评, reviews.panel)
#
# The platform secretariat prepares a meeting (members, chair, candidates) and records attendance; the
# chair (a member) records attendance too, opens and closes the vote and decides ties; the members present
# vote. Anyone else is told nothing about a meeting (404-style). No action shows a count before closing:
# ``view_panel_results`` and ``download_panel_minutes`` need a closed meeting.

CHAIR_ONLY = "只有本次会评的主持人可以进行此操作。"


def _panel_member(user: User, meeting: Any) -> bool:
    return bool(user and user.is_authenticated and meeting.members.filter(pk=user.pk).exists())


def _view_panels(user: User, obj: Any = None) -> Decision:
    """The panel pages: the platform, or a member of any meeting."""
    if _is_platform(user):
        return ALLOW
    if user is not None and user.is_authenticated and user.panels.exists():
        return ALLOW
    return Decision.deny("只有会评专家和平台秘书处可以查看会评。")


def _view_panel(user: User, meeting: Any = None) -> Decision:
    if meeting is None:
        return _view_panels(user)
    if _is_platform(user) or _panel_member(user, meeting):
        return ALLOW
    return NOT_FOUND


def _chair_panel(user: User, meeting: Any = None) -> Decision:
    decision = _view_panel(user, meeting)
    if not decision or meeting is None:
        return decision
    return ALLOW if meeting.chair_id == user.pk else Decision.deny(CHAIR_ONLY)


def _record_attendance(user: User, meeting: Any = None) -> Decision:
    if _is_platform(user):
        return ALLOW
    return _chair_panel(user, meeting)


def _cast_ballot(user: User, meeting: Any = None) -> Decision:
    from reviews.panel import check_cast

    decision = _view_panel(user, meeting)
    if not decision or meeting is None:
        return decision
    return check_cast(meeting, user)


def _closed(check: Check) -> Check:
    def closed(user: User, meeting: Any = None) -> Decision:
        from reviews.panel import SEALED

        decision = check(user, meeting)
        if not decision or meeting is None:
            return decision
        return ALLOW if meeting.state == "closed" else Decision.deny(SEALED)

    return closed


PANEL_ACTIONS: dict[str, Check] = {
    "manage_panels": _platform("只有平台秘书处可以组织会评。"),
    "view_panels": _view_panels,
    "view_panel": _view_panel,
    "record_panel_attendance": _record_attendance,
    "chair_panel": _chair_panel,
    "cast_ballot": _cast_ballot,
    "view_panel_results": _closed(_view_panel),
    "download_panel_minutes": _closed(_record_attendance),
}
ACTIONS.update(PANEL_ACTIONS)
# ---------------------------------------------------------------- 公示 and its cases (notice, objections)
#
# The platform handles the cases and alone sees who objected (``view_objector``). The listed parties —
# the entry's member unit (or pioneer) and its recommending unit's secretariat — see the cases about
# their entries once the platform has accepted them (and their own correction requests): the grounds
# and the evidence, never the objector. Anyone else is told nothing (404-style).

PARTY_ROLES = (Role.MEMBER, Role.SECRETARIAT, Role.PIONEER)


def _party_sees_case(user: User, case: Any) -> bool:
    from reviews.case_transitions import PARTY_STATES
    from reviews.models import CaseKind

    if case is None or role_of(user) not in PARTY_ROLES or not can_see(user, case.nomination):
        return False
    return case.state in PARTY_STATES or case.kind == CaseKind.CORRECTION


def _view_case(user: User, case: Any) -> Decision:
    if _is_platform(user):
        return ALLOW
    return ALLOW if _party_sees_case(user, case) else NOT_FOUND


def _view_objector(user: User, case: Any = None) -> Decision:
    return ALLOW if _is_platform(user) else Decision.deny("异议人的身份信息仅平台秘书处可见。")


def _answer_case(user: User, case: Any) -> Decision:
    if case is None or not _party_sees_case(user, case):
        return NOT_FOUND if not _is_platform(user) else Decision.deny("只有该推荐单位的秘书处可以答复。")
    profile = profile_of(user)
    if role_of(user) == Role.SECRETARIAT and profile.recommending_unit_id == case.nomination.recommending_unit_id:
        return ALLOW
    return Decision.deny("只有该推荐单位的秘书处可以答复。")


def _request_correction(user: User, nomination: Nomination | None) -> Decision:
    if role_of(user) not in PARTY_ROLES:
        return Decision.deny("只有入选名单的申报单位或其推荐单位可以申请更正。")
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _party_pages(user: User, obj: Any = None) -> Decision:
    if role_of(user) in PARTY_ROLES:
        return ALLOW
    return Decision.deny("只有申报单位和推荐单位秘书处可以查看公示期间的异议与更正。")


def _download_case_file(user: User, item: Any) -> Decision:
    from reviews.models import CaseFileKind

    if item is None:
        return NOT_FOUND
    if _is_platform(user):
        return ALLOW
    # The stamped letter names the objector: the platform's alone.
    if item.kind != CaseFileKind.EVIDENCE or not _party_sees_case(user, item.case):
        return NOT_FOUND
    return ALLOW


def visible_cases(user: User) -> QuerySet:
    """The notice's cases ``user`` may read (the platform: all; a listed party: those about its entries
    from 受理 on, and corrections)."""
    from reviews.case_transitions import PARTY_STATES
    from reviews.models import CaseKind, ObjectionCase

    if _is_platform(user):
        return ObjectionCase.objects.all()
    if role_of(user) not in PARTY_ROLES:
        return ObjectionCase.objects.none()
    return ObjectionCase.objects.filter(
        Q(state__in=PARTY_STATES) | Q(kind=CaseKind.CORRECTION), nomination__in=visible_nominations(user)
    )


NOTICE_ACTIONS: dict[str, Check] = {
    "run_public_notice": _platform("只有平台秘书处可以管理公示。"),
    "handle_objection": _platform("只有平台秘书处可以处理异议。"),
    "view_objection_case": _view_case,
    "view_objector": _view_objector,
    "answer_objection": _answer_case,
    "request_correction": _request_correction,
    "view_notice_cases": _party_pages,
    "download_case_file": _download_case_file,
}
ACTIONS.update(NOTICE_ACTIONS)
__all__ += ["visible_cases"]
# ---------------------------------------------------------------- the expert pool and the pledge (issue 15)

from reviews import avoidance  # noqa: E402


def _open_entry(user: User, nomination: Nomination | None) -> Decision:
    """An assigned expert who has recorded the pledge and the declaration for the entry's body."""
    decision = _assigned_expert(user, nomination)
    if not decision:
        return decision
    return avoidance.check_pledge(user, nomination.dispatch.body_id)


def _pledge(user: User, obj: Any = None) -> Decision:
    if role_of(user) != Role.EXPERT:
        return Decision.deny(EXPERTS_ONLY)
    return ALLOW if serving.served_bodies(user).exists() else Decision.deny(NO_BODY)


ACTIONS.update(
    {
        # Experts: open an entry (the pledge first), sign the pledge, ask for a change of the profile.
        "open_review_entry": _open_entry,
        "record_pledge": _pledge,
        "edit_expert_profile": _role(Role.EXPERT, EXPERTS_ONLY),
    }
)
