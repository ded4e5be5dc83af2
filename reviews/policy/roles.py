"""Who the reviewer is, and the checks the review actions of every area share: the platform only, one
role only, a role that sees the entry. A check is ``check(user, obj) -> Decision``.

"Is this the platform" and "not found" are the core's (``nominations.policy.is_platform``,
``nominations.policy.NOT_FOUND``); the reviews side only adds its own wording.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from nominations.models import Nomination, Role
from nominations.policy import NOT_FOUND, can_see, is_platform, profile_of, role_of
from nominations.rules.decision import ALLOW, Decision

User = AbstractBaseUser | AnonymousUser
Check = Callable[[User, Any], Decision]

EXPERTS_ONLY = "只有初评专家可以进行此操作。"
COORDINATORS_ONLY = "只有初评机构联络人可以进行此操作。"
PLATFORM_ONLY = "只有平台秘书处可以进行此操作。"
NO_BODY = "您的账号尚未关联初评机构。"


def body_of(user: User) -> int | None:
    """The review body id of a coordinator's account (an expert's: the account's body only; the bodies an
    expert serves are ``reviews.serving``), else ``None``."""
    profile = profile_of(user)
    if profile is None or profile.role not in (Role.EXPERT, Role.COORDINATOR):
        return None
    return profile.review_body_id


def platform_only(reason: str) -> Check:
    """The platform secretariat (or an admin); anyone else is refused with ``reason``."""

    def check(user: User, obj: Any = None) -> Decision:
        return ALLOW if is_platform(user) else Decision.deny(reason)

    return check


def role_only(role: str, reason: str) -> Check:
    """One role; anyone else is refused with ``reason``."""

    def check(user: User, obj: Any = None) -> Decision:
        return ALLOW if role_of(user) == role else Decision.deny(reason)

    return check


def role_that_sees(role: str, reason: str) -> Check:
    """One role (anyone else is refused with ``reason``) who sees the entry (else 404-style)."""

    def check(user: User, nomination: Nomination | None) -> Decision:
        if role_of(user) != role:
            return Decision.deny(reason)
        return ALLOW if nomination is not None and can_see(user, nomination) else NOT_FOUND

    return check


# An expert with an active assignment to the entry (else 404-style): the expert sees only those.
assigned_expert = role_that_sees(Role.EXPERT, EXPERTS_ONLY)
