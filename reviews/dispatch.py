"""Dispatch (分发): after the platform deadline the platform secretariat sends the recommended entries
to the review bodies by list and domain (``ReviewCoverage``).

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
from dataclasses import dataclass, field

from django.db import transaction

from kczg_site import clock
from nominations import workflow
from nominations.models import Nomination, State
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews.audit import record
from reviews.criteria import load_review_criteria
from reviews.models import Dispatch, ReviewCoverage


class DispatchError(Refused):
    """A dispatch refused as a whole; ``problems`` holds one reason per entry that could not go."""

    def __init__(self, problems):
        super().__init__(problems=problems)


@dataclass
class PlanRow:
    nomination: Nomination
    body: object = None
    choices: list = field(default_factory=list)
    moved: bool = False


def coverage_map(campaign):
    """``{(ranking_list_id, domain_id): [body, …]}`` in body order (one query)."""
    bodies = defaultdict(list)
    for coverage in (
        ReviewCoverage.objects.filter(body__campaign=campaign).select_related("body").order_by("body__order", "pk")
    ):
        bodies[(coverage.ranking_list_id, coverage.domain_id)].append(coverage.body)
    return dict(bodies)


def pending_entries(campaign):
    return (
        Nomination.objects.filter(campaign=campaign, state=State.RECOMMENDED)
        .select_related("ranking_list", "domain", "recommending_unit", "member_unit")
        .order_by("ranking_list__order", "domain__order", "pk")
    )


def plan(campaign, overrides=None, entries=None):
    """The body each pending entry would go to (nothing is saved)."""
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


def check_dispatch(rows, user):
    """Every reason why the batch cannot go (empty when it can)."""
    problems = []
    for row in rows:
        if row.body is None:
            problems.append(f"“{row.nomination}”({row.nomination.list_label})没有对应的初评机构。")
            continue
        decision = workflow.check(row.nomination, "dispatch", user)
        if not decision:
            problems.append(f"“{row.nomination}”:{decision.reason}")
    return problems


def dispatch(campaign, user, overrides=None):
    """Dispatch every pending entry; all or nothing. Returns the plan rows that were applied."""
    with transaction.atomic():
        rows = plan(campaign, overrides)
        if not rows:
            raise DispatchError(["没有待分发的申报(状态为“已推荐”)。"])
        problems = check_dispatch(rows, user)
        if problems:
            raise DispatchError(problems)
        # Reviews never start without criteria: lists without any get the defaults.
        load_review_criteria(campaign, only_empty_lists=True)
        now = clock.now()
        for row in rows:
            try:
                workflow.transition(row.nomination, "dispatch", user, note=f"分发至{row.body}")
            except workflow.WorkflowError as error:
                raise DispatchError([f"“{row.nomination}”:{error}"]) from error
            Dispatch.objects.update_or_create(
                nomination=row.nomination,
                defaults={"body": row.body, "dispatched_at": now, "dispatched_by": user, "moved": row.moved},
            )
    return rows


def check_move(nomination, body):
    dispatch_row = getattr(nomination, "dispatch", None)
    if dispatch_row is None:
        return Decision.deny("该申报尚未分发。")
    if nomination.state != State.IN_REVIEW:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”,不能调整初评机构。")
    covers = body.coverages.filter(ranking_list_id=nomination.ranking_list_id, domain_id=nomination.domain_id)
    if not covers.exists():
        return Decision.deny(f"{body}不负责{nomination.list_label}的初评。")
    if nomination.assignments.filter(active=True).exists():
        return Decision.deny("该申报已分配评审专家,请先由初评机构撤销分配后再调整。")
    return ALLOW


def move(nomination, body, user, reason):
    """Send a dispatched entry (without assignments) to another covering body; audited."""
    nomination = Nomination.objects.select_related("dispatch").get(pk=nomination.pk)
    decision = may(user, "run_dispatch")
    if decision:
        decision = check_move(nomination, body)
    if decision and not (reason or "").strip():
        decision = Decision.deny("请填写调整理由。")
    if not decision:
        raise workflow.WorkflowError(decision)
    with transaction.atomic():
        row = Dispatch.objects.select_for_update().get(nomination=nomination)
        old = row.body
        row.body, row.moved = body, True
        row.save(update_fields=["body", "moved"])
        record("move_dispatch", user, nomination=nomination, note=f"由{old}调整至{body}:{reason.strip()}")
    return row
