"""Forms of the review pages (validation of scores themselves lives in ``reviews.scoring``)."""

from django import forms

from reviews.models import ConflictKind


class ScoreForm(forms.Form):
    """One number field per criterion (0 to its maximum, one decimal) and the comment."""

    comment = forms.CharField(label="评审意见", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, criteria, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        fields = {}
        for criterion in criteria:
            fields[f"c_{criterion.code}"] = forms.DecimalField(
                label=f"{criterion.name}(权重 {criterion.weight.normalize():f},0–{criterion.max_score} 分)",
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                decimal_places=1,
                max_digits=4,
                help_text=criterion.description,
                widget=forms.NumberInput(attrs={"step": "0.1", "min": 0, "max": criterion.max_score}),
            )
        fields["comment"] = self.fields.pop("comment")
        self.fields = fields

    def raw_values(self):
        return {c.code: self.data.get(f"c_{c.code}", "") for c in self.criteria}

    @staticmethod
    def initial_for(score):
        if score is None:
            return {}
        initial = {f"c_{code}": value for code, value in (score.values or {}).items()}
        initial["comment"] = score.comment
        return initial


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(label="回避类型", choices=ConflictKind.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InviteForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    email = forms.EmailField(label="邮箱")
    organization = forms.CharField(label="工作单位", max_length=200, help_text="用于自动识别回避。")


class AutoAssignForm(forms.Form):
    k = forms.IntegerField(label="每项申报的专家人数", min_value=1, max_value=20, initial=3)
