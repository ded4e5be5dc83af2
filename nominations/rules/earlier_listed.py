"""The earlier-listed rule (入选历年榜单的项目原则上不再推荐), in one place.

An entry whose name or credit code matches an item listed in an earlier year is flagged
(``Nomination.earlier_listed``). It may still be submitted; recommending it needs the secretariat's
reason, which is stored on the entry and recorded once in the audit log by the workflow.

* :func:`detect` — the match for an entry (the campaign's own year is not "earlier"); the name
  matching itself is :func:`nominations.rules.duplicates.find_earlier_listed`.
* :func:`check_recommend` — the decision for recommending: a flagged entry needs a reason.
* :func:`warning` — the one wording of the warning, for every page (template filter
  ``earlier_listed_warning`` in ``nominations.templatetags.earlier_listed``) and every message.
* :func:`override_note` — the audit note of an override, written by ``workflow.transition``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nominations.rules import duplicates
from nominations.rules.decision import ALLOW, Decision

if TYPE_CHECKING:
    from nominations.models import EarlierListedItem, Nomination

LABEL = "疑似历年入榜"
"""The short flag (badges, filters, column headers)."""

REASON_NEEDED = "如确需推荐，须在申报页面填写仍推荐的理由，理由将记入操作记录。"
"""What the secretariat must do to recommend a flagged entry anyway."""

MEMBER_NOTE = "仍可提交，推荐单位秘书处将予以核实。"
"""What the member unit may do with a flagged entry."""

OVERRIDE_LABEL = "历年入榜仍推荐"
"""The name of an override in the audit log."""


def detect(nomination: Nomination, name: str, credit_code: str = "") -> EarlierListedItem | None:
    """The earlier listed item matching ``name`` or ``credit_code`` for this entry's list and year."""
    return duplicates.find_earlier_listed(
        name,
        credit_code,
        list_code=nomination.ranking_list.code,
        before_year=nomination.campaign.year,
    )


def warning(item: EarlierListedItem | None) -> str:
    """The one wording of the warning: ``疑似已入选2022年新锐企业榜（“…”，…），原则上不再推荐。``"""
    if item is None:
        return ""
    who = f"“{item.name}”，{item.unit}" if item.unit else f"“{item.name}”"
    return f"疑似已入选{item.year}年{item.get_list_code_display()}（{who}），原则上不再推荐。"


def member_warning(item: EarlierListedItem | None) -> str:
    """The warning as the member unit reads it (entry page, messages after saving or submitting)."""
    return warning(item) + MEMBER_NOTE if item is not None else ""


def flagged_item(nomination: Nomination) -> EarlierListedItem | None:
    return nomination.earlier_listed if nomination.earlier_listed_id else None


def override_reason_of(nomination: Nomination, override_reason: str = "") -> str:
    """The reason that lets a flagged entry be recommended: the one given now, else the stored one."""
    return (override_reason or "").strip() or (nomination.override_reason or "").strip()


def check_recommend(nomination: Nomination, override_reason: str = "") -> Decision:
    """Recommending: ``ALLOW`` unless the entry is flagged and no reason is given (now or before)."""
    item = flagged_item(nomination)
    if item is None or override_reason_of(nomination, override_reason):
        return ALLOW
    return Decision.deny(warning(item) + REASON_NEEDED)


def override_note(item: EarlierListedItem, reason: str) -> str:
    """The audit note of recommending a flagged entry anyway."""
    return f"{OVERRIDE_LABEL}：{warning(item)}理由：{reason.strip()}"
