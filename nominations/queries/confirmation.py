"""The confirmation preview of a recommending unit's secretariat: per list (and domain), what it has
recommended, its quota and what is still unhandled, and what confirming will do. Counted among the
entries the user may see, in a fixed number of queries whatever the number of lists and entries."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count
from django.urls import reverse

from nominations import confirmation, policy
from nominations.models import Campaign, RecommendingUnit, State
from nominations.queries.stamps import summary_card
from nominations.rules import deadlines, quotas

# The columns of 尚未处理, in this order: the states ``not_recommend`` (at confirmation) starts from.
UNHANDLED_STATES = (State.SUBMITTED, State.ACCEPTED, State.RETURNED)
UNHANDLED_COLUMNS = [(state.value, state.label) for state in UNHANDLED_STATES]


def inbox_link(state: str, ranking_list_id: int, domain_id: int | None) -> str:
    """The inbox filtered by ``state``, the list and (for a list with domains) the domain."""
    query = {"state": state, "ranking_list": ranking_list_id}
    if domain_id is not None:
        query["domain"] = domain_id
    return f"{reverse('secretariat:inbox')}?{urlencode(query)}"


def unhandled_counts(user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign) -> dict[tuple, int]:
    """``{(list_id, domain_id, state): n}`` of the unit's unhandled entries the user may see (one query)."""
    rows = (
        policy.visible_nominations(user)
        .filter(campaign=campaign, recommending_unit=unit, pioneer=None, state__in=UNHANDLED_STATES)
        .values_list("ranking_list_id", "domain_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(list_id, domain_id, state): n for list_id, domain_id, state, n in rows}


def preview(
    user: AbstractBaseUser, unit: RecommendingUnit, campaign: Campaign, summary_form: Any = None
) -> dict[str, Any]:
    """The confirmation page: one table per list (a row per domain for lists with domains), the number
    of entries that will become 未获推荐, the 推荐汇总表 and 签字盖章 section (``summary_form``: the
    posted upload with its errors), and whether the user may confirm now (with the reason)."""
    counts = unhandled_counts(user, unit, campaign)
    tables: list[dict[str, Any]] = []
    by_list: dict[int, dict[str, Any]] = {}
    for ranking_list, domain, quota in quotas.quota_table(unit, campaign, entries=policy.visible_nominations(user)):
        table = by_list.get(ranking_list.pk)
        if table is None:
            table = {"list": ranking_list, "has_domains": ranking_list.capped_per_domain, "rows": []}
            by_list[ranking_list.pk] = table
            tables.append(table)
        cells = []
        for state, label in UNHANDLED_COLUMNS:
            if domain is None:
                n = sum(v for (lst, _d, s), v in counts.items() if lst == ranking_list.pk and s == state)
            else:
                n = counts.get((ranking_list.pk, domain.pk, state), 0)
            link = inbox_link(state, ranking_list.pk, domain.pk if domain else None)
            cells.append({"state": state, "label": label, "count": n, "url": link})
        table["rows"].append(
            {"domain": domain, "quota": quota, "cells": cells, "unhandled": sum(c["count"] for c in cells)}
        )
    participation = confirmation.participation_for(unit, campaign)
    return {
        "unit": unit,
        "campaign": campaign,
        "tables": tables,
        "columns": UNHANDLED_COLUMNS,
        "will_not_recommend": sum(counts.values()),
        "recommended": sum(row["quota"].used for table in tables for row in table["rows"]),
        "participation": participation,
        "platform_deadline": deadlines.platform_deadline(campaign, unit),
        "confirm_decision": confirmation.check_confirm(user, unit, campaign),
        "stamps": summary_card(user, unit, campaign, summary_form),
    }
