"""A nomination (申报) and its attachments. State changes go through ``nominations.workflow``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class State(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "退回修改"
    ACCEPTED = "accepted", "已受理"
    DECLINED = "declined", "未受理"
    NOT_RECOMMENDED = "not_recommended", "未获推荐"
    RECOMMENDED = "recommended", "已推荐"
    WITHDRAWN = "withdrawn", "已撤回"
    IN_REVIEW = "in_review", "初评中"
    REVIEW_PASSED = "review_passed", "通过初评"
    REVIEW_FAILED = "review_failed", "未通过初评"
    LISTED = "listed", "拟入榜"
    NOT_LISTED = "not_listed", "未入榜"
    PUBLISHED = "published", "已发布入榜"

    # The state groups: each is defined here once (the frozensets below the class) and read as
    # ``State.live()`` etc. by the rules, the policy, the workflow and the review side.

    @classmethod
    def editable(cls) -> frozenset[State]:
        """Entries their author may still change (the member's "pending" entries): 草稿, 退回修改."""
        return _EDITABLE

    @classmethod
    def staff_hidden(cls) -> frozenset[State]:
        """Entries the staff never see because they never left their author: 草稿."""
        return _STAFF_HIDDEN

    @classmethod
    def live(cls) -> frozenset[State]:
        """Entries that hold a place in a member unit's cap: submitted to the recommending unit or further,
        未获推荐 included (reopening gives it back as 已受理, so it keeps its place)."""
        return _LIVE

    @classmethod
    def unit_pending(cls) -> frozenset[State]:
        """Entries that wait for their recommending unit: 已提交, 已受理, 已推荐 (not yet in review)."""
        return _UNIT_PENDING

    @classmethod
    def recommended(cls) -> frozenset[State]:
        """Entries that use a recommending unit's (or a pioneer's) quota: 已推荐 and every later state."""
        return _RECOMMENDED

    @classmethod
    def in_review(cls) -> frozenset[State]:
        """Entries the review side sees: 初评中 and every later state (published included)."""
        return _IN_REVIEW

    @classmethod
    def decidable(cls) -> frozenset[State]:
        """Entries the final review may still decide on: in review, not yet published."""
        return _DECIDABLE

    @classmethod
    def undecided(cls) -> frozenset[State]:
        """Entries the final review has not decided yet: 初评中, 通过初评."""
        return _UNDECIDED

    @classmethod
    def listed(cls) -> frozenset[State]:
        """Entries on the list: 拟入榜 by the final review, or 已发布入榜."""
        return _LISTED


_S = State
_EDITABLE = frozenset({_S.DRAFT, _S.RETURNED})
_STAFF_HIDDEN = frozenset({_S.DRAFT})
_UNDECIDED = frozenset({_S.IN_REVIEW, _S.REVIEW_PASSED})
_DECIDABLE = _UNDECIDED | {_S.REVIEW_FAILED, _S.LISTED, _S.NOT_LISTED}
_IN_REVIEW = _DECIDABLE | {_S.PUBLISHED}
_RECOMMENDED = _IN_REVIEW | {_S.RECOMMENDED}
_UNIT_PENDING = frozenset({_S.SUBMITTED, _S.ACCEPTED, _S.RECOMMENDED})
_LISTED = frozenset({_S.LISTED, _S.PUBLISHED})
# 未获推荐: seen by the staff, holds no quota, waits for nobody; it keeps its place in the member cap.
_LIVE = _RECOMMENDED | {_S.SUBMITTED, _S.ACCEPTED, _S.NOT_RECOMMENDED}


class Nomination(models.Model):
    # No index of their own on campaign, member_unit and recommending_unit: the composite indexes of Meta
    # start with them (migration 0014_rush_indexes; fewer indexes to write on every save).
    campaign = models.ForeignKey(
        "Campaign", on_delete=models.PROTECT, related_name="nominations", verbose_name="年度", db_index=False
    )
    ranking_list = models.ForeignKey(
        "RankingList", on_delete=models.PROTECT, related_name="nominations", verbose_name="榜单"
    )
    domain = models.ForeignKey(
        "Domain", on_delete=models.PROTECT, null=True, blank=True, related_name="nominations", verbose_name="领域"
    )
    member_unit = models.ForeignKey(
        "MemberUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name="会员单位",
        db_index=False,
    )
    recommending_unit = models.ForeignKey(
        "RecommendingUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name="推荐单位",
        db_index=False,
    )
    pioneer = models.ForeignKey(
        "Pioneer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name="推举的先锋人物",
    )
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.DRAFT, db_index=True)
    title = models.CharField("申报名称", max_length=200, blank=True, help_text="技术名称、企业名称、组织名称或姓名。")
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    data = models.JSONField("申报内容", default=dict, blank=True)
    earlier_listed = models.ForeignKey(
        "EarlierListedItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name="疑似历年入榜",
    )
    override_reason = models.TextField("历年入榜仍推荐的理由", blank=True)
    # 推荐意见 (the recommending unit's opinion, printed into 附件2) and the formal review's fix-by time.
    opinion = models.TextField("推荐单位意见", blank=True)
    opinion_at = models.DateTimeField("推荐意见填写时间", null=True, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="推荐意见填写人",
    )
    fix_by = models.DateTimeField("限期修改截止", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1, help_text="每次保存加一，用于发现两处同时编辑。")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    recommended_at = models.DateTimeField("推荐时间", null=True, blank=True)
    # The one-time token of the "new entry" form that created this draft: a second POST of the same
    # form (a double click) finds this row instead of creating another (intake.create_nomination).
    creation_token = models.UUIDField("创建令牌", null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["data", "creation_token"], verbose_name="申报历史版本", verbose_name_plural="申报历史版本"
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "申报"
        verbose_name_plural = "申报"
        indexes = [
            models.Index(fields=["campaign", "ranking_list", "domain", "state"]),
            models.Index(fields=["recommending_unit", "state"]),
            models.Index(fields=["member_unit", "state"]),
            # Scale (bench/scale.py): platform-wide counts by state. A unit's inbox in date order uses
            # (recommending_unit, state) and sorts its rows: no index holds updated_at, so that an autosave
            # changes no indexed column and PostgreSQL can update the row in place (a HOT update, with the
            # free space of fillfactor 85; migration 0014_rush_indexes).
            models.Index(fields=["campaign", "state"], name="nomination_campaign_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "creation_token"], name="nomination_creation_token_once"),
        ]

    def __str__(self):
        return self.title or f"未命名申报 #{self.pk}"

    @property
    def code(self):
        """The entry number printed on the Word form and in every workbook."""
        return nomination_code(self.campaign.year, self.pk)

    @property
    def list_label(self):
        if self.domain_id:
            return f"{self.ranking_list.name} · {self.domain.name}"
        return self.ranking_list.name

    @property
    def is_flagged(self):
        return self.earlier_listed_id is not None


def nomination_code(year, pk):
    """``KCZG-2023-000001``: the entry number for campaign ``year`` and primary key ``pk``."""
    return f"KCZG-{year}-{pk:06d}"


def attachment_path(instance, filename):
    # The stored name never reuses the uploaded one: no path tricks, no guessing.
    return f"attachments/{instance.nomination.campaign.year}/{instance.nomination_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="attachments", verbose_name="申报"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）")
    description = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")
    # The content's hex SHA-256: the same file uploaded twice to one entry under one name is the
    # existing attachment (intake.add_attachment), and reuse across entries can be found by it.
    sha256 = models.CharField("内容摘要（SHA-256）", max_length=64, blank=True, db_index=True, editable=False)
    # The one-time token of the upload form that stored this file (a double click stores it once).
    upload_token = models.UUIDField("上传令牌", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = "附件"
        verbose_name_plural = "附件"
        constraints = [
            models.UniqueConstraint(fields=["nomination", "upload_token"], name="attachment_upload_token_once"),
        ]

    def __str__(self):
        return self.original_name


# What the entry pages, batch actions and workflow checks read with an entry, in one query (with
# prepared statements PostgreSQL plans the join once per connection: kczg_site/settings.py).
NOMINATION_RELATIONS = (
    "campaign",
    "ranking_list",
    "domain",
    "member_unit",
    "recommending_unit",
    "pioneer",
    "earlier_listed",
)

# Aliases of the State groups for the modules that import them by these names.
LIVE_STATES = State.live()
RECOMMENDED_STATES = State.recommended()
