"""The official (frozen) version of a recommended entry's form (正式版申报书): freezing, voiding, and the
version in force of an entry.

At the unit's confirmation (``confirmation.confirm`` calls :func:`freeze_unit` inside its transaction)
every entry the unit recommends gets an :class:`~nominations.models.OfficialVersion`: a serial number of
the campaign, a random verification code and the freezing time; after the transaction commits its PDF
is rendered. A failure never undoes the confirmation: the version says 生成失败 with the reason on the
entry page (:func:`unavailable_reason`).

Reopening the unit (``confirmation.reopen`` calls :func:`void_unit`) voids its versions: they stay as
a record, marked 作废, and ``/verify/`` says so; the next confirmation freezes new ones.

Where the rest lives:

* ``nominations.official_numbers``: the serial numbers (a locked counter row) and the codes;
* ``nominations.official_pdf``: rendering the PDFs (the Celery task, its retries) and the PDF ZIP of
  ``export_forms --format pdf``;
* ``nominations.official_verify``: the public ``/verify/`` page's look-ups and its limiter.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from kczg_site import clock
from kczg_site.formats import format_clock_time
from nominations.audit import record_event
from nominations.documents import word
from nominations.models import Campaign, Nomination, OfficialState, OfficialVersion, RecommendingUnit, State
from nominations.models.official import serial_label
from nominations.official_numbers import new_code, take_serials
from nominations.official_pdf import enqueue
from nominations.policy import AnyUser

OFFICIAL_LABEL = "正式版"
PENDING_REASON = "正式版 PDF 正在生成，请稍后刷新本页。"
FAILED_REASON = "正式版 PDF 生成失败，系统将自动重试；如长时间未恢复，请联系平台秘书处。"
WORD_NOTE = "Word 版为非正式版，正式版以带验证码的 PDF 为准。"


# ---------------------------------------------------------------- freezing and voiding


def entries_to_freeze(unit: RecommendingUnit, campaign: Campaign) -> QuerySet[Nomination]:
    """The entries a confirmation freezes: those the unit recommends (not the pioneers' own route)."""
    return Nomination.objects.filter(
        campaign=campaign, recommending_unit=unit, pioneer=None, state=State.RECOMMENDED
    ).order_by("ranking_list__order", "domain__order", "pk")


def freeze_unit(
    user: AnyUser, unit: RecommendingUnit, campaign: Campaign, at: datetime | None = None
) -> list[OfficialVersion]:
    """Freeze the official versions of ``unit``'s recommended entries (inside the confirmation's
    transaction); their PDFs are rendered by the task after the commit."""
    at = at or clock.now()
    entries = list(entries_to_freeze(unit, campaign))
    # A version left over (never, unless a confirmation was undone by hand) does not block a new one.
    void_versions(
        OfficialVersion.objects.filter(nomination__in=entries, voided_at=None), user, "重新确认前未作废的正式版。"
    )
    serials = take_serials(campaign, len(entries))
    frozen_by = user if user is not None and user.is_authenticated else None
    versions = [
        OfficialVersion.objects.create(
            nomination=entry, campaign=campaign, serial=serial, code=new_code(), frozen_at=at, frozen_by=frozen_by
        )
        for entry, serial in zip(entries, serials, strict=True)
    ]
    if versions:
        first, last = serial_label(campaign.year, serials[0]), serial_label(campaign.year, serials[-1])
        span = first if len(versions) == 1 else f"{first} 至 {last}"
        record_event(
            "official_freeze",
            user,
            recommending_unit=unit,
            note=f"生成正式版申报书 {len(versions)} 份（序列号 {span}），定稿时间 {format_clock_time(at)}。",
            at=at,
        )
        enqueue([version.pk for version in versions])
    return versions


def void_versions(versions: QuerySet[OfficialVersion], user: AnyUser, reason: str) -> int:
    """Mark ``versions`` 作废 (kept as a record); returns how many."""
    voided_by = user if user is not None and user.is_authenticated else None
    return versions.filter(voided_at=None).update(voided_at=clock.now(), voided_by=voided_by, void_reason=reason)


def void_unit(user: AnyUser, unit: RecommendingUnit, campaign: Campaign, reason: str = "") -> int:
    """Void the current official versions of ``unit``'s entries (at reopening, inside its transaction)."""
    current = OfficialVersion.objects.filter(
        campaign=campaign, nomination__recommending_unit=unit, nomination__pioneer=None, voided_at=None
    )
    count = void_versions(current, user, f"推荐单位重新开放：{reason}" if reason else "推荐单位重新开放。")
    if count:
        record_event(
            "official_void", user, recommending_unit=unit, note=f"作废正式版申报书 {count} 份（推荐单位重新开放）。"
        )
    return count


# ---------------------------------------------------------------- the entry's PDF


CURRENT = "current_official_versions"


def with_current_versions(qs: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """``qs`` with each entry's version in force loaded in one query (for :func:`current_version`)."""
    versions = OfficialVersion.objects.filter(voided_at=None).select_related("campaign")
    return qs.prefetch_related(Prefetch("official_versions", queryset=versions, to_attr=CURRENT))


def current_version(nomination: Nomination) -> OfficialVersion | None:
    """The entry's official version in force (not voided), if it has one; no query for an entry not
    recommended, nor for one loaded through :func:`with_current_versions`."""
    if nomination.state not in State.recommended():
        return None
    if hasattr(nomination, CURRENT):
        loaded = getattr(nomination, CURRENT)
        return loaded[0] if loaded else None
    return nomination.official_versions.filter(voided_at=None).select_related("campaign").first()


def unavailable_reason(version: OfficialVersion) -> str:
    """Why the official PDF cannot be downloaded yet ("" when it can)."""
    if version.is_ready:
        return ""
    return FAILED_REASON if version.state == OfficialState.FAILED else PENDING_REASON


def file_name(version: OfficialVersion) -> str:
    nomination = version.nomination
    title = word.safe_name(nomination.title)
    return f"{version.campaign.year}年申报样表_{title}_{nomination.pk:06d}_{OFFICIAL_LABEL}.pdf"
