"""Granting deadline extensions (to a recommending unit or to one member unit), audited.

:func:`check_extension` is the one rule of what an extension may be; :func:`grant_extension` (the
secretariat's page) and the admin's extension form both ask it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.audit import record_event
from nominations.models import Campaign, Extension, ExtensionKind, MemberUnit, RecommendingUnit
from nominations.rules.decision import Decision, Refused, require

KIND_NEEDED = "请选择要延期的截止时间。"
PLATFORM_FOR_RECOMMENDING_UNITS = "平台申报截止只能对推荐单位延期。"


class ExtensionError(Refused):
    """A refused extension; ``str(error)`` is the Chinese reason."""


@dataclass(frozen=True)
class ExtensionDecision(Decision):
    """A :class:`Decision` that also names the form field a refusal is about (``None``: the whole form)."""

    field_name: str | None = None


def original_deadline(campaign: Campaign, kind: str) -> datetime:
    """The campaign's deadline that an extension of ``kind`` moves."""
    return campaign.platform_deadline if kind == ExtensionKind.PLATFORM else campaign.member_deadline


def check_extension(
    campaign: Campaign, *, kind: str | None, until: datetime | None, member_unit: MemberUnit | None = None
) -> ExtensionDecision:
    """May ``campaign``'s deadline ``kind`` be extended to ``until`` (for ``member_unit``, if given)?

    The 平台申报截止 is extended for recommending units only, and the new time must be later than the
    original deadline.
    """
    if kind not in ExtensionKind.values:
        return ExtensionDecision(False, KIND_NEEDED, field_name="kind")
    if kind == ExtensionKind.PLATFORM and member_unit is not None:
        return ExtensionDecision(False, PLATFORM_FOR_RECOMMENDING_UNITS)
    base = original_deadline(campaign, kind)
    if until is None or until <= base:
        return ExtensionDecision(
            False, f"延期时间应晚于原截止时间（北京时间 {format_datetime(base)}）。", field_name="until"
        )
    return ExtensionDecision(True)


def grant_extension(
    user: AbstractBaseUser,
    campaign: Campaign,
    *,
    kind: str,
    until: datetime | None,
    reason: str,
    recommending_unit: RecommendingUnit | None = None,
    member_unit: MemberUnit | None = None,
) -> Extension:
    """Record an extension of one deadline for exactly one unit or member unit."""
    require(policy.may(user, "grant_extension"), ExtensionError)
    require(check_extension(campaign, kind=kind, until=until, member_unit=member_unit), ExtensionError)
    extension = Extension(
        campaign=campaign,
        kind=kind,
        recommending_unit=recommending_unit,
        member_unit=member_unit,
        until=until,
        reason=(reason or "").strip(),
        granted_by=user,
        granted_at=clock.now(),
    )
    try:
        extension.full_clean()
    except ValidationError as exc:
        raise ExtensionError(";".join(exc.messages)) from exc
    with transaction.atomic():
        extension.save()
        who = f"会员单位“{member_unit}”" if member_unit is not None else f"推荐单位“{recommending_unit}”"
        record_event(
            "extension",
            user,
            recommending_unit=recommending_unit or member_unit.recommending_unit,
            note=(
                f"{who}的{extension.get_kind_display()}延期至北京时间 {format_datetime(until)}；"
                f"理由：{extension.reason}"
            ),
        )
    return extension
