"""The forms of 发布推介 (every POST value through a form with limits)."""

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password

from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.phones import is_valid_phone, normalize_phone
from promotion.models import AmountBand, ConsentLevel, InstitutionType, Need, OutcomeKind, Stage

PLEDGE = (
    "本机构承诺：仅为资源对接之目的使用平台提供的入榜项目信息；未经入榜单位同意，不向任何第三方披露其扩展信息和联系方式；"
    "不批量下载、复制或导出联系方式；违反承诺的，平台可暂停或移除本机构。"
)


def _clean_phone(value: str) -> str:
    value = value.strip()
    if value and not is_valid_phone(value):
        raise forms.ValidationError("请输入有效的手机号码或带区号的固定电话。")
    return normalize_phone(value) if value else ""


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", max_length=50, required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)
    list = forms.CharField(label="榜单", max_length=20, required=False)
    domain = forms.CharField(label="领域", max_length=20, required=False)
    region = forms.CharField(label="地区", max_length=20, required=False)


class ConsentForm(forms.Form):
    level = forms.ChoiceField(label="授权级别", choices=ConsentLevel.choices, widget=forms.RadioSelect)
    financing_need = forms.ChoiceField(label="融资需求", choices=[("", "—"), *Need.choices], required=False)
    amount_band = forms.ChoiceField(label="金额区间", choices=[("", "—"), *AmountBand.choices], required=False)
    use_of_funds = forms.CharField(label="资金用途", max_length=300, required=False)
    stage = forms.ChoiceField(label="发展阶段", choices=[("", "—"), *Stage.choices], required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    contact_email = forms.EmailField(
        label="电子邮箱", required=False, error_messages={"invalid": "请输入有效的电子邮箱。"}
    )

    def clean_contact_phone(self) -> str:
        return _clean_phone(self.cleaned_data["contact_phone"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("level") and data["level"] != ConsentLevel.PUBLIC:
            if not (data.get("contact_phone") or data.get("contact_email")):
                self.add_error("contact_phone", "请填写联系电话或电子邮箱（只在您接受某机构的请求后向该机构提供）。")
            if not data.get("contact_name"):
                self.add_error("contact_name", "请填写联系人。")
        return data


class PartnerApplicationForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    institution_type = forms.ChoiceField(label="机构类型", choices=InstitutionType.choices)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)
    licence_number = forms.CharField(label="金融许可证号或备案编号", max_length=60)
    staff_name = forms.CharField(label="经办人姓名", max_length=30)
    staff_position = forms.CharField(label="经办人职务", max_length=50)
    staff_phone = forms.CharField(label="经办人工作电话", max_length=40, required=False)
    email = forms.EmailField(label="经办人电子邮箱", error_messages={"invalid": "请输入有效的电子邮箱。"})
    username = forms.RegexField(
        label="登录用户名",
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]{3,30}$",
        error_messages={"invalid": "用户名为 3 至 30 位字母、数字或 _ . -。"},
    )
    password = forms.CharField(label="登录密码", max_length=128, widget=forms.PasswordInput)
    pledge = forms.BooleanField(label="我已阅读并签署上述保密承诺", error_messages={"required": "请先签署保密承诺。"})

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        error = credit_code_error(code)
        if error:
            raise forms.ValidationError(error)
        return code

    def clean_staff_phone(self) -> str:
        return _clean_phone(self.cleaned_data["staff_phone"])

    def clean_username(self) -> str:
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("该用户名已被使用。")
        return name

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except forms.ValidationError as error:
            raise forms.ValidationError(list(error.messages)) from None
        return password


class StaffForm(forms.Form):
    """A staff member the partner's admin contact adds: an account is created for the e-mail."""

    name = forms.CharField(label="姓名", max_length=30)
    position = forms.CharField(label="职务", max_length=50)
    phone = forms.CharField(label="工作电话", max_length=40, required=False)
    email = forms.EmailField(
        label="工作邮箱",
        help_text="平台向该邮箱发送账号邀请，对方设置密码后即可代表本机构登录。",
        error_messages={"invalid": "请输入有效的电子邮箱。"},
    )

    def clean_phone(self) -> str:
        return _clean_phone(self.cleaned_data["phone"])


class OfferForm(forms.Form):
    product = forms.CharField(label="产品名称", max_length=100)
    product_kind = forms.ChoiceField(label="产品类别", choices=Need.choices)
    domains = forms.CharField(
        label="领域", max_length=200, required=False, help_text="领域代码，用逗号分隔；留空表示不限领域。"
    )
    stages = forms.MultipleChoiceField(label="阶段", choices=Stage.choices, required=False)
    regions = forms.CharField(
        label="地区", max_length=200, required=False, help_text="如“广东，北京”；留空表示不限地区。"
    )
    ticket_band = forms.ChoiceField(label="单笔金额区间", choices=AmountBand.choices)

    @staticmethod
    def _split(value: str) -> list[str]:
        for sep in "，、；;":
            value = value.replace(sep, ",")
        return [part.strip() for part in value.split(",") if part.strip()][:20]

    def clean_domains(self) -> list[str]:
        return self._split(self.cleaned_data["domains"])

    def clean_regions(self) -> list[str]:
        return self._split(self.cleaned_data["regions"])


class RequestForm(forms.Form):
    message = forms.CharField(label="留言", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", "接受"), ("decline", "拒绝")])


class PartnerStepForm(forms.Form):
    step = forms.ChoiceField(choices=[("approve", "批准"), ("suspend", "暂停"), ("remove", "移除")])


class ModerateForm(forms.Form):
    release = forms.ChoiceField(choices=[("yes", "放行"), ("no", "拦截")])


class PackageForm(forms.Form):
    title = forms.CharField(label="名称", max_length=100, help_text="如“先导技术榜 · 生物医药 2023”。")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    list_code = forms.CharField(label="榜单代码", max_length=20, help_text="如 tech、enterprise。")
    domain_code = forms.CharField(label="领域代码", max_length=20, required=False, help_text="留空表示全部领域。")
    partners = forms.ModelMultipleChoiceField(
        label="发送给",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一家合作机构。", "invalid_choice": "请选择列表中的合作机构。"},
    )

    def __init__(self, *args, **kwargs):
        from promotion.models import Partner, PartnerState

        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.filter(state=PartnerState.APPROVED)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label="成果类型", choices=OutcomeKind.choices)
    amount_wan = forms.DecimalField(label="金额（万元）", max_digits=12, decimal_places=2, min_value=0, required=False)
