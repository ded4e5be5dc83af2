"""The membership services: invite one unit or person, apply a previewed import, deactivate.

Who may is the policy's (``manage_member_units`` for a recommending unit's members,
``manage_recommending_units`` and ``manage_pioneers`` for the platform secretariat); a refusal
raises :class:`MembershipError`. Every invitation, import and deactivation is audited.
"""

from __future__ import annotations

from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from nominations import policy
from nominations.audit import record_event
from nominations.membership.rows import (
    MEMBER_COLUMNS,
    PIONEER_COLUMNS,
    UNIT_COLUMNS,
    channel_names,
    channels_by_name,
    new_seen,
    validate_member_row,
    validate_pioneer_row,
    validate_unit_row,
)
from nominations.membership.sheets import (
    ImportPreview,
    ImportRefused,
    MembershipError,
    RowCheck,
    build_preview,
    load_payload,
    read_sheet,
)
from nominations.models import Campaign, MemberUnit, Participation, Pioneer, Profile, RecommendingUnit, Role
from nominations.notifications import queue_invitation
from nominations.rules.decision import require

# ---------------------------------------------------------------- users


def _username_for(email: str) -> str:
    User = get_user_model()
    base = email.strip().lower()[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def create_invited_user(role: str, email: str, display_name: str = "", phone: str = "", **profile_fields: Any) -> User:
    """A user who sets a password through the invitation link (unusable password until then)."""
    User = get_user_model()
    user = User(username=_username_for(email), email=email.strip(), first_name=display_name[:150])
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, role=role, display_name=display_name[:50], phone=phone[:50], **profile_fields)
    queue_invitation(user.pk)
    return user


def _deactivate_users(profiles: QuerySet[Profile]) -> None:
    get_user_model().objects.filter(pk__in=profiles.values("user_id")).update(is_active=False)


def _cleaned(values: dict[str, Any], columns: tuple[str, ...], validate: RowCheck) -> dict[str, str]:
    """One invitation's values (the sheet's columns), refused with every problem of the row."""
    values = {column: (values.get(column) or "").strip() for column in columns}
    errors = validate(values, 1, new_seen())
    if errors:
        raise MembershipError(" ".join(errors), problems=errors)
    return values


def _apply(kind: str, columns: tuple[str, ...], payload: str, validate: RowCheck) -> ImportPreview:
    """The signed rows checked again (inside the caller's transaction): all fine, or :class:`ImportRefused`."""
    preview = build_preview(kind, columns, load_payload(payload, kind), [], validate)
    if not preview.ok:
        raise ImportRefused(preview)
    return preview


# ---------------------------------------------------------------- member units (secretariat)


def _member_check(unit: RecommendingUnit) -> RowCheck:
    return lambda values, number, seen: validate_member_row(unit, values, number, seen)


def _create_member(unit: RecommendingUnit, values: dict[str, str]) -> MemberUnit:
    member = MemberUnit.objects.create(
        recommending_unit=unit,
        name=values["单位名称"],
        credit_code=values.get("统一社会信用代码", ""),
        contact_name=values.get("联系人", "")[:50],
        contact_phone=values.get("联系电话", "")[:50],
        contact_email=values["联系邮箱"],
    )
    create_invited_user(
        Role.MEMBER,
        values["联系邮箱"],
        display_name=values.get("联系人", ""),
        phone=values.get("联系电话", ""),
        member_unit=member,
    )
    return member


def invite_member_unit(user: User, unit: RecommendingUnit, values: dict[str, Any]) -> MemberUnit:
    """Create one member unit and its user, and mail the invitation; ``values`` use the sheet's columns."""
    require(policy.may(user, "manage_member_units", unit), MembershipError)
    values = _cleaned(values, MEMBER_COLUMNS, _member_check(unit))
    with transaction.atomic():
        member = _create_member(unit, values)
        record_event(
            "invite", user, recommending_unit=unit, note=f"邀请会员单位“{member.name}”（{values['联系邮箱']}）。"
        )
    return member


def preview_member_import(unit: RecommendingUnit, file: IO[bytes]) -> ImportPreview:
    rows, errors = read_sheet(file, MEMBER_COLUMNS)
    return build_preview("member", MEMBER_COLUMNS, rows, errors, _member_check(unit))


def apply_member_import(user: User, unit: RecommendingUnit, payload: str) -> list[MemberUnit]:
    """Create every previewed member unit, or none (raises :class:`ImportRefused`)."""
    require(policy.may(user, "manage_member_units", unit), MembershipError)
    with transaction.atomic():
        preview = _apply("member", MEMBER_COLUMNS, payload, _member_check(unit))
        members = [_create_member(unit, row.values) for row in preview.rows]
        record_event(
            "import",
            user,
            recommending_unit=unit,
            note=f"从 Excel 导入会员单位 {len(members)} 家：{'、'.join(m.name for m in members)}。",
        )
    return members


def deactivate_member_unit(user: User, member: MemberUnit) -> MemberUnit:
    require(policy.may(user, "manage_member_units", member.recommending_unit), MembershipError)
    with transaction.atomic():
        member.is_active = False
        member.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(member_unit=member))
        record_event(
            "deactivate", user, recommending_unit=member.recommending_unit, note=f"停用会员单位“{member.name}”。"
        )
    return member


# ---------------------------------------------------------------- recommending units (platform)


def _unit_check(campaign: Campaign) -> RowCheck:
    return lambda values, number, seen: validate_unit_row(campaign, values, number, seen)


def _create_unit(campaign: Campaign, values: dict[str, str]) -> RecommendingUnit:
    known = channels_by_name(campaign)
    unit = RecommendingUnit.objects.create(
        name=values["单位名称"],
        contact_name=values.get("联系人", "")[:50],
        contact_phones=values.get("联系电话", "")[:200],
        contact_email=values["联系邮箱"],
    )
    unit.channels.set({known[name].pk for name in channel_names(values)})
    Participation.objects.get_or_create(campaign=campaign, unit=unit)
    create_invited_user(
        Role.SECRETARIAT,
        values["联系邮箱"],
        display_name=values.get("联系人", ""),
        phone=values.get("联系电话", ""),
        recommending_unit=unit,
    )
    return unit


def invite_recommending_unit(user: User, campaign: Campaign, values: dict[str, Any]) -> RecommendingUnit:
    require(policy.may(user, "manage_recommending_units"), MembershipError)
    values = _cleaned(values, UNIT_COLUMNS, _unit_check(campaign))
    with transaction.atomic():
        unit = _create_unit(campaign, values)
        record_event(
            "invite",
            user,
            recommending_unit=unit,
            note=f"邀请推荐单位“{unit.name}”，推荐渠道：{values['推荐渠道']}；联系邮箱 {values['联系邮箱']}。",
        )
    return unit


def preview_unit_import(campaign: Campaign, file: IO[bytes]) -> ImportPreview:
    rows, errors = read_sheet(file, UNIT_COLUMNS)
    return build_preview("unit", UNIT_COLUMNS, rows, errors, _unit_check(campaign))


def apply_unit_import(user: User, campaign: Campaign, payload: str) -> list[RecommendingUnit]:
    require(policy.may(user, "manage_recommending_units"), MembershipError)
    with transaction.atomic():
        preview = _apply("unit", UNIT_COLUMNS, payload, _unit_check(campaign))
        units = [_create_unit(campaign, row.values) for row in preview.rows]
        for unit in units:
            record_event("import", user, recommending_unit=unit, note=f"从 Excel 导入推荐单位“{unit.name}”。")
    return units


def deactivate_recommending_unit(user: User, unit: RecommendingUnit) -> RecommendingUnit:
    require(policy.may(user, "manage_recommending_units"), MembershipError)
    with transaction.atomic():
        unit.is_active = False
        unit.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(recommending_unit=unit))
        record_event("deactivate", user, recommending_unit=unit, note=f"停用推荐单位“{unit.name}”。")
    return unit


# ---------------------------------------------------------------- 2022 pioneers (platform)


def _pioneer_check(campaign: Campaign) -> RowCheck:
    return lambda values, number, seen: validate_pioneer_row(campaign, values, number, seen)


def _create_pioneer(campaign: Campaign, values: dict[str, str]) -> Pioneer:
    pioneer = Pioneer.objects.create(
        campaign=campaign,
        name=values["姓名"],
        organization=values.get("工作单位", "")[:200],
        listed_year=int(values.get("入选年度") or campaign.year - 1),
    )
    create_invited_user(Role.PIONEER, values["联系邮箱"], display_name=values["姓名"], pioneer=pioneer)
    return pioneer


def invite_pioneer(user: User, campaign: Campaign, values: dict[str, Any]) -> Pioneer:
    require(policy.may(user, "manage_pioneers"), MembershipError)
    values = _cleaned(values, PIONEER_COLUMNS, _pioneer_check(campaign))
    with transaction.atomic():
        pioneer = _create_pioneer(campaign, values)
        record_event(
            "invite", user, note=f"邀请{pioneer.listed_year}年先锋人物“{pioneer.name}”（{values['联系邮箱']}）。"
        )
    return pioneer


def preview_pioneer_import(campaign: Campaign, file: IO[bytes]) -> ImportPreview:
    rows, errors = read_sheet(file, PIONEER_COLUMNS)
    return build_preview("pioneer", PIONEER_COLUMNS, rows, errors, _pioneer_check(campaign))


def apply_pioneer_import(user: User, campaign: Campaign, payload: str) -> list[Pioneer]:
    require(policy.may(user, "manage_pioneers"), MembershipError)
    with transaction.atomic():
        preview = _apply("pioneer", PIONEER_COLUMNS, payload, _pioneer_check(campaign))
        pioneers = [_create_pioneer(campaign, row.values) for row in preview.rows]
        record_event(
            "import", user, note=f"从 Excel 导入先锋人物 {len(pioneers)} 位：{'、'.join(p.name for p in pioneers)}。"
        )
    return pioneers


def deactivate_pioneer(user: User, pioneer: Pioneer) -> Pioneer:
    require(policy.may(user, "manage_pioneers"), MembershipError)
    with transaction.atomic():
        pioneer.is_active = False
        pioneer.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(pioneer=pioneer))
        record_event("deactivate", user, note=f"停用先锋人物“{pioneer.name}”。")
    return pioneer
