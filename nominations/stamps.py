"""签字盖章 (signed and stamped pages): what a campaign requires stamped, the unit's uploads, and what
confirming needs.

* The requirements are campaign data (``stamp_requirements`` in the campaign file, loaded by
  :func:`load_stamp_requirements`; ``StampRequirement`` in the admin): one per scope — per recommended
  entry (推荐表签字盖章页) and per unit (推荐汇总表) — each ``required`` or optional.
* The recommending unit's secretariat uploads each scan (PDF, JPEG or PNG, checked by content and size
  by ``rules.uploads``, its SHA-256 stored): an entry's pages from the entry page while it is 已推荐,
  the 汇总表 from the confirmation page; replaceable until the unit confirms (and afterwards only for an
  entry the platform's 形式审查 returned, until its fix-by time: ``formal.platform_fix_open``). Every
  upload is audited.
* Confirming is refused (:func:`check_complete`, asked by ``confirmation.check_confirm``) until every
  required scan is there and the stamped 汇总表 covers the entries recommended now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kczg_site import clock
from nominations import locks, policy
from nominations.audit import record_event
from nominations.intake import clean_filename
from nominations.models import (
    Campaign,
    Nomination,
    RecommendingUnit,
    StampedPage,
    StampRequirement,
    StampScope,
    State,
)
from nominations.rules import deadlines, uploads
from nominations.rules.decision import ALLOW, Decision, Refused, require

# A scan is a PDF or an image: the upload checks' kinds, without the Office formats.
STAMP_KINDS = (uploads.PDF, uploads.JPEG, uploads.PNG)
STAMP_KINDS_LABEL = "PDF、JPEG、PNG"
STAMP_ACCEPT = ".pdf,.jpg,.jpeg,.png"
# How many missing entries a refusal names (then “等 N 项”).
NAMED_MISSING = 5


class StampRefused(Refused):
    """A refused upload of a signed and stamped scan; ``str(error)`` is the Chinese reason."""


# ---------------------------------------------------------------- the requirements (campaign data)


def load_stamp_requirements(campaign: Campaign, rows: Iterable[dict[str, Any]], **kwargs: object) -> None:
    """Load the ``stamp_requirements`` section of a campaign file (idempotent: one row per scope).

    Each row: ``scope`` (``entry`` or ``summary``), ``label``, optional ``description``, ``required``
    (default true) and ``order``."""
    for order, row in enumerate(rows, start=1):
        scope = row["scope"]
        if scope not in StampScope.values:
            raise ValueError(f"stamp_requirements: scope must be one of {', '.join(StampScope.values)}: {scope!r}")
        StampRequirement.objects.update_or_create(
            campaign=campaign,
            scope=scope,
            defaults={
                "label": row["label"],
                "description": row.get("description", ""),
                "required": bool(row.get("required", True)),
                "order": row.get("order", order),
            },
        )


def requirement(campaign: Campaign | int, scope: str) -> StampRequirement | None:
    campaign_id = campaign if isinstance(campaign, int) else campaign.pk
    return StampRequirement.objects.filter(campaign_id=campaign_id, scope=scope).first()


def requirements(campaign: Campaign) -> dict[str, StampRequirement]:
    """``{scope: requirement}`` of the campaign (one query)."""
    return {row.scope: row for row in StampRequirement.objects.filter(campaign=campaign)}


# ---------------------------------------------------------------- what is there


def entry_pages(nomination: Nomination) -> StampedPage | None:
    return StampedPage.objects.filter(scope=StampScope.ENTRY, nomination=nomination).first()


def summary_page(unit: RecommendingUnit, campaign: Campaign) -> StampedPage | None:
    return StampedPage.objects.filter(scope=StampScope.SUMMARY, recommending_unit=unit, campaign=campaign).first()


def recommended_entries(unit: RecommendingUnit, campaign: Campaign):
    """The unit's own recommendations (not the pioneers'), those a 汇总表 lists and pages are stamped for."""
    return Nomination.objects.filter(
        campaign=campaign, recommending_unit=unit, pioneer=None, state=State.RECOMMENDED
    ).order_by("pk")


def recommended_codes(unit: RecommendingUnit, campaign: Campaign) -> list[str]:
    return [entry.code for entry in recommended_entries(unit, campaign).select_related("campaign")]


def _named(codes: list[str]) -> str:
    named = "、".join(codes[:NAMED_MISSING])
    return named + (f" 等 {len(codes)} 项" if len(codes) > NAMED_MISSING else "")


def check_complete(unit: RecommendingUnit, campaign: Campaign) -> Decision:
    """Are the scans the campaign requires all there for ``unit`` to confirm? The reason names what
    is missing: the stamped 汇总表 (or a new one after the recommendations changed), the entries
    without stamped pages."""
    required = requirements(campaign)
    entries = list(recommended_entries(unit, campaign).select_related("campaign"))
    summary_req = required.get(StampScope.SUMMARY)
    if summary_req is not None and summary_req.required:
        page = summary_page(unit, campaign)
        if page is None:
            return Decision.deny(f"请先上传签字盖章的{summary_req.label}。")
        if sorted(page.covers) != sorted(entry.code for entry in entries):
            return Decision.deny(
                f"上传{summary_req.label}之后推荐结果有变化，请重新下载{summary_req.label}，签字盖章后重新上传。"
            )
    entry_req = required.get(StampScope.ENTRY)
    if entry_req is not None and entry_req.required and entries:
        stamped = set(
            StampedPage.objects.filter(scope=StampScope.ENTRY, nomination__in=[e.pk for e in entries]).values_list(
                "nomination_id", flat=True
            )
        )
        missing = [entry.code for entry in entries if entry.pk not in stamped]
        if missing:
            return Decision.deny(f"以下已推荐的申报尚未上传{entry_req.label}：{_named(missing)}。")
    return ALLOW


# ---------------------------------------------------------------- who may upload, and when


def _confirmed(unit_id: int, campaign_id: int) -> bool:
    # Inside the function: confirmation asks check_complete from here.
    from nominations.confirmation import confirmed_participation

    return confirmed_participation(unit_id, campaign_id) is not None


def check_entry_upload(nomination: Nomination, user: policy.AnyUser, now: datetime | None = None) -> Decision:
    """May ``user`` upload (or replace) the entry's stamped pages now? Its unit's secretariat, while the
    entry is 已推荐 and the campaign asks for them; before the unit confirms (and the platform
    deadline), or afterwards while the platform's 形式审查 gave it a fix-by time."""
    decision = policy.may(user, "upload_stamped_pages", nomination)
    if not decision:
        return decision
    req = requirement(nomination.campaign_id, StampScope.ENTRY)
    if req is None:
        return Decision.deny("本年度不要求上传推荐表签字盖章页。")
    if nomination.state != State.RECOMMENDED:
        return Decision.deny(f"当前状态为“{nomination.get_state_display()}”，只有已推荐的申报需要上传{req.label}。")
    if _confirmed(nomination.recommending_unit_id, nomination.campaign_id):
        from nominations.formal import platform_fix_open

        if platform_fix_open(nomination, now):
            return ALLOW
        return Decision.deny(f"本单位已确认推荐结果，{req.label}不能再更换；如需修改，请联系平台秘书处重新开放。")
    return deadlines.platform_deadline(nomination.campaign, nomination.recommending_unit).check(now)


def check_summary_upload(
    user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, now: datetime | None = None
) -> Decision:
    """May ``user`` upload (or replace) the unit's stamped 汇总表 now? Its secretariat, before confirming
    and the platform deadline, when the campaign asks for one."""
    decision = policy.may(user, "upload_stamped_summary", unit)
    if not decision:
        return decision
    req = requirement(campaign, StampScope.SUMMARY)
    if req is None:
        return Decision.deny("本年度不要求上传推荐汇总表。")
    if _confirmed(unit.pk, campaign.pk):
        return Decision.deny(f"本单位已确认推荐结果，{req.label}不能再更换；如需修改，请联系平台秘书处重新开放。")
    return deadlines.platform_deadline(campaign, unit).check(now)


def check_scan(uploaded: UploadedFile) -> tuple[Decision, uploads.FileKind | None]:
    """The upload checks (size, then content), narrowed to a scan: PDF, JPEG or PNG."""
    decision, kind = uploads.check_upload(uploaded)
    if decision and kind not in STAMP_KINDS:
        return Decision.deny(f"文件“{uploaded.name}”不是扫描件。签字盖章页仅接受 {STAMP_KINDS_LABEL} 文件。"), None
    return decision, kind


# ---------------------------------------------------------------- storing a scan


def _store(
    *,
    user: policy.AnyUser,
    uploaded: UploadedFile,
    campaign: Campaign,
    unit: RecommendingUnit,
    scope: str,
    nomination: Nomination | None,
    label: str,
    covers: list[str] | None = None,
) -> StampedPage:
    decision, kind = check_scan(uploaded)
    require(decision, StampRefused)
    digest = uploads.sha256_of(uploaded)
    name = clean_filename(uploaded.name)
    now = clock.now()
    with transaction.atomic():
        locks.serialize_on(RecommendingUnit, unit.pk)
        if scope == StampScope.ENTRY:
            previous = StampedPage.objects.filter(scope=scope, nomination=nomination).first()
        else:
            previous = StampedPage.objects.filter(scope=scope, recommending_unit=unit, campaign=campaign).first()
        page = StampedPage(
            campaign=campaign,
            scope=scope,
            recommending_unit=unit,
            nomination=nomination,
            original_name=name,
            content_type=kind.content_type,
            size=uploaded.size,
            sha256=digest,
            uploaded_by=user,
            uploaded_at=now,
            covers=covers or [],
        )
        uploaded.seek(0)
        page.file.save(kind.code, uploaded, save=False)
        stored = page.file.name
        storage = page.file.storage
        try:
            if previous is not None:
                old_name = previous.file.name
                previous.delete()
                transaction.on_commit(lambda: storage.delete(old_name))
            page.save()
            verb = "stamp_upload" if scope == StampScope.ENTRY else "summary_upload"
            action = "更换" if previous is not None else "上传"
            note = f"{action}{label}：{name}（{uploads.format_size(page.size)}，SHA-256 {digest}）"
            record_event(verb, user, nomination=nomination, recommending_unit=unit, note=note, at=now)
        except Exception:
            storage.delete(stored)
            raise
    return page


def upload_entry_pages(nomination: Nomination, user: policy.AnyUser, uploaded: UploadedFile) -> StampedPage:
    """Store (or replace) the entry's stamped pages; raise :class:`StampRefused`."""
    require(check_entry_upload(nomination, user), StampRefused)
    req = requirement(nomination.campaign_id, StampScope.ENTRY)
    return _store(
        user=user,
        uploaded=uploaded,
        campaign=nomination.campaign,
        unit=nomination.recommending_unit,
        scope=StampScope.ENTRY,
        nomination=nomination,
        label=req.label,
    )


def upload_summary(
    user: policy.AnyUser, unit: RecommendingUnit, campaign: Campaign, uploaded: UploadedFile
) -> StampedPage:
    """Store (or replace) the unit's stamped 汇总表, noting the entries it covers; raise :class:`StampRefused`."""
    require(check_summary_upload(user, unit, campaign), StampRefused)
    req = requirement(campaign, StampScope.SUMMARY)
    return _store(
        user=user,
        uploaded=uploaded,
        campaign=campaign,
        unit=unit,
        scope=StampScope.SUMMARY,
        nomination=None,
        label=req.label,
        covers=recommended_codes(unit, campaign),
    )
