"""The answer of a rule or of the policy, and the one exception that carries a refusal.

* :class:`Decision` — allowed or not, and why not (in Chinese, for the user). Rules and the policy
  return one; nothing else answers "may this happen?".
* :class:`Refused` — the one exception for a refused action. It carries the :class:`Decision`, the list
  of problems behind it (one per refused entry or field, or just the reason) and, for a refusal that
  comes with a preview or a report, that object as ``detail``. Each area subclasses it by name only
  (``IntakeError``, ``WorkflowError``, ``ScoringError`` …) so a caller may catch one area, and a view
  catches ``Refused`` once.
* :func:`require` — raise when a decision says no: ``require(policy.may(user, "export"), ExportError)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Decision:
    """The answer of a rule or of the policy: allowed or not, and why not (in Chinese, for the user)."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @classmethod
    def allow(cls) -> Decision:
        return ALLOW

    @classmethod
    def deny(cls, reason: str) -> Decision:
        return cls(False, reason)


ALLOW = Decision(True)

PROBLEMS_JOINER = "；"


class Refused(Exception):
    """A refused action; ``str(refusal)`` and ``refusal.reason`` are the Chinese reason for the user.

    ``Refused(decision)``, ``Refused("原因")`` or ``Refused(problems=[...])``: with problems and no reason,
    the reason is the problems joined with a full-width semicolon. ``detail`` is what the page shows
    with the refusal (a batch preview, an import report), or ``None``.
    """

    def __init__(
        self,
        decision: Decision | str = "",
        *,
        problems: Iterable[str] = (),
        detail: Any = None,
    ) -> None:
        problems = [str(problem) for problem in problems if problem]
        if isinstance(decision, str):
            decision = Decision.deny(decision or PROBLEMS_JOINER.join(problems))
        self.decision: Decision = decision
        self.problems: list[str] = problems or ([decision.reason] if decision.reason else [])
        self.detail: Any = detail
        super().__init__(decision.reason)

    @property
    def reason(self) -> str:
        return self.decision.reason


def require(decision: Decision, refusal: type[Refused] = Refused) -> Decision:
    """Raise ``refusal(decision)`` when ``decision`` says no; return it otherwise."""
    if not decision:
        raise refusal(decision)
    return decision
