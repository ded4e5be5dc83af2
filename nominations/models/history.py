from django.db import models

from nominations.rules.duplicates import normalize_name

from .campaign import ListCode


class EarlierListedItem(models.Model):
    """An item listed in an earlier year; such items are in principle not recommended again."""

    year = models.PositiveIntegerField("入选年度")
    list_code = models.CharField("榜单", max_length=20, choices=ListCode.choices)
    domain_name = models.CharField("领域", max_length=50, blank=True)
    name = models.CharField("名称", max_length=200)
    unit = models.CharField("单位", max_length=200, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    normalized_name = models.CharField("规范化名称", max_length=200, editable=False, db_index=True)

    class Meta:
        ordering = ["-year", "list_code", "name"]
        unique_together = [("year", "list_code", "normalized_name")]
        verbose_name = "历年入榜项目"
        verbose_name_plural = "历年入榜项目"

    def __str__(self):
        return f"{self.year}年{self.get_list_code_display()}：{self.name}"

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)
