"""Review bodies, criteria, assignments, scores and decisions; other areas in sibling modules (imported at the end)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from nominations.rules.phones import split_phones


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
        return split_phones(self.contact_phones)


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


# ---------------------------------------------------------------- criteria and targets


class ScoreStep(models.TextChoices):
    """How fine an expert's score of one criterion may be (``reviews.scoring.score_error``)."""

    INTEGER = "1", "整数"
    TENTH = "0.1", "保留一位小数"


class ReviewCriterion(models.Model):
    """One scoring criterion of one list (a list belongs to one campaign year).

    An expert gives each criterion a score from ``min_score`` to ``max_score`` in steps of ``score_step``
    (an integer, or one decimal place); the weighted total of a review is
    ``sum(weight * score / max_score)``, so with weights adding up to 100 it lies between 0 and 100
    (see ``reviews.aggregation.weighted_total``).
    """

    ranking_list = models.ForeignKey(
        "nominations.RankingList", on_delete=models.CASCADE, related_name="criteria", verbose_name="榜单"
    )
    code = models.CharField("代码", max_length=40)
    name = models.CharField("名称", max_length=50)
    description = models.TextField("评分要点", blank=True)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=2, help_text="各项权重之和宜为 100。")
    max_score = models.PositiveSmallIntegerField("满分", default=10, help_text="每项评分范围为最低分至满分。")
    min_score = models.PositiveSmallIntegerField("最低分", default=0, help_text="每项评分不得低于此分。")
    score_step = models.CharField(
        "评分精度", max_length=4, choices=ScoreStep.choices, default=ScoreStep.TENTH, help_text="整数或保留一位小数。"
    )
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["ranking_list", "order", "pk"]
        unique_together = [("ranking_list", "code")]
        verbose_name = "评审指标"
        verbose_name_plural = "评审指标"

    def __str__(self):
        return f"{self.ranking_list} · {self.name}"


class ListTarget(models.Model):
    """How many entries of a list the final review intends to list (入榜数量), per campaign year."""

    ranking_list = models.OneToOneField(
        "nominations.RankingList", on_delete=models.CASCADE, related_name="target", verbose_name="榜单"
    )
    count = models.PositiveIntegerField("拟入榜数量")

    class Meta:
        verbose_name = "入榜数量"
        verbose_name_plural = "入榜数量"

    def __str__(self):
        return f"{self.ranking_list}：{self.count}"


# ---------------------------------------------------------------- dispatch and assignment


class Dispatch(models.Model):
    """An entry sent to one review body (分发). Moving it to another body updates this row."""

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="dispatch", verbose_name="申报"
    )
    body = models.ForeignKey(ReviewBody, on_delete=models.PROTECT, related_name="dispatches", verbose_name="初评机构")
    dispatched_at = models.DateTimeField("分发时间")
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="分发人"
    )
    moved = models.BooleanField("人工调整", default=False, help_text="由平台秘书处调整到其他初评机构。")

    class Meta:
        ordering = ["body", "nomination_id"]
        verbose_name = "分发记录"
        verbose_name_plural = "分发记录"

    def __str__(self):
        return f"{self.nomination} → {self.body}"


class Assignment(models.Model):
    """An expert asked to review one entry. Removed assignments stay as rows (``active=False``)."""

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="assignments", verbose_name="申报"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments", verbose_name="专家"
    )
    body = models.ForeignKey(ReviewBody, on_delete=models.PROTECT, related_name="assignments", verbose_name="初评机构")
    active = models.BooleanField("有效", default=True)
    automatic = models.BooleanField("自动分配", default=False)
    assigned_at = models.DateTimeField("分配时间")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="分配人"
    )
    override_reason = models.TextField("回避冲突仍分配的理由", blank=True)
    removed_at = models.DateTimeField("撤销时间", null=True, blank=True)
    removed_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        ordering = ["nomination_id", "pk"]
        verbose_name = "评审分配"
        verbose_name_plural = "评审分配"
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "expert"],
                condition=models.Q(active=True),
                name="one_active_assignment_per_expert",
            )
        ]
        indexes = [models.Index(fields=["expert", "active"]), models.Index(fields=["body", "active"])]

    def __str__(self):
        return f"{self.nomination} · {self.expert}"


class ConflictKind(models.TextChoices):
    SAME_UNIT = "same_unit", "同单位"
    COLLABORATION = "collaboration", "合作关系"
    MENTORSHIP = "mentorship", "师生关系"
    OTHER = "other", "其他"


class ConflictDeclaration(models.Model):
    """A conflict of interest declared by an expert (利益冲突申报); it removes the assignment."""

    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="conflicts", verbose_name="申报"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declared_conflicts", verbose_name="专家"
    )
    kind = models.CharField("回避类型", max_length=20, choices=ConflictKind.choices)
    note = models.TextField("说明", blank=True)
    declared_at = models.DateTimeField("申报时间")

    class Meta:
        ordering = ["-declared_at"]
        unique_together = [("nomination", "expert")]
        verbose_name = "回避申报"
        verbose_name_plural = "回避申报"

    def __str__(self):
        return f"{self.expert} · {self.nomination} · {self.get_kind_display()}"


class ScoreStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"


class Score(models.Model):
    """One expert's review of one entry: a score per criterion (``values``: code → score) and a comment.

    Every save is kept by django-simple-history (``Score.history``).
    """

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="score", verbose_name="分配")
    values = models.JSONField("各项评分", default=dict, blank=True)
    comment = models.TextField("评审意见", blank=True)
    status = models.CharField("状态", max_length=10, choices=ScoreStatus.choices, default=ScoreStatus.DRAFT)
    total = models.DecimalField("加权总分", max_digits=7, decimal_places=3, null=True, blank=True)
    updated_at = models.DateTimeField("更新时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="评分历史版本", verbose_name_plural="评分历史版本")

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"

    def __str__(self):
        return f"{self.assignment} · {self.get_status_display()}"

    @property
    def is_submitted(self):
        return self.status == ScoreStatus.SUBMITTED


class BodySubmission(models.Model):
    """A body's initial-review results sent to the platform; scoring is locked for the body from then on.

    ``closed_by_platform``: the body never reported and the platform secretariat closed its review after
    the deadline (``reviews.closure``), with ``close_reason``; ``submitted_by`` is then the platform user.
    Either way the body counts as reported for the final review and publication."""

    body = models.OneToOneField(
        ReviewBody, on_delete=models.CASCADE, related_name="submission", verbose_name="初评机构"
    )
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="报送人"
    )
    note = models.TextField("说明", blank=True)
    closed_by_platform = models.BooleanField(
        "平台关闭初评", default=False, help_text="机构逾期未报送，由平台秘书处关闭初评；已提交的评分有效。"
    )
    close_reason = models.TextField("关闭理由", blank=True)

    class Meta:
        verbose_name = "初评结果报送"
        verbose_name_plural = "初评结果报送"

    def __str__(self):
        kind = "平台关闭初评" if self.closed_by_platform else "报送"
        return f"{self.body} · {kind} · {self.submitted_at:%Y-%m-%d %H:%M}"


class ReviewExtension(models.Model):
    """An extension of the scoring and results deadline for one review body, with who and why."""

    body = models.ForeignKey(ReviewBody, on_delete=models.CASCADE, related_name="extensions", verbose_name="初评机构")
    until = models.DateTimeField("延期至")
    reason = models.TextField("理由")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="批准人"
    )
    granted_at = models.DateTimeField("批准时间")

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "初评延期"
        verbose_name_plural = "初评延期"

    def __str__(self):
        return f"{self.body} 延期至 {self.until:%Y-%m-%d %H:%M}"


class Publication(models.Model):
    """The publication of one list of a campaign; the public pages show the published lists only."""

    campaign = models.ForeignKey(
        "nominations.Campaign", on_delete=models.CASCADE, related_name="publications", verbose_name="年度"
    )
    ranking_list = models.OneToOneField(
        "nominations.RankingList", on_delete=models.CASCADE, related_name="publication", verbose_name="榜单"
    )
    published_at = models.DateTimeField("发布时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发布人"
    )

    class Meta:
        ordering = ["campaign", "ranking_list__order"]
        verbose_name = "榜单发布"
        verbose_name_plural = "榜单发布"

    def __str__(self):
        return f"{self.ranking_list} 已发布"


class FinalDecision(models.Model):
    """The final review's decision on one entry (入榜 or not) and its reason; the audit log keeps each change."""

    nomination = models.OneToOneField(
        "nominations.Nomination", on_delete=models.CASCADE, related_name="final_decision", verbose_name="申报"
    )
    listed = models.BooleanField("入榜")
    reason = models.TextField("理由", blank=True)
    decided_at = models.DateTimeField("决定时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="决定人"
    )
    panel_candidate = models.ForeignKey(
        "reviews.PanelCandidate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="final_decisions",
        verbose_name="依据的会评表决",
        help_text="终评结果所依据的会评投票（已结束的会评中该申报的表决结果）。",
    )

    class Meta:
        verbose_name = "终评结果"
        verbose_name_plural = "终评结果"

    def __str__(self):
        return f"{self.nomination}:{'入榜' if self.listed else '未入榜'}"


# Further areas, each in its own module (imported here so that Django finds their models).
# The expert pool (专家库), its organisations, pledges and draws.
from reviews.models.experts import (  # noqa: E402, F401
    ExpertDraw,
    ExpertPledge,
    ExpertProfile,
    ExpertService,
    Organisation,
    OrganisationAlias,
    TitleLevel,
)
from reviews.models.notice import (  # noqa: E402, F401
    CaseFile,
    CaseFileKind,
    CaseKind,
    CaseOutcome,
    CaseState,
    CaseStep,
    ObjectionCase,
    PublicNotice,
    RejectGround,
)
from reviews.models.panel import *  # noqa: E402, F403
from reviews.models.scoring_rules import *  # noqa: E402, F403
