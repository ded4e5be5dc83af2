"""The expert pool's page: the body's experts with their profiles and pending changes, and its draws."""

from typing import Any

from django.db.models import Q

from kczg_site.paging import page_of
from reviews.models import ExpertDraw, ExpertPledge, ExpertProfile, ExpertService, ReviewBody

PageNumber = str | int | None


def pool_page(body: ReviewBody, page: PageNumber = None) -> dict[str, Any]:
    """The experts serving the body (a service record, or the account's body), paged, and its last 20
    draws with the drawn experts' names, and when each signed the body's pledge (five queries)."""
    serving = ExpertService.objects.filter(body=body).values("expert_id")
    profiles = (
        ExpertProfile.objects.filter(Q(pk__in=serving) | Q(user__profile__review_body=body))
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
    for profile in shown:
        profile.pledged_at = pledged.get(profile.user_id)
    return {"profiles": shown, "draws": draws}
