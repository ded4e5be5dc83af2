"""The expert pool (专家库): organisations with parents and aliases, expert profiles, the bodies an expert
serves, the confidentiality pledge and declaration per body, and the recorded random draws.

The rules over these rows live in ``reviews.avoidance`` (回避), ``reviews.pool`` (import, draw,
self-service changes) and ``reviews.optimal`` (assignment).
"""

from django.conf import settings
from django.db import models

from nominations.rules.duplicates import normalize_name


class Organisation(models.Model):
    """A unit (单位) as the 回避 rules know it: one normalised name, a parent (中国科学院 for its
    institutes) and aliases (简称, former names)."""

    name = models.CharField("单位名称", max_length=200)
    key = models.CharField("规范化名称", max_length=200, unique=True, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级单位"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "单位（回避）"
        verbose_name_plural = "单位（回避）"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.key = normalize_name(self.name)
        super().save(*args, **kwargs)


class OrganisationAlias(models.Model):
    """Another name of an organisation (简称、曾用名、英文名); matched after normalisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases", verbose_name="单位"
    )
    name = models.CharField("别名", max_length=200)
    key = models.CharField("规范化别名", max_length=200, unique=True, editable=False)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self):
        return f"{self.name} → {self.organisation}"

    def save(self, *args, **kwargs):
        self.key = normalize_name(self.name)
        super().save(*args, **kwargs)


class TitleLevel(models.IntegerChoices):
    """The level of a 职称; the draw's default floor is 副高."""

    OTHER = 0, "其他"
    JUNIOR = 1, "初级"
    INTERMEDIATE = 2, "中级"
    ASSOCIATE = 3, "副高"
    SENIOR = 4, "正高"


class ExpertProfile(models.Model):
    """An expert of the pool: 学科/领域, 职称 and its level, unit and sub-unit.

    ``pending``: a change the expert asked for (``{field: value}``), applied once a coordinator of a
    body the expert serves confirms it (``reviews.pool.confirm_change``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile", verbose_name="专家"
    )
    disciplines = models.CharField("学科", max_length=200, blank=True, help_text="多个学科用顿号分隔。")
    domains = models.ManyToManyField("nominations.Domain", blank=True, related_name="experts", verbose_name="领域")
    title = models.CharField("职称", max_length=50, blank=True)
    title_level = models.PositiveSmallIntegerField("职称级别", choices=TitleLevel.choices, default=TitleLevel.OTHER)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="experts", verbose_name="所在单位"
    )
    sub_unit = models.CharField("所在部门", max_length=200, blank=True)
    bodies = models.ManyToManyField(
        "reviews.ReviewBody", through="ExpertService", related_name="pool_experts", verbose_name="服务的初评机构"
    )
    pending = models.JSONField("待确认的信息修改", default=dict, blank=True)
    pending_at = models.DateTimeField("修改申请时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", null=True, blank=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = "专家库专家"
        verbose_name_plural = "专家库专家"

    def __str__(self):
        profile = getattr(self.user, "profile", None)
        return (profile.display_name if profile else "") or self.user.get_username()


class ExpertService(models.Model):
    """An expert serving a review body (its campaign gives the year). The bodies an expert reviews for
    are the active rows (with the account's own body unless withdrawn): ``reviews.serving``.

    ``active``: ``False`` once the body has withdrawn the expert; the row stays (the record), the
    expert's submitted reviews stay counted, the body's entries are no longer shown to the expert."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="services", verbose_name="专家")
    body = models.ForeignKey("reviews.ReviewBody", on_delete=models.CASCADE, related_name="+", verbose_name="初评机构")
    year = models.PositiveSmallIntegerField("年度")
    since = models.DateTimeField("加入时间")
    active = models.BooleanField("在任", default=True)
    withdrawn_at = models.DateTimeField("退出时间", null=True, blank=True)
    withdrawn_reason = models.CharField("退出原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "body"]
        unique_together = [("expert", "body")]
        verbose_name = "专家服务记录"
        verbose_name_plural = "专家服务记录"

    def __str__(self):
        return f"{self.expert} · {self.body}（{self.year}）"


class ExpertPledge(models.Model):
    """The confidentiality pledge (保密承诺) and the declaration (回避声明) of one expert for one body,
    recorded before the expert opens any entry of that body.

    ``declared_units``: the units the expert declares a relation with (兼职、合作、近三年任职…), as typed;
    each of them is a 回避 reason for the entries of those units (``reviews.avoidance``)."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_pledges", verbose_name="专家"
    )
    body = models.ForeignKey("reviews.ReviewBody", on_delete=models.CASCADE, related_name="+", verbose_name="初评机构")
    pledged_at = models.DateTimeField("承诺时间")
    declared_units = models.JSONField("申报有关联的单位", default=list, blank=True)
    declaration = models.TextField("回避声明", blank=True)

    class Meta:
        ordering = ["-pledged_at"]
        unique_together = [("expert", "body")]
        verbose_name = "保密承诺与回避声明"
        verbose_name_plural = "保密承诺与回避声明"

    def __str__(self):
        return f"{self.expert} · {self.body}"


class ExpertDraw(models.Model):
    """A random draw of experts (随机抽取) for a body and domain, recorded so it can be audited and
    repeated: the same pool, constraints and seed give the same experts (``reviews.pool.draw``)."""

    body = models.ForeignKey("reviews.ReviewBody", on_delete=models.CASCADE, related_name="+", verbose_name="初评机构")
    domain = models.ForeignKey(
        "nominations.Domain", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="领域"
    )
    count = models.PositiveSmallIntegerField("抽取人数")
    seed = models.BigIntegerField("随机种子")
    constraints = models.JSONField("抽取条件", default=dict)
    pool = models.JSONField("候选专家", default=list, help_text="满足条件的专家编号，按编号排序。")
    drawn = models.JSONField("抽中的专家", default=list)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="抽取人"
    )
    drawn_at = models.DateTimeField("抽取时间")

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = "专家抽取记录"
        verbose_name_plural = "专家抽取记录"

    def __str__(self):
        return f"{self.body} · {self.domain or '全部领域'} · {self.count} 人"
