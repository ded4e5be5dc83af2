"""Dispatch (分发): after the platform deadline the platform secretariat sends the recommended entries
to the review bodies by list and domain (``ReviewCoverage``).

* An entry may be dispatched once its recommending unit's platform deadline, extension included, has
  passed (:func:`check_dispatch_open`, the one rule: the workflow's "not before" check of the
  ``dispatch`` transition and the dispatch page both ask it). A unit with an extension keeps its
  entries back until the extension ends; the other units' entries go meanwhile.
* A list/domain with one body (装备制造 and 产业基础 share 智能制造学会联合体) sends everything there.
* A list/domain with several bodies (绿色低碳) splits its entries evenly and deterministically: entries
  in id order each go to the body with the fewest entries of that list/domain so far (already
  dispatched ones included), ties broken by the body's order — a fresh dispatch alternates.
* Staff may choose another covering body for any entry (``overrides``) before dispatching, or move a
  dispatched entry that has no assignments yet (:func:`move`).

Lists without any review criterion get the defaults of ``reviews.criteria`` at dispatch.
Dispatching is one batch: every entry is checked first, and either all move to 初评中 through
``workflow.transition`` inside one transaction, or none does and the reasons are returned.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import workflow
from nominations.models import Campaign, ExtensionKind, Nomination, RecommendingUnit, State
from nominations.policy import may
from nominations.rules import deadlines
from nominations.rules.deadlines import Deadline
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews.audit import record
from reviews.criteria import load_review_criteria
from reviews.models import Dispatch, ReviewBody, ReviewCoverage


class DispatchError(Refused):
    """A refused dispatch or move; ``problems`` holds one reason per entry that could not go."""


NOTHING_PENDING = "没有待分发的申报（状态为“已推荐”）。"
NOTHING_OPEN = "没有可以分发的申报：已推荐申报所在推荐单位的平台申报截止时间（含延期）尚未到。"


@dataclass
class PlanRow:
    nomination: Nomination
    body: ReviewBody | None = None
    choices: list[ReviewBody] = field(default_factory=list)
    moved: bool = False


# ---------------------------------------------------------------- when dispatch opens


@dataclass(frozen=True)
class Opening:
    """The moment from which entries may be dispatched: the campaign's platform deadline (``unit`` is
    ``None``), or a recommending unit's own when an extension moved it."""

    deadline: Deadline
    unit: RecommendingUnit | None = None


def dispatch_deadline(campaign: Campaign, recommending_unit: RecommendingUnit | int | None) -> Deadline:
    """The deadline after which the entries of ``recommending_unit`` (``None``: a pioneer's) may be
    dispatched: its platform deadline with its extension."""
    return deadlines.platform_deadline(campaign, recommending_unit)


def check_dispatch_open(deadline: Deadline, now: datetime | None = None) -> Decision:
    """The one "not before" rule of dispatch: allowed once ``deadline`` (:func:`dispatch_deadline`) has passed."""
    if deadline.is_open(now):
        return Decision.deny(f"平台申报截止时间（北京时间 {format_datetime(deadline.effective)}）之后才能分发初评。")
    return ALLOW


def openings(campaign: Campaign, unit_ids: Iterable[int | None]) -> dict[int | None, Opening]:
    """The :class:`Opening` of each recommending unit id (``None`` for pioneers' entries).

    One query finds the units with a platform extension; :func:`dispatch_deadline` is asked for each of
    them (a query each) and once for everyone else, whose deadline is the campaign's.
    """
    unit_ids = set(unit_ids)
    shared = Opening(dispatch_deadline(campaign, None))
    result: dict[int | None, Opening] = dict.fromkeys(unit_ids, shared)
    extended = RecommendingUnit.objects.filter(
        pk__in=[pk for pk in unit_ids if pk is not None],
        extensions__campaign=campaign,
        extensions__kind=ExtensionKind.PLATFORM,
    ).distinct()
    for unit in extended:
        deadline = dispatch_deadline(campaign, unit)
        result[unit.pk] = Opening(deadline, unit) if deadline.effective != deadline.at else shared
    return result


@dataclass
class Waiting:
    """Pending entries that may not be dispatched yet, and when they may."""

    opening: Opening
    count: int = 0


def split_open(campaign: Campaign, entries: Iterable[Any], now: datetime | None = None) -> tuple[list, list[Waiting]]:
    """``entries`` (each with ``recommending_unit_id``) → ``(those dispatch is open for, the others
    grouped by their opening)``, in the given order; the groups in the order of their deadlines."""
    entries = list(entries)
    by_unit = openings(campaign, {entry.recommending_unit_id for entry in entries})
    ready, waiting = [], {}
    for entry in entries:
        opening = by_unit[entry.recommending_unit_id]
        if check_dispatch_open(opening.deadline, now):
            ready.append(entry)
        else:
            key = opening.unit.pk if opening.unit is not None else None
            waiting.setdefault(key, Waiting(opening)).count += 1
    groups = sorted(waiting.values(), key=lambda w: (w.opening.deadline.effective, w.opening.unit is not None))
    return ready, groups


# ---------------------------------------------------------------- the plan and the batch


def coverage_map(campaign: Campaign) -> dict[tuple[int, int | None], list[ReviewBody]]:
    """``{(ranking_list_id, domain_id): [body, …]}`` in body order (one query)."""
    bodies = defaultdict(list)
    for coverage in (
        ReviewCoverage.objects.filter(body__campaign=campaign).select_related("body").order_by("body__order", "pk")
    ):
        bodies[(coverage.ranking_list_id, coverage.domain_id)].append(coverage.body)
    return dict(bodies)


def pending_entries(campaign: Campaign) -> QuerySet:
    """Every recommended entry of ``campaign`` (whether its dispatch is open or not), in list, domain and id order."""
    return (
        Nomination.objects.filter(campaign=campaign, state=State.RECOMMENDED)
        .select_related("ranking_list", "domain", "recommending_unit", "member_unit")
        .order_by("ranking_list__order", "domain__order", "pk")
    )


def plan(
    campaign: Campaign, overrides: dict[Any, Any] | None = None, entries: Iterable[Any] | None = None
) -> list[PlanRow]:
    """The body each pending entry (or each of ``entries``) would go to (nothing is saved)."""
    overrides = {int(k): int(v) for k, v in (overrides or {}).items() if v}
    coverage = coverage_map(campaign)
    counts = defaultdict(int)
    for body_id, list_id, domain_id in Dispatch.objects.filter(nomination__campaign=campaign).values_list(
        "body_id", "nomination__ranking_list_id", "nomination__domain_id"
    ):
        counts[(body_id, list_id, domain_id)] += 1
    entries = list(pending_entries(campaign) if entries is None else entries)
    rows = []
    for entry in entries:
        choices = coverage.get((entry.ranking_list_id, entry.domain_id), [])
        row = PlanRow(nomination=entry, choices=choices)
        wanted = overrides.get(entry.pk)
        if wanted is not None:
            chosen = next((b for b in choices if b.pk == wanted), None)
            if chosen is not None:
                row.body, row.moved = chosen, len(choices) > 1
                counts[(chosen.pk, entry.ranking_list_id, entry.domain_id)] += 1
        rows.append(row)
    for row in rows:
        if row.body is not None or not row.choices:
            continue
        entry = row.nomination
        row.body = min(row.choices, key=lambda b: (counts[(b.pk, entry.ranking_list_id, entry.domain_id)], b.order))
        counts[(row.body.pk, entry.ranking_list_id, entry.domain_id)] += 1
    return rows


def check_dispatch(rows: list[PlanRow], user: AbstractBaseUser) -> list[str]:
    """Every reason why the batch cannot go (empty when it can)."""
    problems = []
    for row in rows:
        if row.body is None:
            problems.append(f"“{row.nomination}”（{row.nomination.list_label}）没有对应的初评机构。")
            continue
        decision = workflow.check(row.nomination, "dispatch", user)
        if not decision:
            problems.append(f"“{row.nomination}”：{decision.reason}")
    return problems


def dispatch(
    campaign: Campaign,
    user: AbstractBaseUser,
    overrides: dict[Any, Any] | None = None,
    *,
    open_only: bool = False,
) -> list[PlanRow]:
    """Dispatch the pending entries; all or nothing. Returns the plan rows that were applied.

    Every pending entry by default (refused as a whole while any of them may not go yet); with
    ``open_only`` those whose dispatch is open (:func:`split_open`), which is what the dispatch page offers.
    """
    with transaction.atomic():
        entries = pending_entries(campaign)
        if open_only:
            entries, waiting = split_open(campaign, entries)
            if not entries and waiting:
                raise DispatchError(problems=[NOTHING_OPEN])
        rows = plan(campaign, overrides, entries=entries)
        if not rows:
            raise DispatchError(problems=[NOTHING_PENDING])
        problems = check_dispatch(rows, user)
        if problems:
            raise DispatchError(problems=problems)
        # Reviews never start without criteria: lists without any get the defaults.
        load_review_criteria(campaign, only_empty_lists=True)
        now = clock.now()
        for row in rows:
            try:
                workflow.transition(row.nomination, "dispatch", user, note=f"分发至{row.body}")
            except workflow.WorkflowError as error:
                raise DispatchError(problems=[f"“{row.nomination}”：{error}"]) from error
            Dispatch.objects.update_or_create(
                nomination=row.nomination,
                defaults={"body": row.body, "dispatched_at": now, "dispatched_by": user, "moved": row.moved},
            )
    return rows


def check_move(nomination: Nomination, body: ReviewBody) -> Decision:
    dispatch_row = getattr(nomination, "dispatch", None)
    if dispatch_row is None:
        return Decision.deny("该申报尚未分发。")
    if nomination.state != State.IN_REVIEW:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，不能调整初评机构。")
    covers = body.coverages.filter(ranking_list_id=nomination.ranking_list_id, domain_id=nomination.domain_id)
    if not covers.exists():
        return Decision.deny(f"{body}不负责{nomination.list_label}的初评。")
    if nomination.assignments.filter(active=True).exists():
        return Decision.deny("该申报已分配评审专家，请先由初评机构撤销分配后再调整。")
    return ALLOW


def move(nomination: Nomination, body: ReviewBody, user: AbstractBaseUser, reason: str) -> Dispatch:
    """Send a dispatched entry (without assignments) to another covering body; audited."""
    nomination = Nomination.objects.select_related("dispatch").get(pk=nomination.pk)
    decision = may(user, "run_dispatch")
    if decision:
        decision = check_move(nomination, body)
    if decision and not (reason or "").strip():
        decision = Decision.deny("请填写调整理由。")
    if not decision:
        raise DispatchError(decision)
    with transaction.atomic():
        row = Dispatch.objects.select_for_update().get(nomination=nomination)
        old = row.body
        row.body, row.moved = body, True
        row.save(update_fields=["body", "moved"])
        record("move_dispatch", user, nomination=nomination, note=f"由{old}调整至{body}：{reason.strip()}")
    return row
