"""Publication per list and the public lists (the final review's last step; decisions are ``reviews.final``).

* :func:`check_publish` is the one rule of publishing a list: on or after ``Campaign.publication_start``,
  not yet published, every body that received entries of the list has reported or was closed by the
  platform (``reviews.closure``; a body covering the list that received none of its entries has nothing
  to report), every entry of the list has a final result, and at least one is 拟入榜.
* :func:`publish` turns the list's 拟入榜 entries into 已发布入榜 (``workflow.transition("publish")``),
  records a :class:`Publication` per list and queues the outcome notices (``reviews.outcomes``).
* The public pages (``/published/<year>/``) exist once one list of the year is published and show the
  published lists only.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q

from kczg_site import clock
from nominations import workflow
from nominations.models import Campaign, Domain, Nomination, RankingList, State
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision
from reviews import notice, outcomes
from reviews.audit import record
from reviews.final import FinalReviewError, check_publication_open
from reviews.models import BodySubmission, Dispatch, Publication, ReviewBody
from reviews.states import UNDECIDED_STATES

S = State


@dataclass
class ListState:
    """What publishing one list waits for: its bodies' results, its undecided entries, its listed ones."""

    ranking_list: RankingList
    bodies: list = field(default_factory=list)  # the bodies that received entries of the list
    reported: set = field(default_factory=set)  # ids of those that reported or were closed by the platform
    closed: list = field(default_factory=list)  # the BodySubmission rows of closures, for the page
    undecided: int = 0
    listed: int = 0
    target: int | None = None
    publication: Publication | None = None
    decision: Decision = ALLOW

    @property
    def missing(self) -> list:
        return [body for body in self.bodies if body.pk not in self.reported]


def list_states(campaign: Campaign, lists: Iterable[RankingList] | None = None, now: datetime | None = None) -> list:
    """:class:`ListState` of every list of ``campaign`` (or of ``lists``), judged by :func:`_judge` (5 queries)."""
    rows = RankingList.objects.filter(campaign=campaign).select_related("publication", "target").order_by("order")
    if lists is not None:
        rows = rows.filter(pk__in=[rl.pk for rl in lists])
    lists = list(rows)
    states = {rl.pk: ListState(rl) for rl in lists}
    for rl in lists:
        states[rl.pk].publication = getattr(rl, "publication", None)
        target = getattr(rl, "target", None)
        states[rl.pk].target = target.count if target else None
    pairs = (
        Dispatch.objects.filter(nomination__ranking_list__in=lists)
        .values_list("nomination__ranking_list_id", "body_id")
        .distinct()
        .order_by()
    )
    bodies = ReviewBody.objects.filter(campaign=campaign).order_by("order").in_bulk()
    submissions = {s.body_id: s for s in BodySubmission.objects.filter(body__campaign=campaign).select_related("body")}
    for list_id, body_id in pairs:
        state = states[list_id]
        body = bodies[body_id]
        state.bodies.append(body)
        if body_id in submissions:
            state.reported.add(body_id)
            if submissions[body_id].closed_by_platform:
                state.closed.append(submissions[body_id])
    counts = (
        Nomination.objects.filter(ranking_list__in=lists)
        .values_list("ranking_list_id")
        .annotate(
            undecided=Count("pk", filter=Q(state__in=UNDECIDED_STATES)), listed=Count("pk", filter=Q(state=S.LISTED))
        )
        .order_by()
    )
    for list_id, undecided, listed in counts:
        states[list_id].undecided, states[list_id].listed = undecided, listed
    notice_decisions = notice.publication_checks(campaign, lists, now)
    for state in states.values():
        state.bodies.sort(key=lambda b: (b.order, b.pk))
        state.decision = _judge(campaign, state, now) and notice_decisions[state.ranking_list.pk]
    return list(states.values())


def _judge(campaign: Campaign, state: ListState, now: datetime | None) -> Decision:
    name = state.ranking_list.name
    if state.publication is not None:
        return Decision.deny(f"{name}已发布。")
    decision = check_publication_open(campaign, now)
    if not decision:
        return decision
    if state.missing:
        names = "、".join(body.name for body in state.missing)
        return Decision.deny(f"{name}尚有 {len(state.missing)} 个初评机构未报送初评结果：{names}。")
    if state.undecided:
        return Decision.deny(f"{name}尚有 {state.undecided} 项申报未作出终评结果，请先完成终评。")
    if not state.listed:
        return Decision.deny(f"{name}没有拟入榜的申报，无法发布。")
    return ALLOW


def check_publish(campaign: Campaign, ranking_list: RankingList, now: datetime | None = None) -> Decision:
    """The one rule of publishing a list: on or after ``publication_start``, not yet published, every body
    that received entries of the list has reported (or was closed by the platform), every entry of the
    list has a final result, and at least one is 拟入榜."""
    return list_states(campaign, [ranking_list], now)[0].decision


def publish(campaign: Campaign, user: AbstractBaseUser, ranking_list: RankingList | None = None) -> list:
    """Publish the 拟入榜 entries of ``ranking_list`` (all or nothing), open its public page, and queue the
    outcome notices (``reviews.outcomes``) once the transaction commits.

    Without ``ranking_list``: every list of the campaign with 拟入榜 entries, each judged by
    :func:`check_publish` (a shortcut for scripts and tests; the page publishes one list at a time)."""
    if ranking_list is not None:
        lists = [ranking_list]
    else:
        lists = list(RankingList.objects.filter(campaign=campaign, nominations__state=S.LISTED).distinct())
    decision = may(user, "run_final_review")
    if not decision:
        raise FinalReviewError([decision.reason])
    with transaction.atomic():
        locked = RankingList.objects.select_for_update().filter(pk__in=[rl.pk for rl in lists]).order_by("pk")
        refused = [state.decision.reason for state in list_states(campaign, list(locked)) if not state.decision]
        if refused or not lists:
            raise FinalReviewError(refused or ["没有可发布的榜单。"])
        publications = []
        for rl in lists:
            entries = list(Nomination.objects.filter(ranking_list=rl, state=S.LISTED).order_by("pk"))
            for entry in entries:
                try:
                    workflow.transition(entry, "publish", user)
                except workflow.WorkflowError as error:
                    raise FinalReviewError([f"“{entry}”：{error}"]) from error
            publications.append(
                Publication.objects.create(
                    campaign=campaign, ranking_list=rl, published_at=clock.now(), published_by=user
                )
            )
            record("publish_lists", user, note=f"{campaign.year}年{rl.name}发布，共 {len(entries)} 项入榜")
            outcomes.queue(rl.pk)
    return publications


# ---------------------------------------------------------------- the public lists


def published_campaign(year: int) -> Campaign | None:
    """The campaign of ``year`` if at least one of its lists is published (else ``None``)."""
    return Campaign.objects.filter(year=year, publications__isnull=False).distinct().first()


def published_years() -> list[tuple[int, list[RankingList]]]:
    """``[(year, [published lists])]``, newest year first (one query): what the home page and dashboards link."""
    years: dict[int, list[RankingList]] = {}
    rows = Publication.objects.select_related("campaign", "ranking_list").order_by(
        "-campaign__year", "ranking_list__order"
    )
    for publication in rows:
        years.setdefault(publication.campaign.year, []).append(publication.ranking_list)
    return list(years.items())


# The public page of a listed item, where one exists (发布推介 registers its profiles at ready()):
# ``links(nomination ids) -> {nomination id: url}``, one query for the whole page.
PROFILE_LINKS: list[Callable[[list[int]], dict[int, str]]] = []


def register_profile_links(links: Callable[[list[int]], dict[int, str]]) -> None:
    if links not in PROFILE_LINKS:
        PROFILE_LINKS.append(links)


def profile_links(entries: Iterable[Nomination]) -> dict[int, str]:
    """``{nomination id: url}`` of the published entries that have a public page."""
    ids = [entry.pk for entry in entries]
    found: dict[int, str] = {}
    for links in PROFILE_LINKS:
        if ids:
            found.update(links(ids))
    return found


def published_groups(campaign: Campaign) -> list[tuple[RankingList, list[tuple[Domain | None, list[Nomination]]]]]:
    """``[(ranking_list, [(domain or None, [entries ordered by recommending unit])])]`` (one query)."""
    entries = (
        Nomination.objects.filter(campaign=campaign, state=S.PUBLISHED)
        .select_related("ranking_list", "domain", "recommending_unit", "member_unit", "pioneer")
        .order_by("ranking_list__order", "domain__order", "recommending_unit__name", "title", "pk")
    )
    lists = {}
    for entry in entries:
        domains = lists.setdefault(entry.ranking_list.pk, (entry.ranking_list, {}))[1]
        domains.setdefault(entry.domain_id, (entry.domain, []))[1].append(entry)
    return [(ranking_list, list(domains.values())) for ranking_list, domains in lists.values()]
