"""The expert's forms: the score sheet and the conflict declaration."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from reviews import scoring
from reviews.forms.base import note
from reviews.models import ConflictKind, ReviewCriterion, Score, ScoreStep

SCORE_COMMENT_ROWS = 4


class CriterionScoreField(forms.DecimalField):
    """A criterion's score: a number that ``reviews.scoring.score_error`` accepts (bounds and step of the
    criterion), its message shown next to the field."""

    def __init__(self, criterion: ReviewCriterion, **kwargs: Any) -> None:
        self.criterion = criterion
        out_of_range = scoring.range_message(criterion)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": f"“{criterion.name}”的评分应为数字。",
                "max_digits": out_of_range,
                "max_whole_digits": out_of_range,
            },
        )
        step = criterion.score_step or ScoreStep.TENTH
        attrs = {"step": step, "min": criterion.min_score, "max": criterion.max_score}
        super().__init__(max_digits=6, widget=forms.NumberInput(attrs=attrs), **kwargs)

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is not None:
            error = scoring.score_error(self.criterion, value)
            if error:
                raise ValidationError(error, code="score")


class ScoreForm(forms.Form):
    """One number field per criterion (its bounds and step: integer or one decimal) and the comment.

    The form checks what was posted (a number the criterion allows, a comment within 2000 字 without
    control characters); whether every criterion is scored for a submission is ``reviews.scoring``'s rule.
    """

    def __init__(self, criteria: list[ReviewCriterion], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            precision = "整数" if criterion.score_step == ScoreStep.INTEGER else "可保留一位小数"
            fields[f"c_{criterion.code}"] = CriterionScoreField(
                criterion,
                label=(
                    f"{criterion.name}（权重 {criterion.weight.normalize():f}，"
                    f"{criterion.min_score}–{criterion.max_score} 分，{precision}）"
                ),
                required=False,
                help_text=criterion.description,
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
