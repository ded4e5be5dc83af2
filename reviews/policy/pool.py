"""The experts' actions of the expert pool and the pledge (issue 15): open an entry (the pledge first,
``reviews.pledge.check_pledge``), sign the pledge, ask for a change of the pool profile."""

from typing import Any

from nominations.models import Nomination, Role
from nominations.policy import role_of
from nominations.rules.decision import ALLOW, Decision
from reviews import pledge, serving
from reviews.policy.roles import EXPERTS_ONLY, NO_BODY, Check, User, assigned_expert, role_only


def _open_entry(user: User, nomination: Nomination | None) -> Decision:
    """An assigned expert who has recorded the pledge and the declaration for the entry's body."""
    decision = assigned_expert(user, nomination)
    if not decision:
        return decision
    return pledge.check_pledge(user, nomination.dispatch.body_id)


def _pledge(user: User, obj: Any = None) -> Decision:
    if role_of(user) != Role.EXPERT:
        return Decision.deny(EXPERTS_ONLY)
    return ALLOW if serving.served_bodies(user).exists() else Decision.deny(NO_BODY)


POOL_ACTIONS: dict[str, Check] = {
    "open_review_entry": _open_entry,
    "record_pledge": _pledge,
    "edit_expert_profile": role_only(Role.EXPERT, EXPERTS_ONLY),
}
