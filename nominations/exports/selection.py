"""Which entries an export holds: the filter (year, list, domain, unit, state), its check and its
Chinese summary, starting from what the user may see (``policy.visible_nominations``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from nominations import policy
from nominations.exports.registry import ExportError
from nominations.models import Campaign, Domain, Nomination, RankingList, RecommendingUnit, State
from nominations.models.nomination import LIVE_STATES, RECOMMENDED_STATES

ATTACHMENTS_LABEL = "包含附件"

# State filters beyond the single states: value -> (label, states)
STATE_GROUPS = {
    "recommended_all": ("已推荐（含评审及以后）", RECOMMENDED_STATES),
    "live_all": ("已提交及以后", LIVE_STATES),
}


@dataclass(frozen=True)
class Filters:
    campaign: int
    list: str = ""
    domain: str = ""
    unit: int | None = None
    state: str = ""
    # 包含附件: the Word ZIP holds one folder per entry with its attachments and a manifest
    # (``exports.dossier``); kept in the job's filters only when set, so other jobs are unchanged.
    attachments: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Filters:
        data = data or {}
        unit = data.get("unit")
        return cls(
            campaign=int(data["campaign"]),
            list=data.get("list") or "",
            domain=data.get("domain") or "",
            unit=int(unit) if unit not in (None, "") else None,
            state=data.get("state") or "",
            attachments=bool(data.get("attachments")),
        )

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "campaign": self.campaign,
            "list": self.list,
            "domain": self.domain,
            "unit": self.unit,
            "state": self.state,
        }
        if self.attachments:
            data["attachments"] = True
        return data


def state_label(value: str) -> str:
    if value in STATE_GROUPS:
        return STATE_GROUPS[value][0]
    return dict(State.choices).get(value, value)


def state_choices() -> list[tuple[str, str]]:
    return [*((key, label) for key, (label, _states) in STATE_GROUPS.items()), *State.choices]


def resolve_unit(value: object) -> RecommendingUnit | None:
    """A recommending unit by id or by (exact) name, for the command line."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    unit = None
    if text.isdigit():
        unit = RecommendingUnit.objects.filter(pk=int(text)).first()
    if unit is None:
        unit = RecommendingUnit.objects.filter(name=text).first()
    if unit is None:
        raise ExportError(f"没有找到推荐单位“{text}”（可填写名称或编号）。")
    return unit


def check_filters(filters: Filters) -> Campaign:
    """Check that the filter's year, list, domain and state exist; return the campaign."""
    campaign = Campaign.objects.filter(year=filters.campaign).first()
    if campaign is None:
        raise ExportError(f"没有 {filters.campaign} 年度的征集。")
    if filters.list and not RankingList.objects.filter(campaign=campaign, code=filters.list).exists():
        raise ExportError(f"{campaign.year} 年度没有代码为“{filters.list}”的榜单。")
    if filters.domain:
        domains = Domain.objects.filter(ranking_list__campaign=campaign, code=filters.domain)
        if filters.list:
            domains = domains.filter(ranking_list__code=filters.list)
        if not domains.exists():
            raise ExportError(f"没有代码为“{filters.domain}”的领域。")
    if filters.state and filters.state not in STATE_GROUPS and filters.state not in State.values:
        raise ExportError(f"没有“{filters.state}”这一状态。")
    return campaign


def select_nominations(user: policy.AnyUser, filters: Filters) -> QuerySet[Nomination]:
    """The entries of ``filters`` that ``user`` may see (``user=None``: the command line, all entries)."""
    qs = Nomination.objects.all() if user is None else policy.visible_nominations(user)
    qs = qs.filter(campaign__year=filters.campaign)
    if filters.list:
        qs = qs.filter(ranking_list__code=filters.list)
    if filters.domain:
        qs = qs.filter(domain__code=filters.domain)
    if filters.unit:
        qs = qs.filter(recommending_unit_id=filters.unit)
    if filters.state in STATE_GROUPS:
        qs = qs.filter(state__in=STATE_GROUPS[filters.state][1])
    elif filters.state:
        qs = qs.filter(state=filters.state)
    return qs


def describe(filters: Filters) -> str:
    """A Chinese one-line summary of a filter, e.g. ``2023年 · 先导技术榜 · 电子信息 · 已推荐``."""
    parts = [f"{filters.campaign}年"]
    if filters.list:
        found = RankingList.objects.filter(campaign__year=filters.campaign, code=filters.list).first()
        parts.append(found.name if found else filters.list)
    else:
        parts.append("全部榜单")
    if filters.domain:
        found = Domain.objects.filter(ranking_list__campaign__year=filters.campaign, code=filters.domain).first()
        parts.append(found.name if found else filters.domain)
    if filters.unit:
        found = RecommendingUnit.objects.filter(pk=filters.unit).first()
        parts.append(found.name if found else f"推荐单位#{filters.unit}")
    if filters.state:
        parts.append(state_label(filters.state))
    if filters.attachments:
        parts.append(ATTACHMENTS_LABEL)
    return " · ".join(parts)
