"""Who recommends: recommending units and their channels, member units, 2022 pioneers, extensions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class RecommendingUnit(models.Model):
    """An organisation that recommends to the platform (推荐单位), e.g. a national society.

    Its quota for a list is that list's ``channel_quota`` times the number of its channels that serve the list
    (see ``nominations.rules.quotas``).
    """

    name = models.CharField("名称", max_length=200, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    channels = models.ManyToManyField("Channel", related_name="units", blank=True, verbose_name="推荐渠道")
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phones = models.CharField("联系电话", max_length=200, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "推荐单位"
        verbose_name_plural = "推荐单位"

    def __str__(self):
        return self.name


class UnconfirmedDecision(models.TextChoices):
    """What becomes of a recommending unit's recommended entries when it never confirmed them."""

    INCLUDE = "include", "纳入初评"
    EXCLUDE = "exclude", "不纳入初评"


class Participation(models.Model):
    """A recommending unit's settings and progress in one campaign."""

    campaign = models.ForeignKey(
        "Campaign", on_delete=models.CASCADE, related_name="participations", verbose_name="年度"
    )
    unit = models.ForeignKey(
        RecommendingUnit, on_delete=models.CASCADE, related_name="participations", verbose_name="推荐单位"
    )
    member_deadline = models.DateTimeField(
        "会员提交截止", null=True, blank=True, help_text="留空则使用年度的会员提交截止时间。"
    )
    confirmed_at = models.DateTimeField("确认推荐时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    # The platform's decision on a unit that had not confirmed by its platform deadline
    # (Campaign.unconfirmed_units says what happens without one).
    unconfirmed_decision = models.CharField(
        "未确认单位的处理", max_length=10, choices=UnconfirmedDecision.choices, blank=True
    )
    unconfirmed_reason = models.TextField("处理理由", blank=True)
    unconfirmed_decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    unconfirmed_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="处理人",
    )

    class Meta:
        unique_together = [("campaign", "unit")]
        verbose_name = "推荐单位参与情况"
        verbose_name_plural = "推荐单位参与情况"

    def __str__(self):
        return f"{self.unit} · {self.campaign}"


class MemberUnit(models.Model):
    """A member (会员单位) that submits nominations to its recommending unit."""

    name = models.CharField("名称", max_length=200)
    recommending_unit = models.ForeignKey(
        RecommendingUnit, on_delete=models.PROTECT, related_name="members", verbose_name="所属推荐单位"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=50, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["recommending_unit", "name"]
        unique_together = [("recommending_unit", "name")]
        verbose_name = "会员单位"
        verbose_name_plural = "会员单位"

    def __str__(self):
        return self.name


class Pioneer(models.Model):
    """A person listed as 技术经理人先锋人物 in an earlier year, who may recommend one candidate."""

    campaign = models.ForeignKey("Campaign", on_delete=models.CASCADE, related_name="pioneers", verbose_name="推荐年度")
    name = models.CharField("姓名", max_length=50)
    organization = models.CharField("工作单位", max_length=200, blank=True)
    listed_year = models.PositiveIntegerField("入选年度", default=2022)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["campaign", "name"]
        verbose_name = "先锋人物"
        verbose_name_plural = "先锋人物"

    def __str__(self):
        return f"{self.name}（{self.listed_year}年先锋人物）"


class ExtensionKind(models.TextChoices):
    MEMBER = "member", "会员提交截止"
    PLATFORM = "platform", "平台申报截止"


class Extension(models.Model):
    """A recorded extension of one deadline for one recommending unit or one member unit."""

    campaign = models.ForeignKey("Campaign", on_delete=models.CASCADE, related_name="extensions", verbose_name="年度")
    kind = models.CharField("延期的截止时间", max_length=10, choices=ExtensionKind.choices)
    recommending_unit = models.ForeignKey(
        RecommendingUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="extensions",
        verbose_name="推荐单位",
    )
    member_unit = models.ForeignKey(
        MemberUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions", verbose_name="会员单位"
    )
    until = models.DateTimeField("延期至")
    reason = models.TextField("理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="批准人"
    )
    granted_at = models.DateTimeField("批准时间")

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "延期"
        verbose_name_plural = "延期"

    def __str__(self):
        who = self.member_unit or self.recommending_unit
        return f"{who} · {self.get_kind_display()} 延期至 {self.until:%Y-%m-%d %H:%M}"

    def clean(self):
        if bool(self.recommending_unit_id) == bool(self.member_unit_id):
            raise ValidationError("请选择一个推荐单位或一个会员单位（二选一）。")
        if not self.reason.strip():
            raise ValidationError({"reason": "请填写延期理由。"})
