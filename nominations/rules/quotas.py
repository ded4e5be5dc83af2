"""Quotas (推荐名额) and caps.

* A recommending unit may recommend, per list, the list's cap for each of its channels that serves the
  list (可叠加推荐名额): 先导技术榜 3 per domain, 新锐企业榜 5, 融通创新组织榜 2, 技术经理人先锋榜 2.
  A unit in two channels therefore has 6 per domain of 先导技术榜.
* A 2022 pioneer may recommend one person to 技术经理人先锋榜 (the channel's ``pioneer_quota``).
* A member unit may have at most the list's per-unit cap of live entries in a list (per domain for
  先导技术榜): the product's choice, so that one member cannot flood its society's inbox.
"""

from dataclasses import dataclass, field

from nominations.models import Channel, Nomination
from nominations.models.nomination import LIVE_STATES, RECOMMENDED_STATES


@dataclass(frozen=True)
class Quota:
    total: int
    used: int = 0
    channels: tuple = field(default_factory=tuple)
    per_channel: int = 0

    @property
    def left(self):
        return max(self.total - self.used, 0)

    @property
    def is_full(self):
        return self.used >= self.total

    @property
    def explanation(self):
        if not self.channels:
            return "无适用的推荐渠道"
        names = "、".join(self.channels)
        return f"{self.per_channel} × {len(self.channels)} 个渠道({names})"


def unit_channels(unit, ranking_list):
    """The channels of ``unit`` that may recommend to ``ranking_list`` (the pioneer route excluded)."""
    return [
        channel
        for channel in unit.channels.all()
        if channel.campaign_id == ranking_list.campaign_id
        and not channel.is_pioneer_route
        and any(lst.pk == ranking_list.pk for lst in channel.lists.all())
    ]


def unit_quota_total(unit, ranking_list, channels=None):
    """cap × number of channels; for 先导技术榜 this is the quota of each domain."""
    channels = unit_channels(unit, ranking_list) if channels is None else channels
    return ranking_list.per_unit_cap * len(channels)


def unit_quota(unit, ranking_list, domain=None, *, exclude=None):
    """The quota of ``unit`` in a list (and domain), with how much is used by recommended entries."""
    channels = unit_channels(unit, ranking_list)
    used = Nomination.objects.filter(
        recommending_unit=unit, ranking_list=ranking_list, state__in=RECOMMENDED_STATES, pioneer=None
    )
    if ranking_list.capped_per_domain:
        used = used.filter(domain=domain)
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    return Quota(
        total=unit_quota_total(unit, ranking_list, channels),
        used=used.count(),
        channels=tuple(c.name for c in channels),
        per_channel=ranking_list.per_unit_cap,
    )


def pioneer_quota(pioneer, ranking_list, *, exclude=None):
    """A pioneer's quota: the pioneer route's per-person number, only on the lists the route serves."""
    route = (
        Channel.objects.filter(campaign_id=ranking_list.campaign_id, is_pioneer_route=True, lists=ranking_list)
        .only("pioneer_quota", "name")
        .first()
    )
    total = route.pioneer_quota if route and pioneer.is_active else 0
    used = Nomination.objects.filter(pioneer=pioneer, ranking_list=ranking_list, state__in=RECOMMENDED_STATES)
    if exclude is not None:
        used = used.exclude(pk=exclude.pk)
    return Quota(total=total, used=used.count(), channels=(route.name,) if route else (), per_channel=total)


def member_cap(member_unit, ranking_list, domain=None, *, exclude=None):
    """How many live entries ``member_unit`` may have in a list (per domain for 先导技术榜)."""
    live = Nomination.objects.filter(member_unit=member_unit, ranking_list=ranking_list, state__in=LIVE_STATES)
    if ranking_list.capped_per_domain:
        live = live.filter(domain=domain)
    if exclude is not None:
        live = live.exclude(pk=exclude.pk)
    return Quota(total=ranking_list.per_unit_cap, used=live.count(), per_channel=ranking_list.per_unit_cap)


def quota_table(unit, campaign, entries=None):
    """Rows ``(ranking_list, domain, quota)`` for a unit's meters: one per domain for 先导技术榜.

    ``entries``: the queryset the use is counted in — the reader's visible entries for a meter shown
    to a user (``policy.visible_nominations``); every entry without it."""
    from nominations.models import RankingList

    lists = RankingList.objects.filter(campaign=campaign).prefetch_related("domains", "channels")
    unit_channel_ids = {c.pk for c in unit.channels.all()}
    entries = Nomination.objects.all() if entries is None else entries
    used_rows = entries.filter(
        recommending_unit=unit, campaign=campaign, state__in=RECOMMENDED_STATES, pioneer=None
    ).values_list("ranking_list_id", "domain_id")
    used = {}
    for list_id, domain_id in used_rows:
        used[(list_id, domain_id)] = used.get((list_id, domain_id), 0) + 1
    rows = []
    for lst in lists:
        channels = [c for c in lst.channels.all() if c.pk in unit_channel_ids and not c.is_pioneer_route]
        names = tuple(c.name for c in channels)
        total = lst.per_unit_cap * len(channels)
        if lst.capped_per_domain:
            for domain in lst.domains.all():
                rows.append((lst, domain, Quota(total, used.get((lst.pk, domain.pk), 0), names, lst.per_unit_cap)))
        else:
            count = sum(n for (list_id, _), n in used.items() if list_id == lst.pk)
            rows.append((lst, None, Quota(total, count, names, lst.per_unit_cap)))
    return rows


def member_cap_table(member_unit, campaign):
    """Rows ``(ranking_list, domain, quota)`` of a member unit's caps (``member_cap``) in two queries."""
    from nominations.models import RankingList

    lists = RankingList.objects.filter(campaign=campaign).prefetch_related("domains")
    live = {}
    for list_id, domain_id in Nomination.objects.filter(
        member_unit=member_unit, campaign=campaign, state__in=LIVE_STATES
    ).values_list("ranking_list_id", "domain_id"):
        live[(list_id, domain_id)] = live.get((list_id, domain_id), 0) + 1
    rows = []
    for lst in lists:
        if lst.capped_per_domain:
            for domain in lst.domains.all():
                used = live.get((lst.pk, domain.pk), 0)
                rows.append((lst, domain, Quota(lst.per_unit_cap, used, per_channel=lst.per_unit_cap)))
        else:
            used = sum(n for (list_id, _), n in live.items() if list_id == lst.pk)
            rows.append((lst, None, Quota(lst.per_unit_cap, used, per_channel=lst.per_unit_cap)))
    return rows
