"""The forms that create a row on an author's page: a new entry (开始填写) and an attachment (上传).

Each carries a one-time token (a UUID rendered into the page) so that the same form posted twice —
a double click — creates one draft and stores one attachment (``intake.create_nomination`` and
``intake.add_attachment`` find the row the first POST created).
"""

import uuid

from django import forms

from nominations.forms.fields import PlainTextField, first_error

STALE_PAGE_MESSAGE = "页面已失效，请刷新后重试。"


def new_token() -> str:
    """A fresh one-time form token."""
    return uuid.uuid4().hex


class TokenField(forms.UUIDField):
    """The hidden one-time token; a value that is not a UUID is a stale or tampered page."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.error_messages = {**self.error_messages, "invalid": STALE_PAGE_MESSAGE}


class NewEntryForm(forms.Form):
    """The list (and, for lists with domains, the domain) of a new draft, among ``lists``."""

    ranking_list = forms.CharField(required=False, max_length=20)
    domain = forms.CharField(required=False, max_length=20)
    token = TokenField()

    def __init__(self, *args, lists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = list(lists)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        # Compared as text: a posted "abc" is simply no list (not a 500 from the database).
        chosen = cleaned.get("ranking_list", "")
        ranking_list = next((lst for lst in self.lists if str(lst.pk) == chosen), None)
        if ranking_list is None:
            self.add_error("ranking_list", "请选择榜单。")
            return cleaned
        domain = None
        if ranking_list.capped_per_domain:
            chosen_domain = cleaned.get("domain", "")
            domain = next((d for d in ranking_list.domains.all() if str(d.pk) == chosen_domain), None)
            if domain is None:
                self.add_error("domain", f"请选择{ranking_list.name}的领域。")
                return cleaned
        cleaned["ranking_list"] = ranking_list
        cleaned["domain"] = domain
        return cleaned

    def error_message(self) -> str:
        return first_error(self)


class AttachmentUploadForm(forms.Form):
    """One uploaded file, its optional description, and the upload form's token."""

    file = forms.FileField(
        error_messages={
            "required": "请选择要上传的文件。",
            "empty": "文件为空，请重新选择。",
            "invalid": "没有收到文件，请重新选择。",
            "missing": "没有收到文件，请重新选择。",
        }
    )
    description = PlainTextField(max_length=200, required=False, label="说明")
    token = TokenField()

    def error_message(self) -> str:
        """The first error, naming the description when it is the description that is refused."""
        if self.errors.get("description"):
            return f"附件说明：{self.errors['description'][0]}"
        return first_error(self)
