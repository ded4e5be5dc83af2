"""The transition table as data: every state change of a nomination, who may take it, from which states,
under which deadline and limit. ``nominations.workflow.transition()`` is the one function that applies
a row (and re-exports ``TRANSITIONS`` and ``Transition``); the policy's actions name the same actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nominations.models import Role, State


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    deadline: str | None = None  # "member" or "platform"
    limit: str | None = None  # "member_cap", "unit_quota" or "pioneer_quota"
    note_required: bool = False
    note_label: str = "说明"
    opens: str | None = None  # "dispatch" or "publication": refused before that moment (reviews.final)
    # Taken by a batch step (confirmation, the platform's decision on a unit), never offered as a button.
    batch_only: bool = False


def _t(
    action: str, label: str, sources: Iterable[str], target: str, roles: Iterable[str], **kwargs: object
) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(roles), **kwargs)


S = State
TRANSITIONS = {
    t.action: t
    for t in (
        _t("submit", "提交", {S.DRAFT}, S.SUBMITTED, {Role.MEMBER}, deadline="member", limit="member_cap"),
        _t("resubmit", "重新提交", {S.RETURNED}, S.SUBMITTED, {Role.MEMBER}, deadline="member", limit="member_cap"),
        _t(
            "withdraw",
            "撤回",
            {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.RECOMMENDED},
            S.WITHDRAWN,
            {Role.MEMBER, Role.PIONEER},
            deadline="platform",
        ),
        _t(
            "return",
            "退回修改",
            {S.SUBMITTED, S.ACCEPTED},
            S.RETURNED,
            {Role.SECRETARIAT},
            deadline="platform",
            note_required=True,
            note_label="退回意见",
        ),
        _t("accept", "受理", {S.SUBMITTED}, S.ACCEPTED, {Role.SECRETARIAT}, deadline="platform"),
        _t(
            "decline",
            "不予推荐",
            {S.SUBMITTED, S.ACCEPTED},
            S.DECLINED,
            {Role.SECRETARIAT},
            deadline="platform",
            note_required=True,
            note_label="不予推荐的理由",
        ),
        _t(
            "recommend",
            "推荐",
            {S.ACCEPTED},
            S.RECOMMENDED,
            {Role.SECRETARIAT},
            deadline="platform",
            limit="unit_quota",
        ),
        _t("unrecommend", "取消推荐", {S.RECOMMENDED}, S.ACCEPTED, {Role.SECRETARIAT}, deadline="platform"),
        # At the unit's confirmation (nominations.confirmation): what it did not recommend is told so.
        _t(
            "not_recommend",
            "未获推荐",
            {S.SUBMITTED, S.ACCEPTED, S.RETURNED},
            S.NOT_RECOMMENDED,
            {Role.SECRETARIAT},
            deadline="platform",
            batch_only=True,
        ),
        # 形式审查 (nominations.formal): an entry returned with a fix-by deadline that was not resubmitted
        # in time is not accepted (不予受理), on behalf of the secretariat that set the deadline.
        _t(
            "lapse",
            "逾期不予受理",
            {S.RETURNED},
            S.DECLINED,
            {Role.SECRETARIAT},
            note_required=True,
            note_label="不予受理的理由",
            batch_only=True,
        ),
        # 形式审查 by the platform (nominations.formal): a confirmed unit's recommendation whose failed
        # items were not fixed (a passed platform review) by the fix-by time is not accepted (不予受理).
        _t(
            "platform_lapse",
            "平台形式审查逾期不予受理",
            {S.RECOMMENDED},
            S.DECLINED,
            {Role.PLATFORM, Role.ADMIN},
            note_required=True,
            note_label="不予受理的理由",
            batch_only=True,
        ),
        # The platform's decision on a unit that never confirmed (reviews.dispatch), and reopening a
        # confirmed unit (nominations.confirmation), which gives its 未获推荐 entries back to it.
        _t(
            "exclude",
            "不纳入初评",
            {S.RECOMMENDED},
            S.NOT_RECOMMENDED,
            {Role.PLATFORM, Role.ADMIN},
            note_required=True,
            note_label="不纳入初评的理由",
            batch_only=True,
        ),
        _t(
            "reconsider",
            "恢复待推荐",
            {S.NOT_RECOMMENDED},
            S.ACCEPTED,
            {Role.PLATFORM, Role.ADMIN},
            batch_only=True,
        ),
        _t(
            "pioneer_recommend",
            "推举",
            {S.DRAFT},
            S.RECOMMENDED,
            {Role.PIONEER},
            deadline="platform",
            limit="pioneer_quota",
        ),
        # The review side (reviews.dispatch, reviews.final): the platform secretariat moves these.
        _t("dispatch", "分发初评", {S.RECOMMENDED}, S.IN_REVIEW, {Role.PLATFORM, Role.ADMIN}, opens="dispatch"),
        _t("pass_review", "通过初评", {S.IN_REVIEW, S.REVIEW_FAILED}, S.REVIEW_PASSED, {Role.PLATFORM, Role.ADMIN}),
        _t(
            "fail_review",
            "未通过初评",
            {S.IN_REVIEW, S.REVIEW_PASSED, S.LISTED, S.NOT_LISTED},
            S.REVIEW_FAILED,
            {Role.PLATFORM, Role.ADMIN},
        ),
        _t("list", "入榜", {S.REVIEW_PASSED, S.NOT_LISTED}, S.LISTED, {Role.PLATFORM, Role.ADMIN}),
        _t("unlist", "不入榜", {S.REVIEW_PASSED, S.LISTED}, S.NOT_LISTED, {Role.PLATFORM, Role.ADMIN}),
        _t("publish", "发布", {S.LISTED}, S.PUBLISHED, {Role.PLATFORM, Role.ADMIN}, opens="publication"),
    )
}


# Rules of one action that live in another module: ``workflow.check`` imports them when asked (those
# modules import the workflow).
ACTION_RULES: dict[str, tuple[str, str]] = {
    "recommend": ("nominations.opinions", "check_opinion"),  # the 推荐意见 is written
    "dispatch": ("nominations.formal", "check_dispatchable"),  # not returned by the platform's 形式审查
}
