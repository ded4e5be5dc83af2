"""The platform secretariat's review pages: dispatch, progress and the final review (bounded queries)."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from kczg_site import clock
from kczg_site.paging import page_of
from nominations.models import Campaign, RankingList, State
from nominations.policy import visible_nominations
from reviews import closure, final, outcomes, paging, publication, scoring
from reviews import dispatch as dispatching
from reviews.models import Assignment, Dispatch, MeetingState, PanelCandidate, ReviewBody
from reviews.queries import dispatch as unconfirmed_section
from reviews.states import UNDECIDED_STATES

PageNumber = str | int | None


def bodies(campaign: Campaign) -> list[ReviewBody]:
    """The campaign's review bodies with ``n_entries`` (dispatched) and ``n_assignments`` (active)."""
    # Two grouped counts instead of one annotate over both joins: joining dispatches and assignments
    # at once multiplies the rows (entries × assignments per body) and took seconds at 25,000 entries.
    rows = list(ReviewBody.objects.filter(campaign=campaign).select_related("submission").order_by("order"))
    entries = dict(Dispatch.objects.filter(body__in=rows).values_list("body_id").annotate(n=Count("pk")).order_by())
    assignments = dict(
        Assignment.objects.filter(body__in=rows, active=True).values_list("body_id").annotate(n=Count("pk")).order_by()
    )
    for body in rows:
        body.n_entries = entries.get(body.pk, 0)
        body.n_assignments = assignments.get(body.pk, 0)
    return rows


def group_labels(campaign: Campaign) -> dict[str, str]:
    """``{group key: "榜单 · 领域"}`` for every list/domain of the campaign, in list and domain order."""
    labels = {}
    for ranking_list in RankingList.objects.filter(campaign=campaign).prefetch_related("domains").order_by("order"):
        domains = sorted(ranking_list.domains.all(), key=lambda d: (d.order, d.pk))
        if not domains:
            labels[paging.group_key(ranking_list.pk, None)] = ranking_list.name
        for domain in domains:
            labels[paging.group_key(ranking_list.pk, domain.pk)] = f"{ranking_list.name} · {domain.name}"
    return labels


def in_review(user: AbstractBaseUser, campaign: Campaign) -> QuerySet:
    """The dispatched entries still in 初评中 that ``user`` may see, in list, domain and id order."""
    return (
        visible_nominations(user)
        .filter(campaign=campaign, dispatch__isnull=False, state=State.IN_REVIEW)
        .order_by("ranking_list__order", "domain__order", "pk")
    )


def dispatch_page(
    user: AbstractBaseUser,
    campaign: Campaign,
    *,
    group: str | None = None,
    page: PageNumber = None,
    dpage: PageNumber = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The dispatch page: the bodies, the summary per list/domain, its two paged tables and the units
    that did not confirm (``unconfirmed``, ``reviews.queries.dispatch``).

    Offered for dispatch (``rows``, ``pending_total``) are the pending entries whose dispatch is open
    (``reviews.dispatch.split_open``: the unit has confirmed, or is included after its deadline); the
    others are counted in ``waiting``, one line per unit with the reason. The plan is computed over every
    offered entry of the shown list/domain (the even split of 绿色低碳 depends on the entries before),
    from ids only; the full rows are loaded for the shown page.
    """
    now = now or clock.now()
    pending = list(
        dispatching.pending_entries(campaign).values_list(
            "pk", "ranking_list_id", "domain_id", "recommending_unit_id", named=True
        )
    )
    by_unit = dispatching.openings(campaign, {e.recommending_unit_id for e in pending}, decided=True)
    n_pending = len(pending)
    pending, waiting = dispatching.split_open(campaign, pending, now, by_unit=by_unit)
    dispatched = in_review(user, campaign)
    dispatched_counts = {
        paging.group_key(list_id, domain_id): n
        for list_id, domain_id, n in dispatched.order_by()
        .values_list("ranking_list_id", "domain_id")
        .annotate(n=Count("pk"))
    }
    pending_counts = Counter(paging.group_key(e.ranking_list_id, e.domain_id) for e in pending)
    summaries = [
        {"key": key, "label": label, "pending": pending_counts.get(key, 0), "dispatched": dispatched_counts.get(key, 0)}
        for key, label in group_labels(campaign).items()
        if pending_counts.get(key) or dispatched_counts.get(key)
    ]
    if group is not None:
        pending = [e for e in pending if paging.group_key(e.ranking_list_id, e.domain_id) == group]
        list_id, domain_id = paging.split_group(group)
        dispatched = dispatched.filter(ranking_list_id=list_id, domain_id=domain_id)
    rows_page = page_of(dispatching.plan(campaign, entries=pending), page)
    full = dispatching.pending_entries(campaign).defer("data").in_bulk([row.nomination.pk for row in rows_page])
    for row in rows_page:
        row.nomination = full[row.nomination.pk]
    dispatched_page = page_of(
        dispatched.select_related("ranking_list", "domain", "recommending_unit", "dispatch__body").defer("data"),
        dpage,
    )
    assigned = dict(
        Assignment.objects.filter(nomination__in=[n.pk for n in dispatched_page], active=True)
        .values_list("nomination_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    coverage = dispatching.coverage_map(campaign)
    for nomination in dispatched_page:
        nomination.n_assigned = assigned.get(nomination.pk, 0)
        nomination.move_choices = [
            body
            for body in coverage.get((nomination.ranking_list_id, nomination.domain_id), [])
            if body.pk != nomination.dispatch.body_id
        ]
    return {
        "campaign": campaign,
        "bodies": bodies(campaign),
        "opens": campaign.platform_deadline,
        "summaries": summaries,
        "selected": group,
        "selected_label": next((s["label"] for s in summaries if s["key"] == group), None),
        "pending_total": sum(pending_counts.values()),
        "waiting": waiting,
        "waiting_total": sum(w.count for w in waiting),
        "dispatch_refusal": ""
        if pending_counts
        else (dispatching.NOTHING_OPEN if n_pending else dispatching.NOTHING_PENDING),
        "unconfirmed": unconfirmed_section.unconfirmed_units(campaign, by_unit, now),
        "unconfirmed_default": unconfirmed_section.default_label(campaign),
        "dispatched_total": sum(dispatched_counts.values()),
        "rows": rows_page,
        "dispatched": dispatched_page,
    }


def progress_page(campaign: Campaign, now: datetime | None = None) -> dict[str, Any]:
    """The bodies with their counts, their review deadline (the extension included) and whether the
    platform may close their review (``reviews.closure.check_close``)."""
    rows = bodies(campaign)
    now = now or clock.now()
    for body in rows:
        body.deadline = scoring.scoring_deadline(body)
        body.close_decision = closure.check_close(body, now)
    return {"campaign": campaign, "bodies": rows}


def final_page(
    campaign: Campaign, *, group: str | None = None, page: PageNumber = None, normalize: bool = False
) -> dict[str, Any]:
    """The final review: ranked tables per list/domain, the targets, one page of full rows, the lists' states.

    Ranks and proposals are computed over every entry of each list/domain (ids only), then one page of
    full rows is loaded. Each entry on the page carries ``decidable`` (``final.is_decidable``).
    """
    groups, targets = final.ranked_groups(
        campaign, normalize=normalize, entries=final.light_review_entries(campaign), with_counts=False
    )
    listed = Counter(
        row.ranking_list.pk for row in groups for entry in row.entries if final.is_listed(entry.nomination)
    )
    list_states = publication.list_states(campaign)
    lists = [state.ranking_list for state in list_states]
    for ranking_list in lists:
        ranking_list.target_count = targets.get(ranking_list.pk)
        ranking_list.listed_count = listed[ranking_list.pk]
    summaries = [
        {
            "group": row,
            "total": len(row.entries),
            "ranked": sum(1 for e in row.entries if e.rank is not None),
            "listed": sum(1 for e in row.entries if final.is_listed(e.nomination)),
            "undecided": sum(1 for e in row.entries if e.nomination.state in UNDECIDED_STATES),
        }
        for row in groups
    ]
    shown = [(row, entry) for row in groups if group in (None, row.key) for entry in row.entries]
    entries_page = page_of(shown, page)
    full = final.review_entries(campaign).defer("data").in_bulk([entry.nomination.pk for _, entry in entries_page])
    votes = panel_votes([entry.nomination.pk for _, entry in entries_page])
    for _, entry in entries_page:
        entry.nomination = full[entry.nomination.pk]
        entry.decidable = final.is_decidable(entry.nomination)
        entry.panel_vote = votes.get(entry.nomination.pk)
    return {
        "campaign": campaign,
        "groups": groups,
        "summaries": summaries,
        "summary_total": {key: sum(s[key] for s in summaries) for key in ("total", "ranked", "listed", "undecided")},
        "selected": group,
        "page": entries_page,
        "page_groups": paging.regroup(entries_page),
        "lists": lists,
        "normalize": normalize,
        "choices": final.CHOICES,
        "list_states": list_states,
    }


def panel_votes(nomination_ids: list[int]) -> dict[int, PanelCandidate]:
    """``{nomination id: its latest closed panel vote}`` (one query; ``reviews.panel.vote_of`` for one)."""
    rows = (
        PanelCandidate.objects.filter(nomination_id__in=nomination_ids, meeting__state=MeetingState.CLOSED)
        .select_related("meeting")
        .order_by("meeting__closed_at", "pk")
    )
    return {row.nomination_id: row for row in rows}


def publish_preview(campaign: Campaign, ranking_list: RankingList) -> dict[str, Any]:
    """What publishing ``ranking_list`` changes: its 拟入榜 entries per domain, the count against the
    target, the notices that will go out (``reviews.outcomes.notices``) and whether it may be done."""
    state = publication.list_states(campaign, [ranking_list])[0]
    entries = (
        ranking_list.nominations.filter(state=State.LISTED)
        .select_related("domain", "recommending_unit", "member_unit")
        .defer("data")
        .order_by("domain__order", "recommending_unit__name", "title", "pk")
    )
    domains: dict[int | None, tuple] = {}
    for entry in entries:
        domains.setdefault(entry.domain_id, (entry.domain, []))[1].append(entry)
    notices = outcomes.notices(ranking_list)
    return {
        "campaign": campaign,
        "ranking_list": ranking_list,
        "state": state,
        "domains": list(domains.values()),
        "total": sum(len(rows) for _, rows in domains.values()),
        "notices": notices,
        "member_notices": sum(1 for n in notices if n.audience == "member"),
        "unit_notices": sum(1 for n in notices if n.audience != "member"),
    }
