"""What experts and coordinators see: the entries (registered with the core's visibility through
``reviews.hooks``) and the reviews.

* Experts see the entries assigned to them (an active assignment in a body they serve: a declared
  conflict removes the assignment, and with it the entry).
* Coordinators see the entries dispatched to their body.

The notice's cases are :func:`reviews.policy.notice.visible_cases`.
"""

from django.db.models import F, Q, QuerySet

from nominations.models import Role
from nominations.policy import profile_of, role_of, visible_nominations
from reviews import serving
from reviews.models import Assignment, Score, ScoreStatus
from reviews.policy.roles import User
from reviews.states import REVIEW_STATES


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
