"""Forms of the review pages: every value a review POST carries is read through one of these.

Free texts use the shared fields of ``nominations.forms.fields`` (a 字 limit with a live counter, no
control characters); ids, choices and numbers are bounded fields with Chinese messages. The rules
themselves (who may act, deadlines, conflicts) stay in dispatch, assignment, conflicts, scoring and
final: a form only checks what was posted.
"""

from reviews.forms.base import ConfirmForm
from reviews.forms.coordinator import AssignForm, AutoAssignForm, InviteForm, RemoveAssignmentForm, SubmitResultsForm
from reviews.forms.dispatch import UnconfirmedDecisionForm
from reviews.forms.expert import ConflictForm, ScoreForm
from reviews.forms.platform import (
    DecideForm,
    DispatchForm,
    ExtensionForm,
    MoveForm,
    RankingExportForm,
    TargetForm,
)

__all__ = [
    "AssignForm",
    "AutoAssignForm",
    "ConfirmForm",
    "ConflictForm",
    "DecideForm",
    "DispatchForm",
    "ExtensionForm",
    "InviteForm",
    "MoveForm",
    "RankingExportForm",
    "RemoveAssignmentForm",
    "ScoreForm",
    "SubmitResultsForm",
    "TargetForm",
    "UnconfirmedDecisionForm",
]
