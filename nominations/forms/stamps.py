"""The upload form of a signed and stamped scan (签字盖章页, 推荐汇总表): one file. Its content and size
are checked by ``nominations.stamps.check_scan`` (the upload checks of ``rules.uploads``)."""

from django import forms

from nominations.forms.fields import first_error
from nominations.stamps import STAMP_ACCEPT


class StampUploadForm(forms.Form):
    file = forms.FileField(
        label="扫描件",
        error_messages={
            "required": "请选择要上传的扫描件。",
            "empty": "文件为空，请重新选择。",
            "invalid": "没有收到文件，请重新选择。",
            "missing": "没有收到文件，请重新选择。",
        },
        widget=forms.ClearableFileInput(attrs={"accept": STAMP_ACCEPT, "class": "form-control form-control-sm"}),
    )

    def error_message(self) -> str:
        if self.non_field_errors():
            return str(self.non_field_errors()[0])
        return first_error(self)
