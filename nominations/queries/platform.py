"""The platform secretariat's pages: the overview of every unit's progress and quota use, the
confirmation summary, the pioneers, the extension search, the units list and the audit log.

Every figure is counted among the entries the user may see; each list costs a fixed number of queries
whatever the number of units (aggregated with values/annotate, not one query per unit).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from kczg_site.paging import page_of
from nominations import policy
from nominations.audit import verb_labels
from nominations.filters import AuditFilter
from nominations.models import (
    Campaign,
    Channel,
    Extension,
    ExtensionKind,
    MemberUnit,
    Nomination,
    Participation,
    Pioneer,
    RecommendingUnit,
    State,
)
from nominations.models.nomination import RECOMMENDED_STATES
from nominations.queries.common import count_per
from nominations.rules import quotas

OVERVIEW_PAGE_SIZE = 50
UNITS_PAGE_SIZE = 50
AUDIT_PAGE_SIZE = 50
EXTENSION_CHOICES_LIMIT = 20
RECEIVED_EXCLUDED = (State.DRAFT, State.WITHDRAWN)


# ---------------------------------------------------------------- the overview


def platform_extended_units(campaign: Campaign) -> set[int]:
    """Ids of the units with a platform-deadline extension."""
    return set(
        Extension.objects.filter(campaign=campaign, kind=ExtensionKind.PLATFORM).values_list(
            "recommending_unit_id", flat=True
        )
    )


def overview_units() -> QuerySet[RecommendingUnit]:
    """Every recommending unit, active first, with its channels."""
    return RecommendingUnit.objects.prefetch_related("channels").order_by("-is_active", "name")


def overview_rows(
    user: AbstractBaseUser,
    campaign: Campaign,
    units: Iterable[RecommendingUnit] | None = None,
    extended: set[int] | None = None,
) -> list[dict[str, Any]]:
    """Per unit and per list/domain: submitted, accepted, recommended, quota, confirmed — in a fixed
    number of queries, counted among the entries ``user`` may see. ``units``: only these (one page of
    the overview); every unit without it. The quota and the recommended count are the quota rule's
    (``quotas.quota_rows``)."""
    paged = units is not None
    units = list(overview_units() if units is None else units)
    visible = policy.visible_nominations(user)
    participations = {
        p.unit_id: p for p in Participation.objects.filter(campaign=campaign).select_related("confirmed_by__profile")
    }
    if extended is None:
        extended = platform_extended_units(campaign)
    stats = {}
    aggregated = (
        visible.filter(campaign=campaign, pioneer=None)
        .exclude(state__in=RECEIVED_EXCLUDED)
        .filter(**({"recommending_unit__in": [unit.pk for unit in units]} if paged else {}))
        .values("recommending_unit_id", "ranking_list_id", "domain_id")
        .annotate(
            submitted=Count("pk"),
            accepted=Count("pk", filter=Q(state=State.ACCEPTED) | Q(state__in=RECOMMENDED_STATES)),
        )
        .order_by()
    )
    by_unit_list = {}
    for row in aggregated:
        stats[(row["recommending_unit_id"], row["ranking_list_id"], row["domain_id"])] = row
        by_unit_list.setdefault((row["recommending_unit_id"], row["ranking_list_id"]), []).append(row)
    lines_of = {}
    for quota_row in quotas.quota_rows(units, campaign, entries=visible):
        unit, lst, domain, quota = quota_row.unit, quota_row.ranking_list, quota_row.domain, quota_row.quota
        if domain is None:
            # Indexed by (unit, list): scanning every stats row per unit grew with units × rows.
            found = by_unit_list.get((unit.pk, lst.pk), [])
        else:
            found = [stats[(unit.pk, lst.pk, domain.pk)]] if (unit.pk, lst.pk, domain.pk) in stats else []
        line = {
            "list": lst,
            "domain": domain,
            "quota": quota.total,
            "submitted": sum(v["submitted"] for v in found),
            "accepted": sum(v["accepted"] for v in found),
            "recommended": quota.used,
        }
        line["over"] = line["recommended"] > line["quota"]
        lines_of.setdefault(unit.pk, []).append(line)
    rows = []
    for unit in units:
        lines = lines_of.get(unit.pk, [])
        participation = participations.get(unit.pk)
        rows.append(
            {
                "unit": unit,
                "lines": lines,
                "channels": [c for c in unit.channels.all() if not c.is_pioneer_route],
                "participation": participation,
                "confirmed": bool(participation and participation.confirmed_at),
                "extended": unit.pk in extended,
                "submitted": sum(line["submitted"] for line in lines),
                "accepted": sum(line["accepted"] for line in lines),
                "recommended": sum(line["recommended"] for line in lines),
                "quota": sum(line["quota"] for line in lines),
            }
        )
    return rows


def unconfirmed_summary(
    user: AbstractBaseUser, campaign: Campaign, extended: set[int]
) -> tuple[list[dict[str, Any]], int]:
    """Active units that have not confirmed (name, recommended count, extended) and the confirmed count,
    without building the whole overview: two grouped queries and one list. Counted among the entries
    ``user`` may see."""
    confirmed_ids = set(
        Participation.objects.filter(campaign=campaign, unit__is_active=True)
        .exclude(confirmed_at=None)
        .values_list("unit_id", flat=True)
    )
    recommended = dict(
        policy.visible_nominations(user)
        .filter(campaign=campaign, pioneer=None, state__in=RECOMMENDED_STATES)
        .values_list("recommending_unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    unconfirmed = [
        {"unit": unit, "recommended": recommended.get(unit.pk, 0), "extended": unit.pk in extended}
        for unit in RecommendingUnit.objects.filter(is_active=True).exclude(pk__in=confirmed_ids).order_by("name")
    ]
    return unconfirmed, len(confirmed_ids)


def recommended_per_pioneer(user: AbstractBaseUser) -> Coalesce:
    """An annotation of pioneers: how many of their recommendations ``user`` may see."""
    return count_per(policy.visible_nominations(user).filter(state__in=RECOMMENDED_STATES), "pioneer")


def pioneers(user: AbstractBaseUser, campaign: Campaign) -> QuerySet[Pioneer]:
    """The pioneers of ``campaign``, active first, each with ``recommended`` (among what ``user`` sees)."""
    # No count of the pioneers' drafts: the platform never sees them.
    return (
        Pioneer.objects.filter(campaign=campaign)
        .annotate(recommended=recommended_per_pioneer(user))
        .order_by("-is_active", "name")
    )


def pioneer_rows(user: AbstractBaseUser, campaign: Campaign) -> tuple[list[Pioneer], int, list[Nomination]]:
    """The pioneers with their recommended count, the per-person quota and the candidates they sent."""
    route = Channel.objects.filter(campaign=campaign, is_pioneer_route=True).first()
    per_person = route.pioneer_quota if route else 0
    listing = Pioneer.objects.filter(campaign=campaign).annotate(recommended=recommended_per_pioneer(user))
    entries = (
        policy.visible_nominations(user)
        .filter(campaign=campaign)
        .exclude(pioneer=None)
        .exclude(state__in=RECEIVED_EXCLUDED)
        .select_related("pioneer", "ranking_list")
        .order_by("pioneer__name")
    )
    return list(listing), per_person, list(entries)


def dashboard(user: AbstractBaseUser, campaign: Campaign, page: str | int | None) -> dict[str, Any]:
    """The overview page: one page of units (the whole table grew with the number of units: 2,000 units
    took over a second to render), the confirmation summary of every unit and the pioneers."""
    units = page_of(overview_units(), page, OVERVIEW_PAGE_SIZE)
    extended = platform_extended_units(campaign)
    unconfirmed, confirmed_count = unconfirmed_summary(user, campaign, extended)
    pioneer_list, per_person, pioneer_entries = pioneer_rows(user, campaign)
    return {
        "campaign": campaign,
        "rows": overview_rows(user, campaign, units=units.object_list, extended=extended),
        "page": units,
        "unconfirmed": unconfirmed,
        "confirmed_count": confirmed_count,
        "pioneers": pioneer_list,
        "pioneer_quota": per_person,
        "pioneer_entries": pioneer_entries,
    }


# ---------------------------------------------------------------- extensions, units, the audit log


def extension_choices(query: str) -> dict[str, Any]:
    """Active recommending units and member units whose name contains ``query`` (two queries)."""
    if not query:
        return {"q": query, "units": [], "members": [], "more": False}
    limit = EXTENSION_CHOICES_LIMIT
    units = list(RecommendingUnit.objects.filter(is_active=True, name__icontains=query).order_by("name")[: limit + 1])
    members = list(
        MemberUnit.objects.filter(is_active=True, name__icontains=query)
        .select_related("recommending_unit")
        .order_by("name", "pk")[: limit + 1]
    )
    return {
        "q": query,
        "units": units[:limit],
        "members": members[:limit],
        "more": max(len(units), len(members)) > limit,
    }


def extensions(campaign: Campaign) -> QuerySet[Extension]:
    """The extensions granted in ``campaign``, with who they are for and who granted them."""
    return Extension.objects.filter(campaign=campaign).select_related(
        "recommending_unit", "member_unit__recommending_unit", "granted_by"
    )


def units_page(page: str | int | None) -> Page:
    """One page of the recommending units, active first, each with its channels and ``member_count``.

    One page at a time: rendering all 2,000 units of the scale benchmark took 400 ms."""
    listing = RecommendingUnit.objects.prefetch_related("channels").annotate(
        member_count=Count("members", distinct=True)
    )
    return page_of(listing.order_by("-is_active", "name"), page, UNITS_PAGE_SIZE)


def audit_log(user: AbstractBaseUser, data: Mapping | None, page: str | int | None) -> tuple[AuditFilter, Page]:
    """The audit records ``user`` may read, filtered by ``data``, newest first: the filter and one page
    (each record with its ``verb_label``)."""
    filterset = AuditFilter(data or None, policy.visible_audit_events(user))
    events = filterset.qs.select_related("actor__profile", "nomination", "recommending_unit").order_by("-at", "-pk")
    shown = page_of(events, page, AUDIT_PAGE_SIZE)
    labels = verb_labels()
    for event in shown:
        event.verb_label = labels.get(event.verb, event.verb)
    return filterset, shown
