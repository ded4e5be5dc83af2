"""Forms of the staff pages: the secretariat's member units and imports, the platform's units,
pioneers, extensions and reopening, and the export pages. Every text goes through
:class:`~nominations.forms.fields.PlainTextField` or :class:`~nominations.forms.fields.NoteField`
(limits, no control characters, Chinese messages); every id or code through a choice field.
"""

from collections.abc import Mapping

from django import forms

from nominations import exports, policy
from nominations.forms.fields import NoteField, PlainTextField
from nominations.models import (
    Channel,
    Domain,
    ExportKind,
    ExtensionKind,
    MemberUnit,
    RankingList,
    RecommendingUnit,
    Role,
)
from nominations.models.exports import NOMINATION_KINDS
from nominations.rules import uploads

EMAIL_MAX_CHARS = 254
# A signed import preview (``membership.ImportPreview.payload``): generous, but bounded.
IMPORT_PAYLOAD_MAX_CHARS = 5_000_000
INVALID_PREVIEW = "预览已过期或无效，请重新上传文件。"
YEAR_BOUNDS = {"min_value": 2000, "max_value": 2100}
YEAR_MESSAGES = {
    "invalid": "请填写四位数的年度。",
    "min_value": "年度不早于 2000 年。",
    "max_value": "年度不晚于 2100 年。",
}


def email_field(label: str, **kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=EMAIL_MAX_CHARS,
        error_messages={"invalid": "请填写有效的电子邮箱地址。", "required": "请填写此项。"},
        **kwargs,
    )


# ---------------------------------------------------------------- member units and imports


class MemberInviteForm(forms.Form):
    name = PlainTextField(label="单位名称", max_length=200)
    credit_code = PlainTextField(label="统一社会信用代码", max_length=18, required=False)
    contact_name = PlainTextField(label="联系人", max_length=50, required=False)
    contact_phone = PlainTextField(label="联系电话", max_length=50, required=False)
    contact_email = email_field("联系邮箱", help_text="设置密码的链接将发送到此邮箱。")

    def as_row(self) -> dict:
        d = self.cleaned_data
        return {
            "单位名称": d["name"],
            "统一社会信用代码": d["credit_code"],
            "联系人": d["contact_name"],
            "联系电话": d["contact_phone"],
            "联系邮箱": d["contact_email"],
        }


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def clean_file(self):
        # The upload rule (content, size, ZIP bombs) before openpyxl ever opens the file.
        file = self.cleaned_data["file"]
        decision = uploads.check_workbook(file)
        if not decision:
            raise forms.ValidationError(decision.reason)
        return file


class ImportApplyForm(forms.Form):
    """The second step of an import: the signed preview travels back (``membership`` checks the signature)."""

    payload = PlainTextField(label="导入预览", max_length=IMPORT_PAYLOAD_MAX_CHARS, widget=forms.HiddenInput)

    def clean(self) -> dict:
        # Nobody types the payload: whatever is wrong with it, the preview has to be made again.
        if "payload" in self.errors:
            self.errors["payload"] = self.error_class([INVALID_PREVIEW])
        return super().clean()


# ---------------------------------------------------------------- the platform


class ReopenForm(forms.Form):
    reason = NoteField(
        label="重新开放的理由",
        required=True,
        rows=2,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.error_messages = {**field.error_messages, "required": "请填写重新开放的理由。"}


TARGET_FIELDS = {"unit": "recommending_unit", "member": "member_unit"}


class ExtensionForm(forms.Form):
    """One extension for one unit or member unit, picked by a search (``target`` = ``unit:<id>`` or
    ``member:<id>``) instead of a ``<select>`` of 20,000 member units; the ids are still validated
    against the active units and member units here."""

    kind = forms.ChoiceField(label="延期的截止时间", choices=ExtensionKind.choices)
    recommending_unit = forms.ModelChoiceField(
        label="推荐单位",
        queryset=RecommendingUnit.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "所选推荐单位不存在或已停用，请重新搜索选择。"},
    )
    member_unit = forms.ModelChoiceField(
        label="会员单位",
        queryset=MemberUnit.objects.filter(is_active=True).select_related("recommending_unit"),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "所选会员单位不存在或已停用，请重新搜索选择。"},
    )
    until = forms.DateTimeField(
        label="延期至（北京时间）",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "请填写有效的日期和时间。", "required": "请填写延期至的时间。"},
    )
    reason = NoteField(label="理由", required=True, rows=2)

    def __init__(self, data=None, *args, **kwargs) -> None:
        if data is not None and data.get("target"):
            prefix, _, pk = str(data["target"]).partition(":")
            data = data.copy()
            data[TARGET_FIELDS.get(prefix, "recommending_unit")] = pk if prefix in TARGET_FIELDS else ""
        super().__init__(data, *args, **kwargs)
        self.fields["reason"].error_messages["required"] = "理由为必填项，请说明延期的原因。"
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if hasattr(field.widget, "choices") else "form-control"
            )

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("recommending_unit")) == bool(data.get("member_unit")):
            raise forms.ValidationError("请选择一个推荐单位或一个会员单位（二选一）。")
        return data

    def picked(self) -> list:
        """``[(target value, unit or member unit)]`` chosen in a bound form that was checked."""
        data = getattr(self, "cleaned_data", {})
        return [
            (f"{prefix}:{data[field].pk}", data[field]) for prefix, field in TARGET_FIELDS.items() if data.get(field)
        ]


EXTENSION_SEARCH_MAX_CHARS = 100


class ExtensionSearchForm(forms.Form):
    """The unit search of the extension page (``?q=``): a name fragment, stripped and cut to 100
    characters (a longer one is shortened, not refused); one with control characters searches nothing."""

    q = PlainTextField(label="搜索单位", required=False, max_length=EXTENSION_SEARCH_MAX_CHARS)

    def __init__(self, data: Mapping) -> None:
        super().__init__({"q": str(data.get("q") or "").strip()[:EXTENSION_SEARCH_MAX_CHARS]})

    def query(self) -> str:
        """The fragment to search for, or ``""``."""
        return self.cleaned_data["q"] if self.is_valid() else ""


class UnitInviteForm(forms.Form):
    name = PlainTextField(label="单位名称", max_length=200)
    channels = forms.ModelMultipleChoiceField(
        label="推荐渠道",
        queryset=Channel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一个推荐渠道。",
            "invalid_choice": "所选推荐渠道不存在，请重新选择。",
            "invalid_pk_value": "所选推荐渠道不存在，请重新选择。",
        },
    )
    contact_name = PlainTextField(label="联系人", max_length=50, required=False)
    contact_phone = PlainTextField(label="联系电话", max_length=50, required=False)
    contact_email = email_field("联系邮箱", help_text="该单位秘书处账号的设置密码链接将发送到此邮箱。")

    def __init__(self, *args, campaign=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(campaign=campaign, is_pioneer_route=False)

    def as_row(self) -> dict:
        d = self.cleaned_data
        return {
            "单位名称": d["name"],
            "推荐渠道": ";".join(c.name for c in d["channels"]),
            "联系人": d["contact_name"],
            "联系电话": d["contact_phone"],
            "联系邮箱": d["contact_email"],
        }


class PioneerInviteForm(forms.Form):
    name = PlainTextField(label="姓名", max_length=50)
    organization = PlainTextField(label="工作单位", max_length=200, required=False)
    listed_year = forms.IntegerField(label="入选年度", initial=2022, error_messages=YEAR_MESSAGES, **YEAR_BOUNDS)
    contact_email = email_field("联系邮箱")

    def as_row(self) -> dict:
        d = self.cleaned_data
        return {
            "姓名": d["name"],
            "工作单位": d["organization"],
            "入选年度": str(d["listed_year"]),
            "联系邮箱": d["contact_email"],
        }


# ---------------------------------------------------------------- exports


CHOICE_MESSAGES = {"invalid_choice": "所选项不存在，请重新选择。"}


class ExportForm(forms.Form):
    kind = forms.ChoiceField(
        label="导出格式",
        choices=[(kind.value, kind.label) for kind in map(ExportKind, NOMINATION_KINDS)],
        error_messages={**CHOICE_MESSAGES, "required": "请选择导出格式。"},
    )
    list = forms.ChoiceField(label="榜单", required=False, error_messages=CHOICE_MESSAGES)
    domain = forms.ChoiceField(label="领域（先导技术榜）", required=False, error_messages=CHOICE_MESSAGES)
    unit = forms.ChoiceField(
        label="推荐单位", required=False, error_messages={**CHOICE_MESSAGES, "required": "请选择推荐单位。"}
    )
    state = forms.ChoiceField(label="状态", required=False, error_messages=CHOICE_MESSAGES)
    attachments = forms.BooleanField(
        label=exports.ATTACHMENTS_LABEL,
        required=False,
        help_text="仅限 Word 申报表 ZIP：每条申报一个文件夹，含申报书和全部附件，另附文件清单。",
    )

    def __init__(self, *args, user, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        lists = RankingList.objects.filter(campaign=campaign).order_by("order") if campaign else []
        domains = (
            Domain.objects.filter(ranking_list__campaign=campaign).select_related("ranking_list").order_by("order")
            if campaign
            else []
        )
        self.fields["list"].choices = [("", "全部榜单"), *((lst.code, lst.name) for lst in lists)]
        self.fields["domain"].choices = [("", "全部领域"), *((d.code, d.name) for d in domains)]
        units = policy.visible_recommending_units(user).filter(is_active=True).order_by("name")
        unit_choices = [(str(u.pk), u.name) for u in units]
        if policy.role_of(user) == Role.SECRETARIAT:
            self.fields["unit"].choices = unit_choices
        else:
            self.fields["unit"].choices = [("", "全部推荐单位"), *unit_choices]
        self.fields["state"].choices = [("", "全部状态"), *exports.state_choices()]

    def filters(self) -> exports.Filters:
        data = self.cleaned_data
        return exports.Filters(
            campaign=self.campaign.year,
            list=data["list"],
            domain=data["domain"],
            unit=int(data["unit"]) if data["unit"] else None,
            state=data["state"],
            attachments=bool(data.get("attachments")),
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("attachments") and data.get("kind") and data["kind"] != ExportKind.DOCX_ZIP:
            self.add_error("attachments", "只有 Word 申报表 ZIP 可以包含附件。")
        return data


class ReviewExportForm(forms.Form):
    """A review export's options: ``year`` (else the active campaign) and ``norm=z`` (normalised scores)."""

    year = forms.IntegerField(label="年度", required=False, error_messages=YEAR_MESSAGES, **YEAR_BOUNDS)
    norm = forms.ChoiceField(
        label="分数",
        choices=[("", "原始分"), ("z", "标准分")],
        required=False,
        error_messages={"invalid_choice": "不支持的分数口径。"},
    )
