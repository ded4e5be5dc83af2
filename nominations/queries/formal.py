"""The formal review card (形式审查) of the secretariat's entry page: the checklist form while the entry
may be reviewed, and its past reviews (who, when, the failed items)."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from nominations import formal
from nominations.forms.formal import FormalReviewForm
from nominations.models import Nomination


def card(user: AbstractBaseUser, nomination: Nomination, form: FormalReviewForm | None = None) -> dict[str, Any] | None:
    """The card's context, or ``None`` when there is nothing to show (no review possible, none made).

    ``form``: the posted form, shown again with its errors and what was typed."""
    reviewable = nomination.state in formal.REVIEWABLE_STATES
    reviews = formal.reviews_of(nomination)
    if not reviewable and not reviews:
        return None
    if reviewable and form is None:
        form = FormalReviewForm(items=formal.items_for(nomination), campaign=nomination.campaign)
    return {
        "form": form if reviewable else None,
        "decision": formal.check_review(nomination, user) if reviewable else None,
        "reviews": reviews,
    }
