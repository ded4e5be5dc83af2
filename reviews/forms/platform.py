"""The platform secretariat's forms: dispatch and moves, extensions, final decisions, targets, exports."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kczg_site.paging import PAGE_SIZE
from nominations.batch import parse_id
from nominations.forms.fields import PlainTextField
from nominations.models import Campaign
from reviews import final, paging
from reviews.forms.base import IdChoiceField, PlainDateTimeField, note
from reviews.models import ReviewBody

MAX_TARGET = 100_000
# More than a page of the dispatch and final tables (``PAGE_SIZE``), far less than a denial of service.
MAX_ROWS = 20 * PAGE_SIZE
MAX_PAGE = 1_000_000
MAX_ID = 10**18 - 1  # ``parse_id``'s bound: inside a 64-bit column
NORM_CHOICES = [("", "原始分"), ("z", "标准分")]
BODY_PREFIX = "body_"
PAGE_MESSAGE = "页码有误，请刷新页面后重试。"
NORM_MESSAGE = "排名方式有误，请刷新页面后重试。"


class DispatchForm(forms.Form):
    """The chosen body of each shown pending entry (``body_<entry id>`` = body id; empty = the plan's);
    ``confirm`` and the previewed plan's ``digest`` on the second click (``reviews.dispatch.digest``)."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    digest = forms.RegexField(
        regex=r"^[0-9a-f]{16}$",
        required=False,
        error_messages={"invalid": "预览已失效，请重新预览后再确认。"},
        widget=forms.HiddenInput,
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        self.bad_keys = []
        keys = [key for key in (data or {}) if key.startswith(BODY_PREFIX)]
        self.too_many = len(keys) > MAX_ROWS
        for key in keys[:MAX_ROWS]:
            if parse_id(key.removeprefix(BODY_PREFIX)) is None:
                self.bad_keys.append(key)
                continue
            # Any body id is accepted here; ``dispatch.plan`` keeps only a body that covers the entry.
            self.fields[key] = forms.IntegerField(
                label="初评机构",
                required=False,
                min_value=1,
                max_value=MAX_ID,
                error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), "请选择初评机构。"),
            )

    def clean(self) -> dict[str, Any]:
        if self.cleaned_data.get("confirm") and not self.cleaned_data.get("digest") and "digest" not in self.errors:
            self.add_error("digest", "预览已失效，请重新预览后再确认。")
        if self.too_many:
            raise ValidationError(f"一次最多调整 {MAX_ROWS} 项申报的初评机构，请分页操作。")
        if self.bad_keys:
            raise ValidationError("提交的申报编号有误，请刷新页面后重试。")
        return super().clean()

    def overrides(self) -> dict[int, int]:
        return {
            int(key.removeprefix(BODY_PREFIX)): value
            for key, value in self.cleaned_data.items()
            if key.startswith(BODY_PREFIX) and value is not None
        }


class MoveForm(forms.Form):
    body = IdChoiceField(ReviewBody.objects.none(), label="调整至", message="请选择要调整到的初评机构。")
    reason = note("调整理由", rows=1, compact=True)

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = ReviewBody.objects.filter(campaign=campaign)


class ExtensionForm(forms.Form):
    until = PlainDateTimeField(
        label="延期至（北京时间）",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        error_messages=dict.fromkeys(("required", "invalid", "overflow"), "请填写延期至的日期和时间。"),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control form-control-sm"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    reason = note("延期理由", rows=1, compact=True)


class IdListField(forms.Field):
    """A list of posted ids (hidden inputs), each a short run of ASCII digits, at most ``MAX_ROWS``."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > MAX_ROWS:
            raise ValidationError(f"一次最多保存 {MAX_ROWS} 项终评结果，请分页操作。", code="too_many")
        ids = [parse_id(v) for v in values]
        if any(pk is None for pk in ids):
            raise ValidationError("提交的申报编号有误，请刷新页面后重试。", code="invalid")
        return list(dict.fromkeys(ids))


class DecideForm(forms.Form):
    """The decisions of one page of the final table: ``entry`` ids, ``choice_<id>``, ``reason_<id>``,
    and the list/domain, page and ranking mode to return to."""

    entry = IdListField(label="申报", required=False)
    group = PlainTextField(required=False, max_length=40, widget=forms.HiddenInput)
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), PAGE_MESSAGE),
        widget=forms.HiddenInput,
    )
    norm = forms.ChoiceField(
        required=False,
        choices=NORM_CHOICES,
        error_messages={"invalid_choice": NORM_MESSAGE},
        widget=forms.HiddenInput,
    )

    def __init__(self, data: Any = None, *args: Any, entries: Any = (), **kwargs: Any) -> None:
        """Bound: the fields of the posted ``entry`` ids; unbound: those of ``entries`` (ids) to render."""
        super().__init__(data, *args, **kwargs)
        if data is not None:
            entries = data.getlist("entry") if hasattr(data, "getlist") else data.get("entry", [])
        for pk in [parse_id(value) for value in list(entries)[:MAX_ROWS]]:
            if pk is None:
                continue
            self.fields[f"choice_{pk}"] = forms.ChoiceField(
                label="终评结果",
                required=False,
                choices=[("", "—"), *final.CHOICES],
                error_messages={"invalid_choice": "请选择入榜、未入榜或未通过初评。"},
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"reason_{pk}"] = note("理由", rows=1, compact=True)

    def clean_group(self) -> str | None:
        return paging.parse_group(self.cleaned_data.get("group"))

    def decisions(self) -> list[tuple[int, str, str]]:
        """``[(entry id, choice, reason)]`` of a valid form, in posted order."""
        data = self.cleaned_data
        return [(pk, data.get(f"choice_{pk}", ""), data.get(f"reason_{pk}", "")) for pk in data["entry"]]


class TargetForm(forms.Form):
    count = forms.IntegerField(
        label="拟入榜数量",
        min_value=0,
        max_value=MAX_TARGET,  # the upper bound keeps the number inside the column
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"), f"入榜数量应为 0 至 {MAX_TARGET} 之间的整数。"
        ),
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )


class RankingExportForm(forms.Form):
    norm = forms.ChoiceField(
        required=False,
        choices=NORM_CHOICES,
        error_messages={"invalid_choice": NORM_MESSAGE},
        widget=forms.HiddenInput,
    )
