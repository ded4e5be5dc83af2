"""Dispatch (分发): the platform secretariat sends the recommended entries to the review bodies by list
and domain (``ReviewCoverage``).

* When an entry may go is one rule, :func:`check_dispatch_open` (the workflow's "not before" check of
  the ``dispatch`` transition and the dispatch page both ask it, through :func:`openings`):
  - an entry of a recommending unit that has confirmed its recommendations goes from the confirmation
    on, even before the platform deadline (confirmation locks the unit's recommendations);
  - an entry of a unit that has not confirmed waits for the unit's platform deadline (extension
    included), and then goes only when the unit is included: by the platform's decision on it
    (``reviews.unconfirmed``), or, without one, by the campaign's default (``Campaign.unconfirmed_units``);
    with the default 由平台秘书处逐个决定 it waits for a decision, with 全部不纳入初评 it does not go;
  - a pioneer's entry (no recommending unit) goes after the platform deadline.
* A list/domain with one body (装备制造 and 产业基础 share 智能制造学会联合体) sends everything there.
* A list/domain with several bodies (绿色低碳) splits its entries evenly and deterministically: entries
  in id order each go to the body with the fewest entries of that list/domain so far (already
  dispatched ones included), ties broken by the body's order — a fresh dispatch alternates.
* Staff may choose another covering body for any entry (``overrides``) before dispatching, or move a
  dispatched entry that has no assignments yet (:func:`move`).

Lists without any review criterion get the defaults of ``reviews.criteria`` at dispatch.
The page previews the plan first (``reviews.queries.dispatch.preview``); the confirmed dispatch carries
the plan's :func:`digest` and is refused when the plan has changed since. Dispatching is one batch:
every entry is checked first, and either all move to 初评中 through ``workflow.transition`` inside one
transaction, or none does and the reasons are returned.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import formal, workflow
from nominations.models import (
    Campaign,
    Extension,
    ExtensionKind,
    Nomination,
    Participation,
    RecommendingUnit,
    State,
    UnconfirmedDecision,
    UnconfirmedUnits,
)
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
NOTHING_OPEN = "没有可以分发的申报：已推荐申报所在的推荐单位尚未确认推荐结果，或尚待平台秘书处决定是否纳入初评。"
CHANGED = "待分发的申报在预览之后有变化，请核对新的预览后再确认。"
UNCONFIRMED_SECTION = "未确认推荐结果的推荐单位"


@dataclass
class PlanRow:
    nomination: Nomination
    body: ReviewBody | None = None
    choices: list[ReviewBody] = field(default_factory=list)
    moved: bool = False


# ---------------------------------------------------------------- when dispatch opens


@dataclass(frozen=True)
class Opening:
    """What decides when the entries of one recommending unit (``unit`` ``None``: pioneers') may be
    dispatched: its platform deadline (extension included), its confirmation, the platform's decision
    on it and the campaign's default for unconfirmed units."""

    deadline: Deadline
    unit: RecommendingUnit | None = None
    confirmed_at: datetime | None = None
    decision: str = ""  # Participation.unconfirmed_decision
    default: str = UnconfirmedUnits.DECIDE  # Campaign.unconfirmed_units
    participation: Participation | None = field(default=None, compare=False)

    @property
    def extended(self) -> bool:
        return self.deadline.effective != self.deadline.at

    @property
    def inclusion(self) -> str:
        """For an unconfirmed unit: ``include``, ``exclude`` or ``""`` (still to decide) — the platform's
        decision on it, else the campaign's default."""
        if self.decision:
            return self.decision
        return "" if self.default == UnconfirmedUnits.DECIDE else self.default


def dispatch_deadline(campaign: Campaign, recommending_unit: RecommendingUnit | int | None) -> Deadline:
    """The platform deadline (with extension) of ``recommending_unit`` (``None``: a pioneer's)."""
    return deadlines.platform_deadline(campaign, recommending_unit)


def deadline_text(deadline: Deadline) -> str:
    return f"北京时间 {format_datetime(deadline.effective)}{'，含延期' if deadline.effective != deadline.at else ''}"


def check_dispatch_open(opening: Opening, now: datetime | None = None) -> Decision:
    """The one "not before" rule of dispatch (the workflow's ``dispatch`` transition and the dispatch
    page both ask it): pioneers' entries after the platform deadline; a unit's entries from its
    confirmation on, or after its deadline when it is included (decision, else the campaign's default)."""
    deadline, unit = opening.deadline, opening.unit
    if unit is None:
        if deadline.is_open(now):
            return Decision.deny(f"平台申报截止时间（{deadline_text(deadline)}）之后才能分发初评。")
        return ALLOW
    if opening.confirmed_at is not None:
        return ALLOW
    if deadline.is_open(now):
        return Decision.deny(
            f"{unit}尚未确认推荐结果：确认后即可分发；平台申报截止时间（{deadline_text(deadline)}）前仍未确认的，"
            "由平台秘书处决定是否纳入初评。"
        )
    if opening.inclusion == UnconfirmedDecision.INCLUDE:
        return ALLOW
    if opening.decision == UnconfirmedDecision.EXCLUDE:
        return Decision.deny(f"平台秘书处已决定{unit}的申报不纳入初评。")
    if opening.inclusion == UnconfirmedDecision.EXCLUDE:
        return Decision.deny(
            f"{unit}未确认推荐结果，按本年度设置不纳入初评；如需纳入，请在“{UNCONFIRMED_SECTION}”中作出决定。"
        )
    return Decision.deny(f"{unit}未确认推荐结果，请先在“{UNCONFIRMED_SECTION}”中决定是否纳入初评。")


def _opening(
    campaign: Campaign, unit: RecommendingUnit, participation: Participation | None, deadline: Deadline
) -> Opening:
    return Opening(
        deadline,
        unit,
        confirmed_at=participation.confirmed_at if participation else None,
        decision=participation.unconfirmed_decision if participation else "",
        default=campaign.unconfirmed_units,
        participation=participation,
    )


def openings(campaign: Campaign, unit_ids: Iterable[int | None], *, decided: bool = False) -> dict[int | None, Opening]:
    """The :class:`Opening` of each recommending unit id (``None`` for pioneers' entries); with
    ``decided`` also of every unconfirmed unit the platform has decided on (the dispatch page's section).

    Two queries (the participations; the units, each marked when it has a platform extension), and
    one :func:`dispatch_deadline` per extended unit; everyone else's deadline is the campaign's.
    """
    unit_ids = set(unit_ids)
    ids = {pk for pk in unit_ids if pk is not None}
    shared = dispatch_deadline(campaign, None)
    result: dict[int | None, Opening] = {None: Opening(shared)} if None in unit_ids else {}
    which = Q(unit_id__in=ids)
    if decided:
        which |= Q(confirmed_at=None) & ~Q(unconfirmed_decision="")
    taking_part = (
        {p.unit_id: p for p in Participation.objects.filter(which, campaign=campaign)} if ids or decided else {}
    )
    ids |= set(taking_part)
    if not ids:
        return result
    extension = Extension.objects.filter(
        campaign=campaign, kind=ExtensionKind.PLATFORM, recommending_unit=OuterRef("pk")
    )
    for unit in RecommendingUnit.objects.filter(pk__in=ids).annotate(extended=Exists(extension)):
        deadline = dispatch_deadline(campaign, unit.pk) if unit.extended else shared
        result[unit.pk] = _opening(campaign, unit, taking_part.get(unit.pk), deadline)
    return result


def opening_of(campaign: Campaign, unit: RecommendingUnit | None) -> Opening:
    """The :class:`Opening` of one unit (``None``: pioneers'), in two queries."""
    if unit is None:
        return Opening(dispatch_deadline(campaign, None))
    participation = Participation.objects.filter(campaign=campaign, unit=unit).first()
    return _opening(campaign, unit, participation, dispatch_deadline(campaign, unit))


@dataclass
class Waiting:
    """The pending entries of one unit (or the pioneers') that may not be dispatched yet, and why."""

    opening: Opening
    reason: str
    count: int = 0


def split_open(
    campaign: Campaign,
    entries: Iterable[Any],
    now: datetime | None = None,
    *,
    by_unit: dict[int | None, Opening] | None = None,
) -> tuple[list, list[Waiting]]:
    """``entries`` (each with ``recommending_unit_id``) → ``(those dispatch is open for, the others
    grouped by unit)``, in the given order; the groups by deadline, then unit name (pioneers first).
    ``by_unit``: the :func:`openings` already read for these entries."""
    entries = list(entries)
    if by_unit is None:
        by_unit = openings(campaign, {entry.recommending_unit_id for entry in entries})
    ready, waiting = [], {}
    returned = formal.platform_returned(entry.pk for entry in entries)
    for entry in entries:
        opening = by_unit[entry.recommending_unit_id]
        decision = check_dispatch_open(opening, now)
        key = entry.recommending_unit_id
        if decision:
            # One entry of an open unit may still wait: returned by the platform's formal review.
            decision = formal.check_dispatchable(entry, returned)
            key = ("formal", entry.recommending_unit_id)
        if decision:
            ready.append(entry)
        else:
            waiting.setdefault(key, Waiting(opening, decision.reason)).count += 1
    groups = sorted(
        waiting.values(),
        key=lambda w: (w.opening.unit is not None, w.opening.deadline.effective, getattr(w.opening.unit, "name", "")),
    )
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


def _split(rows: list[PlanRow], counts: dict[tuple[int, int, int | None], int]) -> None:
    """Give each row without a body the covering body with the fewest entries of its list/domain so far."""
    for row in rows:
        if row.body is not None or not row.choices:
            continue
        entry = row.nomination
        row.body = min(row.choices, key=lambda b: (counts[(b.pk, entry.ranking_list_id, entry.domain_id)], b.order))
        counts[(row.body.pk, entry.ranking_list_id, entry.domain_id)] += 1


def plan(
    campaign: Campaign, overrides: dict[Any, Any] | None = None, entries: Iterable[Any] | None = None
) -> list[PlanRow]:
    """The body each pending entry (or each of ``entries``) would go to (nothing is saved). An entry is
    ``moved`` (人工调整) when its override differs from the body the even split alone would give it."""
    overrides = {int(k): int(v) for k, v in (overrides or {}).items() if v}
    coverage = coverage_map(campaign)
    counts = defaultdict(int)
    for body_id, list_id, domain_id in Dispatch.objects.filter(nomination__campaign=campaign).values_list(
        "body_id", "nomination__ranking_list_id", "nomination__domain_id"
    ):
        counts[(body_id, list_id, domain_id)] += 1
    entries = list(pending_entries(campaign) if entries is None else entries)
    automatic = [PlanRow(nomination=e, choices=coverage.get((e.ranking_list_id, e.domain_id), [])) for e in entries]
    if overrides:
        _split(automatic, defaultdict(int, counts))
    else:
        _split(automatic, counts)
        return automatic
    rows = []
    for auto in automatic:
        entry, choices = auto.nomination, auto.choices
        row = PlanRow(nomination=entry, choices=choices)
        wanted = overrides.get(entry.pk)
        chosen = next((b for b in choices if b.pk == wanted), None) if wanted is not None else None
        if chosen is not None:
            row.body, row.moved = chosen, chosen != auto.body
            counts[(chosen.pk, entry.ranking_list_id, entry.domain_id)] += 1
        rows.append(row)
    _split(rows, counts)
    return rows


def digest(rows: list[PlanRow]) -> str:
    """A short fingerprint of a plan (which entry goes to which body). The preview posts it back, and a
    confirmed dispatch whose plan differs by then (a unit confirmed meanwhile, an entry moved) is
    refused with :data:`CHANGED`, so what is dispatched is what was previewed."""
    text = ";".join(f"{row.nomination.pk}:{row.body.pk if row.body else 0}" for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


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
    expected: str | None = None,
) -> list[PlanRow]:
    """Dispatch the pending entries; all or nothing. Returns the plan rows that were applied.

    Every pending entry by default (refused as a whole while any of them may not go yet); with
    ``open_only`` those whose dispatch is open (:func:`split_open`), which is what the dispatch page offers.
    ``expected``: the :func:`digest` of the previewed plan; refused (:data:`CHANGED`) when it differs.
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
        if expected is not None and digest(rows) != expected:
            raise DispatchError(problems=[CHANGED])
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
