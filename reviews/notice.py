"""公示 (the public notice period) of a campaign: its rules, opening it, what it shows, and what it
means for publication.

* The rules come from the campaign data (``public_notice``: ``days`` ≥ 7 natural days, the fields shown
  per list, the 字 limit of the grounds, the recommending unit's days to answer, whether publication
  requires a notice), loaded into :class:`PublicNotice` by :func:`load_public_notice`.
* :func:`check_open` / :func:`open_preview` / :func:`open_notice`: the platform opens the notice once
  every entry of the campaign has its final result and before any list is published (preview first).
  The period runs from ``start`` to 24:00 of its ``days``-th natural day (``end``, exclusive).
* :func:`proposed_groups`: the proposed entries (拟入榜) per list and domain, with the list's fields.
* :func:`check_filing`: objections are taken while the notice runs only (late ones refused, with why).
* :func:`publication_checks`: what ``reviews.publication`` asks per list: refused while the notice runs,
  while a case about the list is not yet accepted or refused, or while an accepted case is undecided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from kczg_site import clock
from kczg_site.formats import format_clock_time, format_datetime
from nominations.models import Campaign, Domain, Nomination, RankingList
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused, require
from reviews.audit import record
from reviews.case_transitions import OPEN_STATES
from reviews.models import CaseState, ObjectionCase, Publication, PublicNotice
from reviews.models.notice import MIN_NOTICE_DAYS, NOTICE_FIELDS
from reviews.states import LISTED_STATES, UNDECIDED_STATES

MAX_NOTICE_DAYS = 60


class NoticeError(Refused):
    """A refused step of the notice (opening it, filing an objection)."""


# ---------------------------------------------------------------- the rules (campaign data)


def load_public_notice(campaign: Campaign, data: dict, *, lists: dict, domains: dict) -> PublicNotice:
    """The ``public_notice`` section of a campaign file (a dict); an opened notice keeps its period."""
    data = dict(data or {})
    days = int(data.get("days", MIN_NOTICE_DAYS))
    if days < MIN_NOTICE_DAYS:
        raise ValueError(f"public_notice.days must be at least {MIN_NOTICE_DAYS}: {days}")
    fields = data.get("fields", {})
    for code, shown in fields.items():
        if code not in lists:
            raise ValueError(f"public_notice.fields: unknown list {code!r}")
        unknown = set(shown) - set(NOTICE_FIELDS)
        if unknown or "name" not in shown:
            raise ValueError(f"public_notice.fields[{code!r}] must show name and only {', '.join(NOTICE_FIELDS)}")
    defaults = {"fields": fields, "required": bool(data.get("required", False))}
    for key in ("grounds_max_chars", "answer_days"):
        if key in data:
            defaults[key] = int(data[key])
    notice, created = PublicNotice.objects.get_or_create(campaign=campaign, defaults={**defaults, "days": days})
    if not created:
        for key, value in defaults.items():
            setattr(notice, key, value)
        if not notice.is_opened:
            notice.days = days
        notice.save()
    return notice


def notice_of(campaign: Campaign) -> PublicNotice | None:
    return PublicNotice.objects.filter(campaign=campaign).select_related("campaign").first()


def rules_of(campaign: Campaign) -> PublicNotice:
    """The campaign's notice row (created with the defaults when the campaign data has none)."""
    notice, _ = PublicNotice.objects.get_or_create(campaign=campaign)
    return notice


# ---------------------------------------------------------------- the period


def notice_end(start: datetime, days: int) -> datetime:
    """24:00 of the ``days``-th natural day counted from the day of ``start`` (Beijing time)."""
    day = timezone.localtime(start).date() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def phase(notice: PublicNotice | None, now: datetime | None = None) -> str:
    """``"none"`` (not opened), ``"before"``, ``"running"`` or ``"over"``."""
    if notice is None or not notice.is_opened:
        return "none"
    now = now or clock.now()
    if now < notice.start:
        return "before"
    return "running" if now < notice.end else "over"


def period_text(notice: PublicNotice) -> str:
    """``2024年2月1日 00:00 至 2024年2月7日 24:00（7 个自然日）``."""
    return f"{format_clock_time(notice.start)} 至 {format_datetime(notice.end)}（{notice.days} 个自然日）"


def check_filing(notice: PublicNotice | None, now: datetime | None = None) -> Decision:
    """Objections are taken while the notice runs; before or after, refused with the reason."""
    current = phase(notice, now)
    if current == "none":
        return Decision.deny("本年度尚未开始公示，暂不受理异议。")
    if current == "before":
        return Decision.deny(f"公示尚未开始：公示期为 {period_text(notice)}。")
    if current == "over":
        return Decision.deny(f"公示期已于 {format_datetime(notice.end)} 结束，逾期提出的异议不予受理。")
    return ALLOW


# ---------------------------------------------------------------- opening the notice


def check_open(campaign: Campaign, start: datetime | None = None, days: int | None = None, now=None) -> Decision:
    """Open once: every entry of the campaign has its final result, some are 拟入榜, no list is published,
    the period starts today or later and lasts at least 7 natural days."""
    now = now or clock.now()
    notice = PublicNotice.objects.filter(campaign=campaign).first()
    if notice is not None and notice.is_opened:
        return Decision.deny(f"公示已于 {format_clock_time(notice.opened_at)} 开启：公示期为 {period_text(notice)}。")
    if Publication.objects.filter(campaign=campaign).exists():
        return Decision.deny("已有榜单发布，不能再开启公示。")
    undecided = Nomination.objects.filter(campaign=campaign, state__in=UNDECIDED_STATES).count()
    if undecided:
        return Decision.deny(f"尚有 {undecided} 项申报未作出终评结果，请先完成终评再开启公示。")
    if not Nomination.objects.filter(campaign=campaign, state__in=LISTED_STATES).exists():
        return Decision.deny("没有拟入榜的申报，无需公示。")
    if days is not None and not (MIN_NOTICE_DAYS <= days <= MAX_NOTICE_DAYS):
        return Decision.deny(f"公示期不少于 {MIN_NOTICE_DAYS} 个自然日，且不超过 {MAX_NOTICE_DAYS} 天。")
    if start is not None and timezone.localtime(start).date() < timezone.localtime(now).date():
        return Decision.deny("公示开始日期不能早于今天。")
    return ALLOW


@dataclass
class ListGroup:
    """The proposed entries of one list on the notice: the fields shown, per domain."""

    ranking_list: RankingList
    fields: list[str]
    domains: list[tuple[Domain | None, list[Nomination]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(entries) for _, entries in self.domains)

    @property
    def labels(self) -> list[tuple[str, str]]:
        labels = dict(NOTICE_FIELDS)
        if self.ranking_list.nominee_is_person:
            labels["name"] = "姓名"
        return [(f, labels[f]) for f in self.fields]


def proposed_groups(campaign: Campaign, notice: PublicNotice | None = None) -> list[ListGroup]:
    """The proposed (拟入榜, or already published) entries per list and domain (two queries)."""
    notice = notice or notice_of(campaign) or PublicNotice(campaign=campaign)
    entries = (
        Nomination.objects.filter(campaign=campaign, state__in=LISTED_STATES)
        .select_related("ranking_list", "domain", "recommending_unit", "member_unit", "pioneer")
        .defer("data")
        .order_by("ranking_list__order", "domain__order", "recommending_unit__name", "title", "pk")
    )
    groups: dict[int, ListGroup] = {}
    domains: dict[int, dict] = {}
    for entry in entries:
        rl = entry.ranking_list
        if rl.pk not in groups:
            groups[rl.pk] = ListGroup(rl, notice.fields_of(rl))
            domains[rl.pk] = {}
        domains[rl.pk].setdefault(entry.domain_id, (entry.domain, []))[1].append(entry)
    for list_id, group in groups.items():
        group.domains = list(domains[list_id].values())
    return list(groups.values())


def open_preview(campaign: Campaign, start: datetime, days: int) -> dict:
    notice = notice_of(campaign) or PublicNotice(campaign=campaign)
    preview = PublicNotice(campaign=campaign, days=days, fields=notice.fields, start=start, end=notice_end(start, days))
    return {
        "notice": preview,
        "period": period_text(preview),
        "groups": proposed_groups(campaign, notice),
        "decision": check_open(campaign, start, days),
    }


def open_notice(campaign: Campaign, user: AbstractBaseUser, start: datetime, days: int) -> PublicNotice:
    """Open the notice (after the preview): its period is fixed from then on; audited."""
    require(may(user, "run_public_notice"), NoticeError)
    with transaction.atomic():
        rules_of(campaign)
        notice = PublicNotice.objects.select_for_update().get(campaign=campaign)
        require(check_open(campaign, start, days), NoticeError)
        notice.start, notice.days = start, days
        notice.end = notice_end(start, days)
        notice.opened_at, notice.opened_by = clock.now(), user
        notice.save()
        listed = Nomination.objects.filter(campaign=campaign, state__in=LISTED_STATES).count()
        record("open_notice", user, note=f"{campaign.year}年榜单公示：{period_text(notice)}，共 {listed} 项拟入榜")
    return notice


# ---------------------------------------------------------------- publication


def publication_checks(campaign: Campaign, lists: Iterable[RankingList], now: datetime | None = None) -> dict:
    """``{list id: Decision}``: may the list be published as far as the notice goes? (one or two queries)"""
    lists = list(lists)
    notice = PublicNotice.objects.filter(campaign=campaign).first()
    if notice is None or not notice.is_opened:
        if notice is not None and notice.required:
            return {rl.pk: Decision.deny("发布前须进行公示，请先在“公示与异议”开启公示。") for rl in lists}
        return {rl.pk: ALLOW for rl in lists}
    if phase(notice, now) != "over":
        reason = f"公示期至 {format_datetime(notice.end)} 结束，公示期间不能发布。"
        return {rl.pk: Decision.deny(reason) for rl in lists}
    counts = (
        ObjectionCase.objects.filter(notice=notice, nomination__ranking_list__in=lists)
        .values_list("nomination__ranking_list_id")
        .annotate(
            received=Count("pk", filter=Q(state=CaseState.RECEIVED)),
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        )
        .order_by()
    )
    pending = {list_id: (received, open_) for list_id, received, open_ in counts}
    result = {}
    for rl in lists:
        received, open_ = pending.get(rl.pk, (0, 0))
        if received:
            result[rl.pk] = Decision.deny(f"{rl.name}尚有 {received} 件异议或更正申请未作出是否受理的决定。")
        elif open_:
            result[rl.pk] = Decision.deny(f"{rl.name}尚有 {open_} 件已受理的异议或更正申请未作出处理决定。")
        else:
            result[rl.pk] = ALLOW
    return result
