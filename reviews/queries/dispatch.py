"""Page data of dispatch beyond the tables: the section on unconfirmed units and the preview (bounded queries)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nominations.models import Campaign, Nomination, Participation, State, UnconfirmedDecision, UnconfirmedUnits
from reviews import dispatch as dispatching
from reviews import unconfirmed
from reviews.dispatch import Opening, PlanRow
from reviews.models import ReviewBody

PREVIEW_ROWS = 200  # entries listed per body in the preview; the count is always complete


@dataclass
class UnconfirmedUnit:
    """A unit past its platform deadline that has not confirmed, with its recommended entries."""

    opening: Opening
    entries: list[Nomination] = field(default_factory=list)
    counts: list[tuple[str, int]] = field(default_factory=list)
    locked: str = ""  # why the decision may no longer change ("" while it may)
    form: Any = None  # the view's decision form

    @property
    def unit(self) -> Any:
        return self.opening.unit

    @property
    def participation(self) -> Participation | None:
        return self.opening.participation

    @property
    def status(self) -> str:
        """What becomes of the unit's entries now, in the platform's words."""
        inclusion, decided = self.opening.inclusion, bool(self.opening.decision)
        if inclusion == UnconfirmedDecision.INCLUDE:
            return "已决定纳入初评，其申报可以分发。" if decided else "按本年度设置纳入初评，其申报可以分发。"
        if inclusion == UnconfirmedDecision.EXCLUDE:
            if decided:
                return "已决定不纳入初评，其申报已改为“未获推荐”并通知会员。"
            return "按本年度设置不纳入初评，其申报不分发；会员尚未收到通知，请作出决定。"
        return "待平台秘书处决定，其申报暂不分发。"


def unconfirmed_units(
    campaign: Campaign, by_unit: dict[int | None, Opening], now: datetime | None = None
) -> list[UnconfirmedUnit]:
    """The units of ``by_unit`` past their deadline without confirmation, by name (two queries at most)."""
    rows = {
        pk: UnconfirmedUnit(opening)
        for pk, opening in by_unit.items()
        if opening.unit is not None and opening.confirmed_at is None and not opening.deadline.is_open(now)
    }
    if not rows:
        return []
    entries = (
        Nomination.objects.filter(campaign=campaign, state=State.RECOMMENDED, recommending_unit_id__in=list(rows))
        .select_related("ranking_list", "domain")
        .defer("data")
        .order_by("ranking_list__order", "domain__order", "pk")
    )
    for entry in entries:
        rows[entry.recommending_unit_id].entries.append(entry)
    for pk, reason in unconfirmed.locks(campaign, list(rows)).items():
        rows[pk].locked = reason
    for row in rows.values():
        row.counts = list(Counter(entry.list_label for entry in row.entries).items())
    return sorted(rows.values(), key=lambda row: row.unit.name)


def default_label(campaign: Campaign) -> str:
    return UnconfirmedUnits(campaign.unconfirmed_units).label


# ---------------------------------------------------------------- the preview


@dataclass
class BodyPreview:
    body: ReviewBody
    count: int = 0
    rows: list[PlanRow] = field(default_factory=list)  # the first ``PREVIEW_ROWS``

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def preview(campaign: Campaign, overrides: dict[int, int], now: datetime | None = None) -> dict[str, Any]:
    """What a confirmed dispatch would do now: per body its entries, the entries without a body, the
    units still waiting and why, and the plan's digest the confirmation carries back."""
    entries = dispatching.pending_entries(campaign).defer("data")
    ready, waiting = dispatching.split_open(campaign, entries, now)
    rows = dispatching.plan(campaign, overrides, entries=ready)
    groups: dict[int, BodyPreview] = {}
    for row in rows:
        if row.body is None:
            continue
        group = groups.setdefault(row.body.pk, BodyPreview(row.body))
        group.count += 1
        if len(group.rows) < PREVIEW_ROWS:
            group.rows.append(row)
    return {
        "campaign": campaign,
        "total": len(rows),
        "groups": sorted(groups.values(), key=lambda g: (g.body.order, g.body.pk)),
        "unplanned": [row for row in rows if row.body is None],
        "waiting": waiting,
        "waiting_total": sum(w.count for w in waiting),
        "digest": dispatching.digest(rows),
        "overrides": sorted(overrides.items()),
        "preview_rows": PREVIEW_ROWS,
    }
