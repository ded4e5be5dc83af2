"""The panel meeting of the final review (会评): members, attendance, candidates, the secret ballot.

Secrecy (无记名投票): who voted and what was voted are two tables with no link between them.

* :class:`PanelBallotReceipt` records that a member cast their ballot in a meeting (one per member and
  meeting: the unique constraint is the "one vote per member" rule) and when.
* :class:`PanelVote` holds the content: one row per candidate of the ballot with the choice, and nothing
  else: no member, no time, no ballot number. Its primary key is a random UUID, so the rows' ids do not
  follow the order in which the receipts were written; the pages and exports only ever count votes per
  candidate (``reviews.panel``), never list them.

Both are written in one transaction, so a receipt exists exactly when its votes do. What the application
cannot hide is the database's own log and physical row order: an operator with raw access to the database
server could try to correlate them; the platform's pages, exports and admin offer no way to.

Results are sealed: the counts are computed and stored on :class:`PanelCandidate` only when the chair
closes the vote (``reviews.panel.close_vote``); before that no page, export or admin shows a count.
"""

import uuid

from django.conf import settings
from django.db import models

__all__ = [
    "CandidateOutcome",
    "MeetingState",
    "PanelAttendance",
    "PanelBallotReceipt",
    "PanelCandidate",
    "PanelMeeting",
    "PanelVote",
    "VoteChoice",
]


class MeetingState(models.TextChoices):
    PREPARING = "preparing", "筹备"
    VOTING = "voting", "投票中"
    CLOSED = "closed", "已结束"


class PanelMeeting(models.Model):
    """A panel meeting (会评) of the final review on some lists of a campaign."""

    campaign = models.ForeignKey(
        "nominations.Campaign", on_delete=models.CASCADE, related_name="panel_meetings", verbose_name="年度"
    )
    name = models.CharField("会议名称", max_length=100)
    ranking_lists = models.ManyToManyField("nominations.RankingList", related_name="+", verbose_name="榜单")
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chaired_panels", verbose_name="主持人"
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels", verbose_name="会评专家")
    places = models.PositiveIntegerField(
        "拟入选名额", null=True, blank=True, help_text="留空则不限名额：达到通过票数即通过。"
    )
    state = models.CharField("状态", max_length=10, choices=MeetingState.choices, default=MeetingState.PREPARING)
    member_count = models.PositiveSmallIntegerField("应到人数", null=True, blank=True)
    present_count = models.PositiveSmallIntegerField("实到人数", null=True, blank=True)
    created_at = models.DateTimeField("创建时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="创建人"
    )
    opened_at = models.DateTimeField("开始投票时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束投票时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "会评"
        verbose_name_plural = "会评"

    def __str__(self):
        return self.name


class PanelAttendance(models.Model):
    """A member's attendance (签到), recorded before the vote opens; frozen from then on."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendance", verbose_name="会评")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="专家"
    )
    present = models.BooleanField("出席", default=False)
    recorded_at = models.DateTimeField("记录时间")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="记录人"
    )

    class Meta:
        unique_together = [("meeting", "member")]
        verbose_name = "会评出席"
        verbose_name_plural = "会评出席"

    def __str__(self):
        return f"{self.meeting} · {self.member} · {'出席' if self.present else '缺席'}"


class CandidateOutcome(models.TextChoices):
    APPROVED = "approved", "通过"
    REJECTED = "rejected", "未通过"
    TIED = "tied", "并列待定"
    OVER = "over", "达到票数但超出名额"


class PanelCandidate(models.Model):
    """An entry put to the vote, with its initial-review result; the counts are filled in at closing."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="candidates", verbose_name="会评")
    nomination = models.ForeignKey(
        "nominations.Nomination", on_delete=models.PROTECT, related_name="panel_candidacies", verbose_name="申报"
    )
    ranking_list = models.ForeignKey(
        "nominations.RankingList", on_delete=models.PROTECT, related_name="+", verbose_name="榜单"
    )
    domain = models.ForeignKey(
        "nominations.Domain", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="领域"
    )
    initial_rank = models.PositiveIntegerField("初评排名", null=True, blank=True)
    initial_score = models.DecimalField("初评得分", max_digits=8, decimal_places=3, null=True, blank=True)
    initial_rule = models.CharField("初评汇总规则", max_length=40, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)
    yes_count = models.PositiveSmallIntegerField("同意票", null=True, blank=True)
    no_count = models.PositiveSmallIntegerField("不同意票", null=True, blank=True)
    abstain_count = models.PositiveSmallIntegerField("弃权票", null=True, blank=True)
    outcome = models.CharField("表决结果", max_length=10, choices=CandidateOutcome.choices, blank=True)
    chair_decision = models.BooleanField("主持人确定入选", null=True, blank=True)
    chair_reason = models.TextField("主持人确定的理由", blank=True)
    chair_decided_at = models.DateTimeField("主持人确定时间", null=True, blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]
        unique_together = [("meeting", "nomination")]
        verbose_name = "会评候选"
        verbose_name_plural = "会评候选"

    def __str__(self):
        return f"{self.meeting} · {self.nomination}"

    @property
    def elected(self) -> bool | None:
        """Whether the vote (with the chair's decision of a tie) elects the candidate; ``None`` while open."""
        if self.outcome == CandidateOutcome.TIED:
            return self.chair_decision
        if not self.outcome:
            return None
        return self.outcome == CandidateOutcome.APPROVED


class PanelBallotReceipt(models.Model):
    """That ``member`` cast a ballot in ``meeting`` (and when): the one-vote-per-member record, not the vote."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="receipts", verbose_name="会评")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="专家"
    )
    cast_at = models.DateTimeField("投票时间")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_ballot_per_member")]
        verbose_name = "投票记录"
        verbose_name_plural = "投票记录"

    def __str__(self):
        return f"{self.meeting} · {self.member} 已投票"


class VoteChoice(models.TextChoices):
    YES = "yes", "同意"
    NO = "no", "不同意"
    ABSTAIN = "abstain", "弃权"


class PanelVote(models.Model):
    """One choice on one candidate of a secret ballot: no member, no time (see the module docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidate = models.ForeignKey(PanelCandidate, on_delete=models.CASCADE, related_name="votes", verbose_name="候选")
    choice = models.CharField("表决", max_length=10, choices=VoteChoice.choices)

    class Meta:
        verbose_name = "选票"
        verbose_name_plural = "选票"

    def __str__(self):
        return "选票"
