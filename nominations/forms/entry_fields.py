"""The Django form field of each kind of a definition's field, with its Chinese messages, and the
stored form of a cleaned value.

Draft and complete mode differ only in ``required``; every other check (a phone number, an e-mail, a
credit code, a date, a month, a number, a long text within its limit) applies to every value given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError

from kczg_site import clock
from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.phones import PHONE_MESSAGE, is_valid_phone, normalize_phone
from nominations.rules.text import count_chars, over_limit_message

from . import widgets
from .kinds import Kind

if TYPE_CHECKING:  # types.py imports the builder, which imports this module
    from nominations.models import RankingList

    from .types import Field

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _nfkc(value: str | None) -> str:
    return unicodedata.normalize("NFKC", value or "").strip()


class PhoneField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return normalize_phone(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not is_valid_phone(value):
            raise ValidationError(PHONE_MESSAGE, code="invalid")


class CreditCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return normalize_credit_code(super().to_python(value))

    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            error = credit_code_error(value)
            if error:
                raise ValidationError(error, code="invalid")


class MonthField(forms.CharField):
    """A year and month, stored as ``YYYY-MM``; accepts 1985-06, 1985/6, 1985.06 and 1985年6月."""

    def to_python(self, value: Any) -> str:
        text = _nfkc(super().to_python(value))
        if not text:
            return ""
        match = MONTH.match(text)
        if not match:
            raise ValidationError("请按“年-月”填写，如 1985-06。", code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError("月份应在 1–12 之间。", code="invalid")
        today = clock.localnow().date()
        if year < 1900 or (year, month) > (today.year, today.month):
            raise ValidationError("请填写有效的年月，且不晚于当前月份。", code="invalid")
        return f"{year:04d}-{month:02d}"


class MaxCharsValidator:
    def __init__(self, label: str, limit: int) -> None:
        self.label = label
        self.limit = limit

    def __call__(self, value: str) -> None:
        count = count_chars(value)
        if count > self.limit:
            raise ValidationError(over_limit_message(self.label, self.limit, count), code="max_chars")


def _not_in_future(label: str) -> Callable[[date | None], None]:
    def check(value: date | None) -> None:
        if value and value > clock.localnow().date():
            raise ValidationError(f"{label}不能晚于今天。", code="future")

    return check


def make_field(spec: Field, *, complete: bool, ranking_list: RankingList | None = None) -> forms.Field:
    """The Django form field for one :class:`~nominations.forms.types.Field`."""
    required = bool(complete and spec.required)
    label = spec.label
    choose = spec.kind in (Kind.CHOICE, Kind.DOMAIN)
    messages = {"required": f"请{'选择' if choose else '填写'}{label}。"}
    common = {"label": label, "required": required, "help_text": spec.help_text, "error_messages": messages}
    attrs = {"class": "form-control"}
    if spec.placeholder:
        attrs["placeholder"] = spec.placeholder

    kind = spec.kind
    if kind == Kind.TEXT:
        messages["max_length"] = f"{label}不超过 {spec.max_length} 个字符。"
        return forms.CharField(max_length=spec.max_length, widget=widgets.TextInput(attrs=attrs), **common)
    if kind == Kind.LONGTEXT:
        attrs.update({"rows": 6, "data-max-chars": spec.max_chars or "", "data-counter": "1"})
        validators = [MaxCharsValidator(label, spec.max_chars)] if spec.max_chars else []
        return forms.CharField(widget=widgets.Textarea(attrs=attrs), validators=validators, **common)
    if kind in (Kind.CHOICE, Kind.DOMAIN):
        if kind == Kind.DOMAIN and ranking_list is not None:
            options = [(d.code, d.name) for d in ranking_list.domains.all()]
        else:
            options = list(spec.choices)
        if kind == Kind.DOMAIN and not options:
            return forms.CharField(widget=widgets.TextInput(attrs=attrs), **common)
        messages["invalid_choice"] = f"请从列表中选择{label}。"
        return forms.ChoiceField(
            choices=[("", "请选择…"), *options], widget=widgets.Select(attrs={"class": "form-select"}), **common
        )
    if kind == Kind.DATE:
        messages["invalid"] = f"请输入有效的{label}，如 2020-05-01。"
        return forms.DateField(
            input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"],
            widget=widgets.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"),
            validators=[_not_in_future(label)],
            **common,
        )
    if kind == Kind.MONTH:
        return MonthField(widget=widgets.TextInput(attrs={**attrs, "placeholder": "如 1985-06"}), **common)
    if kind == Kind.INTEGER:
        messages.update(
            {"invalid": f"{label}请填写整数。", "min_value": f"{label}不能为负数。", "max_value": f"{label}数值过大。"}
        )
        return forms.IntegerField(
            min_value=0, max_value=10**9, widget=widgets.NumberInput(attrs={**attrs, "min": 0}), **common
        )
    if kind in (Kind.DECIMAL, Kind.PERCENT):
        upper = Decimal(100) if kind == Kind.PERCENT else Decimal(10) ** 12
        messages.update(
            {
                "invalid": f"{label}请填写数字，最多两位小数。",
                "max_decimal_places": f"{label}最多保留两位小数。",
                "max_digits": f"{label}数值过大。",
                "max_whole_digits": f"{label}数值过大。",
                "min_value": f"{label}不能为负数。",
                "max_value": f"{label}应在 0–100 之间。" if kind == Kind.PERCENT else f"{label}数值过大。",
            }
        )
        return forms.DecimalField(
            min_value=Decimal(0),
            max_value=upper,
            max_digits=16,
            decimal_places=2,
            widget=widgets.NumberInput(attrs={**attrs, "step": "0.01", "min": 0}),
            **common,
        )
    if kind == Kind.PHONE:
        return PhoneField(max_length=40, widget=widgets.TextInput(attrs={**attrs, "inputmode": "tel"}), **common)
    if kind == Kind.EMAIL:
        messages["invalid"] = "请输入有效的电子邮箱地址，如 name@example.com。"
        return forms.EmailField(max_length=200, widget=widgets.EmailInput(attrs=attrs), **common)
    if kind == Kind.CREDIT_CODE:
        return CreditCodeField(
            max_length=30,
            widget=widgets.TextInput(attrs={**attrs, "maxlength": 18, "autocapitalize": "characters"}),
            **common,
        )
    raise ValueError(f"No form field for kind {kind}")


def to_json(value: Any) -> Any:
    """A cleaned value as stored in ``Nomination.data``."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value
