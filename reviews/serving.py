"""The bodies an expert serves (one home for the rule; issue 15, the shared expert pool).

An expert of the pool (专家库) may serve several review bodies and years. The bodies an expert reviews
for are:

* every **active** service record (``ExpertService``: imported, drawn or invited by a body), and
* the body of the expert's account (``Profile.review_body``, kept for the accounts made before the
  pool and by the paths that still set it), unless that body has withdrawn the expert (an inactive
  service record for it).

Everything that asks "which bodies does this expert review for" asks this module: the visibility of
entries (``reviews.policy``), the experts of a body for assignment (``reviews.assignment.body_experts``),
the draw's candidates, the expert's dashboard, the pledge and the header's deadline. A coordinator's body
stays the account's one (``reviews.policy.body_of``).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from nominations.models import Role
from nominations.policy import profile_of
from reviews.models import ExpertService, ReviewBody


def _expert_profile(user: Any) -> Any:
    profile = profile_of(user)
    if profile is None or profile.role != Role.EXPERT:
        return None
    return profile


def served_body_ids(user: AbstractBaseUser | Any) -> QuerySet:
    """The ids of the bodies ``user`` (an expert) serves, as a lazy subquery (``values("pk")``); empty for
    anybody else. No query of its own: it is evaluated inside the query that uses it."""
    profile = _expert_profile(user)
    if profile is None:
        return ReviewBody.objects.none().values("pk")
    services = ExpertService.objects.filter(expert__user_id=user.pk)
    rule = Q(pk__in=services.filter(active=True).values("body_id"))
    if profile.review_body_id:
        withdrawn = services.filter(active=False, body_id=profile.review_body_id).values("body_id")
        rule |= Q(pk=profile.review_body_id) & ~Q(pk__in=withdrawn)
    return ReviewBody.objects.filter(rule).values("pk")


def served_bodies(user: AbstractBaseUser | Any, campaign: Any = None) -> QuerySet:
    """The bodies ``user`` serves (of ``campaign`` if given), with their campaigns, newest year first."""
    bodies = ReviewBody.objects.filter(pk__in=served_body_ids(user)).select_related("campaign")
    if campaign is not None:
        bodies = bodies.filter(campaign=campaign)
    return bodies.order_by("-campaign__year", "name", "pk")


def serves(user: AbstractBaseUser | Any, body: ReviewBody | int | None) -> bool:
    """Whether ``user`` (an expert) serves ``body`` (one query)."""
    if body is None:
        return False
    body_id = body if isinstance(body, int) else body.pk
    return served_body_ids(user).filter(pk=body_id).exists()


def serving_users(body: ReviewBody | int) -> Q:
    """The condition on users (an expert account) that serve ``body``: a filter for ``User`` querysets."""
    body_id = body if isinstance(body, int) else body.pk
    services = ExpertService.objects.filter(body_id=body_id)
    active = services.filter(active=True).values("expert__user_id")
    withdrawn = services.filter(active=False).values("expert__user_id")
    own_body = Q(profile__review_body_id=body_id) & ~Q(pk__in=withdrawn)
    return Q(profile__role=Role.EXPERT) & (Q(pk__in=active) | own_body)
