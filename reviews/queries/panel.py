"""The panel meeting's pages (会评): the list of meetings and one meeting, without the request.

Nothing here counts votes before the chair closes the vote: a meeting being voted on shows how many
ballots were cast, never what they say (``reviews.panel.results`` refuses until then).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, QuerySet

from nominations.documents.pdf import pdf_available
from nominations.models import Campaign
from nominations.policy import may
from reviews import panel, panel_setup
from reviews.models import MeetingState, PanelAttendance, PanelCandidate, PanelMeeting


def visible_meetings(user: AbstractBaseUser, campaign: Campaign) -> QuerySet:
    """The meetings of ``campaign`` the user may see: all for the platform, else those they sit on."""
    qs = PanelMeeting.objects.filter(campaign=campaign).select_related("chair__profile")
    if may(user, "manage_panels"):
        return qs
    return qs.filter(members=user)


def list_page(user: AbstractBaseUser, campaign: Campaign) -> dict[str, Any]:
    meetings = list(
        visible_meetings(user, campaign)
        .annotate(n_members=Count("members", distinct=True), n_candidates=Count("candidates", distinct=True))
        .prefetch_related("ranking_lists")
    )
    return {"campaign": campaign, "meetings": meetings, "manage": bool(may(user, "manage_panels"))}


def meeting_page(user: AbstractBaseUser, meeting: PanelMeeting) -> dict[str, Any]:
    """Everything one meeting's page shows for ``user``: attendance, candidates, the chair's buttons with
    their reasons, the member's ballot or why there is none, and the results once closed."""
    attendance = {a.member_id: a for a in PanelAttendance.objects.filter(meeting=meeting)}
    members = list(meeting.members.select_related("profile").order_by("username"))
    for member in members:
        member.attendance = attendance.get(member.pk)
        member.label = panel_setup.display_name(member)
    n_members, n_present = panel.attendance_counts(meeting)
    candidates = list(
        PanelCandidate.objects.filter(meeting=meeting)
        .select_related("nomination__recommending_unit", "ranking_list", "domain")
        .order_by("order", "pk")
    )
    closed = meeting.state == MeetingState.CLOSED and bool(may(user, "view_panel_results", meeting))
    context = {
        "meeting": meeting,
        "members": members,
        "n_members": n_members,
        "n_present": n_present,
        "quorum_needed": panel.quorum_needed(n_members),
        "votes_needed": panel.votes_needed(n_present),
        "candidates": candidates,
        "candidate_groups": _groups(candidates),
        "ballots_cast": panel.ballots_cast(meeting) if meeting.state != MeetingState.PREPARING else 0,
        "manage": bool(may(user, "manage_panels")),
        "is_chair": meeting.chair_id == user.pk,
        "may_attend": bool(may(user, "record_panel_attendance", meeting)),
        "chair": bool(may(user, "chair_panel", meeting)),
        "open_decision": panel.check_open(meeting),
        "cast_decision": may(user, "cast_ballot", meeting),
        "is_member": any(m.pk == user.pk for m in members),
        "has_voted": panel.has_voted(meeting, user),
        "closed": closed,
        "results": panel.results(meeting) if closed else None,
        "minutes_decision": may(user, "download_panel_minutes", meeting),
        "pdf_decision": pdf_available(),
        "chair_name": panel_setup.display_name(meeting.chair),
    }
    return context


def _groups(candidates: list[PanelCandidate]) -> list[tuple[str, list[PanelCandidate]]]:
    """The candidates per list and domain, in their order: ``[(label, [candidate…])]``."""
    result: list[tuple[str, list[PanelCandidate]]] = []
    for candidate in candidates:
        label = candidate.ranking_list.name + (f" · {candidate.domain.name}" if candidate.domain_id else "")
        if result and result[-1][0] == label:
            result[-1][1].append(candidate)
        else:
            result.append((label, [candidate]))
    return result


def ballot_candidates(meeting: PanelMeeting) -> list[PanelCandidate]:
    return list(meeting.candidates.select_related("nomination", "ranking_list", "domain").order_by("order", "pk"))
