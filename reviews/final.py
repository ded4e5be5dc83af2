"""The final review (终评) by the platform secretariat.

* Ranked tables per list and domain across bodies (``reviews.aggregation``), with the target count of
  each list (``ListTarget``, editable) and a default proposal: the best ``target`` entries of a list,
  by rank, are proposed for listing.
* Decisions per entry — 入榜 (listed), 未入榜 (not listed after passing the initial review), 未通过初评
  — each with a recorded reason, applied as one batch through ``workflow.transition``: all or nothing.
  Only entries whose body has submitted its results (or was closed by the platform) can be decided.
* Publication per list and the public lists: ``reviews.publication`` (:func:`check_publication_open`,
  the "not before" of the ``publish`` transition, stays here).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kczg_site import clock
from nominations import workflow
from nominations.models import Campaign, Domain, Nomination, RankingList, State
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews import aggregation
from reviews.audit import record
from reviews.dispatch import check_dispatch_open, opening_of
from reviews.models import (
    Assignment,
    BodySubmission,
    FinalDecision,
    ListTarget,
    ScoreStatus,
)
from reviews.panel import vote_of
from reviews.states import DECIDABLE_STATES, LISTED_STATES, REVIEW_STATES

S = State

LISTED, NOT_LISTED, FAILED = "listed", "not_listed", "failed"
CHOICES = [(LISTED, "入榜"), (NOT_LISTED, "未入榜"), (FAILED, "未通过初评")]

# choice → {current state: the transitions that lead there}
PATHS = {
    LISTED: {
        S.IN_REVIEW: ("pass_review", "list"),
        S.REVIEW_FAILED: ("pass_review", "list"),
        S.REVIEW_PASSED: ("list",),
        S.NOT_LISTED: ("list",),
        S.LISTED: (),
    },
    NOT_LISTED: {
        S.IN_REVIEW: ("pass_review", "unlist"),
        S.REVIEW_FAILED: ("pass_review", "unlist"),
        S.REVIEW_PASSED: ("unlist",),
        S.LISTED: ("unlist",),
        S.NOT_LISTED: (),
    },
    FAILED: {
        S.IN_REVIEW: ("fail_review",),
        S.REVIEW_PASSED: ("fail_review",),
        S.LISTED: ("fail_review",),
        S.NOT_LISTED: ("fail_review",),
        S.REVIEW_FAILED: (),
    },
}


class FinalReviewError(Refused):
    """A refused final-review step; ``problems`` holds one reason per entry."""

    def __init__(self, problems: Iterable[str]) -> None:
        super().__init__(problems=problems)


def check_opens(nomination: Nomination, kind: str, now: datetime | None = None) -> Decision:
    """The workflow's "not before" rule for ``dispatch`` (``reviews.dispatch.check_dispatch_open``, the
    rule the dispatch page asks too) and ``publish``."""
    now = now or clock.now()
    campaign = nomination.campaign
    if kind == "dispatch":
        return check_dispatch_open(opening_of(campaign, nomination.recommending_unit), now)
    if kind == "publication":
        return check_publication_open(campaign, now)
    raise ValueError(kind)


def _moment(value: datetime) -> str:
    """A start time as a clock shows it (``2024年2月1日 00:00``), not as "24:00 of the day before"."""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def check_publication_open(campaign: Campaign, now: datetime | None = None) -> Decision:
    now = now or clock.now()
    if now < campaign.publication_start:
        return Decision.deny(f"榜单发布时间未到：最早可于北京时间 {_moment(campaign.publication_start)} 发布。")
    return ALLOW


# ---------------------------------------------------------------- ranked tables


@dataclass
class Group:
    ranking_list: RankingList
    domain: Domain | None
    entries: list = field(default_factory=list)
    rule: aggregation.ListRule = aggregation.DEFAULT_RULE

    @property
    def key(self) -> str:
        """The ``group`` query value of this list/domain (``reviews.paging.group_key``)."""
        return f"{self.ranking_list.pk}-{self.domain.pk}" if self.domain else str(self.ranking_list.pk)

    @property
    def label(self) -> str:
        return f"{self.ranking_list.name} · {self.domain.name}" if self.domain else self.ranking_list.name


def review_entries(campaign: Campaign) -> QuerySet:
    return (
        Nomination.objects.filter(campaign=campaign, state__in=REVIEW_STATES)
        .select_related(
            "ranking_list",
            "domain",
            "recommending_unit",
            "member_unit",
            "dispatch__body__submission",
            "final_decision",
        )
        .order_by("ranking_list__order", "domain__order", "pk")
    )


@dataclass
class LightEntry:
    """What ranking and the proposal need of an entry; pages swap in the full row for what they show."""

    pk: int
    state: str
    ranking_list_id: int
    domain_id: int | None
    ranking_list: RankingList | None = None
    domain: Domain | None = None


def light_review_entries(campaign: Campaign) -> list[LightEntry]:
    """:func:`review_entries` as :class:`LightEntry` rows, in the same order (three queries).

    Ranking every entry of a campaign only needs ids, states, lists and domains; loading 13,000 full
    rows with six joined tables for a page that shows 50 of them took most of a second.
    """
    lists = RankingList.objects.filter(campaign=campaign).in_bulk()
    domains = Domain.objects.filter(ranking_list__campaign=campaign).in_bulk()
    rows = review_entries(campaign).values_list("pk", "state", "ranking_list_id", "domain_id")
    return [
        LightEntry(pk, state, list_id, domain_id, lists.get(list_id), domains.get(domain_id))
        for pk, state, list_id, domain_id in rows
    ]


def ranked_groups(
    campaign: Campaign, *, normalize: bool = False, entries: Iterable | None = None, with_counts: bool = True
) -> tuple[list[Group], dict[int, int]]:
    """Ranked tables per list and domain across bodies, with the target count and a proposal.

    ``entries``: the campaign's review entries if not all of :func:`review_entries` (e.g.
    :func:`light_review_entries`); ranks and proposals are always over every entry passed.
    ``with_counts=False`` skips the assigned/submitted counts of each entry (a page that shows none).
    """
    entries = list(review_entries(campaign) if entries is None else entries)
    totals = aggregation.submitted_totals(Q(assignment__nomination__campaign=campaign))
    counts = assignment_counts(Assignment.objects.filter(nomination__campaign=campaign)) if with_counts else None
    groups = {}
    for entry in entries:
        key = (entry.ranking_list_id, entry.domain_id)
        if key not in groups:
            groups[key] = Group(entry.ranking_list, entry.domain)
        groups[key].entries.append(entry)
    targets = dict(ListTarget.objects.filter(ranking_list__campaign=campaign).values_list("ranking_list_id", "count"))
    rules = aggregation.list_rules({list_id for list_id, _domain_id in groups})
    result = []
    for group in groups.values():
        group.rule = rules[group.ranking_list.pk]
        group.entries = aggregation.results(group.entries, totals, normalize=normalize, counts=counts, rule=group.rule)
        result.append(group)
    propose(result, targets)
    return result, targets


def propose(groups: list[Group], targets: dict[int, int]) -> None:
    """Mark the default choice of each entry: the best ``target`` entries of each list across domains.

    Across the domains of one list the entries are interleaved by rank (all first places, then all
    second places, …) so that every domain gets its share; an existing decision is kept.
    """
    by_list = defaultdict(list)
    for group in groups:
        by_list[group.ranking_list.pk].append(group)
    for list_id, list_groups in by_list.items():
        target = targets.get(list_id)
        ordered = sorted(
            (e for g in list_groups for e in g.entries if e.rank is not None),
            key=lambda e: (e.rank, -(e.summary.mean or 0), e.nomination.pk),
        )
        chosen = {e.nomination.pk for e in (ordered if target is None else ordered[:target])}
        for group in list_groups:
            for entry in group.entries:
                entry.proposal = current_choice(entry.nomination) or (
                    LISTED if entry.nomination.pk in chosen else NOT_LISTED
                )


def is_decidable(nomination: Nomination) -> bool:
    """Whether the platform may still set or change the entry's final result (not once published)."""
    return nomination.state in DECIDABLE_STATES


def is_listed(nomination: Nomination | LightEntry) -> bool:
    """Listed by the final review, or published."""
    return nomination.state in LISTED_STATES


def current_choice(nomination: Nomination) -> str | None:
    return {S.LISTED: LISTED, S.PUBLISHED: LISTED, S.NOT_LISTED: NOT_LISTED, S.REVIEW_FAILED: FAILED}.get(
        nomination.state
    )


def assignment_counts(assignments: QuerySet) -> dict[int, tuple[int, int]]:
    """``{nomination_id: (active assignments, submitted reviews)}`` (one query)."""
    rows = (
        assignments.filter(active=True)
        .values("nomination_id")
        .annotate(assigned=Count("pk"), submitted=Count("pk", filter=Q(score__status=ScoreStatus.SUBMITTED)))
    )
    return {row["nomination_id"]: (row["assigned"], row["submitted"]) for row in rows}


# ---------------------------------------------------------------- decisions and publication


def decide(user: AbstractBaseUser, decisions: list[tuple[Nomination, str, str]]) -> int:
    """Apply ``[(nomination, choice, reason)]`` all or nothing; returns the number of entries changed.

    Each decision records the closed panel vote (会评) it rests on, if any (``reviews.panel.vote_of``).
    """
    problems = []
    for nomination, choice, _reason in decisions:
        if choice not in PATHS:
            problems.append(f"“{nomination}”：不支持的终评结果。")
            continue
        if nomination.state not in PATHS[choice]:
            problems.append(f"“{nomination}”当前状态为“{nomination.get_state_display()}”，不能修改终评结果。")
            continue
        dispatch_row = getattr(nomination, "dispatch", None)
        if dispatch_row is None or not BodySubmission.objects.filter(body_id=dispatch_row.body_id).exists():
            problems.append(f"“{nomination}”所在初评机构尚未报送初评结果。")
    if problems:
        raise FinalReviewError(problems)
    changed = 0
    now = clock.now()
    with transaction.atomic():
        for nomination, choice, reason in decisions:
            steps = PATHS[choice][nomination.state]
            reason = (reason or "").strip()
            for action in steps:
                try:
                    workflow.transition(nomination, action, user, note=reason)
                except workflow.WorkflowError as error:
                    raise FinalReviewError([f"“{nomination}”：{error}"]) from error
            if steps:
                changed += 1
            if steps or reason:
                FinalDecision.objects.update_or_create(
                    nomination=nomination,
                    defaults={
                        "listed": choice == LISTED,
                        "reason": reason,
                        "decided_at": now,
                        "decided_by": user,
                        "panel_candidate": vote_of(nomination),
                    },
                )
    return changed


def set_target(ranking_list: RankingList, count: int, user: AbstractBaseUser) -> ListTarget:
    with transaction.atomic():
        target, _ = ListTarget.objects.update_or_create(ranking_list=ranking_list, defaults={"count": count})
        record("set_target", user, note=f"{ranking_list}拟入榜数量设为 {count}")
    return target
