"""Who may see what and do what: the one policy.

* ``visible_*(user)`` (:mod:`.visibility`) return the querysets a user may see; lists, searches,
  exports and downloads start from them and from nothing else.
* ``may(user, action, obj)`` answers one question with a :class:`Decision` that carries the reason.
  For an object, "may see it" is asked of the same queryset, so the two can never drift apart.
* The role predicates (:mod:`.roles`) are ``rules`` predicates, and every action is also registered as
  a ``rules`` permission (``nominations.<action>``) for ``user.has_perm`` and the ``{% may %}`` tag.
* Services ask the same question and refuse with their area's exception:
  ``require(policy.may(user, "manage_member_units", unit), MembershipError)``.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Model

from nominations.models import Nomination, RecommendingUnit, Role
from nominations.policy.export_access import (
    EXPORT_CHECKS,
    EXPORTERS,
    ExportChecks,
    download_export,
    export_entries,
    register_export_checks,
    retry_export,
    start_export,
)
from nominations.policy.roles import (
    NOT_FOUND,
    NOT_LOGGED_IN,
    AnyUser,
    Check,
    is_admin,
    is_coordinator,
    is_expert,
    is_member,
    is_pioneer,
    is_platform,
    is_secretariat,
    profile_of,
    role_of,
)
from nominations.policy.visibility import (
    STAFF_HIDDEN_STATES,
    VISIBLE_FOR_ROLE,
    can_see,
    register_visibility,
    sent_to_staff,
    visible_attachments,
    visible_audit_events,
    visible_entry_versions,
    visible_member_units,
    visible_nomination,
    visible_nominations,
    visible_recommending_units,
    visible_sent_mails,
    visible_stamped_pages,
)
from nominations.rules.decision import ALLOW, Decision

# ---------------------------------------------------------------- actions


def _role_only(*roles_: str, reason: str) -> Check:
    def check(user: AnyUser, obj: Any) -> Decision:
        return ALLOW if role_of(user) in roles_ else Decision.deny(reason)

    return check


def _sees(user: AnyUser, obj: Model | None) -> Decision:
    # Without an object (e.g. the admin asking the model permission "nominations.view_nomination"
    # through the rules backend) the answer is no; the model backend decides for the admin.
    if obj is None:
        return NOT_FOUND
    return ALLOW if can_see(user, obj) else NOT_FOUND


def _create_nomination(user: AnyUser, obj: Any) -> Decision:
    role = role_of(user)
    profile = profile_of(user)
    if role == Role.MEMBER:
        if not profile.member_unit_id or not profile.member_unit.is_active:
            return Decision.deny("您的账号未关联有效的会员单位，请联系所属学会秘书处。")
        return ALLOW
    if role == Role.PIONEER:
        if not profile.pioneer_id or not profile.pioneer.is_active:
            return Decision.deny("您的账号未关联有效的先锋人物资格。")
        return ALLOW
    return Decision.deny("只有会员单位和先锋人物可以填写申报。")


def _owns(user: AnyUser, obj: Nomination | None) -> Decision:
    """The entry's author side: the member unit's users, or the pioneer who recommends it."""
    profile = profile_of(user)
    if profile is None or obj is None:
        return NOT_FOUND
    if obj.member_unit_id and profile.member_unit_id == obj.member_unit_id and profile.role == Role.MEMBER:
        return ALLOW
    if obj.pioneer_id and profile.pioneer_id == obj.pioneer_id and profile.role == Role.PIONEER:
        return ALLOW
    return NOT_FOUND if not can_see(user, obj) else Decision.deny("只有申报单位可以进行此操作。")


def _secretariat_of(user: AnyUser, obj: Nomination | None) -> Decision:
    # What the secretariat may not see (its members' drafts) it may not act on either.
    if obj is None or not can_see(user, obj):
        return NOT_FOUND
    profile = profile_of(user)
    if (
        profile is not None
        and profile.role == Role.SECRETARIAT
        and obj.recommending_unit_id
        and profile.recommending_unit_id == obj.recommending_unit_id
        and obj.pioneer_id is None
    ):
        return ALLOW
    return Decision.deny("只有该推荐单位的秘书处可以进行此操作。")


def _manages_members_of(user: AnyUser, unit: RecommendingUnit | None) -> Decision:
    """Inviting, importing and deactivating a recommending unit's member units: its own secretariat
    (or the platform secretariat)."""
    role = role_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return ALLOW
    profile = profile_of(user)
    if role == Role.SECRETARIAT and unit is not None and profile.recommending_unit_id == unit.pk:
        return ALLOW
    return Decision.deny("只有本推荐单位的秘书处可以管理会员单位。")


def _confirms_for(user: AnyUser, unit: RecommendingUnit | None) -> Decision:
    """Confirming a recommending unit's recommendations to the platform: its own secretariat only."""
    profile = profile_of(user)
    if role_of(user) == Role.SECRETARIAT and unit is not None and profile.recommending_unit_id == unit.pk:
        return ALLOW
    return Decision.deny("只有本推荐单位的秘书处可以确认推荐结果。")


def _stamps_for(user: AnyUser, unit: RecommendingUnit | None) -> Decision:
    """Uploading a recommending unit's stamped 推荐汇总表: its own secretariat only."""
    profile = profile_of(user)
    if role_of(user) == Role.SECRETARIAT and unit is not None and profile.recommending_unit_id == unit.pk:
        return ALLOW
    return Decision.deny("只有本推荐单位的秘书处可以上传签字盖章的推荐汇总表。")


def _summary_of(user: AnyUser, unit: RecommendingUnit | None) -> Decision:
    """The 推荐汇总表 of a unit (generated, or its stamped scan): its secretariat and the platform."""
    if role_of(user) in (Role.PLATFORM, Role.ADMIN):
        return ALLOW
    return _stamps_for(user, unit)


_platform_only = _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以进行此操作。")

ACTIONS: dict[str, Check] = {
    "view_nomination": _sees,
    "view_attachment": _sees,
    "create_nomination": _create_nomination,
    "edit_nomination": _owns,
    "upload_attachment": _owns,
    "delete_attachment": _owns,
    # Workflow actions: who may act on whose entry. State, deadline and quota are the workflow's.
    "submit": _owns,
    "resubmit": _owns,
    "withdraw": _owns,
    "pioneer_recommend": _owns,
    "return": _secretariat_of,
    "accept": _secretariat_of,
    "decline": _secretariat_of,
    "recommend": _secretariat_of,
    "unrecommend": _secretariat_of,
    "not_recommend": _secretariat_of,
    "lapse": _secretariat_of,
    "write_opinion": _secretariat_of,  # 推荐意见 (nominations.opinions)
    # 签字盖章 (nominations.stamps): an entry's pages (obj: the entry), the unit's 汇总表 (obj: the unit).
    "upload_stamped_pages": _secretariat_of,
    "upload_stamped_summary": _stamps_for,
    "view_recommendation_summary": _summary_of,
    # 形式审查 by the platform of a confirmed unit's recommendations (nominations.formal), its lapse,
    # and the checklist's rows in the admin.
    "platform_formal_review": _platform_only,
    "platform_lapse": _platform_only,
    "edit_formal_checklist": _platform_only,
    "exclude": _platform_only,
    "reconsider": _platform_only,
    "view_inbox": _role_only(Role.SECRETARIAT, reason="只有推荐单位秘书处可以查看收件箱。"),
    "view_platform_overview": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以查看。"),
    "grant_extension": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以批准延期。"),
    "move_demo_clock": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处或管理员可以调整演示时钟。"),
    # Confirmation (nominations.confirmation): obj is the recommending unit.
    "confirm_recommendations": _confirms_for,
    "reopen_recommendations": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以重新开放。"),
    # Membership (nominations.membership): obj is the recommending unit whose members are managed.
    "manage_member_units": _manages_members_of,
    "manage_recommending_units": _platform_only,
    "manage_pioneers": _platform_only,
    # Exports (nominations.exports): "export" is the entry exports' form; obj is the kind or the job.
    "export": export_entries,
    "start_export": start_export,
    "download_export": download_export,
    "retry_export": retry_export,
}


def may(user: AnyUser, action: str, obj: Any = None) -> Decision:
    """Whether ``user`` may do ``action`` (to ``obj``), with the reason when not."""
    if user is None or not user.is_authenticated:
        return NOT_LOGGED_IN
    try:
        check = ACTIONS[action]
    except KeyError:
        raise KeyError(f"Unknown policy action: {action}") from None
    return check(user, obj)


def register(action: str, check: Check) -> None:
    """Add an action (used by the reviews app for its own actions)."""
    ACTIONS[action] = check
    _register_rule(action)


def _register_rule(action: str) -> None:
    name = f"nominations.{action}"
    if not rules.perm_exists(name):
        rules.add_perm(name, rules.predicate(lambda user, obj=None: bool(may(user, action, obj)), name=name))


for _action in list(ACTIONS):
    _register_rule(_action)


# Dashboards other apps register for users without a platform role (the promotion app: a financial
# partner's staff): (policy action, URL name), the first whose action the policy allows.
EXTRA_DASHBOARDS: list[tuple[str, str]] = []


def register_dashboard(action: str, url_name: str) -> None:
    if (action, url_name) not in EXTRA_DASHBOARDS:
        EXTRA_DASHBOARDS.append((action, url_name))


def dashboard_url_name(user: AnyUser) -> str:
    """The URL name of the dashboard a role lands on after log-in."""
    name = {
        Role.MEMBER: "member:dashboard",
        Role.SECRETARIAT: "secretariat:dashboard",
        Role.PIONEER: "pioneer:dashboard",
        Role.EXPERT: "reviews:expert_dashboard",
        Role.COORDINATOR: "reviews:coordinator_dashboard",
        Role.PLATFORM: "platform:dashboard",
        Role.ADMIN: "platform:dashboard",
    }.get(role_of(user))
    if name is None:
        name = next((url for action, url in EXTRA_DASHBOARDS if may(user, action)), "home")
    return name


__all__ = [
    "ACTIONS",
    "ALLOW",
    "EXPORTERS",
    "EXPORT_CHECKS",
    "NOT_FOUND",
    "NOT_LOGGED_IN",
    "STAFF_HIDDEN_STATES",
    "VISIBLE_FOR_ROLE",
    "AnyUser",
    "Check",
    "Decision",
    "ExportChecks",
    "can_see",
    "dashboard_url_name",
    "is_admin",
    "is_coordinator",
    "is_expert",
    "is_member",
    "is_pioneer",
    "is_platform",
    "is_secretariat",
    "may",
    "profile_of",
    "register",
    "register_dashboard",
    "register_export_checks",
    "register_visibility",
    "role_of",
    "sent_to_staff",
    "visible_attachments",
    "visible_audit_events",
    "visible_entry_versions",
    "visible_member_units",
    "visible_nomination",
    "visible_nominations",
    "visible_recommending_units",
    "visible_sent_mails",
    "visible_stamped_pages",
]
