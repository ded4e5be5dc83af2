"""Batch actions of the secretariat's inbox: preview the outcome per entry, then apply all or nothing.

``preview()`` changes nothing: it runs every rule of the workflow for each selected entry and, for
recommending, adds up the batch per list and domain against the unit's stacked quota. ``apply()``
repeats the preview under the unit's row lock and applies every transition inside one transaction;
if any entry would be refused, nothing changes and the result says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from nominations import locks, policy, workflow
from nominations.models import Nomination, RecommendingUnit
from nominations.models.nomination import NOMINATION_RELATIONS
from nominations.rules import quotas
from nominations.rules.decision import ALLOW, Decision, Refused

BATCH_ACTIONS = ("accept", "return", "decline", "recommend")
# A batch is chosen on one page of the inbox: at most this many entries (the inbox's page size).
MAX_IDS = 25


@dataclass
class BatchItem:
    nomination: Nomination
    decision: Decision = ALLOW

    @property
    def ok(self) -> bool:
        return bool(self.decision)


@dataclass
class BatchResult:
    action: str
    items: list[BatchItem] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return bool(self.items) and not self.problems and all(item.ok for item in self.items)

    @property
    def label(self) -> str:
        spec = workflow.TRANSITIONS.get(self.action)
        return spec.label if spec else self.action

    @property
    def refused(self) -> list[BatchItem]:
        return [item for item in self.items if not item.ok]


class BatchRefused(Refused):
    """A batch refused as a whole; ``detail`` is the :class:`BatchResult` (its items and problems)."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__(
            "；".join(result.problems) or "部分申报不能处理，本批未做任何修改。",
            problems=result.problems,
            detail=result,
        )

    @property
    def result(self) -> BatchResult:
        # The inbox (views/secretariat.py) shows the refused batch's items again.
        return self.detail


def parse_id(value: object) -> int | None:
    """A primary key typed or posted by a user, or ``None`` when it is not one.

    Only ASCII digits, and short enough for a 64-bit column: ``"²"`` or a 40-digit number would make
    ``int()`` or the database fail with a 500 instead of being reported as not found.
    """
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def _selection(user: policy.AnyUser, ids: Iterable[object]) -> tuple[set[int], list[Nomination]]:
    wanted = {pk for pk in map(parse_id, ids) if pk is not None}
    found = list(
        policy.visible_nominations(user)
        .filter(pk__in=wanted)
        .select_related(*NOMINATION_RELATIONS)
        .order_by("ranking_list__order", "domain__order", "pk")
    )
    return wanted, found


def preview(user: policy.AnyUser, action: str, ids: Iterable[object], note: str = "") -> BatchResult:
    """The outcome per selected entry, without changing anything."""
    result = BatchResult(action=action)
    if action not in BATCH_ACTIONS:
        result.problems.append("不支持的批量操作。")
        return result
    wanted, found = _selection(user, ids)
    if not wanted:
        result.problems.append("请至少选择一项申报。")
        return result
    if len(found) != len(wanted):
        result.problems.append("所选申报中有记录不存在或您无权处理，请刷新页面后重新选择。")
    for nomination in found:
        # Every rule of the workflow, the earlier-listed one included: a flagged entry needs the
        # reason typed on its own page first (the batch has no field for it).
        decision = workflow.check(nomination, action, user, note=note)
        result.items.append(BatchItem(nomination, decision))
    if action == "recommend":
        _check_batch_quota(result)
    return result


def _check_batch_quota(result: BatchResult) -> None:
    """Several entries of one list (and domain) together must fit the quota, not just one by one."""
    groups: dict[tuple, list[BatchItem]] = {}
    for item in result.items:
        if not item.ok:
            continue
        n = item.nomination
        key = (n.recommending_unit_id, n.ranking_list_id, n.domain_id if n.ranking_list.capped_per_domain else None)
        groups.setdefault(key, []).append(item)
    for group in groups.values():
        first = group[0].nomination
        quota = quotas.unit_quota(first.recommending_unit, first.ranking_list, first.domain)
        if quota.used + len(group) > quota.total:
            where = workflow._where(first) if first.ranking_list.capped_per_domain else first.ranking_list.name
            message = f"{where}名额 {quota.total}，已推荐 {quota.used}，本批再推荐 {len(group)} 将超出。"
            result.problems.append(message)
            for item in group:
                item.decision = Decision.deny(message)


def apply(user: policy.AnyUser, action: str, ids: Iterable[object], note: str = "") -> BatchResult:
    """Apply ``action`` to every selected entry, or to none: raises :class:`BatchRefused`."""
    with transaction.atomic():
        if action == "recommend":
            profile = policy.profile_of(user)
            if profile is not None and profile.recommending_unit_id:
                locks.serialize_on(RecommendingUnit, profile.recommending_unit_id)
        result = preview(user, action, ids, note=note)
        if not result.ok:
            raise BatchRefused(result)
        for item in result.items:
            try:
                workflow.transition(item.nomination, action, user, note=note)
            except workflow.WorkflowError as error:
                item.decision = error.decision
                result.problems.append(f"“{item.nomination}”：{error}")
                raise BatchRefused(result) from error
        result.applied = True
    return result
