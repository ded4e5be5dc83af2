"""The official (frozen) version of an entry's form: the PDF made at the unit's confirmation.

The rules (which entries are frozen, the serial number, the verification code, the rendering task,
voiding at reopening) live in ``nominations.official`` (and ``official_numbers``, ``official_pdf``,
``official_verify``); these rows only hold what was frozen: the
stored PDF, its SHA-256, the code and the serial number, when it was frozen and whether it was voided.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class OfficialState(models.TextChoices):
    PENDING = "pending", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


def official_path(instance: "OfficialVersion", filename: str) -> str:
    # Never the entry's title: a stored name that says nothing and cannot be guessed.
    return f"official/{instance.campaign.year}/{instance.nomination_id}/{uuid.uuid4().hex}.pdf"


def serial_label(year: int, serial: int) -> str:
    """``KCZG-ZS-2023-000123``: the official version's serial number (ZS: 正式), per campaign."""
    return f"KCZG-ZS-{year}-{serial:06d}"


def grouped_code(code: str) -> str:
    """``ABCD-EFGH-JKMN``: the verification code as printed, in groups of four."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class OfficialSerial(models.Model):
    """The last serial number given out in a campaign (the row is locked while one is taken)."""

    campaign = models.OneToOneField(
        "Campaign", on_delete=models.CASCADE, related_name="official_serial", verbose_name="年度"
    )
    last = models.PositiveIntegerField("已分配的最大序列号", default=0)

    class Meta:
        verbose_name = "正式版序列号计数"
        verbose_name_plural = "正式版序列号计数"

    def __str__(self):
        return f"{self.campaign}：{self.last}"


class OfficialVersion(models.Model):
    """One frozen official PDF of an entry; voided (作废) when its unit is reopened, kept as a record."""

    nomination = models.ForeignKey(
        "Nomination", on_delete=models.PROTECT, related_name="official_versions", verbose_name="申报"
    )
    campaign = models.ForeignKey(
        "Campaign", on_delete=models.PROTECT, related_name="official_versions", verbose_name="年度"
    )
    serial = models.PositiveIntegerField("序列号")
    # 12 characters of an alphabet without look-alikes (no 0/O, 1/I/L), stored without the dashes.
    code = models.CharField("验证码", max_length=16, unique=True)
    state = models.CharField("状态", max_length=10, choices=OfficialState.choices, default=OfficialState.PENDING)
    file = models.FileField("PDF 文件", upload_to=official_path, max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    pages = models.PositiveSmallIntegerField("页数", null=True, blank=True)
    file_size = models.PositiveIntegerField("文件大小（字节）", null=True, blank=True)
    frozen_at = models.DateTimeField("定稿时间")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)
    error = models.TextField("生成错误", blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="作废人",
    )
    void_reason = models.TextField("作废原因", blank=True)

    class Meta:
        ordering = ["campaign", "serial"]
        verbose_name = "正式版申报书"
        verbose_name_plural = "正式版申报书"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "serial"], name="official_serial_once_per_campaign"),
            models.UniqueConstraint(
                fields=["nomination"], condition=Q(voided_at=None), name="official_one_current_per_nomination"
            ),
        ]

    def __str__(self):
        return self.serial_number

    @property
    def serial_number(self) -> str:
        return serial_label(self.campaign.year, self.serial)

    @property
    def printed_code(self) -> str:
        return grouped_code(self.code)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def is_ready(self) -> bool:
        return self.state == OfficialState.DONE and bool(self.file) and not self.is_void
