"""Conflicts of interest (回避).

* Automatic: the expert's organisation (``Profile.organization``) equals, after
  ``nominations.rules.duplicates.normalize_name``, the entry's member unit or recommending unit.
  Automatic assignment never picks such an expert; a coordinator may still assign by hand with a
  recorded reason (``Assignment.override_reason``, audited).
* Declared: an expert declares a conflict with a type (同单位, 合作关系, 师生关系, 其他); the declaration
  removes the assignment and cannot be overridden.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from kczg_site import clock
from nominations.models import Nomination
from nominations.policy import may
from nominations.rules.decision import Decision, Refused
from nominations.rules.duplicates import normalize_name
from reviews.audit import record
from reviews.models import Assignment, ConflictDeclaration, ConflictKind


class ConflictError(Refused):
    """A refused conflict declaration."""


def entry_keys(nomination: Nomination) -> dict[str, str]:
    names = []
    if nomination.member_unit_id:
        names.append(nomination.member_unit.name)
    if nomination.recommending_unit_id:
        names.append(nomination.recommending_unit.name)
    return {key: name for name in names if (key := normalize_name(name))}


def automatic_conflict(organization: str, nomination: Nomination) -> str:
    """The reason the expert's organisation conflicts with the entry, or ``""``."""
    key = normalize_name(organization)
    if not key:
        return ""
    name = entry_keys(nomination).get(key)
    return f"专家所在单位“{organization}”与申报相关单位“{name}”相同" if name else ""


def conflicts(nominations: Iterable[Nomination], experts: Iterable[AbstractBaseUser]) -> dict[tuple[int, int], str]:
    """``{(nomination_id, expert_id): reason}`` for automatic and declared conflicts (one query).

    ``experts``: users with their profile loaded; ``nominations`` with member and recommending unit.
    """
    nominations = list(nominations)
    experts = list(experts)
    found = {}
    for nomination in nominations:
        for expert in experts:
            reason = automatic_conflict(expert.profile.organization, nomination)
            if reason:
                found[(nomination.pk, expert.pk)] = reason
    declared = ConflictDeclaration.objects.filter(
        nomination__in=[n.pk for n in nominations], expert__in=[e.pk for e in experts]
    )
    for declaration in declared:
        found[(declaration.nomination_id, declaration.expert_id)] = f"专家申报回避（{declaration.get_kind_display()}）"
    return found


def is_declared(nomination: Nomination, expert: AbstractBaseUser) -> bool:
    return ConflictDeclaration.objects.filter(nomination=nomination, expert=expert).exists()


def check_declare(user: AbstractBaseUser, nomination: Nomination, kind: str, note: str = "") -> Decision:
    """Every rule of a declaration, without recording it (the preview and :func:`declare` ask the same)."""
    decision = may(user, "declare_conflict", nomination)
    if decision and kind not in ConflictKind.values:
        decision = Decision.deny("请选择回避类型。")
    if decision and kind == ConflictKind.OTHER and not (note or "").strip():
        decision = Decision.deny("选择“其他”时请说明回避原因。")
    return decision


def declare(user: AbstractBaseUser, nomination: Nomination, kind: str, note: str = "") -> ConflictDeclaration:
    """An expert declares a conflict: recorded, audited, and the assignment is removed."""
    decision = check_declare(user, nomination, kind, note)
    if not decision:
        raise ConflictError(decision)
    now = clock.now()
    with transaction.atomic():
        declaration, _ = ConflictDeclaration.objects.update_or_create(
            nomination=nomination,
            expert=user,
            defaults={"kind": kind, "note": (note or "").strip(), "declared_at": now},
        )
        Assignment.objects.filter(nomination=nomination, expert=user, active=True).update(
            active=False, removed_at=now, removed_reason=f"专家申报回避：{declaration.get_kind_display()}"
        )
        record(
            "declare_conflict",
            user,
            nomination=nomination,
            note=f"回避类型：{declaration.get_kind_display()}" + (f";{declaration.note}" if declaration.note else ""),
        )
    return declaration
