"""A user's role and the organisation it acts for."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "会员单位"
    SECRETARIAT = "secretariat", "推荐单位秘书处"
    PIONEER = "pioneer", "先锋人物"
    EXPERT = "expert", "初评专家"
    COORDINATOR = "coordinator", "初评机构联络人"
    PLATFORM = "platform", "平台秘书处"
    ADMIN = "admin", "系统管理员"


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name="用户"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=50, blank=True)
    member_unit = models.ForeignKey(
        "MemberUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name="会员单位"
    )
    recommending_unit = models.ForeignKey(
        "RecommendingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="推荐单位",
    )
    pioneer = models.OneToOneField(
        "Pioneer", on_delete=models.PROTECT, null=True, blank=True, related_name="profile", verbose_name="先锋人物"
    )
    review_body = models.ForeignKey(
        "reviews.ReviewBody",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="初评机构",
    )
    organization = models.CharField("所在单位", max_length=200, blank=True, help_text="专家的工作单位，用于回避。")

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user.get_username()}（{self.get_role_display()}）"

    @property
    def organisation_label(self):
        org = self.member_unit or self.recommending_unit or self.review_body or self.pioneer
        return str(org) if org else self.organization
