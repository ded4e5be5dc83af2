"""The coordinator's pages: the body's progress, its paged assignment table and ranking, one entry."""

from collections import defaultdict
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Prefetch, Q

from kczg_site.paging import page_of
from nominations.models import Nomination
from nominations.policy import visible_nominations
from reviews import aggregation, assignment, conflicts, paging, scoring
from reviews.criteria import criteria_for
from reviews.final import assignment_counts
from reviews.models import Assignment, ReviewBody
from reviews.queries.reviewers import submission_of

PageNumber = str | int | None


def progress(light: list[Any], counts: dict[int, tuple[int, int]]) -> dict[str, int]:
    """The body's progress: entries, entries with an expert, entries with a submitted review, and the
    assignments and submitted reviews (``counts``: :func:`reviews.final.assignment_counts`)."""
    return {
        "entries": len(light),
        "assigned": sum(1 for e in light if counts.get(e.pk, (0, 0))[0]),
        "complete": sum(1 for e in light if counts.get(e.pk, (0, 0))[1]),
        "reviews": sum(c[0] for c in counts.values()),
        "submitted": sum(c[1] for c in counts.values()),
    }


def body_overview(
    body: ReviewBody,
    *,
    group: str | None = None,
    page: PageNumber = None,
    rpage: PageNumber = None,
    normalize: bool = False,
) -> dict[str, Any]:
    """Progress counts, the paged assignment table and the paged ranking per list/domain.

    ``group``: a list/domain key (``reviews.paging.parse_group``) or ``None`` for all; ``page`` and
    ``rpage``: the pages of the assignment table and of the ranking. Ranks are computed over every entry
    of each list/domain from ids only; the full rows (with their assignments) are loaded for the shown
    pages alone, so the page costs the same at any size.
    """
    light = list(assignment.body_entries(body).values_list("pk", "ranking_list_id", "domain_id", named=True))
    counts = assignment_counts(Assignment.objects.filter(body=body))
    totals = aggregation.submitted_totals(Q(assignment__body=body))
    by_group = defaultdict(list)
    for entry in light:
        by_group[paging.group_key(entry.ranking_list_id, entry.domain_id)].append(entry)
    groups = []
    coverages = list(body.coverages.all())
    rules = aggregation.list_rules({coverage.ranking_list_id for coverage in coverages})
    for coverage in coverages:
        key = paging.group_key(coverage.ranking_list_id, coverage.domain_id)
        in_group = by_group.get(key, [])
        stats = progress(in_group, counts)
        rule = rules[coverage.ranking_list_id]
        coverage.rule = rule
        groups.append(
            {
                "coverage": coverage,
                "key": key,
                "rule": rule,
                "entries": aggregation.results(in_group, totals, normalize=normalize, counts=counts, rule=rule),
                "total": stats["entries"],
                "assigned": stats["assigned"],
                "complete": stats["complete"],
            }
        )
    shown = light if group is None else by_group.get(group, [])
    entries_page = page_of(shown, page)
    ranking_page = page_of(
        [(row, entry) for row in groups if group in (None, row["key"]) for entry in row["entries"]], rpage
    )
    wanted = {entry.pk for entry in entries_page} | {entry.nomination.pk for _, entry in ranking_page}
    full = (
        assignment.body_entries(body)
        .defer("data")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True)
                .select_related("expert__profile", "score")
                .order_by("expert__username"),
                to_attr="active_assignments",
            )
        )
        .in_bulk(wanted)
    )
    for entry in full.values():
        entry.n_assigned, entry.n_submitted = counts.get(entry.pk, (0, 0))
    entries_page.object_list = [full[entry.pk] for entry in entries_page]
    for _, entry in ranking_page:
        entry.nomination = full[entry.nomination.pk]
    return {
        "entries": entries_page,
        "groups": groups,
        "selected": group,
        "ranking": paging.regroup((row["coverage"], entry) for row, entry in ranking_page),
        "ranking_page": ranking_page,
        "progress": progress(light, counts),
    }


def experts(body: ReviewBody) -> list[dict[str, Any]]:
    """The body's experts with their invitation status (``pending`` until they set a password) and their
    number of active assignments (two queries)."""
    loads = dict(
        Assignment.objects.filter(body=body, active=True)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    rows = []
    for expert in assignment.body_experts(body):
        status = assignment.invitation_status(expert)
        rows.append(
            {"user": expert, "status": status, "pending": status == assignment.INVITED, "load": loads.get(expert.pk, 0)}
        )
    return rows


def dashboard(
    body: ReviewBody,
    *,
    group: str | None = None,
    page: PageNumber = None,
    rpage: PageNumber = None,
    normalize: bool = False,
) -> dict[str, Any]:
    """The coordinator's dashboard without its forms: :func:`body_overview`, the experts, whether the
    results may be sent and whether they were."""
    return {
        **body_overview(body, group=group, page=page, rpage=rpage, normalize=normalize),
        "normalize": normalize,
        "experts": experts(body),
        "submit_decision": scoring.check_results_submittable(body),
        "locked": submission_of(body) is not None,
    }


def body_entry(user: AbstractBaseUser, pk: int) -> Nomination | None:
    """The entry ``pk`` of the coordinator's body, or ``None`` when the user does not see it."""
    return (
        visible_nominations(user)
        .select_related("campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "dispatch__body")
        .filter(pk=pk)
        .first()
    )


def entry_page(body: ReviewBody, nomination: Nomination) -> dict[str, Any]:
    """One entry of the body: its assignments (active first), the experts who may still be assigned with
    their conflict if any, and the declared conflicts."""
    body_experts = assignment.body_experts(body)
    items = list(
        Assignment.objects.filter(nomination=nomination)
        .select_related("expert__profile", "score", "assigned_by")
        .order_by("-active", "assigned_at")
    )
    found = conflicts.conflicts([nomination], body_experts)
    active_ids = {a.expert_id for a in items if a.active}
    return {
        "nomination": nomination,
        "assignments": items,
        "criteria": criteria_for(nomination.ranking_list_id),
        "candidates": [
            {"user": e, "conflict": found.get((nomination.pk, e.pk), "")}
            for e in body_experts
            if e.pk not in active_ids
        ],
        "declared": list(nomination.conflicts.select_related("expert__profile")),
        "locked": submission_of(body) is not None,
    }


def results_preview(body: ReviewBody) -> dict[str, Any]:
    """What sending the body's results covers, before it is sent: per list/domain of the body its
    entries with their submitted and assigned reviews, those without a submitted review, and the
    rule's answer (``scoring.check_results_submittable``) for the send button (three queries)."""
    entries = assignment.body_entries(body).values_list("pk", "title", "ranking_list_id", "domain_id", named=True)
    counts = assignment_counts(Assignment.objects.filter(body=body))
    by_group = defaultdict(list)
    for entry in entries:
        assigned, submitted = counts.get(entry.pk, (0, 0))
        row = {"pk": entry.pk, "title": entry.title, "assigned": assigned, "submitted": submitted}
        by_group[paging.group_key(entry.ranking_list_id, entry.domain_id)].append(row)
    groups = []
    for coverage in body.coverages.all():
        rows = by_group.get(paging.group_key(coverage.ranking_list_id, coverage.domain_id), [])
        missing = [row for row in rows if not row["submitted"]]
        groups.append({"coverage": coverage, "rows": rows, "missing": missing})
    return {
        "groups": groups,
        "entry_count": sum(len(g["rows"]) for g in groups),
        "missing_count": sum(len(g["missing"]) for g in groups),
        "submit_decision": scoring.check_results_submittable(body),
        "locked": submission_of(body) is not None,
    }
