"""The platform's decision on a recommending unit that did not confirm (``reviews.unconfirmed``)."""

from django import forms

from nominations.models import UnconfirmedDecision
from reviews.forms.base import note
from reviews.unconfirmed import MAX_REASON


class UnconfirmedDecisionForm(forms.Form):
    """``decision`` (纳入初评 / 不纳入初评) and its ``reason`` (required, at most 500 字)."""

    decision = forms.ChoiceField(
        label="处理决定",
        choices=UnconfirmedDecision.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages=dict.fromkeys(("required", "invalid_choice"), "请选择纳入初评或不纳入初评。"),
    )
    reason = note("处理理由", max_chars=MAX_REASON, rows=2, required=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "请填写处理理由。"
