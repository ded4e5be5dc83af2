"""形式审查 (formal review): the checklist of a campaign's lists, and each review of an entry against it.

The rules (who reviews, what a failed item does, the fix-by deadline, 不予受理 after it) live in
``nominations.formal``; these rows only hold the checklist (campaign data, edited in the admin) and the
record of every review, with the failed items as they read at the time.
"""

from django.conf import settings
from django.db import models


class FormalCheckItem(models.Model):
    """One requirement of the formal review of a campaign (of one list, or of every list)."""

    campaign = models.ForeignKey("Campaign", on_delete=models.CASCADE, related_name="formal_items", verbose_name="年度")
    ranking_list = models.ForeignKey(
        "RankingList",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="formal_items",
        verbose_name="榜单",
        help_text="留空则适用于本年度全部榜单。",
    )
    label = models.CharField("审查项目", max_length=100)
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = "形式审查项目"
        verbose_name_plural = "形式审查项目"

    def __str__(self):
        return self.label


class FormalStage(models.TextChoices):
    UNIT = "unit", "推荐单位"
    PLATFORM = "platform", "平台"


class FormalReview(models.Model):
    """One formal review of an entry: passed, or the failed items with a fix-by deadline; by the
    recommending unit (its members' entries) or by the platform (the unit's recommendations)."""

    nomination = models.ForeignKey(
        "Nomination", on_delete=models.CASCADE, related_name="formal_reviews", verbose_name="申报"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审查人"
    )
    at = models.DateTimeField("审查时间")
    passed = models.BooleanField("通过")
    failed = models.JSONField("未通过的项目", default=list, blank=True)
    note = models.TextField("审查意见", blank=True)
    fix_by = models.DateTimeField("限期修改截止", null=True, blank=True)
    stage = models.CharField("审查方", max_length=10, choices=FormalStage.choices, default=FormalStage.UNIT)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "形式审查记录"
        verbose_name_plural = "形式审查记录"

    def __str__(self):
        return f"{self.nomination} · {'通过' if self.passed else '未通过'}"
