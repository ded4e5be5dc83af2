"""The 推荐意见 card of the secretariat's entry page: the form (or the text, read-only) and whether
it may be written now (``opinions.check_write``)."""

from typing import Any

from nominations import opinions, policy
from nominations.forms.opinion import OpinionForm
from nominations.models import Nomination


def opinion_card(user: policy.AnyUser, nomination: Nomination, form: OpinionForm | None = None) -> dict[str, Any]:
    """``shown``: the card is on the page (an entry that may carry an opinion, or has one); ``decision``:
    may it be written now; ``form``: the posted form again with its error and text, or a fresh one."""
    return {
        "shown": nomination.pioneer_id is None
        and (nomination.state in opinions.OPINION_STATES or bool(nomination.opinion)),
        "decision": opinions.check_write(nomination, user),
        "form": form or OpinionForm(nomination=nomination),
    }
