"""Quotas (推荐名额) and caps.

* A recommending unit may recommend, per list, the list's ``channel_quota`` for each of its channels that serves the
  list (可叠加推荐名额): 先导技术榜 3 per domain, 新锐企业榜 5, 融通创新组织榜 2, 技术经理人先锋榜 2.
  A unit in two channels therefore has 6 per domain of 先导技术榜.
* A 2022 pioneer may recommend one person to 技术经理人先锋榜 (the channel's ``pioneer_quota``).
* A member unit may have at most the list's ``member_cap`` of live entries in a list (per domain for
  先导技术榜): the product's choice, so that one member cannot flood its society's inbox.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from django.db.models import Count, QuerySet

from kczg_site.prepared import PreparedQuery
from nominations.models import (
    Campaign,
    Channel,
    Domain,
    MemberUnit,
    Nomination,
    Pioneer,
    RankingList,
    RecommendingUnit,
    State,
)

# A campaign given as its row or its primary key.
CampaignRef = Campaign | int


@dataclass(frozen=True)
class Quota:
    total: int
    used: int = 0
    channels: tuple = field(default_factory=tuple)
    per_channel: int = 0

    @property
    def left(self) -> int:
        return max(self.total - self.used, 0)

    @property
    def is_full(self) -> bool:
        return self.used >= self.total

    @property
    def explanation(self) -> str:
        if not self.channels:
            return "无适用的推荐渠道"
        names = "、".join(self.channels)
        return f"{self.per_channel} × {len(self.channels)} 个渠道（{names}）"


def stacked_quota(ranking_list: RankingList, channel_count: int) -> int:
    """可叠加推荐名额: the list's quota per channel times the number of channels serving it
    (per domain for lists capped per domain)."""
    return ranking_list.channel_quota * channel_count


@dataclass(frozen=True)
class QuotaRow:
    """One unit's quota in one list (and domain, for lists capped per domain)."""

    unit: RecommendingUnit
    ranking_list: RankingList
    domain: Domain | None
    quota: Quota


def _lists(campaign: CampaignRef) -> list[RankingList]:
    """The campaign's lists in their order with their domains: campaign data, cached per process until the
    next change (``nominations.campaign_cache``)."""
    from nominations import campaign_cache  # inside: campaign_cache imports the models, as this module

    return campaign_cache.lists_with_domains(campaign if isinstance(campaign, int) else campaign.pk)


def quota_use(unit_ids: Iterable[int], campaign: CampaignRef, *, entries: QuerySet | None = None) -> QuerySet:
    """The entries that use the quotas of the units ``unit_ids`` in ``campaign``: recommended (or
    further), not a pioneer's, among ``entries`` (every entry without it)."""
    entries = Nomination.objects.all() if entries is None else entries
    return entries.filter(
        recommending_unit__in=unit_ids, campaign=campaign, state__in=State.recommended(), pioneer=None
    )


def quota_rows(
    units: Iterable[RecommendingUnit],
    campaign: CampaignRef,
    *,
    entries: QuerySet | None = None,
    ranking_list: RankingList | None = None,
) -> list[QuotaRow]:
    """The quotas of many ``units`` in ``campaign`` at once, in four queries whatever their number.

    Per unit, per list (per domain for lists capped per domain), in the units' order and the lists'
    and domains' order: total = ``stacked_quota`` (quota per channel × the unit's channels serving the
    list, the pioneer route excluded), used = its recommended entries (not the pioneers'), and the
    channels' names. ``entries``: the queryset the use is counted in — the reader's visible entries
    for figures shown to a user (``policy.visible_nominations``); every entry without it.
    ``ranking_list``: only that list's rows.
    """
    units = list(units)
    unit_ids = [unit.pk for unit in units]
    lists = _lists(campaign)
    if ranking_list is not None:
        lists = [lst for lst in lists if lst.pk == ranking_list.pk]
    list_ids = [lst.pk for lst in lists]
    # Each unit's (non-pioneer) channels that serve each list, the channels' names in their order.
    serving = {}
    for unit_id, list_id, name in (
        RecommendingUnit.channels.through.objects.filter(
            recommendingunit_id__in=unit_ids, channel__is_pioneer_route=False, channel__lists__in=list_ids
        )
        .order_by("channel__order", "channel_id")
        .values_list("recommendingunit_id", "channel__lists", "channel__name")
    ):
        serving.setdefault((unit_id, list_id), []).append(name)
    used = {}
    for unit_id, list_id, domain_id, n in (
        quota_use(unit_ids, campaign, entries=entries)
        .filter(ranking_list__in=list_ids)
        .values_list("recommending_unit_id", "ranking_list_id", "domain_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        used[(unit_id, list_id, domain_id)] = used.get((unit_id, list_id, domain_id), 0) + n
        used[(unit_id, list_id)] = used.get((unit_id, list_id), 0) + n
    rows = []
    for unit in units:
        for lst in lists:
            names = tuple(serving.get((unit.pk, lst.pk), ()))
            total = stacked_quota(lst, len(names))
            if lst.capped_per_domain:
                for domain in lst.domains.all():
                    quota = Quota(total, used.get((unit.pk, lst.pk, domain.pk), 0), names, lst.channel_quota)
                    rows.append(QuotaRow(unit, lst, domain, quota))
            else:
                quota = Quota(total, used.get((unit.pk, lst.pk), 0), names, lst.channel_quota)
                rows.append(QuotaRow(unit, lst, None, quota))
    return rows


def unit_quota(
    unit: RecommendingUnit,
    ranking_list: RankingList,
    domain: Domain | None = None,
    *,
    exclude: Nomination | None = None,
    entries: QuerySet | None = None,
) -> Quota:
    """The quota of ``unit`` in a list (and domain), with how much is used by recommended entries:
    the row of :func:`quota_rows` for that list and domain. ``exclude``: an entry not to count."""
    entries = Nomination.objects.all() if entries is None else entries
    if exclude is not None:
        entries = entries.exclude(pk=exclude.pk)
    rows = quota_rows([unit], ranking_list.campaign_id, entries=entries, ranking_list=ranking_list)
    for row in rows:
        if not ranking_list.capped_per_domain or (domain is not None and row.domain.pk == domain.pk):
            return row.quota
    # A list capped per domain asked without one of its domains: the per-domain total, nothing used.
    total = rows[0].quota if rows else Quota(0)
    return Quota(total.total, 0, total.channels, total.per_channel)


def recommended_count(unit: RecommendingUnit, campaign: CampaignRef, *, entries: QuerySet | None = None) -> int:
    """How many entries ``unit`` has recommended in ``campaign``: its quotas' use, all lists together."""
    return quota_use([unit.pk], campaign, entries=entries).count()


def pioneer_lists(campaign: CampaignRef) -> QuerySet:
    """The lists a 2022 pioneer may recommend to: those the campaign's pioneer route serves."""
    return RankingList.objects.filter(
        campaign=campaign, channels__campaign=campaign, channels__is_pioneer_route=True
    ).distinct()


def pioneer_quota(pioneer: Pioneer, ranking_list: RankingList, *, exclude: Nomination | None = None) -> Quota:
    """A pioneer's quota: the pioneer route's per-person number, only on the lists the route serves."""
    route = (
        Channel.objects.filter(campaign_id=ranking_list.campaign_id, is_pioneer_route=True, lists=ranking_list)
        .only("pioneer_quota", "name")
        .first()
    )
    total = route.pioneer_quota if route and pioneer.is_active else 0
    used = Nomination.objects.filter(pioneer=pioneer, ranking_list=ranking_list, state__in=State.recommended())
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    return Quota(total=total, used=used.count(), channels=(route.name,) if route else (), per_channel=total)


def member_cap(
    member_unit: MemberUnit,
    ranking_list: RankingList,
    domain: Domain | None = None,
    *,
    exclude: Nomination | None = None,
) -> Quota:
    """How many live entries ``member_unit`` may have in a list (per domain for 先导技术榜)."""
    per_domain = ranking_list.capped_per_domain
    values = {"member_unit": member_unit.pk, "ranking_list": ranking_list.pk}
    if per_domain and domain is not None:
        values["domain"] = domain.pk
    if exclude is not None and exclude.pk is not None:
        values["exclude"] = exclude.pk
    used = _MEMBER_LIVE[per_domain].count(**values)
    return Quota(total=ranking_list.member_cap, used=used, per_channel=ranking_list.member_cap)


def _build_member_live(
    per_domain: bool, member_unit: int, ranking_list: int, domain: int | None = None, exclude: int | None = None
) -> QuerySet:
    live = Nomination.objects.filter(member_unit_id=member_unit, ranking_list_id=ranking_list, state__in=State.live())
    if per_domain:
        live = live.filter(domain_id=domain)
    return live if exclude is None else live.exclude(pk=exclude)


# The live entries of a member unit in a list, counted at every submit and for every edit page's 提交
# button (kczg_site/prepared.py): per domain or not; a domain and an entry left out, each given or not.
_MEMBER_LIVE = {
    per_domain: PreparedQuery(
        partial(_build_member_live, per_domain), member_unit=int, ranking_list=int, domain=int, exclude=int
    )
    for per_domain in (False, True)
}


def quota_table(
    unit: RecommendingUnit, campaign: CampaignRef, entries: QuerySet | None = None
) -> list[tuple[RankingList, Domain | None, Quota]]:
    """Rows ``(ranking_list, domain, quota)`` for a unit's meters: one per domain for 先导技术榜.

    ``entries``: the queryset the use is counted in — the reader's visible entries for a meter shown
    to a user (``policy.visible_nominations``); every entry without it."""
    return [(row.ranking_list, row.domain, row.quota) for row in quota_rows([unit], campaign, entries=entries)]


def member_cap_table(member_unit: MemberUnit, campaign: CampaignRef) -> list[tuple[RankingList, Domain | None, Quota]]:
    """Rows ``(ranking_list, domain, quota)`` of a member unit's caps (``member_cap``) in one query."""
    lists = _lists(campaign)
    live = {}
    for list_id, domain_id in Nomination.objects.filter(
        member_unit=member_unit, campaign=campaign, state__in=State.live()
    ).values_list("ranking_list_id", "domain_id"):
        live[(list_id, domain_id)] = live.get((list_id, domain_id), 0) + 1
    rows = []
    for lst in lists:
        if lst.capped_per_domain:
            for domain in lst.domains.all():
                used = live.get((lst.pk, domain.pk), 0)
                rows.append((lst, domain, Quota(lst.member_cap, used, per_channel=lst.member_cap)))
        else:
            used = sum(n for (list_id, _), n in live.items() if list_id == lst.pk)
            rows.append((lst, None, Quota(lst.member_cap, used, per_channel=lst.member_cap)))
    return rows
