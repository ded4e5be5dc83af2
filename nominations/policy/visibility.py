"""What a user may see: the querysets every list, search, export and download starts from.

For an object, "may see it" (:func:`can_see`) is asked of the same queryset, so the two never drift;
an entry of a unit's role is asked the same rule on the row in memory (``UnitScope.sees``, which
tests/test_policy.py holds equal to the queryset for every state).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import Model, Q, QuerySet

from kczg_site.prepared import PreparedQuery
from nominations.models import (
    Attachment,
    AuditEvent,
    MailAudience,
    MemberUnit,
    Nomination,
    RecommendingUnit,
    Role,
    SentMail,
    StampedPage,
    StampScope,
    State,
)
from nominations.models.nomination import NOMINATION_RELATIONS
from nominations.policy.roles import AnyUser, profile_of, role_of

STAFF_HIDDEN_STATES = State.staff_hidden()


def _never_sent() -> Q:
    """Entries that never left their author: drafts, and drafts withdrawn before being submitted."""
    return Q(state__in=STAFF_HIDDEN_STATES) | Q(state=State.WITHDRAWN, submitted_at=None, recommended_at=None)


def sent_to_staff() -> Q:
    """The entries the staff (secretariat, platform) may see at all: every one but ``_never_sent``.

    For figures without a logged-in reader to start from, such as the counts in a mail to a
    secretariat. A count shown to a user starts from ``visible_nominations(user)`` instead (for a list
    of units with a figure each: ``queries.common.count_per``)."""
    return ~_never_sent()


def _never_sent_row(nomination: Nomination) -> bool:
    """``_never_sent()`` of one row in memory."""
    return nomination.state in STAFF_HIDDEN_STATES or (
        nomination.state == State.WITHDRAWN and nomination.submitted_at is None and nomination.recommended_at is None
    )


class UnitScope(NamedTuple):
    """How a role that sees the entries of one unit of its profile sees them."""

    field: str  # the profile's field naming the unit
    rows: Callable[[QuerySet, int], QuerySet]  # every nomination -> the ones the role sees of that unit
    sees: Callable[[Nomination, int], bool]  # the same rule on one row in memory


# Both visible_nominations and visible_nomination (one entry by key, the query of every author and
# secretariat entry page) start here; can_see asks ``sees`` of an entry already read.
UNIT_SCOPES: dict[str, UnitScope] = {
    Role.MEMBER: UnitScope(
        "member_unit_id", lambda qs, unit: qs.filter(member_unit_id=unit), lambda n, unit: n.member_unit_id == unit
    ),
    Role.SECRETARIAT: UnitScope(
        "recommending_unit_id",
        lambda qs, unit: qs.filter(recommending_unit_id=unit, pioneer=None).exclude(_never_sent()),
        lambda n, unit: n.recommending_unit_id == unit and n.pioneer_id is None and not _never_sent_row(n),
    ),
    Role.PIONEER: UnitScope(
        "pioneer_id", lambda qs, unit: qs.filter(pioneer_id=unit), lambda n, unit: n.pioneer_id == unit
    ),
}


def _unit_scope(user: AnyUser) -> tuple[str, int] | None:
    """``(role, unit id)`` if the user's role sees one unit's entries and the profile names that unit."""
    role = role_of(user)
    if role not in UNIT_SCOPES:
        return None
    unit = getattr(profile_of(user), UNIT_SCOPES[role].field)
    return (role, unit) if unit else None


def visible_nominations(user: AnyUser) -> QuerySet[Nomination]:
    """Every nomination ``user`` may see."""
    role = role_of(user)
    qs = Nomination.objects.all()
    if role == Role.ADMIN:
        return qs
    if role == Role.PLATFORM:
        return qs.exclude(_never_sent())
    scope = _unit_scope(user)
    if scope is not None:
        return UNIT_SCOPES[role].rows(qs, scope[1])
    if role in VISIBLE_FOR_ROLE:
        return VISIBLE_FOR_ROLE[role](user, qs)
    return qs.none()


def _entry_of_unit(role: str) -> PreparedQuery[Nomination]:
    scoped = UNIT_SCOPES[role].rows
    return PreparedQuery(
        lambda pk, unit: scoped(Nomination.objects.all(), unit).select_related(*NOMINATION_RELATIONS).filter(pk=pk),
        pk=int,
        unit=int,
    )


# visible_nominations(user) of a unit's role by key, compiled once per process (kczg_site/prepared.py):
# the role decides the SQL, the unit and the key are its parameters.
_ENTRY_OF_UNIT = {role: _entry_of_unit(role) for role in UNIT_SCOPES}


def visible_nomination(user: AnyUser, pk: int) -> Nomination | None:
    """The entry ``pk`` with its relations (``NOMINATION_RELATIONS``) if it is in ``visible_nominations(user)``,
    else ``None``."""
    scope = _unit_scope(user)
    if scope is not None and 0 < pk < 2**63:
        found = _ENTRY_OF_UNIT[scope[0]](pk=pk, unit=scope[1])
    else:
        # No ORDER BY: one row by its key (``first()`` would add the model's ordering).
        found = list(visible_nominations(user).select_related(*NOMINATION_RELATIONS).filter(pk=pk).order_by())
    return found[0] if found else None


# Roles whose visible entries another app decides (the reviews app registers experts and
# coordinators at ready()): role -> ``f(user, every nomination) -> the ones the user may see``.
VISIBLE_FOR_ROLE: dict[str, Callable[[Any, QuerySet], QuerySet]] = {}


def register_visibility(role: str, visible: Callable[[Any, QuerySet], QuerySet]) -> None:
    """Let another app say which nominations a user of ``role`` sees (the reviewers)."""
    VISIBLE_FOR_ROLE[role] = visible


def visible_attachments(user: AnyUser) -> QuerySet[Attachment]:
    return Attachment.objects.filter(nomination__in=visible_nominations(user))


def visible_stamped_pages(user: AnyUser) -> QuerySet[StampedPage]:
    """The signed and stamped scans ``user`` may download: an entry's pages with the entry; a unit's
    推荐汇总表 for its own secretariat and the platform."""
    entries = Q(scope=StampScope.ENTRY, nomination__in=visible_nominations(user).values("pk"))
    role = role_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return StampedPage.objects.filter(entries | Q(scope=StampScope.SUMMARY))
    profile = profile_of(user)
    if role == Role.SECRETARIAT and profile is not None and profile.recommending_unit_id:
        own = Q(scope=StampScope.SUMMARY, recommending_unit_id=profile.recommending_unit_id)
        return StampedPage.objects.filter(entries | own)
    return StampedPage.objects.filter(entries)


def visible_entry_versions(user: AnyUser, versions: QuerySet) -> QuerySet:
    """The recorded versions (``Nomination.history``) of visible entries that ``user`` may read.

    Staff see an entry from its submission on; the versions recorded while it was still a draft
    (its titles and names before it was sent) stay its author's, as the draft itself did.
    """
    versions = versions.filter(id__in=visible_nominations(user).values("pk"))
    role = role_of(user)
    if role in (Role.PLATFORM, Role.SECRETARIAT):
        return versions.exclude(_never_sent())
    return versions


def visible_audit_events(user: AnyUser) -> QuerySet[AuditEvent]:
    """The audit records ``user`` may read: those about entries the user sees (their uploads included)
    and, for the platform and the admin, the records not tied to any entry (units, extensions, clock)."""
    about_visible = Q(nomination__in=visible_nominations(user))
    if role_of(user) in (Role.PLATFORM, Role.ADMIN):
        return AuditEvent.objects.filter(Q(nomination=None) | about_visible)
    return AuditEvent.objects.filter(about_visible)


def visible_member_units(user: AnyUser) -> QuerySet[MemberUnit]:
    role = role_of(user)
    profile = profile_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return MemberUnit.objects.all()
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return MemberUnit.objects.filter(recommending_unit_id=profile.recommending_unit_id)
    if role == Role.MEMBER and profile.member_unit_id:
        return MemberUnit.objects.filter(pk=profile.member_unit_id)
    return MemberUnit.objects.none()


def visible_recommending_units(user: AnyUser) -> QuerySet[RecommendingUnit]:
    role = role_of(user)
    profile = profile_of(user)
    if role in (Role.PLATFORM, Role.ADMIN):
        return RecommendingUnit.objects.all()
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return RecommendingUnit.objects.filter(pk=profile.recommending_unit_id)
    if role == Role.MEMBER and profile.member_unit_id:
        return RecommendingUnit.objects.filter(members=profile.member_unit_id)
    return RecommendingUnit.objects.none()


def visible_sent_mails(user: AnyUser) -> QuerySet[SentMail]:
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


def can_see(user: AnyUser, obj: Model) -> bool:
    """Whether ``obj`` is in the user's visible queryset (the same definition; one query, but none for
    an entry of a unit's role).

    An entry read from the database, asked for a member, a secretariat or a pioneer, is judged on the row
    as read (``UnitScope.sees``), without a query: the entry pages read it through the same rule in this
    request (``visible_nomination``), and a transition asks its checks of the row it holds locked. The
    policy asks this for each button of a page; it was a query each time."""
    if isinstance(obj, Nomination):
        scope = _unit_scope(user)
        if scope is not None and obj.pk is not None and not obj._state.adding:
            return UNIT_SCOPES[scope[0]].sees(obj, scope[1])
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
