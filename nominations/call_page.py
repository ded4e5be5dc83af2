"""The public call page's content: the active campaign presented the way the notice presents it.

Nothing here is hard-coded to 2023: caps, units, channels, dates and review bodies all come from the
campaign's rows, so next year's call is data entry in the admin. No HTTP here; the view in
``nominations/views/public.py`` renders what :func:`call_context` returns.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from kczg_site.formats import format_datetime, format_month_span, format_month_to_day_span
from nominations.models import Campaign, Channel, RankingList
from nominations.rules import moments
from nominations.rules.phones import split_phones
from nominations.rules.quotas import stacked_quota


@dataclass(frozen=True)
class CallPageSection:
    """A section another app contributes to the call page (the reviews app: the review bodies).

    ``prefetches`` are added to the campaign's query; ``context(campaign)`` returns the section's
    template variables, from the prefetched rows only."""

    prefetches: Callable[[], list[Prefetch]]
    context: Callable[[Campaign], dict]


SECTIONS: list[CallPageSection] = []


def register_section(section: CallPageSection) -> None:
    """Add a section to the call page (called at ready() by the app that owns its rows)."""
    if section not in SECTIONS:
        SECTIONS.append(section)


def load_campaign_for_home() -> Campaign | None:
    """The active campaign with everything the page shows, in a fixed number of queries."""
    return Campaign.objects.prefetch_related(
        Prefetch("lists", queryset=RankingList.objects.order_by("order").prefetch_related("domains")),
        Prefetch("channels", queryset=Channel.objects.order_by("order").prefetch_related("lists")),
        *(prefetch for section in SECTIONS for prefetch in section.prefetches()),
    ).active()


# ---------------------------------------------------------------- quotas


def cap_sentence(ranking_list: RankingList) -> str:
    """``先导技术榜每个领域各单位推荐不超过3个`` from the list's cap, unit and per-domain flag."""
    scope = "每个领域各单位" if ranking_list.capped_per_domain else "各单位"
    return f"{ranking_list.name}{scope}推荐不超过{ranking_list.channel_quota}{ranking_list.unit_label}"


def quota_rules(campaign: Campaign, lists: list[RankingList], channels: list[Channel]) -> list[dict]:
    """The notice's quota paragraph, sentence by sentence, built from the rows."""
    rules = [{"text": cap_sentence(lst) + "。", "kind": "cap"} for lst in lists]
    rules.append({"text": "推荐单位同时属于多个推荐渠道的，可叠加推荐名额。", "kind": "stacking"})
    by_pk = {lst.pk: lst for lst in lists}
    for route in (c for c in channels if c.is_pioneer_route):
        served = [by_pk.get(lst.pk, lst) for lst in route.lists.all()]
        unit = served[0].unit_label if served else "人"
        names = "、".join(lst.name for lst in served)
        rules.append(
            {
                "text": f"{campaign.year - 1}年入选的技术经理人先锋人物，每人可推荐{route.pioneer_quota}{unit}"
                f"（仅限{names}）。",
                "kind": "pioneer",
            }
        )
    rules.append({"text": "入选历年“科创中国”系列榜单的项目原则上不再推荐。", "kind": "earlier"})
    return rules


def quota_rows(lists: list[RankingList], channel_counts: tuple[int, ...] = (1, 2, 3)) -> list[dict]:
    """One row per list: the quota per channel and what stacking gives with 1, 2 and 3 channels (the
    quota rule's ``stacked_quota``)."""
    rows = []
    for lst in lists:
        scope = "每个领域分别计" if lst.capped_per_domain else "全榜合计"
        rows.append(
            {
                "list": lst,
                "scope": scope,
                "stacked": [(n, stacked_quota(lst, n)) for n in channel_counts],
            }
        )
    return rows


# ---------------------------------------------------------------- timeline

# The page's words for the phases and deadlines of rules/moments.py (which says which there are).
PHASE_NOTES = {
    "collection": "各有关单位组织四类榜单的申报推荐工作。",
    "initial_review": "各榜单对应的初评机构组织开展初评。",
    "final_review": "“科创中国”联合体秘书处组织终评，经综合评议确定入榜名单。",
    "publication": "择机发布榜单，为上榜技术、企业、组织、人才提供资源对接、定向推介等服务。",
}


def deadline_note(campaign: Campaign, field: str) -> str:
    """What the deadline ``field`` (a deadline of rules/moments.py) means, for the timeline."""
    c = campaign
    if field == "member_deadline":
        return f"会员（单位会员）在本平台向{c.organizer or '所属推荐单位'}秘书处提交申报材料的截止时间。"
    if field == "platform_deadline":
        where = f"（{c.platform_url}）" if c.platform_url else ""
        return f"推荐单位在“科创中国”平台{where}完成线上申报的截止时间。"
    if field == "initial_review_deadline":
        return "初评机构将初评结果报送至“科创中国”联合体秘书处。"
    return ""


def phase_span(phase: moments.Phase, start: datetime, end: datetime) -> str:
    if phase.ends_on_a_day:
        return format_month_to_day_span(start, end)
    return format_month_span(start, end)


def phase_status(start: datetime, end: datetime, now: datetime) -> dict:
    if now < start:
        state = "future"
    elif now < end:
        state = "current"
    else:
        state = "past"
    return {"start": start, "end": end, "state": state, "label": format_month_span(start, end)}


def _phase_status(campaign: Campaign, phase: moments.Phase, now: datetime) -> dict:
    return phase_status(getattr(campaign, phase.start), getattr(campaign, phase.end), now)


@dataclass
class TimelineEntry:
    kind: str  # "phase", "deadline" or "today"
    title: str
    when: str
    at: datetime
    end: datetime | None = None
    note: str = ""
    state: str = "future"  # "past", "current", "future"
    is_next: bool = False


def _timeline_rows(campaign: Campaign) -> list[TimelineEntry]:
    """The phases (at their start) and the deadlines, in the moments table's order."""
    starts = {p.start: p for p in moments.PHASES if p.on_timeline}
    rows = []
    for row in moments.MOMENTS:
        at = getattr(campaign, row.field)
        if row.field in starts:
            phase = starts[row.field]
            end = getattr(campaign, phase.end)
            rows.append(
                TimelineEntry("phase", phase.label, phase_span(phase, at, end), at, end, PHASE_NOTES.get(phase.key, ""))
            )
        if row.kind == moments.Kind.DEADLINE:
            rows.append(
                TimelineEntry("deadline", row.label, format_datetime(at), at, note=deadline_note(campaign, row.field))
            )
    return rows


def timeline(campaign: Campaign, now: datetime) -> list[TimelineEntry]:
    """The campaign's phases and deadlines in date order, with "today" inserted where it falls."""
    entries = _timeline_rows(campaign)
    # Stable sort: a deadline and a phase starting at the same instant keep the table's order.
    entries.sort(key=lambda e: e.at)
    next_deadline_found = False
    for entry in entries:
        if entry.kind == "phase":
            entry.state = phase_status(entry.at, entry.end, now)["state"]
        else:
            entry.state = "past" if now >= entry.at else "future"
            if entry.state == "future" and not next_deadline_found:
                entry.is_next = True
                next_deadline_found = True
    today = TimelineEntry("today", "今天", "", now, state="current")
    position = next((i for i, e in enumerate(entries) if e.at > now), len(entries))
    entries.insert(position, today)
    return entries


# ---------------------------------------------------------------- review bodies


def coverage_label(coverages: list) -> str:
    """``先导技术榜(装备制造领域、产业基础领域)`` or ``新锐企业榜``, as the notice writes it."""
    grouped = {}
    for cov in coverages:
        names = grouped.setdefault(cov.ranking_list, [])
        if cov.domain_id:
            names.append(cov.domain)
    parts = []
    for ranking_list, domains in grouped.items():
        if domains:
            parts.append(f"{ranking_list.name}（" + "、".join(f"{d.name}领域" for d in domains) + "）")
        else:
            parts.append(ranking_list.name)
    return ";".join(parts)


def review_groups(bodies: Iterable) -> list[dict]:
    """Bodies that cover exactly the same lists/domains form one row, like the notice's table."""
    groups = {}
    for body in bodies:
        coverages = list(body.coverages.all())
        key = tuple(sorted((c.ranking_list_id, c.domain_id or 0) for c in coverages))
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "label": coverage_label(coverages),
                "coverages": coverages,
                "bodies": [],
                "contacts": [],
            }
        group["bodies"].append(body)
        contact = (body.contact_name, body.contact_phones)
        if contact not in [(c["name"], c["raw"]) for c in group["contacts"]]:
            group["contacts"].append(
                {"name": body.contact_name, "raw": body.contact_phones, "phones": split_phones(body.contact_phones)}
            )
    return list(groups.values())


def call_context(campaign: Campaign, now: datetime) -> dict:
    """Everything the call page shows about ``campaign`` at ``now`` (no queries beyond the prefetch)."""
    lists = list(campaign.lists.all())
    channels = list(campaign.channels.all())
    context = {
        "lists": lists,
        "channels": [c for c in channels if not c.is_pioneer_route],
        "pioneer_routes": [c for c in channels if c.is_pioneer_route],
        "quota_rules": quota_rules(campaign, lists, channels),
        "quota_rows": quota_rows(lists),
        "timeline": timeline(campaign, now),
        "promotion": _phase_status(campaign, moments.phase("promotion"), now),
        "organizer_phones": split_phones(campaign.organizer_phones),
        "now": now,
    }
    for section in SECTIONS:
        context.update(section.context(campaign))
    return context
