"""The log of sent mail: every notification, reminder and invitation the platform sends."""

from django.db import models


class MailKind(models.TextChoices):
    RETURNED = "returned", "退回修改通知"
    ACCEPTED = "accepted", "受理通知"
    DECLINED = "declined", "不予推荐通知"
    RECOMMENDED = "recommended", "推荐通知"
    CONFIRMED = "confirmed", "确认推荐通知"
    REOPENED = "reopened", "重新开放通知"
    REMINDER_MEMBER = "reminder_member", "会员提交截止提醒"
    REMINDER_PLATFORM = "reminder_platform", "平台申报截止提醒"
    INVITATION = "invitation", "账号邀请"
    NOT_RECOMMENDED = "not_recommended", "未获推荐通知"
    EXCLUDED = "excluded", "未纳入初评通知"
    OUTCOME = "outcome", "榜单结果通知"
    # 发布推介 (the promotion app sends them): a partner's interest request and its answer.
    PROMOTION_REQUEST = "promotion_request", "对接请求通知"
    PROMOTION_ACCEPTED = "promotion_accepted", "对接请求已接受通知"
    PROMOTION_DECLINED = "promotion_declined", "对接请求未获接受通知"
    PROMOTION_EXPIRED = "promotion_expired", "对接请求已过期通知"


class MailStatus(models.TextChoices):
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "无收件人"


class MailAudience(models.TextChoices):
    """Whom a mail is addressed to; the policy (``visible_sent_mails``) lets only them and the platform read it."""

    MEMBER = "member", "会员单位"
    SECRETARIAT = "secretariat", "推荐单位秘书处"
    OTHER = "other", "其他收件人"


class SentMail(models.Model):
    to = models.TextField("收件人", help_text="以逗号分隔的邮箱地址。")
    subject = models.CharField("主题", max_length=300)
    body = models.TextField("正文")
    sent_at = models.DateTimeField("发送时间", db_index=True)
    kind = models.CharField("类型", max_length=30, choices=MailKind.choices, db_index=True)
    audience = models.CharField(
        "收件对象",
        max_length=20,
        choices=MailAudience.choices,
        default=MailAudience.OTHER,
        help_text="会员单位的邮件只有该会员单位和平台可见；推荐单位秘书处的邮件只有该秘书处和平台可见；其他邮件仅平台可见。",
    )
    status = models.CharField("状态", max_length=10, choices=MailStatus.choices, default=MailStatus.SENT)
    error = models.TextField("错误信息", blank=True)
    nomination = models.ForeignKey(
        "Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="mails", verbose_name="申报"
    )
    recommending_unit = models.ForeignKey(
        "RecommendingUnit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name="推荐单位",
    )
    member_unit = models.ForeignKey(
        "MemberUnit", on_delete=models.SET_NULL, null=True, blank=True, related_name="mails", verbose_name="会员单位"
    )
    dedupe_key = models.CharField(
        "去重键",
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="提醒邮件的唯一标识：同一提醒只发送一次。",
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        # Scale (bench/scale.py): the mail log pages in its order, site-wide and per unit.
        indexes = [
            models.Index(fields=["-sent_at", "-id"], name="sentmail_sent_id"),
            models.Index(fields=["recommending_unit", "-sent_at"], name="sentmail_unit_sent"),
        ]
        verbose_name = "邮件记录"
        verbose_name_plural = "邮件记录"

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject}"

    @property
    def recipients(self):
        return [item.strip() for item in self.to.split(",") if item.strip()]
