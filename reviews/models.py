"""Initial-review bodies and the lists and domains they cover."""

from django.db import models


class ReviewBody(models.Model):
    campaign = models.ForeignKey(
        "nominations.Campaign", on_delete=models.CASCADE, related_name="review_bodies", verbose_name="年度"
    )
    name = models.CharField("名称", max_length=200)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phones = models.CharField("联系电话", max_length=200, blank=True, help_text="多个号码用“/”分隔。")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "order"]
        unique_together = [("campaign", "name")]
        verbose_name = "初评机构"
        verbose_name_plural = "初评机构"

    def __str__(self):
        return self.name

    @property
    def phone_list(self):
        return [p.strip() for p in self.contact_phones.split("/") if p.strip()]


class ReviewCoverage(models.Model):
    """One list (and domain, for 先导技术榜) that a body reviews. A domain may have several bodies."""

    body = models.ForeignKey(ReviewBody, on_delete=models.CASCADE, related_name="coverages", verbose_name="初评机构")
    ranking_list = models.ForeignKey(
        "nominations.RankingList", on_delete=models.CASCADE, related_name="+", verbose_name="榜单"
    )
    domain = models.ForeignKey(
        "nominations.Domain",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coverages",
        verbose_name="领域",
    )

    class Meta:
        ordering = ["ranking_list__order", "domain__order"]
        unique_together = [("body", "ranking_list", "domain")]
        verbose_name = "初评范围"
        verbose_name_plural = "初评范围"

    def __str__(self):
        return f"{self.ranking_list}{f' · {self.domain}' if self.domain_id else ''}"
