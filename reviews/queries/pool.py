"""The expert pool's page: the body's experts with their profiles and pending changes, and its draws."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from kczg_site.paging import page_of
from reviews.models import ExpertDraw, ExpertPledge, ExpertProfile, ExpertService, ReviewBody
from reviews.serving import serving_users

PageNumber = str | int | None


def pool_page(body: ReviewBody, page: PageNumber = None) -> dict[str, Any]:
    """The experts serving the body (``reviews.serving``) and those it withdrew (marked), paged, and its
    last 20 draws with the drawn experts' names, and when each signed the body's pledge (six queries)."""
    recorded = ExpertService.objects.filter(body=body).values("expert_id")
    serving = get_user_model().objects.filter(serving_users(body))
    profiles = (
        ExpertProfile.objects.filter(Q(pk__in=recorded) | Q(user__in=serving))
        .distinct()
        .select_related("user__profile", "organisation__parent")
        .prefetch_related("domains")
        .order_by("user__username")
    )
    draws = list(ExpertDraw.objects.filter(body=body).select_related("domain", "drawn_by__profile")[:20])
    names = {
        p.user_id: str(p)
        for p in ExpertProfile.objects.filter(user__in={i for d in draws for i in d.drawn}).select_related(
            "user__profile"
        )
    }
    for item in draws:
        item.names = [names.get(i, f"#{i}") for i in item.drawn]
    shown = page_of(list(profiles), page)
    pledged = dict(
        ExpertPledge.objects.filter(body=body, expert__in=[p.user_id for p in shown]).values_list(
            "expert_id", "pledged_at"
        )
    )
    withdrawn = dict(
        ExpertService.objects.filter(body=body, active=False, expert__in=[p.pk for p in shown]).values_list(
            "expert_id", "withdrawn_at"
        )
    )
    for profile in shown:
        profile.pledged_at = pledged.get(profile.user_id)
        profile.withdrawn_at = withdrawn.get(profile.pk)
    return {"profiles": shown, "draws": draws}
