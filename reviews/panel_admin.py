"""The admin of the panel meeting (会评) and of the lists' scoring rules.

Sealed results: a meeting's candidates show their counts only once the meeting is closed (``未揭晓`` before);
the votes themselves (``PanelVote``) have no admin page at all, for anyone (``reviews.admin`` takes it
out again after ``register_remaining``): counts are read on the meeting's page after closing, and single
votes are never listed. Meetings, attendance and ballots are
made on the meeting's pages and only looked at here.
"""

from django.contrib import admin
from django.http import HttpRequest

from nominations.admin import ReadOnlyAdmin
from reviews.models import (
    ListScoringRule,
    MeetingState,
    PanelAttendance,
    PanelBallotReceipt,
    PanelCandidate,
    PanelMeeting,
)

SEALED = "未揭晓"


@admin.register(ListScoringRule)
class ListScoringRuleAdmin(admin.ModelAdmin):
    list_display = ("ranking_list", "aggregation", "disagreement_threshold")
    list_filter = ("ranking_list__campaign", "aggregation")
    ordering = ("-ranking_list__campaign__year", "ranking_list__order")
    list_select_related = ("ranking_list",)


def _sealed(field: str, label: str):
    @admin.display(description=label)
    def show(self, obj: PanelCandidate) -> str:
        if obj.meeting.state != MeetingState.CLOSED:
            return SEALED
        value = getattr(obj, field)
        return "" if value is None else str(value)

    return show


class SealedCountsMixin:
    yes_shown = _sealed("yes_count", "同意票")
    no_shown = _sealed("no_count", "不同意票")
    abstain_shown = _sealed("abstain_count", "弃权票")

    @admin.display(description="表决结果")
    def outcome_shown(self, obj: PanelCandidate) -> str:
        return obj.get_outcome_display() if obj.meeting.state == MeetingState.CLOSED else SEALED


CANDIDATE_FIELDS = (
    "nomination",
    "ranking_list",
    "domain",
    "initial_rank",
    "initial_score",
    "initial_rule",
    "yes_shown",
    "no_shown",
    "abstain_shown",
    "outcome_shown",
    "chair_decision",
    "chair_reason",
)


class PanelCandidateInline(SealedCountsMixin, admin.TabularInline):
    model = PanelCandidate
    extra = 0
    fields = CANDIDATE_FIELDS
    readonly_fields = CANDIDATE_FIELDS
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PanelMeeting)
class PanelMeetingAdmin(ReadOnlyAdmin):
    list_display = ("name", "campaign", "state", "chair", "member_count", "present_count", "opened_at", "closed_at")
    list_filter = ("campaign", "state")
    fields = ("name", "campaign", "ranking_lists", "chair", "members", "places", "state", "member_count",
              "present_count", "created_at", "created_by", "opened_at", "closed_at")  # fmt: skip
    inlines = [PanelCandidateInline]


@admin.register(PanelCandidate)
class PanelCandidateAdmin(SealedCountsMixin, ReadOnlyAdmin):
    list_display = ("nomination", "meeting", "initial_rank", "yes_shown", "no_shown", "abstain_shown", "outcome_shown")
    list_filter = ("meeting",)
    list_select_related = ("meeting", "nomination")
    fields = ("meeting", *CANDIDATE_FIELDS)
    readonly_fields = ("meeting", *CANDIDATE_FIELDS)


@admin.register(PanelAttendance)
class PanelAttendanceAdmin(ReadOnlyAdmin):
    list_display = ("meeting", "member", "present", "recorded_at", "recorded_by")
    list_filter = ("meeting",)


@admin.register(PanelBallotReceipt)
class PanelBallotReceiptAdmin(ReadOnlyAdmin):
    """Who voted and when (turnout), never what."""

    list_display = ("meeting", "member", "cast_at")
    list_filter = ("meeting",)
