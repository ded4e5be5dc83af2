"""The form of the 推荐意见 posted from the secretariat's entry page (``opinion``): at most the list's
``opinion_max_chars`` 字, counted as the entry form counts them (whitespace is free)."""

from django import forms

from nominations.forms.fields import NoteField
from nominations.models import Nomination

OPINION_LABEL = "推荐意见"


class OpinionForm(forms.Form):
    opinion = NoteField(label=OPINION_LABEL, required=True, rows=8)

    def __init__(self, data=None, *, nomination: Nomination, **kwargs) -> None:
        kwargs.setdefault("initial", {"opinion": nomination.opinion})
        kwargs.setdefault("auto_id", "%s")  # the textarea is #opinion; its error and help text #opinion_…
        super().__init__(data, **kwargs)
        limit = nomination.ranking_list.opinion_max_chars
        field = NoteField(label=OPINION_LABEL, required=True, rows=8, max_chars=limit)
        field.error_messages = {**field.error_messages, "required": f"请填写{OPINION_LABEL}。"}
        field.widget.attrs["class"] = "form-control"
        field.help_text = f"不超过 {limit} 字（不计空格和换行），将印入申报书（附件2）的推荐意见栏。"
        self.fields["opinion"] = field
