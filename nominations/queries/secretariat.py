"""The recommending unit's secretariat pages: the dashboard, the inbox, the entry page, the batch
preview and the member units. Every figure is counted among the entries the user may see."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import Page
from django.db.models import Count, QuerySet

from kczg_site.paging import page_of
from nominations import batch, confirmation, policy, workflow
from nominations.audit import verb_label
from nominations.filters import InboxFilter
from nominations.forms import definition_for
from nominations.forms.actions import TransitionForm
from nominations.models import Campaign, MemberUnit, Nomination, RecommendingUnit, State
from nominations.queries import formal as formal_pages
from nominations.queries import reuse
from nominations.queries.common import count_per
from nominations.queries.opinions import opinion_card
from nominations.queries.stamps import entry_card as stamp_card
from nominations.rules import deadlines, quotas

INBOX_PAGE_SIZE = batch.MAX_IDS  # a batch is one page of the inbox
INBOX_ORDER = ("-submitted_at", "-pk")
# The look of an action's button (the rest are primary).
BUTTON_CSS = {
    "decline": "btn-outline-danger",
    "return": "btn-outline-secondary",
    "unrecommend": "btn-outline-secondary",
}


def meter_rows(user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign) -> list[dict[str, Any]]:
    """The quota meters of ``unit``, counted among the entries ``user`` may see."""
    rows = []
    for ranking_list, domain, quota in quotas.quota_table(unit, campaign, entries=policy.visible_nominations(user)):
        percent = round(100 * quota.used / quota.total) if quota.total else 0
        rows.append({"list": ranking_list, "domain": domain, "quota": quota, "percent": min(percent, 100)})
    return rows


def dashboard(user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign) -> dict[str, Any]:
    """The secretariat's dashboard: meters, entries per state, the platform deadline and the confirmation."""
    # Only what the policy shows this secretariat: never its members' drafts, nor entries withdrawn
    # before they were ever submitted.
    visible = policy.visible_nominations(user)
    counts = dict(visible.filter(campaign=campaign).values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "unit": unit,
        "campaign": campaign,
        "meters": meter_rows(user, unit, campaign),
        "state_counts": [(label, counts[value], value) for value, label in State.choices if value in counts],
        "total": sum(counts.values()),
        "platform_deadline": deadlines.platform_deadline(campaign, unit),
        "participation": confirmation.participation_for(unit, campaign),
        "recommended": confirmation.recommended_count(unit, campaign, entries=visible),
        "confirm_decision": confirmation.check_confirm(user, unit, campaign),
        "member_count": policy.visible_member_units(user).filter(is_active=True).count(),
    }


def inbox_entries(user: AbstractBaseUser, campaign: Campaign) -> QuerySet:
    """The entries of ``campaign`` the inbox lists for ``user``, with what its rows show."""
    return (
        policy.visible_nominations(user)
        .filter(campaign=campaign)
        .select_related("campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "earlier_listed")
        .annotate(attachment_count=Count("attachments"))
    )


# The one-click actions of an inbox row: nothing to type (a note or an override reason is asked for on
# the entry page, where the other actions are).
ROW_ACTIONS = ("accept", "recommend")


def _scope(row: Nomination, spec: workflow.Transition) -> tuple:
    """What the workflow's answer for ``spec`` depends on besides the row's state (which
    ``available_actions`` already matched): the unit and campaign, and the list (and domain) of a quota."""
    quota_scope = None
    if spec.limit:
        quota_scope = (row.ranking_list_id, row.domain_id if row.ranking_list.capped_per_domain else None)
    # Recommending also needs the entry's own 推荐意见 (nominations.opinions.check_opinion).
    has_opinion = bool(row.opinion.strip()) if spec.action == "recommend" else None
    return (spec.action, row.campaign_id, row.recommending_unit_id, row.pioneer_id is None, quota_scope, has_opinion)


def row_actions(user: AbstractBaseUser, rows: list[Nomination]) -> None:
    """Set ``row.quick_actions`` (``[{"spec", "decision", "key"}]``) on each inbox row: the one-click actions
    its state offers, each with the workflow's answer, so that a button that cannot succeed is shown
    disabled with the reason. ``workflow.check`` is asked once per scope (:func:`_scope`: one quota
    computation per list and domain), never once per row. An entry flagged as earlier listed gets no
    one-click 推荐 (``needs_reason``): its reason is typed on the entry page."""
    answers: dict[tuple, Any] = {}
    workflow.share_lookups(rows)  # the unit's deadline and confirmation: asked once for the page
    for row in rows:
        row.quick_actions, row.needs_reason = [], False
        for spec in workflow.available_actions(row, user):
            if spec.action not in ROW_ACTIONS:
                continue
            if spec.target == State.RECOMMENDED and row.earlier_listed_id:
                row.needs_reason = True
                continue
            key = _scope(row, spec)
            if key not in answers:
                answers[key] = workflow.check(row, spec.action, user)
            row.quick_actions.append({"spec": spec, "decision": answers[key], "key": f"row-{row.pk}-{spec.action}"})


def inbox(
    user: AbstractBaseUser, campaign: Campaign, data: Mapping | None, page: str | int | None
) -> tuple[InboxFilter, Page]:
    """The inbox filtered by ``data`` (the query string): the filter and one page (one batch) of entries.

    Without an ordering asked for, or with one that is not a choice, the newest submissions come first
    (a stable order for the pages)."""
    filterset = InboxFilter(data or None, inbox_entries(user, campaign), user=user, campaign=campaign)
    entries = filterset.qs
    if not (data or {}).get("ordering") or not entries.ordered:
        entries = entries.order_by(*INBOX_ORDER)
    shown = page_of(entries, page, INBOX_PAGE_SIZE)
    shown.object_list = list(shown.object_list)
    row_actions(user, shown.object_list)
    reuse.mark_rows(shown.object_list)  # row.reuse_flagged: the 疑似重复 badge
    return filterset, shown


def entry_actions(
    user: AbstractBaseUser, nomination: Nomination, bound: TransitionForm | None = None
) -> list[dict[str, Any]]:
    """The workflow actions the secretariat may take on the entry, each with its decision and form
    (``bound``: the posted action's form, shown again with its errors and text)."""
    actions = []
    for spec in workflow.available_actions(nomination, user):
        # The note and the override reason are asked for by the form: check every other rule.
        decision = workflow.check_button(nomination, spec.action, user)
        if bound is not None and bound.spec is spec:
            form = bound
        else:
            form = TransitionForm(spec=spec, initial={"override_reason": nomination.override_reason})
        actions.append(
            {"spec": spec, "decision": decision, "form": form, "css": BUTTON_CSS.get(spec.action, "btn-primary")}
        )
    return actions


def entry_page(
    user: AbstractBaseUser,
    unit: RecommendingUnit,
    campaign: Campaign,
    nomination: Nomination,
    bound: TransitionForm | None = None,
) -> dict[str, Any]:
    """The secretariat's entry page: the entry, its history, its actions, the quota it would use and
    the member deadline (a returned entry can only come back before it, or with an extension)."""
    quota = None
    if nomination.state in (State.ACCEPTED, State.RECOMMENDED):
        quota = quotas.unit_quota(nomination.recommending_unit, nomination.ranking_list, nomination.domain)
    member_deadline = None
    if nomination.member_unit_id:
        member_deadline = workflow.deadline_for(nomination, "member")  # with the entry's fix-by time
    member_deadline_open = member_deadline.is_open() if member_deadline else True
    events = list(nomination.events.select_related("actor__profile").order_by("at", "pk"))
    for event in events:
        event.verb_label = verb_label(event.verb)
    return {
        "unit": unit,
        "campaign": campaign,
        "nomination": nomination,
        "definition": definition_for(nomination),
        "events": events,
        "actions": entry_actions(user, nomination, bound),
        "quota": quota,
        "member_deadline": member_deadline,
        "member_deadline_open": member_deadline_open,
        "returned_after_deadline": nomination.state == State.RETURNED and not member_deadline_open,
        "formal_review": formal_pages.card(user, nomination),
        "reuse_flags": reuse.flags(user, nomination),
        "opinion": opinion_card(user, nomination),
        "stamps": stamp_card(user, nomination),
    }


def member_units(user: AbstractBaseUser) -> QuerySet[MemberUnit]:
    """The member units ``user`` may see, active first, each with its number of visible entries."""
    return (
        policy.visible_member_units(user)
        .annotate(entries=count_per(policy.visible_nominations(user), "member_unit"))
        .order_by("-is_active", "name")
    )
