"""签字盖章 (signed and stamped pages): what a campaign requires to be stamped, and the scans uploaded.

The rules (who uploads, until when, what confirming needs) live in ``nominations.stamps``; these rows
hold the campaign's requirements (``stamp_requirements`` in the campaign file, edited in the admin) and
the current scan of each requirement: per recommended entry (推荐表签字盖章页) or per unit and campaign
(推荐汇总表). A replaced scan is deleted; the audit log keeps every upload with its SHA-256.
"""

import uuid

from django.conf import settings
from django.db import models


class StampScope(models.TextChoices):
    ENTRY = "entry", "每项推荐申报"
    SUMMARY = "summary", "每个推荐单位"


class StampRequirement(models.Model):
    """One document a campaign requires signed and stamped: per entry, or per unit (the 汇总表)."""

    campaign = models.ForeignKey(
        "Campaign", on_delete=models.CASCADE, related_name="stamp_requirements", verbose_name="年度"
    )
    scope = models.CharField("适用范围", max_length=10, choices=StampScope.choices)
    label = models.CharField("盖章材料", max_length=100)
    description = models.TextField("说明", blank=True)
    required = models.BooleanField("确认推荐前必须上传", default=True)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["campaign", "order", "pk"]
        verbose_name = "签字盖章要求"
        verbose_name_plural = "签字盖章要求"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "scope"], name="stamp_requirement_one_per_scope"),
        ]

    def __str__(self):
        return self.label


def stamped_path(instance, filename):
    # The stored name never reuses the uploaded one.
    return f"stamped/{instance.campaign.year}/{instance.recommending_unit_id}/{uuid.uuid4().hex}"


class StampedPage(models.Model):
    """The current signed-and-stamped scan of one requirement: an entry's pages, or a unit's 汇总表."""

    campaign = models.ForeignKey("Campaign", on_delete=models.CASCADE, related_name="+", verbose_name="年度")
    scope = models.CharField("适用范围", max_length=10, choices=StampScope.choices)
    recommending_unit = models.ForeignKey(
        "RecommendingUnit", on_delete=models.CASCADE, related_name="stamped_pages", verbose_name="推荐单位"
    )
    nomination = models.ForeignKey(
        "Nomination",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="stamped_pages",
        verbose_name="申报",
    )
    file = models.FileField("文件", upload_to=stamped_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("内容摘要（SHA-256）", max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")
    # A 汇总表: the numbers of the entries recommended when it was uploaded (a later change asks for
    # a new stamped one before confirming).
    covers = models.JSONField("上传时的推荐申报", default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "签字盖章页"
        verbose_name_plural = "签字盖章页"
        constraints = [
            models.UniqueConstraint(
                fields=["nomination"],
                condition=models.Q(scope="entry"),
                name="stamped_page_one_per_entry",
            ),
            models.UniqueConstraint(
                fields=["campaign", "recommending_unit"],
                condition=models.Q(scope="summary"),
                name="stamped_summary_one_per_unit",
            ),
        ]

    def __str__(self):
        return self.original_name
