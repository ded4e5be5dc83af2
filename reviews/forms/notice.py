"""Forms of the 公示: opening it, filing an objection (public, no account), the objector's status look-up,
the platform's steps of a case, the recommending unit's answer and a listed party's correction request."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from nominations.forms.fields import PlainTextField
from nominations.forms.staff import email_field
from nominations.rules.phones import phone_error
from nominations.rules.uploads import ACCEPT_ATTRIBUTE
from reviews import objections
from reviews.case_transitions import CASE_TRANSITIONS
from reviews.forms.base import IdChoiceField, note
from reviews.models import CaseOutcome, RejectGround
from reviews.models.notice import MIN_NOTICE_DAYS
from reviews.notice import MAX_NOTICE_DAYS
from reviews.public_guard import CAPTCHA_WRONG

INPUT = {"class": "form-control"}


def _line(label: str, max_length: int, *, required: bool = False, **attrs: Any) -> PlainTextField:
    return PlainTextField(
        label=label, max_length=max_length, required=required, widget=forms.TextInput(attrs={**INPUT, **attrs})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (each checked by ``objections.check_files``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, "invalid": "请选择文件。", "empty": "文件为空，请重新选择。"}

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class OpenNoticeForm(forms.Form):
    """The notice's start day and its number of natural days; ``confirm=1`` after the preview."""

    start = forms.DateField(
        label="公示开始日期",
        widget=forms.DateInput(attrs={**INPUT, "type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请填写公示开始日期。", "invalid": "请填写有效的日期。"},
    )
    days = forms.IntegerField(
        label="公示天数（自然日）",
        min_value=MIN_NOTICE_DAYS,
        max_value=MAX_NOTICE_DAYS,
        widget=forms.NumberInput(attrs=INPUT),
        error_messages={
            "required": "请填写公示天数。",
            "invalid": "请填写整数天数。",
            "min_value": f"公示期不少于 {MIN_NOTICE_DAYS} 个自然日。",
            "max_value": f"公示期不超过 {MAX_NOTICE_DAYS} 天。",
        },
    )
    confirm = forms.ChoiceField(choices=[("1", "确认")], required=False, widget=forms.HiddenInput)

    def clean_start(self) -> date:
        value = self.cleaned_data["start"]
        if not 2000 <= value.year <= 2100:
            raise ValidationError("请填写有效的日期。")
        return value

    def start_moment(self, now: datetime) -> datetime:
        """00:00 of the chosen day, or now when the day is today (the notice starts when it opens)."""
        day = self.cleaned_data["start"]
        if day == timezone.localtime(now).date():
            return now
        return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


class ObjectionForm(forms.Form):
    """An objection on the public page. The rules (period, entry, anonymity, files) are ``objections``';
    the form says what is wrong next to the field."""

    entry = IdChoiceField(None, label="异议对象", message="请从公示名单中选择异议对象。")
    name = _line("真实姓名", 50, autocomplete="name")
    capacity = forms.ChoiceField(
        label="提出方式",
        choices=[("person", "以个人名义"), ("unit", "以单位名义")],
        initial="person",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择提出方式。", "invalid_choice": "请选择提出方式。"},
    )
    unit = _line("工作单位", 200)
    phone = _line("联系电话", 40, autocomplete="tel", inputmode="tel")
    email = email_field("电子邮箱", widget=forms.EmailInput(attrs={**INPUT, "autocomplete": "email"}))
    grounds = note("异议理由及事实依据", rows=6, required=True)
    evidence = MultipleFileField(label="证明材料")
    letter = forms.FileField(
        label="加盖单位公章的异议书",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPT_ATTRIBUTE}),
        error_messages={"invalid": "请选择文件。", "empty": "文件为空，请重新选择。"},
    )
    captcha = _line("验证码", 8, required=True, autocomplete="off", inputmode="numeric")

    def __init__(self, notice, entries, *args: Any, captcha_ok=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda n: f"{n.ranking_list.name} · {n.title}"
        grounds = self.fields["grounds"]
        grounds.max_chars, grounds.max_length = notice.grounds_max_chars, 2 * notice.grounds_max_chars
        grounds.error_messages["required"] = "请填写异议理由。"
        self.fields["captcha"].error_messages["required"] = "请填写验证码。"
        self.captcha_ok = captcha_ok

    def clean_captcha(self) -> str:
        value = self.cleaned_data["captcha"]
        if self.captcha_ok is not None and not self.captcha_ok(value):
            raise ValidationError(CAPTCHA_WRONG)
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if value and phone_error(value):
            raise ValidationError(phone_error(value))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "name" not in self.errors and "phone" not in self.errors and not (data.get("name") and data.get("phone")):
            self.add_error("name", objections.ANONYMOUS_REFUSED)
        is_unit = data.get("capacity") == "unit"
        if is_unit and not data.get("unit") and "unit" not in self.errors:
            self.add_error("unit", "以单位名义提出的，请填写单位名称。")
        if is_unit and not data.get("letter") and "letter" not in self.errors:
            self.add_error("letter", objections.LETTER_REQUIRED)
        files = data.get("evidence") or []
        if "evidence" not in self.errors:
            decision, _ = objections.check_files(files)
            if not decision:
                self.add_error("evidence", decision.reason)
        if data.get("letter") and "letter" not in self.errors:
            decision, _ = objections.check_files([data["letter"]])
            if not decision:
                self.add_error("letter", decision.reason)
        return data


class StatusForm(forms.Form):
    receipt = forms.RegexField(
        regex=r"^\s*[A-Za-z]{2}\d{4}-\d{8}\s*$",
        label="受理编号",
        max_length=40,
        widget=forms.TextInput(attrs={**INPUT, "autocomplete": "off"}),
        error_messages={"required": "请填写受理编号。", "invalid": "受理编号格式有误，例如 YY2023-01234567。"},
    )
    email = email_field("提交时填写的电子邮箱", widget=forms.EmailInput(attrs=INPUT))


class CaseStepForm(forms.Form):
    """One step of a case by the platform: the action, its note, and the ground or outcome it needs."""

    action = forms.ChoiceField(
        choices=[(a, t.label) for a, t in CASE_TRANSITIONS.items()],
        error_messages={"required": "请选择操作。", "invalid_choice": "不支持的操作。"},
    )
    note = note("说明", rows=3)
    ground = forms.ChoiceField(
        label="不予受理的理由",
        required=False,
        choices=[("", "（请选择）"), *RejectGround.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择不予受理的理由。"},
    )
    outcome = forms.ChoiceField(
        label="处理结果",
        required=False,
        choices=[("", "（请选择）"), *CaseOutcome.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "请选择处理结果。"},
    )


class AnswerForm(forms.Form):
    note = note("核实情况及答复", rows=5, required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = "请填写核实情况及答复。"


class CorrectionForm(forms.Form):
    field = forms.ChoiceField(
        label="更正栏目",
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": "请选择要更正的栏目。", "invalid_choice": "请选择要更正的栏目。"},
    )
    value = _line("更正为", 200, required=True)
    grounds = note("更正理由", rows=3, max_chars=500, required=True)
    evidence = MultipleFileField(label="证明材料")

    def __init__(self, nomination, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = objections.correction_fields(nomination)
        self.fields["value"].error_messages["required"] = "请填写更正后的内容。"
        self.fields["grounds"].error_messages["required"] = "请填写更正理由。"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "evidence" not in self.errors:
            decision, _ = objections.check_files(data.get("evidence") or [])
            if not decision:
                self.add_error("evidence", decision.reason)
        return data
