"""Who may see what and do what: the one policy.

* ``visible_*(user)`` return the querysets a user may see; lists, searches, exports and downloads
  start from them and from nothing else.
* ``may(user, action, obj)`` answers one question with a :class:`Decision` that carries the reason.
  For an object, "may see it" is asked of the same queryset, so the two can never drift apart.
* The role predicates are ``rules`` predicates, and every action is also registered as a ``rules``
  permission (``nominations.<action>``) for ``user.has_perm`` and the ``{% may %}`` template tag.
"""

from collections.abc import Callable

import rules
from django.db.models import Q, QuerySet

from nominations.models import (
    Attachment,
    AuditEvent,
    MailAudience,
    MemberUnit,
    Nomination,
    RecommendingUnit,
    Role,
    SentMail,
    State,
)
from nominations.rules.decision import ALLOW, Decision

# ---------------------------------------------------------------- roles


def role_of(user):
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def profile_of(user):
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def _has_role(*roles_):
    @rules.predicate
    def check(user):
        return role_of(user) in roles_

    check.__name__ = "is_" + "_or_".join(roles_)
    return check


is_member = _has_role(Role.MEMBER)
is_secretariat = _has_role(Role.SECRETARIAT)
is_pioneer = _has_role(Role.PIONEER)
is_expert = _has_role(Role.EXPERT)
is_coordinator = _has_role(Role.COORDINATOR)
is_platform = _has_role(Role.PLATFORM, Role.ADMIN)
is_admin = _has_role(Role.ADMIN)

# ---------------------------------------------------------------- querysets

STAFF_HIDDEN_STATES = State.staff_hidden()


def _never_sent():
    """Entries that never left their author: drafts, and drafts withdrawn before being submitted."""
    return Q(state__in=STAFF_HIDDEN_STATES) | Q(state=State.WITHDRAWN, submitted_at=None, recommended_at=None)


def sent_to_staff():
    """The entries the staff (secretariat, platform) may see at all: every one but ``_never_sent``.

    For figures without a logged-in reader to start from, such as the counts in a mail to a
    secretariat. A count shown to a user starts from ``visible_nominations(user)`` instead (for a list
    of units with a figure each: ``views.secretariat.count_per``)."""
    return ~_never_sent()


def visible_nominations(user):
    """Every nomination ``user`` may see."""
    role = role_of(user)
    profile = profile_of(user)
    qs = Nomination.objects.all()
    if role == Role.ADMIN:
        return qs
    if role == Role.PLATFORM:
        return qs.exclude(_never_sent())
    if role == Role.MEMBER and profile.member_unit_id:
        return qs.filter(member_unit_id=profile.member_unit_id)
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return qs.filter(recommending_unit_id=profile.recommending_unit_id, pioneer=None).exclude(_never_sent())
    if role == Role.PIONEER and profile.pioneer_id:
        return qs.filter(pioneer_id=profile.pioneer_id)
    if role in VISIBLE_FOR_ROLE:
        return VISIBLE_FOR_ROLE[role](user, qs)
    return qs.none()


# Roles whose visible entries another app decides (the reviews app registers experts and
# coordinators at ready()): role -> ``f(user, every nomination) -> the ones the user may see``.
VISIBLE_FOR_ROLE: dict[str, Callable[[object, QuerySet], QuerySet]] = {}


def register_visibility(role: str, visible: Callable[[object, QuerySet], QuerySet]) -> None:
    """Let another app say which nominations a user of ``role`` sees (the reviewers)."""
    VISIBLE_FOR_ROLE[role] = visible


def visible_attachments(user):
    return Attachment.objects.filter(nomination__in=visible_nominations(user))


def visible_entry_versions(user, versions: QuerySet) -> QuerySet:
    """The recorded versions (``Nomination.history``) of visible entries that ``user`` may read.

    Staff see an entry from its submission on; the versions recorded while it was still a draft
    (its titles and names before it was sent) stay its author's, as the draft itself did.
    """
    versions = versions.filter(id__in=visible_nominations(user).values("pk"))
    role = role_of(user)
    if role in (Role.PLATFORM, Role.SECRETARIAT):
        return versions.exclude(_never_sent())
    return versions


def visible_audit_events(user) -> QuerySet:
    """The audit records ``user`` may read: those about entries the user sees (their uploads included)
    and, for the platform and the admin, the records not tied to any entry (units, extensions, clock)."""
    about_visible = Q(nomination__in=visible_nominations(user))
    if role_of(user) in (Role.PLATFORM, Role.ADMIN):
        return AuditEvent.objects.filter(Q(nomination=None) | about_visible)
    return AuditEvent.objects.filter(about_visible)


def visible_member_units(user):
    role = role_of(user)
    profile = profile_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return MemberUnit.objects.all()
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return MemberUnit.objects.filter(recommending_unit_id=profile.recommending_unit_id)
    if role == Role.MEMBER and profile.member_unit_id:
        return MemberUnit.objects.filter(pk=profile.member_unit_id)
    return MemberUnit.objects.none()


def visible_recommending_units(user):
    role = role_of(user)
    profile = profile_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return RecommendingUnit.objects.all()
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return RecommendingUnit.objects.filter(pk=profile.recommending_unit_id)
    if role == Role.MEMBER and profile.member_unit_id:
        return RecommendingUnit.objects.filter(members=profile.member_unit_id)
    return RecommendingUnit.objects.none()


def visible_sent_mails(user):
    """The mail log ``user`` may read: a mail is read by its audience and the platform.

    A mail to a member unit (a notification about its entry, a reminder counting its drafts, an
    invitation to its users) is read by that member unit and the platform, never by the secretariat;
    a mail to a recommending unit's secretariat by that secretariat and the platform; any other mail
    (to a pioneer, an expert, platform staff) by the platform only."""
    role = role_of(user)
    profile = profile_of(user)
    qs = SentMail.objects.all()
    if role in (Role.PLATFORM, Role.ADMIN):
        return qs
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return qs.filter(audience=MailAudience.SECRETARIAT, recommending_unit_id=profile.recommending_unit_id)
    if role == Role.MEMBER and profile.member_unit_id:
        return qs.filter(audience=MailAudience.MEMBER, member_unit_id=profile.member_unit_id)
    return qs.none()


def can_see(user, obj):
    """Whether ``obj`` is in the user's visible queryset (one query, the same definition)."""
    if isinstance(obj, Nomination):
        return visible_nominations(user).filter(pk=obj.pk).exists()
    if isinstance(obj, Attachment):
        return visible_attachments(user).filter(pk=obj.pk).exists()
    if isinstance(obj, MemberUnit):
        return visible_member_units(user).filter(pk=obj.pk).exists()
    if isinstance(obj, RecommendingUnit):
        return visible_recommending_units(user).filter(pk=obj.pk).exists()
    if isinstance(obj, SentMail):
        return visible_sent_mails(user).filter(pk=obj.pk).exists()
    raise TypeError(f"No visibility rule for {type(obj).__name__}")


# ---------------------------------------------------------------- actions

NOT_LOGGED_IN = Decision.deny("请先登录。")
NOT_FOUND = Decision.deny("没有找到该记录,或您无权查看。")


def _role_only(*roles_, reason):
    def check(user, obj):
        return ALLOW if role_of(user) in roles_ else Decision.deny(reason)

    return check


def _sees(user, obj):
    # Without an object (e.g. the admin asking the model permission "nominations.view_nomination"
    # through the rules backend) the answer is no; the model backend decides for the admin.
    if obj is None:
        return NOT_FOUND
    return ALLOW if can_see(user, obj) else NOT_FOUND


def _create_nomination(user, obj):
    role = role_of(user)
    profile = profile_of(user)
    if role == Role.MEMBER:
        if not profile.member_unit_id or not profile.member_unit.is_active:
            return Decision.deny("您的账号未关联有效的会员单位,请联系所属学会秘书处。")
        return ALLOW
    if role == Role.PIONEER:
        if not profile.pioneer_id or not profile.pioneer.is_active:
            return Decision.deny("您的账号未关联有效的先锋人物资格。")
        return ALLOW
    return Decision.deny("只有会员单位和先锋人物可以填写申报。")


def _owns(user, obj):
    """The entry's author side: the member unit's users, or the pioneer who recommends it."""
    profile = profile_of(user)
    if profile is None or obj is None:
        return NOT_FOUND
    if obj.member_unit_id and profile.member_unit_id == obj.member_unit_id and profile.role == Role.MEMBER:
        return ALLOW
    if obj.pioneer_id and profile.pioneer_id == obj.pioneer_id and profile.role == Role.PIONEER:
        return ALLOW
    return NOT_FOUND if not can_see(user, obj) else Decision.deny("只有申报单位可以进行此操作。")


def _secretariat_of(user, obj):
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


ACTIONS = {
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
    "view_inbox": _role_only(Role.SECRETARIAT, reason="只有推荐单位秘书处可以查看收件箱。"),
    "view_platform_overview": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以查看。"),
    "grant_extension": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处可以批准延期。"),
    "move_demo_clock": _role_only(Role.PLATFORM, Role.ADMIN, reason="只有平台秘书处或管理员可以调整演示时钟。"),
}


def may(user, action, obj=None):
    """Whether ``user`` may do ``action`` (to ``obj``), with the reason when not."""
    if user is None or not user.is_authenticated:
        return NOT_LOGGED_IN
    try:
        check = ACTIONS[action]
    except KeyError:
        raise KeyError(f"Unknown policy action: {action}") from None
    return check(user, obj)


def register(action, check):
    """Add an action (used by the reviews app for its own actions)."""
    ACTIONS[action] = check
    _register_rule(action)


def _register_rule(action):
    name = f"nominations.{action}"
    if not rules.perm_exists(name):
        rules.add_perm(name, rules.predicate(lambda user, obj=None: bool(may(user, action, obj)), name=name))


for _action in list(ACTIONS):
    _register_rule(_action)


def dashboard_url_name(user):
    """The URL name of the dashboard a role lands on after log-in."""
    return {
        Role.MEMBER: "member:dashboard",
        Role.SECRETARIAT: "secretariat:dashboard",
        Role.PIONEER: "pioneer:dashboard",
        Role.EXPERT: "reviews:expert_dashboard",
        Role.COORDINATOR: "reviews:coordinator_dashboard",
        Role.PLATFORM: "platform:dashboard",
        Role.ADMIN: "platform:dashboard",
    }.get(role_of(user), "home")


__all__ = [
    "ACTIONS",
    "Decision",
    "can_see",
    "dashboard_url_name",
    "may",
    "role_of",
    "sent_to_staff",
    "visible_attachments",
    "visible_audit_events",
    "visible_entry_versions",
    "visible_member_units",
    "visible_nominations",
    "visible_recommending_units",
    "visible_sent_mails",
]
