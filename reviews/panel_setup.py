"""Preparing a panel meeting (会评, 筹备): who may sit on a panel, the meeting with its members and chair,
attendance (签到) and the candidates. Everything here is refused once the vote has opened.

The vote, its thresholds and its results are ``reviews.panel``; a member's name as shown is
:func:`display_name` (the pages, the minutes).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet

from kczg_site import clock
from nominations.models import Campaign, RankingList, Role
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, require
from reviews import final
from reviews.audit import record
from reviews.models import MeetingState, PanelAttendance, PanelCandidate, PanelMeeting
from reviews.panel import PanelError

PANEL_GROUP = "会评专家"


def eligible_members() -> QuerySet:
    """Who may sit on a panel: active experts (初评专家) and the users of the group 会评专家."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(profile__role=Role.EXPERT) | Q(groups__name=PANEL_GROUP))
        .distinct()
        .order_by("username")
    )


def create_meeting(
    user: AbstractBaseUser,
    campaign: Campaign,
    *,
    name: str,
    ranking_lists: list[RankingList],
    chair: AbstractBaseUser,
    members: list[AbstractBaseUser],
    places: int | None = None,
) -> PanelMeeting:
    require(may(user, "manage_panels"), PanelError)
    members = list({m.pk: m for m in [chair, *members]}.values())
    with transaction.atomic():
        meeting = PanelMeeting.objects.create(
            campaign=campaign, name=name.strip(), chair=chair, places=places, created_at=clock.now(), created_by=user
        )
        meeting.ranking_lists.set(ranking_lists)
        meeting.members.set(members)
        record("panel_create", user, note=f"{meeting}：{len(members)} 名会评专家，主持人 {display_name(chair)}")
    return meeting


def display_name(user: AbstractBaseUser) -> str:
    """A member's name as the pages and the minutes show it: the profile's, else the username."""
    profile = getattr(user, "profile", None)
    return (getattr(profile, "display_name", "") or user.get_username()) if user else ""


def _check_preparing(meeting: PanelMeeting) -> Decision:
    if meeting.state != MeetingState.PREPARING:
        return Decision.deny(f"会评“{meeting}”已{meeting.get_state_display()}，出席和候选不能再修改。")
    return ALLOW


def record_attendance(meeting: PanelMeeting, user: AbstractBaseUser, present_ids: set[int]) -> int:
    """Record every member present or absent (签到) before the vote opens; returns the number present."""
    require(may(user, "record_panel_attendance", meeting), PanelError)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(_check_preparing(meeting), PanelError)
        now = clock.now()
        present = 0
        for member in meeting.members.all():
            is_present = member.pk in present_ids
            present += is_present
            PanelAttendance.objects.update_or_create(
                meeting=meeting,
                member=member,
                defaults={"present": is_present, "recorded_at": now, "recorded_by": user},
            )
        record("panel_attendance", user, note=f"{meeting}：实到 {present} 人")
    return present


def add_candidates(meeting: PanelMeeting, user: AbstractBaseUser, *, top: int | None = None) -> int:
    """The candidates: per list and domain of the meeting, the entries with an initial-review result
    (ranked, their body reported), best first (the first ``top`` of each list/domain if given), with
    their rank, score and the list's rule; replaces earlier candidates. Returns their number."""
    require(may(user, "manage_panels"), PanelError)
    list_ids = set(meeting.ranking_lists.values_list("pk", flat=True))
    groups, _targets = final.ranked_groups(meeting.campaign, with_counts=False)
    rows = []
    for group in groups:
        if group.ranking_list.pk not in list_ids:
            continue
        ranked = [
            e
            for e in group.entries
            if e.rank is not None
            and final.is_decidable(e.nomination)
            and getattr(getattr(e.nomination, "dispatch", None), "body", None) is not None
            and hasattr(e.nomination.dispatch.body, "submission")
        ]
        rows += [(group, entry) for entry in (ranked if top is None else ranked[:top])]
    if not rows:
        raise PanelError(Decision.deny("所选榜单没有已完成初评（初评机构已报送结果）的申报，无法生成候选。"))
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(_check_preparing(meeting), PanelError)
        meeting.candidates.all().delete()
        PanelCandidate.objects.bulk_create(
            PanelCandidate(
                meeting=meeting,
                nomination=entry.nomination,
                ranking_list=group.ranking_list,
                domain=group.domain,
                initial_rank=entry.rank,
                initial_score=None if entry.value is None else round(entry.value, 3),
                initial_rule=group.rule.label,
                order=order,
            )
            for order, (group, entry) in enumerate(rows, start=1)
        )
        record("panel_candidates", user, note=f"{meeting}：{len(rows)} 项候选")
    return len(rows)
