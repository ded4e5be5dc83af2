"""The actions of the panel meeting (会评, ``reviews.panel``).

The platform secretariat prepares a meeting (members, chair, candidates) and records attendance; the
chair (a member) records attendance too, opens and closes the vote and decides ties; the members present
vote. Anyone else is told nothing about a meeting (404-style). No action shows a count before closing:
``view_panel_results`` and ``download_panel_minutes`` need a closed meeting.
"""

from typing import Any

from nominations.policy import NOT_FOUND, is_platform
from nominations.rules.decision import ALLOW, Decision
from reviews.policy.roles import Check, User, platform_only

CHAIR_ONLY = "只有本次会评的主持人可以进行此操作。"


def _panel_member(user: User, meeting: Any) -> bool:
    return bool(user and user.is_authenticated and meeting.members.filter(pk=user.pk).exists())


def _view_panels(user: User, obj: Any = None) -> Decision:
    """The panel pages: the platform, or a member of any meeting."""
    if is_platform(user):
        return ALLOW
    if user is not None and user.is_authenticated and user.panels.exists():
        return ALLOW
    return Decision.deny("只有会评专家和平台秘书处可以查看会评。")


def _view_panel(user: User, meeting: Any = None) -> Decision:
    if meeting is None:
        return _view_panels(user)
    if is_platform(user) or _panel_member(user, meeting):
        return ALLOW
    return NOT_FOUND


def _chair_panel(user: User, meeting: Any = None) -> Decision:
    decision = _view_panel(user, meeting)
    if not decision or meeting is None:
        return decision
    return ALLOW if meeting.chair_id == user.pk else Decision.deny(CHAIR_ONLY)


def _record_attendance(user: User, meeting: Any = None) -> Decision:
    if is_platform(user):
        return ALLOW
    return _chair_panel(user, meeting)


def _cast_ballot(user: User, meeting: Any = None) -> Decision:
    from reviews.panel import check_cast

    decision = _view_panel(user, meeting)
    if not decision or meeting is None:
        return decision
    return check_cast(meeting, user)


def _closed(check: Check) -> Check:
    def closed(user: User, meeting: Any = None) -> Decision:
        from reviews.panel import SEALED

        decision = check(user, meeting)
        if not decision or meeting is None:
            return decision
        return ALLOW if meeting.state == "closed" else Decision.deny(SEALED)

    return closed


PANEL_ACTIONS: dict[str, Check] = {
    "manage_panels": platform_only("只有平台秘书处可以组织会评。"),
    "view_panels": _view_panels,
    "view_panel": _view_panel,
    "record_panel_attendance": _record_attendance,
    "chair_panel": _chair_panel,
    "cast_ballot": _cast_ballot,
    "view_panel_results": _closed(_view_panel),
    "download_panel_minutes": _closed(_record_attendance),
}
