"""The actions of 公示 and its cases (``reviews.notice``, ``reviews.objections``), and who sees a case.

The platform handles the cases and alone sees who objected (``view_objector``). The listed parties —
the entry's member unit (or pioneer) and its recommending unit's secretariat — see the cases about
their entries once the platform has accepted them (and their own correction requests): the grounds
and the evidence, never the objector. Anyone else is told nothing (404-style).
"""

from typing import Any

from django.db.models import Q, QuerySet

from nominations.models import Nomination, Role
from nominations.policy import NOT_FOUND, can_see, is_platform, profile_of, role_of, visible_nominations
from nominations.rules.decision import ALLOW, Decision
from reviews.policy.roles import Check, User, platform_only

PARTY_ROLES = (Role.MEMBER, Role.SECRETARIAT, Role.PIONEER)


def _party_sees_case(user: User, case: Any) -> bool:
    from reviews.case_transitions import PARTY_STATES
    from reviews.models import CaseKind

    if case is None or role_of(user) not in PARTY_ROLES or not can_see(user, case.nomination):
        return False
    return case.state in PARTY_STATES or case.kind == CaseKind.CORRECTION


def _view_case(user: User, case: Any) -> Decision:
    if is_platform(user):
        return ALLOW
    return ALLOW if _party_sees_case(user, case) else NOT_FOUND


def _view_objector(user: User, case: Any = None) -> Decision:
    return ALLOW if is_platform(user) else Decision.deny("异议人的身份信息仅平台秘书处可见。")


def _answer_case(user: User, case: Any) -> Decision:
    if case is None or not _party_sees_case(user, case):
        return NOT_FOUND if not is_platform(user) else Decision.deny("只有该推荐单位的秘书处可以答复。")
    profile = profile_of(user)
    if role_of(user) == Role.SECRETARIAT and profile.recommending_unit_id == case.nomination.recommending_unit_id:
        return ALLOW
    return Decision.deny("只有该推荐单位的秘书处可以答复。")


def _request_correction(user: User, nomination: Nomination | None) -> Decision:
    if role_of(user) not in PARTY_ROLES:
        return Decision.deny("只有入选名单的申报单位或其推荐单位可以申请更正。")
    if nomination is not None and not can_see(user, nomination):
        return NOT_FOUND
    return ALLOW


def _party_pages(user: User, obj: Any = None) -> Decision:
    if role_of(user) in PARTY_ROLES:
        return ALLOW
    return Decision.deny("只有申报单位和推荐单位秘书处可以查看公示期间的异议与更正。")


def _download_case_file(user: User, item: Any) -> Decision:
    from reviews.models import CaseFileKind

    if item is None:
        return NOT_FOUND
    if is_platform(user):
        return ALLOW
    # The stamped letter names the objector: the platform's alone.
    if item.kind != CaseFileKind.EVIDENCE or not _party_sees_case(user, item.case):
        return NOT_FOUND
    return ALLOW


def visible_cases(user: User) -> QuerySet:
    """The notice's cases ``user`` may read (the platform: all; a listed party: those about its entries
    from 受理 on, and corrections)."""
    from reviews.case_transitions import PARTY_STATES
    from reviews.models import CaseKind, ObjectionCase

    if is_platform(user):
        return ObjectionCase.objects.all()
    if role_of(user) not in PARTY_ROLES:
        return ObjectionCase.objects.none()
    return ObjectionCase.objects.filter(
        Q(state__in=PARTY_STATES) | Q(kind=CaseKind.CORRECTION), nomination__in=visible_nominations(user)
    )


NOTICE_ACTIONS: dict[str, Check] = {
    "run_public_notice": platform_only("只有平台秘书处可以管理公示。"),
    "handle_objection": platform_only("只有平台秘书处可以处理异议。"),
    "view_objection_case": _view_case,
    "view_objector": _view_objector,
    "answer_objection": _answer_case,
    "request_correction": _request_correction,
    "view_notice_cases": _party_pages,
    "download_case_file": _download_case_file,
}
