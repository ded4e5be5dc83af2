"""The reviews side of the policy: what experts and coordinators may see, and the review actions.

* Experts see the entries assigned to them (an active assignment in their own body: a declared
  conflict removes the assignment, and with it the entry).
* Coordinators see the entries dispatched to their body.

The actions are registered with :func:`nominations.policy.register` (from ``ReviewsConfig.ready``) so
that ``may(user, action, obj)`` answers them with a reason, like every other action.
"""

from django.db.models import Q, QuerySet

from nominations.models import Role, State
from nominations.policy import can_see, profile_of, register, role_of, visible_nominations
from nominations.rules.decision import ALLOW, Decision
from reviews.models import Assignment, Score, ScoreStatus

REVIEW_STATES = State.in_review()

NOT_FOUND = Decision.deny("没有找到该记录,或您无权查看。")


def _profile(user):
    return profile_of(user)


def visible_nominations_for_reviewer(user, qs):
    profile = _profile(user)
    if profile is None or not profile.review_body_id:
        return qs.none()
    if profile.role == Role.EXPERT:
        assigned = Assignment.objects.filter(expert=user, active=True, body_id=profile.review_body_id).values(
            "nomination_id"
        )
        return qs.filter(pk__in=assigned, dispatch__body_id=profile.review_body_id, state__in=REVIEW_STATES)
    if profile.role == Role.COORDINATOR:
        return qs.filter(dispatch__body_id=profile.review_body_id, state__in=REVIEW_STATES)
    return qs.none()


def visible_scores(user) -> QuerySet:
    """The reviews ``user`` may read: of an entry the user sees, submitted ones only; a draft review is
    its expert's alone. Another expert of the body reads the submitted reviews of an entry only once
    their own review of it is submitted (as on the expert's page)."""
    if user is None or not user.is_authenticated:
        return Score.objects.none()
    own = Q(assignment__expert=user)
    submitted = Q(status=ScoreStatus.SUBMITTED)
    if _role(user) == Role.EXPERT:
        reviewed = Score.objects.filter(own, submitted, assignment__active=True).values("assignment__nomination_id")
        submitted &= Q(assignment__nomination_id__in=reviewed, assignment__active=True)
    return Score.objects.filter(own | submitted, assignment__nomination__in=visible_nominations(user))


def body_of(user):
    """The review body id of an expert or coordinator, else ``None``."""
    profile = _profile(user)
    if profile is None or profile.role not in (Role.EXPERT, Role.COORDINATOR):
        return None
    return profile.review_body_id


# ---------------------------------------------------------------- actions


def _role(user):
    return role_of(user)


def _platform_sees(user, nomination):
    if _role(user) not in (Role.PLATFORM, Role.ADMIN):
        return Decision.deny("只有平台秘书处可以进行此操作。")
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _platform(reason):
    def check(user, obj=None):
        return ALLOW if _role(user) in (Role.PLATFORM, Role.ADMIN) else Decision.deny(reason)

    return check


def _assigned_expert(user, nomination):
    """An expert with an active assignment to the entry (else 404-style)."""
    if _role(user) != Role.EXPERT:
        return Decision.deny("只有初评专家可以进行此操作。")
    return ALLOW if nomination is not None and can_see(user, nomination) else NOT_FOUND


def _score(user, nomination):
    decision = _assigned_expert(user, nomination)
    if not decision:
        return decision
    from reviews.scoring import check_scoring_open

    return check_scoring_open(nomination.dispatch.body)


def _coordinator_of_entry(user, nomination):
    if _role(user) != Role.COORDINATOR:
        return Decision.deny("只有初评机构联络人可以进行此操作。")
    return ALLOW if nomination is not None and can_see(user, nomination) else NOT_FOUND


def _coordinator_of_body(user, body):
    if _role(user) != Role.COORDINATOR:
        return Decision.deny("只有初评机构联络人可以进行此操作。")
    if body is not None and body_of(user) != body.pk:
        return NOT_FOUND
    return ALLOW


def _submit_results(user, body):
    decision = _coordinator_of_body(user, body)
    if not decision or body is None:
        return decision
    from reviews.scoring import check_results_submittable

    return check_results_submittable(body)


ACTIONS = {
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
    # Experts.
    "review_nomination": _assigned_expert,
    "score_nomination": _score,
    "declare_conflict": _assigned_expert,
    # Coordinators.
    "assign_experts": _coordinator_of_entry,
    "manage_body_reviews": _coordinator_of_body,
    "invite_expert": _coordinator_of_body,
    "submit_body_results": _submit_results,
}


def register_actions():
    for action, check in ACTIONS.items():
        register(action, check)
