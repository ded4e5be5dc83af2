"""The coordinator's forms: automatic and manual assignment, removal, invitations, sending the results."""

from django import forms
from django.contrib.auth import get_user_model

from nominations.forms.fields import PlainTextField
from reviews.forms.base import IdChoiceField, note

MAX_EXPERTS_PER_ENTRY = 20
# ``Assignment.removed_reason`` is a 200-character column; a note counts 字 and may carry twice as
# many raw characters, so the limit is half of it.
REMOVED_REASON_MAX_CHARS = 100


class AutoAssignForm(forms.Form):
    k = forms.IntegerField(
        label="每项申报的专家人数",
        min_value=1,
        max_value=MAX_EXPERTS_PER_ENTRY,
        initial=3,
        error_messages=dict.fromkeys(
            ("required", "invalid", "min_value", "max_value"),
            f"每项申报的专家人数应在 1 至 {MAX_EXPERTS_PER_ENTRY} 之间。",
        ),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "style": "width: 5rem"}),
    )


class AssignForm(forms.Form):
    """Assign one expert by hand; whether that expert may be assigned is ``reviews.assignment``'s rule."""

    expert = IdChoiceField(get_user_model().objects.select_related("profile"), label="专家", message="请选择专家。")
    override_reason = note("回避冲突仍分配的理由（仅存在冲突时需要）")


class RemoveAssignmentForm(forms.Form):
    reason = note("撤销原因", max_chars=REMOVED_REASON_MAX_CHARS, rows=1, compact=True)


class InviteForm(forms.Form):
    name = PlainTextField(label="姓名", max_length=50, widget=forms.TextInput(attrs={"class": "form-control"}))
    # The e-mail is also the username (150 characters).
    email = forms.EmailField(
        label="邮箱",
        max_length=150,
        error_messages={
            "required": "请填写专家的邮箱。",
            "invalid": "请输入有效的邮箱地址。",
            "max_length": "邮箱不超过 150 个字符。",
            "null_characters_not_allowed": "内容含有空字符（NUL），请删除后再提交。",
        },
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    organization = PlainTextField(
        label="工作单位",
        max_length=200,
        help_text="用于自动识别回避。",
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class SubmitResultsForm(forms.Form):
    note = note("报送说明（可选）")
