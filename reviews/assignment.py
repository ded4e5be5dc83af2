"""Assigning experts to entries: by hand, automatically, and reassignment; inviting experts.

Automatic assignment (:func:`auto_assign`) is the optimal plan of ``reviews.assignment_plan`` (a
min-cost flow, ``reviews.optimal``). The earlier greedy planner stays as :func:`plan_automatic` (a pure
function, compared with the optimum in ``bench/assignment.py``): entries are taken in id order; for
each, the eligible experts (not yet on the entry, no conflict, under the cap) are taken least loaded
first, ties by id. An entry with too few eligible experts gets as many as there are, and the shortfall
is reported — even where another choice for an earlier entry would have filled it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NoReturn

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from kczg_site import clock
from nominations.models import Nomination, Profile, Role
from nominations.notifications import queue_invitation
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews import conflicts as conflict_rules
from reviews import serving
from reviews.audit import record
from reviews.models import Assignment, BodySubmission, ReviewBody, ScoreStatus
from reviews.states import REVIEW_STATES

DEFAULT_K = 3


class AssignmentError(Refused):
    """A refused assignment of experts, removal of one, or invitation of an expert."""


def _deny(reason: str) -> NoReturn:
    raise AssignmentError(Decision.deny(reason))


def body_experts(body: ReviewBody) -> list[AbstractBaseUser]:
    """The active experts serving a body (``reviews.serving``), with their profiles (one query)."""
    return list(
        get_user_model()
        .objects.filter(serving.serving_users(body), is_active=True)
        .select_related("profile")
        .order_by("username")
    )


def body_entries(body: ReviewBody) -> QuerySet:
    return (
        Nomination.objects.filter(dispatch__body=body, state__in=REVIEW_STATES)
        .select_related("ranking_list", "domain", "member_unit", "recommending_unit", "pioneer")
        .order_by("ranking_list__order", "domain__order", "pk")
    )


def check_not_locked(body: ReviewBody) -> Decision:
    if BodySubmission.objects.filter(body=body).exists():
        return Decision.deny("本机构已报送初评结果，评审分配与评分已锁定。")
    return ALLOW


# ---------------------------------------------------------------- the pure planner


def plan_automatic(
    entries: Iterable[int],
    experts: Iterable[int],
    k: int,
    existing: dict[int, Iterable[int]] | None = None,
    conflicted: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
    cap: int | None = None,
) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Pairs ``(entry, expert)`` to create (greedy).

    ``entries``, ``experts``: ids; ``existing``: ``{entry: set of experts already assigned}``;
    ``conflicted``: set of ``(entry, expert)`` that must never be paired; ``cap``: the most entries per
    expert (none without).
    Returns ``(pairs, shortfall)`` where ``shortfall`` is ``{entry: experts missing}``.
    """
    existing = {entry: set(assigned) for entry, assigned in (existing or {}).items()}
    loads = defaultdict(int)
    for assigned in existing.values():
        for expert in assigned:
            loads[expert] += 1
    pairs, shortfall = [], {}
    for entry in sorted(entries):
        have = existing.setdefault(entry, set())
        missing = k - len(have)
        if missing <= 0:
            continue
        eligible = sorted(
            (e for e in experts if e not in have and (entry, e) not in conflicted and (cap is None or loads[e] < cap)),
            key=lambda e: (loads[e], e),
        )
        chosen = eligible[:missing]
        for expert in chosen:
            pairs.append((entry, expert))
            have.add(expert)
            loads[expert] += 1
        if len(chosen) < missing:
            shortfall[entry] = missing - len(chosen)
    return pairs, shortfall


@dataclass
class AutoResult:
    created: list[Assignment] = field(default_factory=list)
    shortfall: dict[Nomination, int] = field(default_factory=dict)


def auto_assign(body: ReviewBody, k: int, user: AbstractBaseUser, cap: int | None = None) -> AutoResult:
    """Assign ``k`` experts to every entry of ``body`` by the optimal plan; all or nothing.

    Scored and hand-made assignments are kept; automatic unscored ones may be replaced by the new plan
    (``reviews.assignment_plan.apply_plan``)."""
    from reviews.assignment_plan import apply_plan

    return apply_plan(body, k, user, cap=cap)


def assign(
    nomination: Nomination, expert: AbstractBaseUser, user: AbstractBaseUser, override_reason: str = ""
) -> Assignment:
    """Assign one expert by hand. An automatic conflict needs ``override_reason`` (recorded)."""
    decision = may(user, "assign_experts", nomination)
    if not decision:
        raise AssignmentError(decision)
    body = nomination.dispatch.body
    decision = check_not_locked(body)
    if not decision:
        raise AssignmentError(decision)
    profile = getattr(expert, "profile", None)
    if profile is None or profile.role != Role.EXPERT or not expert.is_active or not serving.serves(expert, body):
        _deny("只能分配本机构的评审专家。")
    if conflict_rules.is_declared(nomination, expert):
        _deny("该专家已申报回避此项申报，不能分配。")
    reason = "；".join(c.reason for c in conflict_rules.conflicts_of(nomination, expert) if c.overridable)
    override_reason = (override_reason or "").strip()
    if reason and not override_reason:
        _deny(f"{reason}，存在回避冲突；如确需分配，请填写理由。")
    with transaction.atomic():
        if Assignment.objects.filter(nomination=nomination, expert=expert, active=True).exists():
            _deny("该专家已分配到此项申报。")
        assignment = Assignment.objects.create(
            nomination=nomination,
            expert=expert,
            body=body,
            assigned_at=clock.now(),
            assigned_by=user,
            override_reason=override_reason if reason else "",
        )
        name = profile.display_name or expert.username
        record("assign", user, nomination=nomination, note=f"人工分配：{name}")
        if reason:
            record("conflict_override", user, nomination=nomination, note=f"{name}：{reason}；理由：{override_reason}")
    return assignment


def unassign(assignment: Assignment, user: AbstractBaseUser, reason: str = "") -> Assignment:
    """Remove an assignment (reassignment = remove, then assign another expert)."""
    decision = may(user, "assign_experts", assignment.nomination)
    if decision:
        decision = check_not_locked(assignment.body)
    if not decision:
        raise AssignmentError(decision)
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update(of=("self",)).select_related("expert__profile").get(pk=assignment.pk)
        )
        if not locked.active:
            _deny("该分配已撤销。")
        score = getattr(locked, "score", None)
        if score is not None and score.status == ScoreStatus.SUBMITTED:
            _deny("该专家已提交评分，不能撤销分配。")
        locked.active = False
        locked.removed_at = clock.now()
        locked.removed_reason = (reason or "").strip() or "联络人撤销"
        locked.save(update_fields=["active", "removed_at", "removed_reason"])
        name = locked.expert.profile.display_name or locked.expert.username
        record("unassign", user, nomination=locked.nomination, note=f"{name}：{locked.removed_reason}")
    return locked


# ---------------------------------------------------------------- invitations


def invite_expert(
    body: ReviewBody, inviter: AbstractBaseUser, *, name: str, email: str, organization: str
) -> AbstractBaseUser:
    """Create an expert account of ``body`` without a password and mail a one-time link to set one.

    The mail is the platform's one invitation (``nominations.notifications``), sent after commit
    and kept in the mail log.
    """
    decision = may(inviter, "invite_expert", body)
    if not decision:
        raise AssignmentError(decision)
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not email or not name:
        _deny("请填写专家姓名和邮箱。")
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        _deny("该邮箱已有账号。")
    with transaction.atomic():
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
        Profile.objects.create(
            user=user,
            role=Role.EXPERT,
            display_name=name,
            review_body=body,
            organization=(organization or "").strip(),
        )
        record("invite_expert", inviter, note=f"{body}邀请专家 {name}（{email}）")
        queue_invitation(user.pk)
    return user


INVITED, ACCEPTED, LOGGED_IN = "待接受", "已接受", "已登录"


def invitation_status(user: AbstractBaseUser) -> str:
    """Where an invited expert stands: 待接受 (no password set yet), 已接受, or 已登录."""
    if user.last_login:
        return LOGGED_IN
    if user.has_usable_password():
        return ACCEPTED
    return INVITED
