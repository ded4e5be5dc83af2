"""The scoring rule of a list: how the experts' weighted totals of an entry become its score, and when the
experts disagree enough for the coordinator to look (``reviews.aggregation``)."""

from decimal import Decimal

from django.db import models

__all__ = ["DEFAULT_DISAGREEMENT_THRESHOLD", "Aggregation", "ListScoringRule"]

DEFAULT_DISAGREEMENT_THRESHOLD = Decimal(20)


class Aggregation(models.TextChoices):
    """The aggregation rules a list may use (``reviews.aggregation.aggregate``)."""

    MEAN = "mean", "均值"
    MEDIAN = "median", "中位数"
    TRIMMED = "trimmed", "去掉一个最高分和一个最低分后的均值"
    NORMALIZED = "normalized", "标准化均值"


class ListScoringRule(models.Model):
    """One list's aggregation rule and its disagreement threshold; a list without a row uses 均值 and 20 分.

    The disagreement (分歧) of an entry is the range of its experts' weighted totals (highest − lowest,
    0–100); above ``disagreement_threshold`` the ranking pages highlight the entry.
    """

    ranking_list = models.OneToOneField(
        "nominations.RankingList", on_delete=models.CASCADE, related_name="scoring_rule", verbose_name="榜单"
    )
    aggregation = models.CharField("汇总规则", max_length=12, choices=Aggregation.choices, default=Aggregation.MEAN)
    disagreement_threshold = models.DecimalField(
        "分歧提示阈值",
        max_digits=5,
        decimal_places=1,
        default=DEFAULT_DISAGREEMENT_THRESHOLD,
        help_text="同一申报专家加权总分的最高分与最低分之差超过此值时，排名表中突出显示，提示联络人关注。",
    )

    class Meta:
        verbose_name = "评分汇总规则"
        verbose_name_plural = "评分汇总规则"

    def __str__(self):
        return f"{self.ranking_list}：{self.get_aggregation_display()}"
