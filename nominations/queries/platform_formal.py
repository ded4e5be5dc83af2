"""The platform's 形式审查 pages: the queue of confirmed units' recommendations with each one's latest
platform review, and one entry's page (the entry, its stamped pages, the checklist form, every review)."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import OuterRef, Subquery

from kczg_site.paging import page_of
from nominations import formal, policy, stamps
from nominations.forms import definition_for
from nominations.forms.formal import FormalReviewForm
from nominations.models import Campaign, FormalReview, FormalStage, Nomination, Participation, State
from nominations.models.nomination import NOMINATION_RELATIONS


def queue(user: AbstractBaseUser, campaign: Campaign, page_number: str | None) -> dict[str, Any]:
    """The recommendations of the units that confirmed, the latest platform review of each (passed,
    failed with its fix-by time, or none yet), a page of 50."""
    confirmed_units = Participation.objects.filter(campaign=campaign).exclude(confirmed_at=None).values("unit_id")
    latest = FormalReview.objects.filter(nomination=OuterRef("pk"), stage=FormalStage.PLATFORM).order_by("-at", "-pk")
    rows = (
        policy.visible_nominations(user)
        .filter(
            campaign=campaign,
            pioneer=None,
            recommending_unit__in=confirmed_units,
            state=State.RECOMMENDED,
        )
        .annotate(
            platform_passed=Subquery(latest.values("passed")[:1]),
            platform_fix_by=Subquery(latest.values("fix_by")[:1]),
        )
        .select_related(*NOMINATION_RELATIONS)
        .order_by("recommending_unit__name", "ranking_list__order", "pk")
    )
    return {"campaign": campaign, "page": page_of(rows, page_number)}


def entry(user: AbstractBaseUser, nomination: Nomination, form: FormalReviewForm | None = None) -> dict[str, Any]:
    decision = formal.check_platform_review(nomination, user)
    if decision and form is None:
        form = FormalReviewForm(items=formal.items_for(nomination), campaign=nomination.campaign)
    return {
        "nomination": nomination,
        "definition": definition_for(nomination),
        "decision": decision,
        "form": form if decision else None,
        "reviews": [r for r in formal.reviews_of(nomination) if r.stage == FormalStage.PLATFORM],
        "unit_reviews": [r for r in formal.reviews_of(nomination) if r.stage == FormalStage.UNIT],
        "stamped": stamps.entry_pages(nomination),
    }
