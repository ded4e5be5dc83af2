"""What the expert's and the coordinator's pages share: the reviewer's body and the review period."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from nominations.models import Campaign
from nominations.policy import profile_of
from nominations.rules.deadlines import Deadline
from reviews.models import BodySubmission, ReviewBody, ReviewCoverage
from reviews.scoring import scoring_deadline
from reviews.serving import served_bodies


@dataclass(frozen=True)
class ReviewPeriod:
    """Where the review stands for a body: not yet dispatched, open for scoring, or closed."""

    before: bool = False
    open: bool = False
    closed: bool = False


def reviewer_body(user: AbstractBaseUser) -> ReviewBody | None:
    """The account's review body (a coordinator's) with campaign, coverage and submission (two queries),
    or ``None``. The bodies an expert serves: :func:`expert_bodies`."""
    profile = profile_of(user)
    if profile is None or not profile.review_body_id:
        return None
    return (
        ReviewBody.objects.select_related("campaign", "submission")
        .prefetch_related(
            Prefetch(
                "coverages",
                queryset=ReviewCoverage.objects.select_related("ranking_list", "domain").order_by(
                    "ranking_list__order", "domain__order"
                ),
            )
        )
        .get(pk=profile.review_body_id)
    )


def expert_bodies(user: AbstractBaseUser, campaign: Campaign | None = None) -> list[ReviewBody]:
    """The bodies an expert serves (``reviews.serving``; of ``campaign`` if given), with campaign,
    coverage and submission, as :func:`reviewer_body` loads one (two queries)."""
    return list(
        served_bodies(user, campaign)
        .select_related("submission")
        .prefetch_related(
            Prefetch(
                "coverages",
                queryset=ReviewCoverage.objects.select_related("ranking_list", "domain").order_by(
                    "ranking_list__order", "domain__order"
                ),
            )
        )
    )


def submission_of(body: ReviewBody | None) -> BodySubmission | None:
    """The body's sent results, or ``None`` (also without a body)."""
    return getattr(body, "submission", None) if body is not None else None


def review_period(campaign: Campaign | None, deadline: Deadline | None, now: datetime) -> ReviewPeriod | None:
    """Before the platform deadline, open until the review deadline (``deadline``: the body's, with its
    extension), then closed."""
    if campaign is None:
        return None
    if now < campaign.platform_deadline:
        return ReviewPeriod(before=True)
    if now < campaign.initial_review_deadline or (deadline is not None and deadline.is_open(now)):
        return ReviewPeriod(open=True)
    return ReviewPeriod(closed=True)


def review_context(campaign: Campaign | None, body: ReviewBody | None, now: datetime) -> dict[str, Any]:
    """The body card and the timeline of both reviewers' pages (``reviews/_review_body.html``)."""
    deadline = scoring_deadline(body) if body is not None else None
    return {
        "body": body,
        "campaign": campaign,
        "now": now,
        "review_period": review_period(campaign, deadline, now),
        "deadline": deadline,
        "submission": submission_of(body),
    }
