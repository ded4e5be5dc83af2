"""Page assembly of the 公示: the public page, the platform's overview and case page, and the listed
parties' pages (which carry no field of the objector: :class:`PartyCase` has none)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet

from kczg_site import clock
from nominations.models import Campaign, Nomination, RankingList
from reviews import notice as notices
from reviews import objections
from reviews.case_transitions import CASE_TRANSITIONS, OPEN_STATES
from reviews.models import CaseFileKind, CaseKind, CaseState, ObjectionCase, PublicNotice
from reviews.models.notice import NOTICE_FIELDS
from reviews.policy import visible_cases
from reviews.states import LISTED_STATES

DUE_SOON = timedelta(days=3)

RULES = (
    "任何单位或个人对公示的拟入榜项目（人选）有异议的，可在公示期内通过本页面实名提出。",
    "个人提出异议的，须填写本人真实姓名、工作单位和联系电话；单位提出异议的，须上传加盖本单位公章的异议书。",
    "异议须写明异议理由和事实依据，并提供必要的证明材料；匿名异议、逾期提出的异议不予受理。",
    "对评审结果有不同意见的，不属于异议范围。",
    "实质性异议由平台秘书处调查处理；非实质性异议转推荐单位在规定期限内核实答复。",
    "平台秘书处对异议人的身份严格保密，推荐单位和被异议方只看到异议理由和证明材料。",
    "提交后将获得受理编号，凭受理编号和电子邮箱可查询处理进度；受理和处理决定将通过电子邮件告知。",
)


def proposed_entries(campaign: Campaign) -> QuerySet:
    """The entries an objection may be about: proposed (拟入榜) entries of the campaign."""
    return (
        Nomination.objects.filter(campaign=campaign, state__in=LISTED_STATES)
        .select_related("ranking_list")
        .defer("data")
        .order_by("ranking_list__order", "domain__order", "title", "pk")
    )


def public_page(campaign: Campaign, notice: PublicNotice, now: datetime | None = None) -> dict:
    return {
        "campaign": campaign,
        "notice": notice,
        "phase": notices.phase(notice, now),
        "period": notices.period_text(notice),
        "filing": notices.check_filing(notice, now),
        "groups": notices.proposed_groups(campaign, notice),
        "rules": RULES,
    }


# ---------------------------------------------------------------- the platform


@dataclass
class Overview:
    lists: list[RankingList]
    states: list[tuple[str, str]]
    counts: dict = field(default_factory=dict)  # (list id, state) -> n
    totals: Counter = field(default_factory=Counter)

    def rows(self) -> list[tuple[RankingList, list[int], int]]:
        return [
            (
                rl,
                [self.counts.get((rl.pk, s), 0) for s, _ in self.states],
                sum(self.counts.get((rl.pk, s), 0) for s, _ in self.states),
            )
            for rl in self.lists
        ]


def platform_page(campaign: Campaign, now: datetime | None = None) -> dict:
    now = now or clock.now()
    notice = notices.notice_of(campaign)
    cases = list(
        ObjectionCase.objects.filter(notice__campaign=campaign)
        .select_related("nomination__ranking_list", "nomination__recommending_unit")
        .order_by("-filed_at", "-pk")
    )
    lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
    overview = Overview(lists, list(CaseState.choices))
    for case in cases:
        overview.counts[(case.nomination.ranking_list_id, case.state)] = (
            overview.counts.get((case.nomination.ranking_list_id, case.state), 0) + 1
        )
        overview.totals[case.state] += 1
    due = sorted(
        (c for c in cases if c.state == CaseState.FORWARDED and c.answer_due and c.answer_due - now <= DUE_SOON),
        key=lambda c: c.answer_due,
    )
    waiting = [c for c in cases if c.state == CaseState.RECEIVED]
    return {
        "campaign": campaign,
        "notice": notice,
        "phase": notices.phase(notice, now),
        "period": notices.period_text(notice) if notice and notice.is_opened else "",
        "open_decision": notices.check_open(campaign, now=now),
        "overview": overview,
        "due": due,
        "waiting": waiting,
        "cases": cases,
        "open_cases": sum(1 for c in cases if c.state in OPEN_STATES),
        "now": now,
    }


def platform_case(case: ObjectionCase, user) -> dict:
    steps = list(case.steps.select_related("actor").order_by("pk"))
    return {
        "case": case,
        "steps": steps,
        "files": list(case.files.order_by("kind", "pk")),
        "actions": objections.available_steps(case, user),
        "transitions": {action: t.label for action, t in CASE_TRANSITIONS.items()},
        "field_label": dict(NOTICE_FIELDS).get(case.correction_field, ""),
        "current_value": objections.current_value(case.nomination, case.correction_field),
    }


# ---------------------------------------------------------------- the listed parties (no objector in here)


@dataclass(frozen=True)
class PartyFile:
    pk: int
    label: str  # 证明材料1.pdf: the objector's file names are not shown either
    size: int


@dataclass(frozen=True)
class PartyStep:
    label: str
    at: datetime
    note: str


@dataclass(frozen=True)
class PartyCase:
    """What the recommending unit and the entry's member read of a case: never who objected."""

    pk: int
    receipt: str
    kind: str
    kind_label: str
    state: str
    state_label: str
    entry: Nomination
    grounds: str
    correction: str
    filed_at: datetime
    answer_due: datetime | None
    unit_answer: str
    outcome_label: str
    files: tuple = ()
    steps: tuple = ()

    @property
    def waits_for_answer(self) -> bool:
        return self.state == CaseState.FORWARDED


# Steps whose note the parties read (the platform's note when forwarding, the unit's answer, the decision).
PARTY_NOTES = frozenset({"forward", "answer", "uphold", "dismiss"})


def _party_case(case: ObjectionCase, with_details: bool = True) -> PartyCase:
    files, steps = (), ()
    if with_details:
        evidence = [f for f in case.files.all() if f.kind == CaseFileKind.EVIDENCE]
        files = tuple(PartyFile(f.pk, objections.neutral_name(f, i), f.size) for i, f in enumerate(evidence, start=1))
        steps = tuple(
            PartyStep(
                CASE_TRANSITIONS[s.action].label if s.action in CASE_TRANSITIONS else "收到",
                s.at,
                s.note if s.action in PARTY_NOTES else "",
            )
            for s in case.steps.all()
            if s.action != "file"
        )
    correction = ""
    if case.kind == CaseKind.CORRECTION:
        correction = f"{dict(NOTICE_FIELDS).get(case.correction_field, '')}更正为“{case.correction_value}”"
    return PartyCase(
        pk=case.pk,
        receipt=case.receipt,
        kind=case.kind,
        kind_label=case.get_kind_display(),
        state=case.state,
        state_label=case.get_state_display(),
        entry=case.nomination,
        grounds=case.grounds,
        correction=correction,
        filed_at=case.filed_at,
        answer_due=case.answer_due,
        unit_answer=case.unit_answer,
        outcome_label=case.get_outcome_display() if case.outcome else "",
        files=files,
        steps=steps,
    )


def party_cases(user) -> list[PartyCase]:
    rows = visible_cases(user).select_related("nomination__ranking_list").order_by("-filed_at", "-pk")
    return [_party_case(c, with_details=False) for c in rows]


def party_case(case: ObjectionCase) -> PartyCase:
    return _party_case(case)


def correctable_entries(user, campaign: Campaign) -> list[Nomination]:
    from nominations.policy import visible_nominations

    return list(
        visible_nominations(user)
        .filter(campaign=campaign, state__in=LISTED_STATES)
        .select_related("ranking_list")
        .defer("data")
        .order_by("ranking_list__order", "title")
    )


def status_page(case: ObjectionCase) -> dict:
    """The objector's view of their own case: the state, when, and the decision's note."""
    decided = case.steps.filter(action__in=("reject", "uphold", "dismiss")).order_by("-pk").first()
    return {
        "case": case,
        "steps": [
            (CASE_TRANSITIONS[s.action].label if s.action in CASE_TRANSITIONS else "提交异议", s.at)
            for s in case.steps.order_by("pk")
        ],
        "decision_note": decided.note if decided else "",
    }
