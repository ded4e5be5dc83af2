"""The panel meeting of the final review (会评): quorum, secret ballot, ⅔ threshold, sealed results, ties.

The rules (the product's reading of the common practice 到会专家三分之二以上同意; "以上" includes the
number itself, as in Chinese legal usage):

* **Quorum** (法定人数): the vote may open only when at least ⅔ of the members are recorded present
  (``present × 3 ≥ members × 2``); attendance is frozen when the vote opens (``member_count`` 应到,
  ``present_count`` 实到).
* **Who votes**: the members recorded present, each once (``PanelBallotReceipt``, unique per meeting and
  member), with one choice per candidate: 同意, 不同意 or 弃权. A member who is absent or has voted cannot
  vote again; a ballot must answer every candidate.
* **Threshold** (通过票数): a candidate passes with at least ⅔ of the members **present** voting 同意
  (``yes × 3 ≥ present × 2``; exactly ⅔ passes). 弃权 and a ballot not cast count as not 同意.
* **Sealed results**: nothing counts the votes before the chair closes the vote (:func:`close_vote`);
  the pages show only how many ballots were cast; the counts are stored on the candidates at closing
  and shown from then on.
* **Places and ties** (名额): a meeting may have ``places``. When more candidates pass than there are
  places, they are ordered by 同意 votes: those above the boundary are 通过; those below it are
  达到票数但超出名额; those with exactly the boundary's number of votes, when not all of them fit, are
  并列待定, and the chair records a decision with a reason for each (:func:`resolve_tie`). The chair's
  recorded decision is the product's tie rule; a run-off vote would be a second meeting with the tied
  candidates only (not built as a shortcut).
* **Secrecy**: see ``reviews.models.panel``: who voted and what was voted are stored apart.

The final decision (``reviews.final.decide``) records the closed vote it rests on (:func:`vote_of`).
Preparing a meeting (its members and chair, attendance, the candidates) is ``reviews.panel_setup``.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from fractions import Fraction
from math import ceil

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from kczg_site import clock
from nominations.models import Nomination
from nominations.policy import may
from nominations.rules.decision import ALLOW, Decision, Refused, require
from reviews.audit import record
from reviews.models import (
    CandidateOutcome,
    MeetingState,
    PanelAttendance,
    PanelBallotReceipt,
    PanelCandidate,
    PanelMeeting,
    PanelVote,
    VoteChoice,
)

QUORUM = Fraction(2, 3)
THRESHOLD = Fraction(2, 3)
SEALED = "投票结束前不公布表决结果。"


class PanelError(Refused):
    """A refused step of a panel meeting, with the Chinese reason."""


# ---------------------------------------------------------------- the numbers


def quorum_needed(members: int) -> int:
    """The fewest members present for the vote to open: ⌈⅔ × members⌉."""
    return ceil(QUORUM * members)


def votes_needed(present: int) -> int:
    """The fewest 同意 votes to pass: ⌈⅔ × present⌉ (exactly ⅔ passes)."""
    return ceil(THRESHOLD * present)


def passes(yes: int, present: int) -> bool:
    return present > 0 and yes >= votes_needed(present)


def outcomes(yes_counts: dict[int, int], present: int, places: int | None) -> dict[int, str]:
    """``{candidate: CandidateOutcome}`` from the 同意 counts (the threshold, then the places and ties).

    >>> outcomes({1: 9, 2: 8, 3: 8, 4: 6, 5: 5}, present=9, places=2)  # 6 of 9 needed
    {1: 'approved', 2: 'tied', 3: 'tied', 4: 'over', 5: 'rejected'}
    """
    result = {
        c: CandidateOutcome.APPROVED if passes(y, present) else CandidateOutcome.REJECTED for c, y in yes_counts.items()
    }
    passed = sorted((c for c, o in result.items() if o == CandidateOutcome.APPROVED), key=lambda c: -yes_counts[c])
    if places is None or len(passed) <= places:
        return {c: str(o) for c, o in result.items()}
    boundary = yes_counts[passed[places - 1]] if places > 0 else None
    above = [c for c in passed if boundary is None or yes_counts[c] > boundary]
    at = [c for c in passed if boundary is not None and yes_counts[c] == boundary]
    for c in passed:
        if boundary is None or yes_counts[c] < boundary:
            result[c] = CandidateOutcome.OVER
    if len(above) + len(at) > places:
        for c in at:
            result[c] = CandidateOutcome.TIED
    return {c: str(o) for c, o in result.items()}


# ---------------------------------------------------------------- the vote


def attendance_counts(meeting: PanelMeeting) -> tuple[int, int]:
    """``(members, present)``: frozen at opening, else as recorded now."""
    if meeting.state != MeetingState.PREPARING and meeting.member_count is not None:
        return meeting.member_count, meeting.present_count or 0
    members = meeting.members.count()
    present = PanelAttendance.objects.filter(meeting=meeting, present=True, member__in=meeting.members.all()).count()
    return members, present


def check_quorum(meeting: PanelMeeting) -> Decision:
    members, present = attendance_counts(meeting)
    if members == 0:
        return Decision.deny("会评尚无会评专家。")
    needed = quorum_needed(members)
    if present < needed:
        return Decision.deny(
            f"实到 {present} 人，未达到应到 {members} 人的三分之二（至少 {needed} 人），不能开始投票。"
        )
    return ALLOW


def check_open(meeting: PanelMeeting) -> Decision:
    if meeting.state != MeetingState.PREPARING:
        return Decision.deny(f"会评已{meeting.get_state_display()}。")
    if not meeting.candidates.exists():
        return Decision.deny("尚未生成候选，不能开始投票。")
    return check_quorum(meeting)


def open_vote(meeting: PanelMeeting, user: AbstractBaseUser) -> PanelMeeting:
    """The chair opens the vote: attendance is frozen (应到, 实到); irreversible."""
    require(may(user, "chair_panel", meeting), PanelError)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(check_open(meeting), PanelError)
        members, present = attendance_counts(meeting)
        meeting.member_count, meeting.present_count = members, present
        meeting.state, meeting.opened_at = MeetingState.VOTING, clock.now()
        meeting.save(update_fields=["member_count", "present_count", "state", "opened_at"])
        record("panel_open", user, note=f"{meeting}：应到 {members} 人，实到 {present} 人")
    return meeting


def is_present(meeting: PanelMeeting, user: AbstractBaseUser) -> bool:
    return PanelAttendance.objects.filter(meeting=meeting, member=user, present=True).exists()


def has_voted(meeting: PanelMeeting, user: AbstractBaseUser) -> bool:
    return PanelBallotReceipt.objects.filter(meeting=meeting, member=user).exists()


def check_cast(meeting: PanelMeeting, user: AbstractBaseUser) -> Decision:
    if not meeting.members.filter(pk=user.pk).exists():
        return Decision.deny("您不是本次会评的会评专家。")
    if meeting.state == MeetingState.PREPARING:
        return Decision.deny("投票尚未开始。")
    if meeting.state == MeetingState.CLOSED:
        return Decision.deny("投票已结束。")
    if not is_present(meeting, user):
        return Decision.deny("您未登记出席本次会评，不能投票。")
    if has_voted(meeting, user):
        return Decision.deny("您已投票，每位专家只能投票一次。")
    return ALLOW


def cast_ballot(meeting: PanelMeeting, user: AbstractBaseUser, choices: dict[int, str]) -> PanelBallotReceipt:
    """A present member's secret ballot: a choice for every candidate. The receipt (who) and the votes
    (what) are written in one transaction and share nothing (``reviews.models.panel``)."""
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(may(user, "cast_ballot", meeting), PanelError)
        candidates = list(meeting.candidates.values_list("pk", flat=True))
        missing = [pk for pk in candidates if choices.get(pk) not in VoteChoice.values]
        if missing:
            raise PanelError(Decision.deny(f"尚有 {len(missing)} 项候选未表决，请对每一项选择同意、不同意或弃权。"))
        try:
            with transaction.atomic():
                receipt = PanelBallotReceipt.objects.create(meeting=meeting, member=user, cast_at=clock.now())
        except IntegrityError as error:
            raise PanelError(Decision.deny("您已投票，每位专家只能投票一次。")) from error
        PanelVote.objects.bulk_create(PanelVote(candidate_id=pk, choice=choices[pk]) for pk in candidates)
    return receipt


def ballots_cast(meeting: PanelMeeting) -> int:
    """How many members have voted (shown while the vote runs; says nothing about the results)."""
    return PanelBallotReceipt.objects.filter(meeting=meeting).count()


def close_vote(meeting: PanelMeeting, user: AbstractBaseUser) -> PanelMeeting:
    """The chair closes the vote: the votes are counted for the first time and stored on the candidates,
    with each candidate's outcome (:func:`outcomes`); irreversible."""
    require(may(user, "chair_panel", meeting), PanelError)
    with transaction.atomic():
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state != MeetingState.VOTING:
            raise PanelError(Decision.deny("只有投票中的会评可以结束投票。"))
        counts = defaultdict(Counter)
        for candidate_id, choice in PanelVote.objects.filter(candidate__meeting=meeting).values_list(
            "candidate_id", "choice"
        ):
            counts[candidate_id][choice] += 1
        candidates = list(meeting.candidates.all())
        present = meeting.present_count or 0
        result = outcomes({c.pk: counts[c.pk][VoteChoice.YES] for c in candidates}, present, meeting.places)
        for c in candidates:
            c.yes_count = counts[c.pk][VoteChoice.YES]
            c.no_count = counts[c.pk][VoteChoice.NO]
            c.abstain_count = counts[c.pk][VoteChoice.ABSTAIN]
            c.outcome = result[c.pk]
        PanelCandidate.objects.bulk_update(candidates, ["yes_count", "no_count", "abstain_count", "outcome"])
        meeting.state, meeting.closed_at = MeetingState.CLOSED, clock.now()
        meeting.save(update_fields=["state", "closed_at"])
        passed = sum(1 for c in candidates if c.outcome == CandidateOutcome.APPROVED)
        record("panel_close", user, note=f"{meeting}：投票 {ballots_cast(meeting)} 张，通过 {passed} 项")
    return meeting


def resolve_tie(candidate: PanelCandidate, user: AbstractBaseUser, elected: bool, reason: str) -> PanelCandidate:
    """The chair's recorded decision on a 并列待定 candidate (the tie rule), with a reason."""
    meeting = candidate.meeting
    require(may(user, "chair_panel", meeting), PanelError)
    if meeting.state != MeetingState.CLOSED or candidate.outcome != CandidateOutcome.TIED:
        raise PanelError(Decision.deny("只有投票结束后并列待定的候选需要主持人确定。"))
    reason = (reason or "").strip()
    if not reason:
        raise PanelError(Decision.deny("请填写确定的理由。"))
    if elected and meeting.places is not None:
        taken = sum(1 for c in meeting.candidates.exclude(pk=candidate.pk) if c.elected)
        if taken >= meeting.places:
            raise PanelError(Decision.deny(f"已确定入选 {taken} 项，达到拟入选名额 {meeting.places} 项。"))
    with transaction.atomic():
        candidate.chair_decision, candidate.chair_reason, candidate.chair_decided_at = elected, reason, clock.now()
        candidate.save(update_fields=["chair_decision", "chair_reason", "chair_decided_at"])
        verdict = "入选" if elected else "不入选"
        record("panel_tie", user, nomination=candidate.nomination, note=f"{meeting}：{verdict}：{reason}")
    return candidate


# ---------------------------------------------------------------- reading the results


@dataclass
class Results:
    meeting: PanelMeeting
    members: int
    present: int
    needed: int
    ballots: int
    candidates: list[PanelCandidate]
    attendance: list[PanelAttendance]


def results(meeting: PanelMeeting) -> Results:
    """The counts of a closed meeting; refused (sealed) before the chair closed the vote."""
    if meeting.state != MeetingState.CLOSED:
        raise PanelError(Decision.deny(SEALED))
    candidates = list(
        meeting.candidates.select_related("nomination__recommending_unit", "ranking_list", "domain").order_by(
            "order", "pk"
        )
    )
    attendance = list(
        PanelAttendance.objects.filter(meeting=meeting).select_related("member__profile").order_by("member__username")
    )
    present = meeting.present_count or 0
    return Results(
        meeting,
        meeting.member_count or 0,
        present,
        votes_needed(present),
        ballots_cast(meeting),
        candidates,
        attendance,
    )


def vote_of(nomination: Nomination) -> PanelCandidate | None:
    """The closed vote on ``nomination`` that a final decision rests on: its latest closed meeting."""
    return (
        PanelCandidate.objects.filter(nomination=nomination, meeting__state=MeetingState.CLOSED)
        .order_by("-meeting__closed_at", "-pk")
        .first()
    )
