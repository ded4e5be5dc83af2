"""The deadline-rush benchmark's checks in the database after the rush (quota, member cap, lost drafts)."""

from django.db.models import Count

from bench import _rush_data as data
from nominations.models import Campaign, Nomination, RecommendingUnit, State
from nominations.models.nomination import LIVE_STATES
from nominations.rules import quotas


def database_checks(edge_accepted: dict, last_saved: dict) -> dict:
    """What the database holds after the rush: quotas and caps kept, no confirmed save lost."""
    campaign = Campaign.objects.get(year=2023)
    over_quota = []
    recommended_at_edge = {}
    for unit in RecommendingUnit.objects.prefetch_related("channels"):
        for ranking_list, domain, quota in quotas.quota_table(unit, campaign):
            if quota.used > quota.total:
                over_quota.append((unit.name, ranking_list.name, domain and domain.name, quota.used, quota.total))
            contested = (ranking_list.code, domain.code if domain else None) in set(data.EDGE_PLAN)
            if unit.pk in edge_accepted and contested:
                recommended_at_edge.setdefault(unit.pk, [0, 0])
                recommended_at_edge[unit.pk][0] += quota.used
                recommended_at_edge[unit.pk][1] += quota.total
    over_cap = []
    for row in (
        Nomination.objects.filter(state__in=LIVE_STATES, member_unit__isnull=False)
        .values("member_unit_id", "ranking_list_id", "ranking_list__member_cap", "domain_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["n"] > row["ranking_list__member_cap"]:
            over_cap.append(row)
    stored = dict(Nomination.objects.filter(pk__in=list(last_saved)).values_list("pk", "data"))
    codes = dict(Nomination.objects.filter(pk__in=list(last_saved)).values_list("pk", "ranking_list__code"))
    states = dict(Nomination.objects.filter(pk__in=list(last_saved)).values_list("pk", "state"))
    lost = [pk for pk, marker in last_saved.items() if stored[pk].get(data.MARKER_FIELD[codes[pk]]) != marker]
    submitted_checked = sum(1 for pk in last_saved if states[pk] != State.DRAFT)
    submitted_total = Nomination.objects.filter(state__in=LIVE_STATES, title__startswith="压测申报").count()
    refused_by_cap = Nomination.objects.filter(state=State.DRAFT, pk__in=list(last_saved)).count()
    return {
        "over_quota": over_quota,
        "recommended_at_edge": recommended_at_edge,
        "over_cap": over_cap,
        "lost": lost,
        "submitted_checked": submitted_checked,
        "submitted_total": submitted_total,
        "refused_by_cap": refused_by_cap,
    }
