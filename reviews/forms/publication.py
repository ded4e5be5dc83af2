"""Forms of publication per list and of the platform's closure of a body's review."""

from django import forms

from nominations.models import Campaign, RankingList
from reviews.closure import REASON_MAX
from reviews.forms.base import IdChoiceField, note


class CloseReviewForm(forms.Form):
    reason = note("关闭理由", max_chars=REASON_MAX, rows=1, required=True, compact=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "请填写关闭初评的理由。"


class PublishForm(forms.Form):
    """The list to publish; without ``confirm`` the page shows the preview, with ``confirm=1`` it publishes."""

    ranking_list = IdChoiceField(RankingList.objects.none(), label="榜单", message="请选择要发布的榜单。")
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, campaign: Campaign, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ranking_list"].queryset = RankingList.objects.filter(campaign=campaign)
