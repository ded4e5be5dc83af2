"""The expert's forms: the score sheet and the conflict declaration."""

from decimal import Decimal
from typing import Any

from django import forms

from reviews.forms.base import note
from reviews.models import ConflictKind, ReviewCriterion, Score

SCORE_COMMENT_ROWS = 4


class ScoreForm(forms.Form):
    """One number field per criterion (0 to its maximum, one decimal) and the comment.

    The form checks what was posted (a number within the scale, a comment within 2000 字 without
    control characters); whether every criterion is scored for a submission is ``reviews.scoring``'s rule.
    """

    def __init__(self, criteria: list[ReviewCriterion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            out_of_range = f"“{criterion.name}”的评分应在 0 至 {criterion.max_score} 之间。"
            fields[f"c_{criterion.code}"] = forms.DecimalField(
                label=f"{criterion.name}（权重 {criterion.weight.normalize():f}，0–{criterion.max_score} 分）",
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=1,
                max_digits=4,
                help_text=criterion.description,
                error_messages={
                    "invalid": f"“{criterion.name}”的评分应为数字。",
                    "min_value": out_of_range,
                    "max_value": out_of_range,
                    "max_digits": out_of_range,
                    "max_whole_digits": out_of_range,
                    "max_decimal_places": f"“{criterion.name}”的评分最多保留一位小数。",
                },
                widget=forms.NumberInput(attrs={"step": "0.1", "min": 0, "max": criterion.max_score}),
            )
        fields["comment"] = note("评审意见", rows=SCORE_COMMENT_ROWS)
        self.fields = fields

    def values(self) -> dict[str, str]:
        """``{criterion code: the cleaned score as text, or ""}`` of a valid form."""
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"c_{criterion.code}")
            result[criterion.code] = "" if value is None else str(Decimal(value))
        return result

    @staticmethod
    def initial_for(score: Score | None) -> dict[str, Any]:
        if score is None:
            return {}
        initial = {f"c_{code}": value for code, value in (score.values or {}).items()}
        initial["comment"] = score.comment
        return initial


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label="回避类型",
        choices=ConflictKind.choices,
        error_messages={"required": "请选择回避类型。", "invalid_choice": "请选择回避类型。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = note("说明")
