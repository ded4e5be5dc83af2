"""The panel meeting's forms (会评): the meeting, attendance, candidates, the ballot, a tie's decision."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from nominations.batch import parse_id
from nominations.forms.fields import PlainTextField
from reviews.forms.base import IdChoiceField, note
from reviews.models import PanelCandidate, VoteChoice

MAX_PLACES = 10000
MAX_TOP = 1000


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several ids of ``queryset``: anything but short runs of ASCII digits is "not a choice" before the query."""

    def __init__(self, queryset: QuerySet, *, label: str, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(queryset, label=label, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": message,
            "invalid_choice": message,
            "invalid_pk_value": message,
            "invalid_list": message,
        }

    def clean(self, value: Any) -> QuerySet:
        if (
            value
            and isinstance(value, (list, tuple))
            and (len(value) > 1000 or any(parse_id(v) is None for v in value))
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": ""})
        return super().clean(value)


def _user_label(user: Any) -> str:
    profile = getattr(user, "profile", None)
    name = getattr(profile, "display_name", "") or user.get_username()
    organization = getattr(profile, "organization", "")
    return f"{name}（{organization}）" if organization else name


class MeetingForm(forms.Form):
    name = PlainTextField(label="会议名称", max_length=100, required=True)
    ranking_lists = IdMultipleChoiceField(None, label="榜单", message="请选择会评的榜单。")
    chair = IdChoiceField(None, label="主持人", message="请选择主持人（须为会评专家）。")
    members = IdMultipleChoiceField(None, label="会评专家", message="请选择会评专家。")
    places = forms.IntegerField(
        label="拟入选名额",
        required=False,
        min_value=1,
        max_value=MAX_PLACES,
        help_text="留空则不限名额。",
        error_messages={
            "invalid": f"拟入选名额应为 1 至 {MAX_PLACES} 之间的整数。",
            "min_value": f"拟入选名额应为 1 至 {MAX_PLACES} 之间的整数。",
            "max_value": f"拟入选名额应为 1 至 {MAX_PLACES} 之间的整数。",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1}),
    )

    def __init__(self, lists: QuerySet, eligible: QuerySet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["class"] = "form-control"
        self.fields["ranking_lists"].queryset = lists
        self.fields["chair"].queryset = eligible
        self.fields["chair"].label_from_instance = _user_label
        self.fields["members"].queryset = eligible
        self.fields["members"].label_from_instance = _user_label


class AttendanceForm(forms.Form):
    present = IdMultipleChoiceField(None, label="出席专家", message="请选择出席的专家。", required=False)

    def __init__(self, members: QuerySet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = _user_label


class CandidatesForm(forms.Form):
    top = forms.IntegerField(
        label="每个榜单、领域取前几名",
        required=False,
        min_value=1,
        max_value=MAX_TOP,
        help_text="留空则取全部已完成初评的申报。",
        error_messages={
            "invalid": f"请填写 1 至 {MAX_TOP} 之间的整数。",
            "min_value": f"请填写 1 至 {MAX_TOP} 之间的整数。",
            "max_value": f"请填写 1 至 {MAX_TOP} 之间的整数。",
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1}),
    )


class BallotForm(forms.Form):
    """One choice per candidate (同意 / 不同意 / 弃权), each required; ``confirm=1`` after the preview."""

    confirm = forms.ChoiceField(choices=[("1", "确认")], required=False, widget=forms.HiddenInput)

    def __init__(self, candidates: list[PanelCandidate], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for candidate in candidates:
            message = f"请对“{candidate.nomination.title}”选择同意、不同意或弃权。"
            self.fields[f"c_{candidate.pk}"] = forms.ChoiceField(
                label=candidate.nomination.title,
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )

    def choices(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"c_{c.pk}"] for c in self.candidates}

    def rows(self) -> list[tuple[PanelCandidate, forms.BoundField]]:
        return [(c, self[f"c_{c.pk}"]) for c in self.candidates]

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "1"


class TieForm(forms.Form):
    elected = forms.ChoiceField(
        label="主持人确定",
        choices=[("1", "入选"), ("0", "不入选")],
        error_messages={"required": "请选择入选或不入选。", "invalid_choice": "请选择入选或不入选。"},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reason = note("确定的理由", max_chars=500, required=True, compact=True)
