"""Export jobs: an Excel workbook or a ZIP of Word forms, built in the background (``nominations.exports``)."""

import uuid

from django.conf import settings
from django.db import models


class ExportKind(models.TextChoices):
    XLSX = "xlsx", "Excel 工作簿"
    DOCX_ZIP = "docx_zip", "Word 申报表 ZIP"
    # The review side (``reviews.exports``): one row per expert review, the ranked tables, the lists.
    REVIEW_SCORES = "scores", "初评评分 Excel"
    RANKING = "ranking", "初评排名 Excel"
    PUBLISHED = "published", "入榜名单 Excel"


# The kinds built from a nomination filter (``exports.Filters``) and the export form.
NOMINATION_KINDS = (ExportKind.XLSX, ExportKind.DOCX_ZIP)
REVIEW_KINDS = (ExportKind.REVIEW_SCORES, ExportKind.RANKING, ExportKind.PUBLISHED)


class ExportState(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


def export_path(instance, filename):
    # Never the display name: a fresh opaque name under exports/<year>/, outside the web root.
    year = (instance.filters or {}).get("campaign") or "all"
    suffix = ".zip" if instance.kind == ExportKind.DOCX_ZIP else ".xlsx"
    return f"exports/{year}/{uuid.uuid4().hex}{suffix}"


class ExportJob(models.Model):
    """One export asked for by one user; the file is served only to that user (the policy's ``download_export``)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="申请人"
    )
    kind = models.CharField("类型", max_length=10, choices=ExportKind.choices)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    description = models.CharField("导出范围", max_length=300, blank=True)
    state = models.CharField(
        "状态", max_length=10, choices=ExportState.choices, default=ExportState.QUEUED, db_index=True
    )
    progress_done = models.PositiveIntegerField("已处理", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)
    entry_ids = models.JSONField("包含的申报", default=list, blank=True, help_text="生成时的申报编号，下载时复核权限。")
    file = models.FileField("文件", upload_to=export_path, max_length=300, blank=True)
    file_name = models.CharField("下载文件名", max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField("文件大小（字节）", default=0)
    error = models.TextField("错误信息", blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("创建时间")
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}（{self.get_state_display()}）"

    @property
    def is_active(self):
        return self.state in (ExportState.QUEUED, ExportState.RUNNING)

    @property
    def percent(self):
        if self.state == ExportState.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))
