"""Conflicts of interest (回避): the declarations, and the pairs the rules of ``reviews.avoidance`` find.

* Automatic: every rule of ``reviews.avoidance`` (same unit with parents and aliases, the recommending
  unit, completers of the entry or of its group, the units of the expert's declaration). Automatic
  assignment never picks such an expert; a coordinator may still assign by hand with a recorded reason
  (``Assignment.override_reason``, audited).
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
from reviews import avoidance, organisations
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
    """The reason the organisation (a unit's name) conflicts with the entry, or ``""`` (rules 1 and 2)."""
    index = organisations.OrganisationIndex.load()
    facts = avoidance.ExpertFacts(0, "", [organization] if organization else [])
    found = avoidance.same_unit(index, facts, nomination) or avoidance.recommending_unit(index, facts, nomination)
    return found.reason if found else ""


def conflicts(nominations: Iterable[Nomination], experts: Iterable[AbstractBaseUser]) -> dict[tuple[int, int], str]:
    """``{(nomination_id, expert_id): reason}`` of every rule, automatic and declared (a few queries).

    ``experts``: users with their profile loaded; ``nominations`` with member and recommending unit."""
    found = avoidance.conflicts_between(nominations, experts)
    return {pair: avoidance.reason_text(items) for pair, items in found.items()}


def conflicts_of(nomination: Nomination, expert: AbstractBaseUser) -> list[avoidance.Conflict]:
    """Every conflict of one pair, each with its rule, reason and whether an override may lift it."""
    return avoidance.conflicts_between([nomination], [expert]).get((nomination.pk, expert.pk), [])


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
