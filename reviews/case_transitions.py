"""The transition table of the notice's cases (异议 and 更正) as data: every step of a case, who takes
it, from which states, for which kinds, and what it must carry. ``reviews.objections.transition_case()``
is the one function that applies a row (as ``nominations.workflow.transition()`` does for entries).

received ─┬─ reject ─────────────→ rejected (不予受理, with one of the fixed grounds)
          └─ accept ─→ accepted ─┬─ substantive ─→ substantive ─────┐
                                 └─ forward ─→ forwarded ─ answer ─→ answered ─┤
                                               └──(no answer by the due time)──┤
                                                                  investigate ─→ investigating ─┬─ uphold ─→ upheld
                                                                                                 └─ dismiss ─→ dismissed
A correction (更正) is decided by the platform: it is never forwarded to the recommending unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nominations.models import Role
from reviews.models import CaseKind, CaseState

C = CaseState
PLATFORM = frozenset({Role.PLATFORM, Role.ADMIN})
BOTH_KINDS = frozenset({CaseKind.OBJECTION, CaseKind.CORRECTION})


@dataclass(frozen=True)
class CaseTransition:
    action: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    kinds: frozenset = BOTH_KINDS
    note_label: str = "说明"
    note_required: bool = True
    ground_required: bool = False  # reject: one of RejectGround
    outcome_required: bool = False  # uphold: one of CaseOutcome
    mails_objector: bool = False  # the objector is told (受理, the decision)
    final: bool = False  # the case is decided (a state the publication no longer waits for)


def _t(action: str, label: str, sources: Iterable[str], target: str, roles: Iterable[str], **kw: object):
    return CaseTransition(action, label, frozenset(sources), target, frozenset(roles), **kw)


CASE_TRANSITIONS = {
    t.action: t
    for t in (
        _t(
            "reject",
            "不予受理",
            {C.RECEIVED},
            C.REJECTED,
            PLATFORM,
            note_label="不予受理的说明",
            ground_required=True,
            mails_objector=True,
            final=True,
        ),
        _t("accept", "受理", {C.RECEIVED}, C.ACCEPTED, PLATFORM, note_label="受理意见", mails_objector=True),
        _t("substantive", "认定为实质性异议", {C.ACCEPTED}, C.SUBSTANTIVE, PLATFORM, note_label="认定理由"),
        _t(
            "forward",
            "认定为非实质性异议，转推荐单位核实",
            {C.ACCEPTED},
            C.FORWARDED,
            PLATFORM,
            kinds={CaseKind.OBJECTION},
            note_label="转交说明",
        ),
        _t(
            "answer",
            "推荐单位答复",
            {C.FORWARDED},
            C.ANSWERED,
            {Role.SECRETARIAT},
            kinds={CaseKind.OBJECTION},
            note_label="核实情况及答复",
        ),
        _t(
            "investigate",
            "调查核实",
            {C.SUBSTANTIVE, C.ANSWERED, C.FORWARDED},
            C.INVESTIGATING,
            PLATFORM,
            note_label="调查核实情况",
        ),
        _t(
            "uphold",
            "异议成立",
            {C.INVESTIGATING},
            C.UPHELD,
            PLATFORM,
            note_label="处理决定",
            outcome_required=True,
            mails_objector=True,
            final=True,
        ),
        _t(
            "dismiss",
            "异议不成立",
            {C.INVESTIGATING},
            C.DISMISSED,
            PLATFORM,
            note_label="处理决定",
            mails_objector=True,
            final=True,
        ),
    )
}

# The states of a case the platform has accepted and not yet decided: publication waits for them.
OPEN_STATES = frozenset({C.ACCEPTED, C.SUBSTANTIVE, C.FORWARDED, C.ANSWERED, C.INVESTIGATING})
# Decided (or refused): nothing more happens to the case.
CLOSED_STATES = frozenset({t.target for t in CASE_TRANSITIONS.values() if t.final})
# What the recommending unit and the entry's member see (the platform has accepted the case).
PARTY_STATES = frozenset(OPEN_STATES | {C.UPHELD, C.DISMISSED})
