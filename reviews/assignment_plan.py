"""The body's automatic assignment: the optimal plan, its preview (plan, shortfalls with reasons, the
diff against the current assignment) and applying it.

* **pinned**: an active assignment with a score (draft or submitted), or one made by hand: always kept;
* **free**: an active automatic assignment without a score: kept when the optimum keeps it, else
  removed (``removed_reason`` 重新自动分配) and replaced;
* **conflicts**: every rule of ``reviews.avoidance``; the preview shows them with their reasons.

The solver is ``reviews.optimal.plan_optimal``; applying recomputes the plan inside the transaction (the
body locked), so what is applied is what the rules say then, never a stale preview.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kczg_site import clock
from nominations import locks
from nominations.models import Nomination
from nominations.policy import may
from nominations.rules.decision import Decision
from reviews import avoidance, optimal
from reviews.assignment import AssignmentError, AutoResult, body_entries, body_experts, check_not_locked
from reviews.audit import record
from reviews.models import Assignment, ExpertProfile, ReviewBody

MAX_K = 20
REMOVED = "重新自动分配"


@dataclass
class EntryPlan:
    entry: Nomination
    kept: list[Any] = field(default_factory=list)  # users
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    short: int = 0
    reason: str = ""
    conflicts: list[tuple[Any, str]] = field(default_factory=list)  # (user, reason)


@dataclass
class BodyPlan:
    k: int
    cap: int
    rows: list[EntryPlan]
    loads: list[dict[str, Any]]  # per expert: user, before, after
    pairs: list[tuple[int, int]]  # the pairs to create
    removals: list[int]  # assignment ids to remove
    match: int = 0

    @property
    def added(self) -> int:
        return sum(len(r.added) for r in self.rows)

    @property
    def kept(self) -> int:
        return sum(len(r.kept) for r in self.rows)

    @property
    def removed(self) -> int:
        return sum(len(r.removed) for r in self.rows)

    @property
    def short_rows(self) -> list[EntryPlan]:
        return [r for r in self.rows if r.short]

    @property
    def conflict_count(self) -> int:
        return sum(len(r.conflicts) for r in self.rows)

    @property
    def changed_rows(self) -> list[EntryPlan]:
        return [r for r in self.rows if r.added or r.removed or r.short]


def check_plan(user: AbstractBaseUser, body: ReviewBody, k: int, cap: int | None) -> Decision:
    decision = may(user, "manage_body_reviews", body)
    if decision:
        decision = check_not_locked(body)
    if decision and not 1 <= int(k) <= MAX_K:
        decision = Decision.deny(f"每项申报的评审专家人数应在 1 至 {MAX_K} 之间。")
    if decision and cap is not None and int(cap) < 1:
        decision = Decision.deny("每位专家的评审上限至少为 1 项。")
    return decision


def expertise(entries: list[Nomination], experts: list[Any]) -> dict[tuple[int, int], int]:
    """Expertise points of each pair: 2 when the entry's domain is one of the expert's, 1 more when one
    of the expert's 学科 is named in the entry's title or summary (two queries)."""
    profiles = {
        p.user_id: p for p in ExpertProfile.objects.filter(user__in=[e.pk for e in experts]).prefetch_related("domains")
    }
    facts = {}
    for expert in experts:
        profile = profiles.get(expert.pk)
        if profile is None:
            continue
        words = [w.strip() for w in avoidance.split_names(profile.disciplines) if len(w.strip()) >= 2]
        facts[expert.pk] = ({d.pk for d in profile.domains.all()}, words)
    points = {}
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        text = f"{entry.title} {data.get('summary', '') if isinstance(data.get('summary'), str) else ''}"
        for expert_id, (domains, words) in facts.items():
            score = (2 if entry.domain_id in domains else 0) + (1 if any(w in text for w in words) else 0)
            if score:
                points[(entry.pk, expert_id)] = score
    return points


def plan_for_body(body: ReviewBody, k: int, cap: int | None = None) -> BodyPlan:
    """The optimal plan for the body against its current assignment (nothing saved)."""
    entries = list(body_entries(body))
    experts = body_experts(body)
    users = {e.pk: e for e in experts}
    of_body = set(users)
    active = list(
        Assignment.objects.filter(body=body, active=True, nomination__in=[e.pk for e in entries]).select_related(
            "score", "expert__profile"
        )
    )
    pinned, free_items = defaultdict(set), {}
    for item in active:
        users.setdefault(item.expert_id, item.expert)
        scored = getattr(item, "score", None) is not None
        # Scored, hand-made, or of an expert no longer of the body: kept as it is.
        if scored or not item.automatic or item.expert_id not in of_body:
            pinned[item.nomination_id].add(item.expert_id)
        else:
            free_items[(item.nomination_id, item.expert_id)] = item
    found = avoidance.conflicts_between(entries, experts, body)
    conflicted = set(found)
    points = expertise(entries, experts)
    result = optimal.plan_optimal(
        [e.pk for e in entries],
        [e.pk for e in experts],
        k,
        pinned=pinned,
        free=free_items,
        conflicted=conflicted,
        match=points,
        cap=cap,
    )
    chosen = defaultdict(set)
    for entry_id, expert_id in result.pairs:
        chosen[entry_id].add(expert_id)
    free_of_entry = defaultdict(dict)
    for (entry_id, expert_id), item in free_items.items():
        free_of_entry[entry_id][expert_id] = item
    eligible = defaultdict(int)
    for entry in entries:
        eligible[entry.pk] = sum(1 for e in experts if (entry.pk, e.pk) not in conflicted)
    rows, pairs, removals = [], [], []
    for entry in entries:
        row = EntryPlan(entry=entry)
        row.kept = [users[x] for x in sorted(pinned.get(entry.pk, ()))]
        for expert_id in sorted(chosen[entry.pk]):
            if (entry.pk, expert_id) in free_items:
                row.kept.append(users[expert_id])
            else:
                row.added.append(users[expert_id])
                pairs.append((entry.pk, expert_id))
        for expert_id, item in sorted(free_of_entry[entry.pk].items()):
            if expert_id not in chosen[entry.pk]:
                row.removed.append(users[expert_id])
                removals.append(item.pk)
        row.short = result.shortfall.get(entry.pk, 0)
        if row.short:
            if eligible[entry.pk] < k:
                row.reason = f"可回避后的专家不足 {k} 名（无冲突的专家 {eligible[entry.pk]} 名）"
            else:
                row.reason = f"无冲突的专家已达评审上限（每人最多 {result.cap} 项），请提高上限或增加专家"
        row.conflicts = [
            (users[e.pk], avoidance.reason_text(found[(entry.pk, e.pk)])) for e in experts if (entry.pk, e.pk) in found
        ]
        rows.append(row)
    before = defaultdict(int)
    for item in active:
        before[item.expert_id] += 1
    loads = [{"user": e, "before": before[e.pk], "after": result.loads.get(e.pk, 0)} for e in experts]
    return BodyPlan(k=k, cap=result.cap, rows=rows, loads=loads, pairs=pairs, removals=removals, match=result.match)


def preview(user: AbstractBaseUser, body: ReviewBody, k: int, cap: int | None = None) -> BodyPlan:
    decision = check_plan(user, body, k, cap)
    if not decision:
        raise AssignmentError(decision)
    return plan_for_body(body, int(k), cap)


def apply_plan(body: ReviewBody, k: int, user: AbstractBaseUser, cap: int | None = None) -> AutoResult:
    """Apply the optimal plan: remove the free assignments it drops, create the pairs it adds (audited).
    An assignment with a score is never removed."""
    decision = check_plan(user, body, k, cap)
    if not decision:
        raise AssignmentError(decision)
    k = int(k)
    with transaction.atomic():
        locks.serialize_on(ReviewBody, body.pk)
        if not body_experts(body):
            raise AssignmentError(Decision.deny("本机构还没有评审专家，请先邀请专家。"))
        plan = plan_for_body(body, k, cap)
        now = clock.now()
        if plan.removals:
            # The plan only frees unscored automatic assignments; the filter says so once more.
            Assignment.objects.filter(pk__in=plan.removals, active=True, automatic=True, score__isnull=True).update(
                active=False, removed_at=now, removed_reason=REMOVED
            )
        created = Assignment.objects.bulk_create(
            [
                Assignment(
                    nomination_id=entry_id,
                    expert_id=expert_id,
                    body=body,
                    automatic=True,
                    assigned_at=now,
                    assigned_by=user,
                )
                for entry_id, expert_id in plan.pairs
            ]
        )
        for row in plan.rows:
            parts = []
            if row.added:
                parts.append("新增：" + "、".join(_name(u) for u in row.added))
            if row.removed:
                parts.append("改派：" + "、".join(_name(u) for u in row.removed))
            if parts:
                record("assign", user, nomination=row.entry, note=f"自动分配（最优方案）{'；'.join(parts)}", at=now)
    return AutoResult(created=created, shortfall={row.entry: row.short for row in plan.rows if row.short})


def _name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()
