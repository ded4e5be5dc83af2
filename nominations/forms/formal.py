"""The form of the secretariat's formal review (形式审查) of one entry: per checklist item 通过 / 未通过
(``item_<pk>``) with a short remark for a failed item (``remark_<pk>``), the fix-by time (``fix_by``) and
a note (``note``). The limits of the fix-by time are ``nominations.formal.check_fix_by``'s."""

from collections.abc import Iterator, Sequence
from datetime import datetime

from django import forms

from kczg_site import clock
from nominations import formal
from nominations.forms import widgets
from nominations.forms.fields import NoteField
from nominations.models import Campaign, FormalCheckItem

PASS, FAIL = "pass", "fail"
CHOICES = [(PASS, "通过"), (FAIL, "未通过")]


class FormalReviewForm(forms.Form):
    fix_by = forms.DateTimeField(
        label="限期修改截止时间（北京时间）",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=widgets.DateTimeInput(
            attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
        ),
        error_messages={"invalid": "请填写有效的日期和时间。"},
        help_text=f"有未通过的项目时适用：须晚于当前时间，最多为 {formal.FIX_BY_MAX_DAYS} 天之后。",
    )
    note = NoteField(label="审查意见", rows=2, widget=widgets.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(
        self,
        data: object = None,
        *,
        items: Sequence[FormalCheckItem],
        campaign: Campaign,
        now: datetime | None = None,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("auto_id", "formal-%s")
        kwargs.setdefault("initial", {"fix_by": formal.default_fix_by(campaign, now)})
        super().__init__(data, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=item.label,
                choices=CHOICES,
                widget=widgets.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={
                    "required": f"请选择“{item.label}”是否通过。",
                    "invalid_choice": f"请选择“{item.label}”是否通过。",
                },
            )
            self.fields[f"remark_{item.pk}"] = NoteField(
                label=f"“{item.label}”的问题说明",
                max_chars=formal.REMARK_MAX_CHARS,
                rows=1,
                widget=widgets.Textarea(attrs={"class": "form-control form-control-sm", "rows": 1}),
            )

    def rows(self) -> Iterator[dict[str, object]]:
        """Per checklist item: the item, its 通过 / 未通过 field and its remark field."""
        for item in self.items:
            yield {"item": item, "choice": self[f"item_{item.pk}"], "remark": self[f"remark_{item.pk}"]}

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.failed() and "fix_by" not in self.errors:
            decision = formal.check_fix_by(cleaned.get("fix_by"), clock.now())
            if not decision:
                self.add_error("fix_by", decision.reason)
        return cleaned

    def failed(self) -> list[formal.FailedItem]:
        """The failed items with their remarks (of a valid form, or of what was valid so far)."""
        data = getattr(self, "cleaned_data", {})
        return [
            formal.FailedItem(item.label, (data.get(f"remark_{item.pk}") or "").strip())
            for item in self.items
            if data.get(f"item_{item.pk}") == FAIL
        ]
