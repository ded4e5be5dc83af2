"""The forms of the expert pool: the assignment plan, the draw, the import, the pledge, profile changes."""

from django import forms

from nominations.forms.fields import PlainTextField
from nominations.models import Domain
from nominations.rules import uploads
from reviews.forms.base import IdChoiceField, note
from reviews.forms.coordinator import MAX_EXPERTS_PER_ENTRY
from reviews.models import TitleLevel
from reviews.pool import MAX_DRAW

_SMALL = {"class": "form-control form-control-sm", "style": "width: 6rem"}


def _bounded(label: str, low: int, high: int, *, required: bool = True, initial: int | None = None):
    message = f"{label}应为 {low} 至 {high} 之间的整数。"
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        required=required,
        initial=initial,
        error_messages=dict.fromkeys(("required", "invalid", "min_value", "max_value"), message),
        widget=forms.NumberInput(attrs=_SMALL),
    )


class PlanForm(forms.Form):
    """The optimal plan's parameters: experts per entry and the most entries per expert (optional)."""

    k = _bounded("每项申报的专家人数", 1, MAX_EXPERTS_PER_ENTRY, initial=3)
    cap = _bounded("每位专家最多评审（项）", 1, 5000, required=False)


class DrawForm(forms.Form):
    domain = IdChoiceField(
        Domain.objects.all(), label="领域", message="请选择领域。", required=False, empty_label="全部领域"
    )
    count = _bounded("抽取人数", 1, MAX_DRAW, initial=5)
    min_level = forms.TypedChoiceField(
        label="职称不低于",
        choices=[(value, label) for value, label in TitleLevel.choices if value > 0][::-1],
        coerce=int,
        initial=TitleLevel.ASSOCIATE,
        error_messages={"invalid_choice": "请选择职称级别。", "required": "请选择职称级别。"},
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    seed = _bounded("随机种子（可选，留空则随机生成）", 0, 2**31 - 1, required=False)

    def __init__(self, *args, body=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if body is not None:
            self.fields["domain"].queryset = Domain.objects.filter(
                pk__in=body.coverages.exclude(domain=None).values("domain_id")
            )


class ExpertImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的 Excel 文件。"})

    def clean_file(self):
        # The upload rule (content, size, ZIP bombs) before openpyxl ever opens the file.
        file = self.cleaned_data["file"]
        decision = uploads.check_workbook(file)
        if not decision:
            raise forms.ValidationError(decision.reason)
        return file


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "确认修改"), ("reject", "退回")],
        error_messages={"required": "请选择确认或退回。", "invalid_choice": "请选择确认或退回。"},
    )


class PledgeForm(forms.Form):
    accept = forms.BooleanField(
        label="本人已阅读并遵守上述保密承诺",
        error_messages={"required": "请勾选同意保密承诺后再提交。"},
    )
    declared_units = note(
        "与本人存在关联关系的单位（兼职、合作、近三年任职等；每行一个，没有可不填）", max_chars=1000, rows=3
    )
    declaration = note("其他需要说明的回避情况（可选）", max_chars=500, rows=2)

    def units(self) -> list[str]:
        text = self.cleaned_data.get("declared_units") or ""
        return [line.strip() for line in text.replace("、", "\n").splitlines() if line.strip()]


class NextForm(forms.Form):
    """Where the pledge page goes back to (a path of this site; checked by ``kczg_site.htmx.safe_next``)."""

    next = forms.CharField(max_length=500, required=False)


class ProfileChangeForm(forms.Form):
    title = PlainTextField(label="职称", max_length=50, widget=forms.TextInput(attrs={"class": "form-control"}))
    title_level = forms.TypedChoiceField(
        label="职称级别",
        choices=TitleLevel.choices,
        coerce=int,
        error_messages={"invalid_choice": "请选择职称级别。", "required": "请选择职称级别。"},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    organisation = PlainTextField(
        label="所在单位", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    sub_unit = PlainTextField(
        label="所在部门", max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    disciplines = PlainTextField(
        label="学科（多个用顿号分隔）",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class WithdrawForm(forms.Form):
    """退出本机构专家名单: the reason (kept with the service record and in the audit)."""

    reason = note("退出原因", max_chars=200, rows=1, compact=True)


class PledgeBodyForm(forms.Form):
    """Which of the expert's bodies the pledge page is for (``?body=``; another value: the default)."""

    body = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
