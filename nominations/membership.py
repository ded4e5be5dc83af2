"""Managing who takes part: invitations, Excel imports and deactivation.

* A recommending unit's secretariat invites its member units (单位会员): a MemberUnit and a user with
  role member and an unusable password; the mail carries a one-time link to set a password (Django's
  password-reset confirm view with ``default_token_generator``).
* Imports read an Excel sheet, preview every row with its messages, and create all rows or none.
  Between preview and apply the rows travel signed (``django.core.signing``), never trusted blindly:
  they are validated again when applied.
* The platform secretariat does the same for recommending units (with their channels) and for 2022
  pioneers. Every invitation, import and deactivation is audited.
"""

import re
from dataclasses import dataclass, field

import openpyxl
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from nominations import policy
from nominations.audit import record_event
from nominations.models import Channel, MemberUnit, Participation, Pioneer, Profile, RecommendingUnit, Role
from nominations.notifications import queue_invitation
from nominations.rules import uploads
from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.decision import Refused
from nominations.rules.phones import phone_error

MEMBER_COLUMNS = ("单位名称", "统一社会信用代码", "联系人", "联系电话", "联系邮箱")
UNIT_COLUMNS = ("单位名称", "推荐渠道", "联系人", "联系电话", "联系邮箱")
PIONEER_COLUMNS = ("姓名", "工作单位", "入选年度", "联系邮箱")

_CHANNEL_SPLIT = re.compile(r"[;;\n]+")
_SIGNING_SALT = "nominations.membership.import"
_PREVIEW_MAX_AGE = 3600


class MembershipError(Refused):
    """A refused invitation, import or deactivation; ``str(error)`` is the Chinese reason."""


@dataclass
class ImportRow:
    number: int
    values: dict
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


@dataclass
class ImportPreview:
    kind: str
    columns: tuple
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def bad_rows(self):
        return [row for row in self.rows if not row.ok]

    def payload(self):
        return signing.dumps(
            {"kind": self.kind, "rows": [[row.number, row.values] for row in self.rows]}, salt=_SIGNING_SALT
        )


# ---------------------------------------------------------------- users


def _email_taken(email):
    return get_user_model().objects.filter(email__iexact=email).exists()


def _username_for(email):
    User = get_user_model()
    base = email.strip().lower()[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def create_invited_user(role, email, display_name="", phone="", **profile_fields):
    """A user who sets a password through the invitation link (unusable password until then)."""
    User = get_user_model()
    user = User(username=_username_for(email), email=email.strip(), first_name=display_name[:150])
    user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, role=role, display_name=display_name[:50], phone=phone[:50], **profile_fields)
    queue_invitation(user.pk)
    return user


def _deactivate_users(profiles):
    User = get_user_model()
    User.objects.filter(pk__in=profiles.values("user_id")).update(is_active=False)


# ---------------------------------------------------------------- validation of one row


def _check_email(email, errors, seen_emails, row_numbers):
    if not email:
        errors.append("缺少联系邮箱(用于发送设置密码的链接)。")
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.append(f"联系邮箱格式不正确:{email}。")
        return
    key = email.lower()
    if key in seen_emails:
        errors.append(f"联系邮箱与第 {seen_emails[key]} 行重复。")
    elif _email_taken(email):
        errors.append(f"联系邮箱 {email} 已有账号。")
    else:
        seen_emails[key] = row_numbers


def _check_phone(phone, errors):
    error = phone_error(phone)
    if error:
        errors.append(error)


def validate_member_row(unit, values, number, seen):
    errors = []
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


def _channels_by_name(campaign):
    channels = {}
    for channel in Channel.objects.filter(campaign=campaign, is_pioneer_route=False):
        channels[channel.name] = channel
        channels[channel.code] = channel
    return channels


def validate_unit_row(campaign, values, number, seen):
    errors = []
    name = values.get("单位名称", "")
    if not name:
        errors.append("缺少单位名称。")
    elif name in seen["names"]:
        errors.append(f"单位名称与第 {seen['names'][name]} 行重复。")
    elif RecommendingUnit.objects.filter(name=name).exists():
        errors.append(f"推荐单位“{name}”已存在。")
    else:
        seen["names"][name] = number
    known = _channels_by_name(campaign)
    names = [part.strip() for part in _CHANNEL_SPLIT.split(values.get("推荐渠道", "")) if part.strip()]
    if not names:
        errors.append("缺少推荐渠道(多个渠道用分号分隔)。")
    unknown = [part for part in names if part not in known]
    if unknown:
        errors.append(f"未知的推荐渠道:{'、'.join(unknown)}。")
    _check_phone(values.get("联系电话", ""), errors)
    _check_email(values.get("联系邮箱", ""), errors, seen["emails"], number)
    return errors


def validate_pioneer_row(campaign, values, number, seen):
    errors = []
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


def _new_seen():
    return {"names": {}, "codes": {}, "emails": {}}


# ---------------------------------------------------------------- reading Excel


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(file, columns):
    """``(rows, errors)``: rows as ``(row number, {column: text})`` from the first sheet."""
    # openpyxl inflates whatever the ZIP holds: nothing reaches it unchecked (rules/uploads.py).
    decision = uploads.check_workbook(file)
    if not decision:
        return [], [decision.reason]
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception:
        return [], [uploads.WORKBOOK_UNREADABLE]
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            return [], ["表格是空的。"]
        names = [_cell_text(cell) for cell in header]
        missing = [column for column in columns if column not in names]
        if missing:
            return [], [f"缺少列:{'、'.join(missing)}(第一行应为列名:{'、'.join(columns)})。"]
        index = {column: names.index(column) for column in columns}
        rows = []
        for number, line in enumerate(lines, start=2):
            cells = list(line) + [None] * len(names)
            values = {column: _cell_text(cells[i]) for column, i in index.items()}
            if any(values.values()):
                rows.append((number, values))
        if not rows:
            return [], ["表格中没有数据行。"]
        if len(rows) > 1000:
            return [], ["一次最多导入 1000 行,请分批导入。"]
        return rows, []
    finally:
        workbook.close()


def _preview(kind, columns, rows, errors, validate):
    preview = ImportPreview(kind=kind, columns=columns, errors=list(errors))
    seen = _new_seen()
    for number, values in rows:
        preview.rows.append(ImportRow(number, values, validate(values, number, seen)))
    return preview


def _load_payload(payload, kind):
    try:
        data = signing.loads(payload, salt=_SIGNING_SALT, max_age=_PREVIEW_MAX_AGE)
    except signing.BadSignature as exc:
        raise MembershipError("预览已过期或无效,请重新上传文件。") from exc
    if data.get("kind") != kind:
        raise MembershipError("预览与导入类型不符,请重新上传文件。")
    return [(int(number), dict(values)) for number, values in data["rows"]]


class ImportRefused(MembershipError):
    """An import refused as a whole; ``detail`` is the preview with each row's problems."""

    def __init__(self, preview):
        super().__init__(detail=preview, decision=f"有 {len(preview.bad_rows)} 行存在问题,本次未导入任何数据。")

    @property
    def preview(self):
        return self.detail


# ---------------------------------------------------------------- member units (secretariat)


def _require_secretariat_of(user, unit):
    profile = policy.profile_of(user)
    if policy.role_of(user) == Role.SECRETARIAT and profile and profile.recommending_unit_id == unit.pk:
        return
    if policy.role_of(user) in (Role.PLATFORM, Role.ADMIN):
        return
    raise MembershipError("只有本推荐单位的秘书处可以管理会员单位。")


def _create_member(unit, values):
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


def invite_member_unit(user, unit, values):
    """Create one member unit and its user, and mail the invitation; ``values`` use the sheet's columns."""
    _require_secretariat_of(user, unit)
    values = {column: (values.get(column) or "").strip() for column in MEMBER_COLUMNS}
    errors = validate_member_row(unit, values, 1, _new_seen())
    if errors:
        raise MembershipError(" ".join(errors))
    with transaction.atomic():
        member = _create_member(unit, values)
        record_event(
            "invite", user, recommending_unit=unit, note=f"邀请会员单位“{member.name}”({values['联系邮箱']})。"
        )
    return member


def preview_member_import(unit, file):
    rows, errors = read_sheet(file, MEMBER_COLUMNS)
    return _preview("member", MEMBER_COLUMNS, rows, errors, lambda v, n, s: validate_member_row(unit, v, n, s))


def apply_member_import(user, unit, payload):
    """Create every previewed member unit, or none (raises :class:`ImportRefused`)."""
    _require_secretariat_of(user, unit)
    rows = _load_payload(payload, "member")
    with transaction.atomic():
        preview = _preview("member", MEMBER_COLUMNS, rows, [], lambda v, n, s: validate_member_row(unit, v, n, s))
        if not preview.ok:
            raise ImportRefused(preview)
        members = [_create_member(unit, row.values) for row in preview.rows]
        record_event(
            "import",
            user,
            recommending_unit=unit,
            note=f"从 Excel 导入会员单位 {len(members)} 家:{'、'.join(m.name for m in members)}。",
        )
    return members


def deactivate_member_unit(user, member):
    _require_secretariat_of(user, member.recommending_unit)
    with transaction.atomic():
        member.is_active = False
        member.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(member_unit=member))
        record_event(
            "deactivate", user, recommending_unit=member.recommending_unit, note=f"停用会员单位“{member.name}”。"
        )
    return member


# ---------------------------------------------------------------- recommending units and pioneers (platform)


def _require_platform(user):
    if policy.role_of(user) not in (Role.PLATFORM, Role.ADMIN):
        raise MembershipError("只有平台秘书处可以进行此操作。")


def _create_unit(campaign, values):
    known = _channels_by_name(campaign)
    names = [part.strip() for part in _CHANNEL_SPLIT.split(values.get("推荐渠道", "")) if part.strip()]
    unit = RecommendingUnit.objects.create(
        name=values["单位名称"],
        contact_name=values.get("联系人", "")[:50],
        contact_phones=values.get("联系电话", "")[:200],
        contact_email=values["联系邮箱"],
    )
    unit.channels.set({known[name].pk for name in names})
    Participation.objects.get_or_create(campaign=campaign, unit=unit)
    create_invited_user(
        Role.SECRETARIAT,
        values["联系邮箱"],
        display_name=values.get("联系人", ""),
        phone=values.get("联系电话", ""),
        recommending_unit=unit,
    )
    return unit


def invite_recommending_unit(user, campaign, values):
    _require_platform(user)
    values = {column: (values.get(column) or "").strip() for column in UNIT_COLUMNS}
    errors = validate_unit_row(campaign, values, 1, _new_seen())
    if errors:
        raise MembershipError(" ".join(errors))
    with transaction.atomic():
        unit = _create_unit(campaign, values)
        record_event(
            "invite",
            user,
            recommending_unit=unit,
            note=f"邀请推荐单位“{unit.name}”,推荐渠道:{values['推荐渠道']};联系邮箱 {values['联系邮箱']}。",
        )
    return unit


def preview_unit_import(campaign, file):
    rows, errors = read_sheet(file, UNIT_COLUMNS)
    return _preview("unit", UNIT_COLUMNS, rows, errors, lambda v, n, s: validate_unit_row(campaign, v, n, s))


def apply_unit_import(user, campaign, payload):
    _require_platform(user)
    rows = _load_payload(payload, "unit")
    with transaction.atomic():
        preview = _preview("unit", UNIT_COLUMNS, rows, [], lambda v, n, s: validate_unit_row(campaign, v, n, s))
        if not preview.ok:
            raise ImportRefused(preview)
        units = [_create_unit(campaign, row.values) for row in preview.rows]
        for unit in units:
            record_event("import", user, recommending_unit=unit, note=f"从 Excel 导入推荐单位“{unit.name}”。")
    return units


def deactivate_recommending_unit(user, unit):
    _require_platform(user)
    with transaction.atomic():
        unit.is_active = False
        unit.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(recommending_unit=unit))
        record_event("deactivate", user, recommending_unit=unit, note=f"停用推荐单位“{unit.name}”。")
    return unit


def _create_pioneer(campaign, values):
    pioneer = Pioneer.objects.create(
        campaign=campaign,
        name=values["姓名"],
        organization=values.get("工作单位", "")[:200],
        listed_year=int(values.get("入选年度") or campaign.year - 1),
    )
    create_invited_user(Role.PIONEER, values["联系邮箱"], display_name=values["姓名"], pioneer=pioneer)
    return pioneer


def invite_pioneer(user, campaign, values):
    _require_platform(user)
    values = {column: (values.get(column) or "").strip() for column in PIONEER_COLUMNS}
    errors = validate_pioneer_row(campaign, values, 1, _new_seen())
    if errors:
        raise MembershipError(" ".join(errors))
    with transaction.atomic():
        pioneer = _create_pioneer(campaign, values)
        record_event(
            "invite", user, note=f"邀请{pioneer.listed_year}年先锋人物“{pioneer.name}”({values['联系邮箱']})。"
        )
    return pioneer


def preview_pioneer_import(campaign, file):
    rows, errors = read_sheet(file, PIONEER_COLUMNS)
    return _preview("pioneer", PIONEER_COLUMNS, rows, errors, lambda v, n, s: validate_pioneer_row(campaign, v, n, s))


def apply_pioneer_import(user, campaign, payload):
    _require_platform(user)
    rows = _load_payload(payload, "pioneer")
    with transaction.atomic():
        preview = _preview(
            "pioneer", PIONEER_COLUMNS, rows, [], lambda v, n, s: validate_pioneer_row(campaign, v, n, s)
        )
        if not preview.ok:
            raise ImportRefused(preview)
        pioneers = [_create_pioneer(campaign, row.values) for row in preview.rows]
        record_event(
            "import", user, note=f"从 Excel 导入先锋人物 {len(pioneers)} 位:{'、'.join(p.name for p in pioneers)}。"
        )
    return pioneers


def deactivate_pioneer(user, pioneer):
    _require_platform(user)
    with transaction.atomic():
        pioneer.is_active = False
        pioneer.save(update_fields=["is_active"])
        _deactivate_users(Profile.objects.filter(pioneer=pioneer))
        record_event("deactivate", user, note=f"停用先锋人物“{pioneer.name}”。")
    return pioneer
