"""Granting deadline extensions (to a recommending unit or to one member unit), audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.audit import record_event
from nominations.models import Extension, ExtensionKind
from nominations.rules.decision import Refused


class ExtensionError(Refused):
    """A refused extension; ``str(error)`` is the Chinese reason."""


def grant_extension(user, campaign, *, kind, until, reason, recommending_unit=None, member_unit=None):
    """Record an extension of one deadline for exactly one unit or member unit."""
    decision = policy.may(user, "grant_extension")
    if not decision:
        raise ExtensionError(decision.reason)
    if kind not in ExtensionKind.values:
        raise ExtensionError("请选择要延期的截止时间。")
    if kind == ExtensionKind.PLATFORM and member_unit is not None:
        raise ExtensionError("平台申报截止只能对推荐单位延期。")
    base = campaign.platform_deadline if kind == ExtensionKind.PLATFORM else campaign.member_deadline
    if until is None or until <= base:
        raise ExtensionError(f"延期时间应晚于原截止时间(北京时间 {format_datetime(base)})。")
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
                f"{who}的{extension.get_kind_display()}延期至北京时间 {format_datetime(until)};理由:{extension.reason}"
            ),
        )
    return extension
