"""推荐意见: the recommending unit's opinion on one of its entries, printed into 附件2.

The secretariat writes it on the entry page while the entry is 已受理 or 已推荐, the unit has not
confirmed and its platform deadline has not passed; at most the list's ``opinion_max_chars`` 字
(counted as the entry form counts them, ``rules.text.count_chars``). Recommending an entry needs
one (:func:`check_opinion`, asked by ``workflow.check`` for ``recommend``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from kczg_site import clock
from nominations import policy, workflow
from nominations.audit import record_event
from nominations.models import Nomination, State
from nominations.rules.decision import ALLOW, Decision, Refused, require

# The states in which the opinion may be written or changed.
OPINION_STATES = frozenset({State.ACCEPTED, State.RECOMMENDED})
OPINION_LABEL = "推荐意见"


class OpinionError(Refused):
    """Writing the opinion was refused; ``str(error)`` is the Chinese reason."""


def max_chars(nomination: Nomination) -> int:
    """The list's limit of the opinion, in 字."""
    return nomination.ranking_list.opinion_max_chars


def missing_reason(nomination: Nomination) -> str:
    return f"请先填写{OPINION_LABEL}（不超过 {max_chars(nomination)} 字）。"


def check_opinion(nomination: Nomination) -> Decision:
    """Refuse recommending an entry without an opinion (a pioneer's 推举 needs none)."""
    if nomination.pioneer_id is not None or (nomination.opinion or "").strip():
        return ALLOW
    return Decision.deny(missing_reason(nomination))


def check_write(nomination: Nomination, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """May ``user`` write the opinion of ``nomination`` now (its secretariat, its state, the unit not
    confirmed, before the platform deadline)?"""
    decision = policy.may(user, "write_opinion", nomination)
    if not decision:
        return decision
    if nomination.state not in OPINION_STATES:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能填写{OPINION_LABEL}。")
    decision = workflow.check_not_confirmed(nomination, "write_opinion")
    if not decision:
        return decision
    return workflow.check_deadline(nomination, "platform", now)


def write_opinion(nomination: Nomination, user: policy.AnyUser, text: str) -> Nomination:
    """Save the opinion (already cleaned by ``OpinionForm``) and audit it; raise :class:`OpinionError`."""
    with transaction.atomic():
        locked = (
            Nomination.objects.select_for_update(of=("self",), no_key=True)
            .select_related("ranking_list", "recommending_unit", "campaign")
            .get(pk=nomination.pk)
        )
        require(check_write(locked, user), OpinionError)
        now = clock.now()
        locked.opinion, locked.opinion_at, locked.opinion_by = text.strip(), now, user
        locked._change_reason = OPINION_LABEL
        locked.save(update_fields=["opinion", "opinion_at", "opinion_by"])
        record_event("opinion", user, nomination=locked, note=locked.opinion, at=now)
    nomination.refresh_from_db()
    return nomination
