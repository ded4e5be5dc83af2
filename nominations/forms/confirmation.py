"""The secretariat's confirmation of its recommendations: a preview first, then ``confirm=1``."""

from django import forms


class ConfirmRecommendationsForm(forms.Form):
    """Posted by the preview's button; without ``confirm=1`` the preview is shown again."""

    confirm = forms.ChoiceField(
        choices=[("1", "确认")],
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "提交的内容有误，请核对预览后重新确认。"},
    )

    @property
    def confirming(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "1"
