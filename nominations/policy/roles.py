"""Who the user is: the role, the profile and the ``rules`` predicates of the roles; the two answers
every action shares (not logged in, not found)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.contrib.auth.models import AnonymousUser, User

from nominations.models import Profile, Role
from nominations.rules.decision import Decision

# Whoever asks: a logged-in user, an anonymous visitor, or nobody (``None``: a background job).
AnyUser = User | AnonymousUser | None
# The check of one action: ``check(user, obj) -> Decision`` (``obj`` may be ``None``).
Check = Callable[[Any, Any], Decision]

NOT_LOGGED_IN = Decision.deny("请先登录。")
NOT_FOUND = Decision.deny("没有找到该记录，或您无权查看。")

# ---------------------------------------------------------------- roles


def role_of(user: AnyUser) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def profile_of(user: AnyUser) -> Profile | None:
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def _has_role(*roles_: str) -> rules.Predicate:
    @rules.predicate
    def check(user: AnyUser) -> bool:
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
