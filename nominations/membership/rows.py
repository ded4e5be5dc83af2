"""The rows of an invitation or an import: the columns of each sheet and the check of one row.

A row is checked against the database (no second unit of the same name, no e-mail address that
already has an account) and against the rows before it in the same sheet (``seen``).
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from nominations.models import Campaign, Channel, MemberUnit, Pioneer, RecommendingUnit
from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.phones import phone_error

MEMBER_COLUMNS = ("单位名称", "统一社会信用代码", "联系人", "联系电话", "联系邮箱")
UNIT_COLUMNS = ("单位名称", "推荐渠道", "联系人", "联系电话", "联系邮箱")
PIONEER_COLUMNS = ("姓名", "工作单位", "入选年度", "联系邮箱")

_CHANNEL_SPLIT = re.compile(r"[;；\n]+")

# What the rows before this one used: {"names": {name: row}, "codes": {code: row}, "emails": {email: row}}.
Seen = dict[str, dict]


def new_seen() -> Seen:
    return {"names": {}, "codes": {}, "emails": {}}


def _email_taken(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()


def _check_email(email: str, errors: list[str], seen_emails: dict[str, int], row_number: int) -> None:
    if not email:
        errors.append("缺少联系邮箱（用于发送设置密码的链接）。")
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.append(f"联系邮箱格式不正确：{email}。")
        return
    key = email.lower()
    if key in seen_emails:
        errors.append(f"联系邮箱与第 {seen_emails[key]} 行重复。")
    elif _email_taken(email):
        errors.append(f"联系邮箱 {email} 已有账号。")
    else:
        seen_emails[key] = row_number


def _check_phone(phone: str, errors: list[str]) -> None:
    error = phone_error(phone)
    if error:
        errors.append(error)


def validate_member_row(unit: RecommendingUnit, values: dict[str, str], number: int, seen: Seen) -> list[str]:
    errors: list[str] = []
    name = values.get("单位名称", "")
    code = normalize_credit_code(values.get("统一社会信用代码", ""))
    values["统一社会信用代码"] = code
    if not name:
        errors.append("缺少单位名称。")
    else:
        if name in seen["names"]:
            errors.append(f"单位名称与第 {seen['names'][name]} 行重复。")
        elif MemberUnit.objects.filter(recommending_unit=unit, name=name).exists():
            errors.append(f"会员单位“{name}”已存在。")
        else:
            seen["names"][name] = number
    if code:
        problem = credit_code_error(code)
        if problem:
            errors.append(problem)
        elif code in seen["codes"]:
            errors.append(f"统一社会信用代码与第 {seen['codes'][code]} 行重复。")
        elif MemberUnit.objects.filter(recommending_unit=unit, credit_code=code).exists():
            errors.append(f"统一社会信用代码 {code} 已属于本单位的其他会员单位。")
        else:
            seen["codes"][code] = number
    _check_phone(values.get("联系电话", ""), errors)
    _check_email(values.get("联系邮箱", ""), errors, seen["emails"], number)
    return errors


def channels_by_name(campaign: Campaign) -> dict[str, Channel]:
    """The campaign's channels a recommending unit may be in, by name and by code."""
    channels = {}
    for channel in Channel.objects.filter(campaign=campaign, is_pioneer_route=False):
        channels[channel.name] = channel
        channels[channel.code] = channel
    return channels


def channel_names(values: dict[str, str]) -> list[str]:
    """The channels of a row's 推荐渠道 cell (separated by semicolons or line breaks)."""
    return [part.strip() for part in _CHANNEL_SPLIT.split(values.get("推荐渠道", "")) if part.strip()]


def validate_unit_row(campaign: Campaign, values: dict[str, str], number: int, seen: Seen) -> list[str]:
    errors: list[str] = []
    name = values.get("单位名称", "")
    if not name:
        errors.append("缺少单位名称。")
    elif name in seen["names"]:
        errors.append(f"单位名称与第 {seen['names'][name]} 行重复。")
    elif RecommendingUnit.objects.filter(name=name).exists():
        errors.append(f"推荐单位“{name}”已存在。")
    else:
        seen["names"][name] = number
    known = channels_by_name(campaign)
    names = channel_names(values)
    if not names:
        errors.append("缺少推荐渠道（多个渠道用分号分隔）。")
    unknown = [part for part in names if part not in known]
    if unknown:
        errors.append(f"未知的推荐渠道：{'、'.join(unknown)}。")
    _check_phone(values.get("联系电话", ""), errors)
    _check_email(values.get("联系邮箱", ""), errors, seen["emails"], number)
    return errors


def validate_pioneer_row(campaign: Campaign, values: dict[str, str], number: int, seen: Seen) -> list[str]:
    errors: list[str] = []
    name = values.get("姓名", "")
    if not name:
        errors.append("缺少姓名。")
    else:
        key = (name, values.get("工作单位", ""))
        if key in seen["names"]:
            errors.append(f"与第 {seen['names'][key]} 行重复。")
        elif Pioneer.objects.filter(campaign=campaign, name=name, organization=values.get("工作单位", "")).exists():
            errors.append(f"先锋人物“{name}”已存在。")
        else:
            seen["names"][key] = number
    year = values.get("入选年度", "") or str(campaign.year - 1)
    values["入选年度"] = year
    if not year.isdigit() or not 2000 <= int(year) < campaign.year:
        errors.append(f"入选年度应为 {campaign.year} 年以前的年份。")
    _check_email(values.get("联系邮箱", ""), errors, seen["emails"], number)
    return errors
