"""公示 (the public notice period before publication) and its cases: objections (异议) and corrections (更正).

The rules live in ``reviews.notice`` (the notice) and ``reviews.objections`` (the cases, with their
transition table ``reviews.case_transitions``); these are the rows.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

# The fields a notice may show per list (campaign data ``public_notice.fields``), in this order.
NOTICE_FIELDS = {"name": "名称", "unit": "申报单位", "recommending_unit": "推荐单位"}
MIN_NOTICE_DAYS = 7


class PublicNotice(models.Model):
    """The 公示 of one campaign: its rules (campaign data ``public_notice``) and, once the platform has
    opened it, its period (``start`` to ``end``, ``days`` natural days)."""

    campaign = models.OneToOneField(
        "nominations.Campaign", on_delete=models.CASCADE, related_name="public_notice", verbose_name="年度"
    )
    days = models.PositiveSmallIntegerField(
        "公示天数",
        default=MIN_NOTICE_DAYS,
        validators=[MinValueValidator(MIN_NOTICE_DAYS)],
        help_text="自然日，不少于 7 天。",
    )
    fields = models.JSONField(
        "公示内容",
        default=dict,
        blank=True,
        help_text="各榜单公示的栏目（名称、申报单位、推荐单位），由年度数据设置。",
    )
    required = models.BooleanField("发布前须公示", default=False)
    grounds_max_chars = models.PositiveSmallIntegerField("异议理由字数上限", default=2000)
    answer_days = models.PositiveSmallIntegerField("推荐单位答复期限（天）", default=5)
    start = models.DateTimeField("公示开始", null=True, blank=True)
    end = models.DateTimeField("公示结束", null=True, blank=True)
    opened_at = models.DateTimeField("开启时间", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="开启人",
    )

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"

    def __str__(self):
        return f"{self.campaign} 公示"

    @property
    def is_opened(self) -> bool:
        return self.start is not None

    def fields_of(self, ranking_list) -> list[str]:
        """The fields shown for ``ranking_list`` (all of them unless the campaign data says otherwise)."""
        wanted = self.fields.get(ranking_list.code) if isinstance(self.fields, dict) else None
        return [f for f in NOTICE_FIELDS if wanted is None or f in wanted]


class CaseKind(models.TextChoices):
    OBJECTION = "objection", "异议"
    CORRECTION = "correction", "更正"


class CaseState(models.TextChoices):
    RECEIVED = "received", "已收到"
    REJECTED = "rejected", "不予受理"
    ACCEPTED = "accepted", "已受理"
    SUBSTANTIVE = "substantive", "实质性异议（平台处理）"
    FORWARDED = "forwarded", "非实质性异议（待推荐单位答复）"
    ANSWERED = "answered", "推荐单位已答复"
    INVESTIGATING = "investigating", "调查核实中"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class RejectGround(models.TextChoices):
    """The fixed grounds of 不予受理."""

    ANONYMOUS = "anonymous", "匿名异议（未署真实姓名或联系电话）"
    LATE = "late", "逾期提出"
    NO_EVIDENCE = "no_evidence", "未提供必要的证明材料"
    DISAGREEMENT = "disagreement", "对评审结果有不同意见，不属于异议"
    NOT_LISTED = "not_listed", "异议对象不在公示名单中"
    NO_STAMP = "no_stamp", "单位提出的异议未加盖公章"
    DUPLICATE = "duplicate", "重复提出，已合并处理"


class CaseOutcome(models.TextChoices):
    WITHDRAWN = "withdrawn", "撤销入榜资格"
    CORRECTED = "corrected", "更正公示信息"


class ObjectionCase(models.Model):
    """One objection (异议) against, or correction request (更正) for, a listed entry during the notice.

    The objector's identity (``objector_*``) is the platform's alone: the recommending unit and the
    entry's member see the grounds and the evidence only (``reviews.policy`` ``view_objector``)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.CASCADE, related_name="cases", verbose_name="公示")
    kind = models.CharField("类型", max_length=12, choices=CaseKind.choices, default=CaseKind.OBJECTION)
    receipt = models.CharField("受理编号", max_length=40, unique=True)
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="notice_cases", verbose_name="申报"
    )
    state = models.CharField("状态", max_length=15, choices=CaseState.choices, default=CaseState.RECEIVED)
    objector_name = models.CharField("真实姓名", max_length=50, blank=True)
    objector_unit = models.CharField("工作单位", max_length=200, blank=True, help_text="个人提出时为“个人”。")
    objector_is_unit = models.BooleanField("以单位名义提出", default=False)
    objector_phone = models.CharField("联系电话", max_length=40, blank=True)
    objector_email = models.EmailField("电子邮箱", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="申请人",
    )
    grounds = models.TextField("异议理由")
    correction_field = models.CharField("更正栏目", max_length=30, blank=True)
    correction_value = models.CharField("更正为", max_length=200, blank=True)
    filed_at = models.DateTimeField("提出时间")
    reject_ground = models.CharField("不予受理理由", max_length=20, choices=RejectGround.choices, blank=True)
    answer_due = models.DateTimeField("推荐单位答复期限", null=True, blank=True)
    unit_answer = models.TextField("推荐单位答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    outcome = models.CharField("处理结果", max_length=12, choices=CaseOutcome.choices, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["notice", "state"])]
        verbose_name = "异议与更正"
        verbose_name_plural = "异议与更正"

    def __str__(self):
        return f"{self.get_kind_display()} {self.receipt}"


class CaseFileKind(models.TextChoices):
    EVIDENCE = "evidence", "证明材料"
    LETTER = "letter", "加盖公章的异议书"


def case_file_path(instance: "CaseFile", filename: str) -> str:
    return f"notice/{instance.case.notice.campaign_id}/{instance.case.receipt}/{instance.kind}-{filename}"


class CaseFile(models.Model):
    """A file of a case, checked as every upload (``nominations.rules.uploads``)."""

    case = models.ForeignKey(ObjectionCase, on_delete=models.CASCADE, related_name="files", verbose_name="案件")
    kind = models.CharField("类型", max_length=10, choices=CaseFileKind.choices, default=CaseFileKind.EVIDENCE)
    file = models.FileField("文件", upload_to=case_file_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小")
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        ordering = ["case", "kind", "pk"]
        verbose_name = "案件材料"
        verbose_name_plural = "案件材料"

    def __str__(self):
        return self.original_name


class CaseStep(models.Model):
    """One step of a case (its own history; the audit log records each too), with its note."""

    case = models.ForeignKey(ObjectionCase, on_delete=models.CASCADE, related_name="steps", verbose_name="案件")
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=15, blank=True)
    to_state = models.CharField("新状态", max_length=15)
    note = models.TextField("说明", blank=True)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = "案件处理记录"
        verbose_name_plural = "案件处理记录"

    def __str__(self):
        return f"{self.case} · {self.action}"
