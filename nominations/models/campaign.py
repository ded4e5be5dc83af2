"""A campaign year, its four ranking lists, their domains and the recommendation channels."""

from __future__ import annotations

from django.db import models


class CampaignQuerySet(models.QuerySet):
    def active(self) -> Campaign | None:
        """The campaign the site works on: the latest year marked 当前年度, or ``None`` before any is."""
        return self.filter(is_active=True).order_by("-year").first()


class UnconfirmedUnits(models.TextChoices):
    """The campaign's default for units that never confirmed their recommendations."""

    DECIDE = "decide", "由平台秘书处逐个决定"
    INCLUDE = "include", "全部纳入初评"
    EXCLUDE = "exclude", "全部不纳入初评"


class Campaign(models.Model):
    """One campaign year with every date of its timeline (aware datetimes, Asia/Shanghai).

    "24 时" of a day is stored as 00:00 of the next day: a deadline is open while now < deadline.
    """

    year = models.PositiveIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=200)
    notice_ref = models.CharField("依据文件", max_length=200, blank=True)
    platform_url = models.CharField("申报平台网址", max_length=200, blank=True)
    organizer = models.CharField("组织征集的学会", max_length=200, blank=True)
    organizer_contact = models.CharField("学会秘书处联系人", max_length=50, blank=True)
    organizer_phones = models.CharField("学会秘书处联系电话", max_length=200, blank=True)
    organizer_email = models.EmailField("学会秘书处邮箱", blank=True)

    collection_start = models.DateTimeField("征集开始")
    member_deadline = models.DateTimeField("会员提交截止", help_text="会员向学会秘书处提交的截止时间（内部截止）。")
    platform_deadline = models.DateTimeField("平台申报截止", help_text="推荐单位在平台完成推荐的截止时间。")
    initial_review_start = models.DateTimeField("初评开始")
    initial_review_deadline = models.DateTimeField("初评结果报送截止")
    final_review_start = models.DateTimeField("终评开始")
    final_review_end = models.DateTimeField("终评结束")
    publication_start = models.DateTimeField("发布开始", help_text="最早可发布榜单的时间。")
    publication_end = models.DateTimeField("发布推介结束")
    promotion_start = models.DateTimeField("宣传推广开始")
    promotion_end = models.DateTimeField("宣传推广结束")
    is_active = models.BooleanField("当前年度", default=True)
    formal_fix_days = models.PositiveSmallIntegerField(
        "形式审查限期修改天数", default=5, help_text="形式审查未通过时，默认给予申报单位修改的天数。"
    )
    unconfirmed_units = models.CharField(
        "未确认推荐结果的单位",
        max_length=10,
        choices=UnconfirmedUnits.choices,
        default=UnconfirmedUnits.DECIDE,
        help_text="推荐单位在平台申报截止时间前未确认推荐结果时，其已推荐的申报如何处理。",
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = "征集年度"
        verbose_name_plural = "征集年度"

    def __str__(self):
        return self.title or f"{self.year}年"


class ListCode(models.TextChoices):
    TECH = "tech", "先导技术榜"
    ENTERPRISE = "enterprise", "新锐企业榜"
    ORGANIZATION = "organization", "融通创新组织榜"
    MANAGER = "manager", "技术经理人先锋榜"


class RankingList(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lists", verbose_name="年度")
    code = models.CharField("代码", max_length=20, choices=ListCode.choices)
    name = models.CharField("名称", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    channel_quota = models.PositiveSmallIntegerField(
        "每个推荐渠道的推荐名额",
        help_text="推荐单位每属于一个服务本榜单的推荐渠道，就有这么多名额（可叠加）；按领域计算的榜单为每个领域的名额。",
    )
    member_cap = models.PositiveSmallIntegerField(
        "每家会员单位的申报上限",
        help_text="一家会员单位在本榜单（按领域计算的榜单为每个领域）最多同时有多少项在办申报。",
    )
    capped_per_domain = models.BooleanField("按领域计算名额", default=False)
    nominee_is_person = models.BooleanField("推荐对象为个人", default=False)
    unit_label = models.CharField("名额单位", max_length=10, default="个", help_text="如“个”“人”。")
    description = models.TextField("说明", blank=True)
    conditions = models.TextField("申报条件（附件1）", blank=True, help_text="通知未公开附件1，此处由平台配置。")
    opinion_max_chars = models.PositiveIntegerField(
        "推荐意见字数上限", default=600, help_text="推荐单位为每项申报填写的推荐意见的字数上限。"
    )

    class Meta:
        ordering = ["campaign", "order"]
        unique_together = [("campaign", "code")]
        verbose_name = "榜单"
        verbose_name_plural = "榜单"

    def __str__(self):
        return self.name

    @property
    def has_domains(self):
        return self.capped_per_domain


class DomainKind(models.TextChoices):
    INDUSTRY = "industry", "产业领域"
    SPECIAL = "special", "专项领域"


class Domain(models.Model):
    ranking_list = models.ForeignKey(RankingList, on_delete=models.CASCADE, related_name="domains", verbose_name="榜单")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=50)
    kind = models.CharField("类型", max_length=10, choices=DomainKind.choices, default=DomainKind.INDUSTRY)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["ranking_list", "order"]
        unique_together = [("ranking_list", "code")]
        verbose_name = "领域"
        verbose_name_plural = "领域"

    def __str__(self):
        return self.name


class Channel(models.Model):
    """A recommendation channel (推荐渠道) of one campaign, and the lists it may recommend to."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="channels", verbose_name="年度")
    code = models.CharField("代码", max_length=30)
    name = models.CharField("名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)
    lists = models.ManyToManyField(RankingList, related_name="channels", verbose_name="适用榜单")
    is_pioneer_route = models.BooleanField(
        "先锋人物推举", default=False, help_text="上一年度技术经理人先锋人物推举候选人；每人限 1 人。"
    )
    pioneer_quota = models.PositiveSmallIntegerField("每位先锋人物名额", default=1)

    class Meta:
        ordering = ["campaign", "order"]
        unique_together = [("campaign", "code")]
        verbose_name = "推荐渠道"
        verbose_name_plural = "推荐渠道"

    def __str__(self):
        return self.name


class CampaignDataVersion(models.Model):
    """One row: the version of the campaign data (campaign, lists, domains, participations, extensions).

    Incremented on every change of them (``nominations.campaign_cache``), so that every process knows
    when its cached copy is out of date.
    """

    value = models.BigIntegerField("版本", default=0)

    class Meta:
        verbose_name = "征集数据版本"
        verbose_name_plural = "征集数据版本"

    def __str__(self):
        return f"版本 {self.value}"
