"""The reviews side of the policy: what experts and coordinators may see.

Entries reach review bodies only once dispatched (the review issue); until then reviewers see none.
"""

from nominations.models import State

REVIEW_STATES = (
    State.IN_REVIEW,
    State.REVIEW_PASSED,
    State.REVIEW_FAILED,
    State.LISTED,
    State.NOT_LISTED,
    State.PUBLISHED,
)


def visible_nominations_for_reviewer(user, qs):
    return qs.none()
