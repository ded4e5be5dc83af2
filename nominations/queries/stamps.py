"""The 签字盖章 parts of the secretariat's pages: the entry page's card (the requirement, the current
scan, the upload form while it may be replaced) and the confirmation page's 推荐汇总表 section."""

from typing import Any

from nominations import formal, policy, stamps
from nominations.forms.stamps import StampUploadForm
from nominations.models import Campaign, Nomination, RecommendingUnit, StampScope, State


def entry_card(
    user: policy.AnyUser, nomination: Nomination, form: StampUploadForm | None = None
) -> dict[str, Any] | None:
    """The card's context, or ``None`` when the campaign asks for no stamped pages or the entry neither
    needs nor has them. ``form``: the posted form with its errors."""
    requirement = stamps.requirement(nomination.campaign_id, StampScope.ENTRY)
    if requirement is None:
        return None
    page = stamps.entry_pages(nomination)
    if page is None and nomination.state != State.RECOMMENDED:
        return None
    return {
        "requirement": requirement,
        "page": page,
        "decision": stamps.check_entry_upload(nomination, user),
        "form": form or StampUploadForm(),
        "platform_failed": formal.platform_failed(nomination),
        "kinds": stamps.STAMP_KINDS_LABEL,
    }


def summary_card(
    user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, form: StampUploadForm | None = None
) -> dict[str, Any]:
    """The confirmation page's 推荐汇总表 and 签字盖章 section: the requirements, the stamped 汇总表,
    the recommended entries still without stamped pages, the upload form while it may be replaced."""
    required = stamps.requirements(campaign)
    entry_requirement = required.get(StampScope.ENTRY)
    summary_requirement = required.get(StampScope.SUMMARY)
    entries = list(
        stamps.recommended_entries(unit, campaign)
        .filter(pk__in=policy.visible_nominations(user).values("pk"))
        .select_related("campaign")
    )
    stamped = set(
        policy.visible_stamped_pages(user)
        .filter(scope=StampScope.ENTRY, nomination__in=[entry.pk for entry in entries])
        .values_list("nomination_id", flat=True)
    )
    return {
        "entry_requirement": entry_requirement,
        "summary_requirement": summary_requirement,
        "summary_page": stamps.summary_page(unit, campaign),
        "entries_missing": [entry for entry in entries if entry.pk not in stamped] if entry_requirement else [],
        "entries_stamped": len(stamped),
        "entries_total": len(entries),
        "decision": stamps.check_summary_upload(user, unit, campaign),
        "form": form or StampUploadForm(),
        "kinds": stamps.STAMP_KINDS_LABEL,
    }
