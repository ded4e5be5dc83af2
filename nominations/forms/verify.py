"""The form of the public ``/verify/`` page: a typed verification code or an uploaded PDF (one of them).

The file is checked by size and content (``official_verify.check_upload``: a PDF, within the attachment
limit) before its SHA-256 is compared; the code is normalised (dashes and spaces dropped)."""

from django import forms

from nominations import official_numbers, official_verify

CODE_MAX_LENGTH = 40


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        required=False,
        max_length=CODE_MAX_LENGTH,
        help_text="正式版申报书每页页脚的 12 位验证码，如 ABCD-EFGH-JKMN（可不输入短横线）。",
        error_messages={"max_length": f"验证码不超过 {CODE_MAX_LENGTH} 个字符。"},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label="或上传 PDF 文件",
        required=False,
        help_text="上传收到的正式版 PDF，核验其内容是否与平台存档完全一致。",
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        text = self.cleaned_data.get("code", "").strip()
        if text and official_numbers.normalize_code(text) is None:
            raise forms.ValidationError(official_verify.BAD_CODE)
        return text

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded:
            decision = official_verify.check_upload(uploaded, uploaded.size)
            if not decision:
                raise forms.ValidationError(decision.reason)
        return uploaded

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("code") and not data.get("file"):
            raise forms.ValidationError("请输入验证码，或上传 PDF 文件。")
        if data.get("code") and data.get("file"):
            raise forms.ValidationError("请只输入验证码或只上传文件，不要同时提交。")
        return data
