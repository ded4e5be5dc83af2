"""Export jobs of the review side: the experts' reviews, the ranked tables and the published lists.

``nominations.exports`` owns the job lifecycle (create, run, retry, download); for the kinds in
``REVIEW_KINDS`` it calls into this module to check who may start a job, to describe it, to write its
workbook (``reviews.excel``) and to re-check the download.

Who may start which (:func:`may_start`; registered with the export kinds, it is what the policy's
``start_export`` answers for these kinds, and :func:`may_download` what ``download_export`` answers
once the owner and the finished file are checked):

* the experts' reviews and the ranked tables — the platform secretariat and admins for every body, a
  coordinator for its own body only (what the reviewer policy lets it see); never an expert, so that
  no expert ever receives another expert's scores through an export;
* the published lists — anyone logged in, once the year is published (public data).

A job's filter is ``{"campaign": year, "norm": bool, "body": id or None}``; the entries are selected
again from the owner's policy when the job runs, and the download is re-checked the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

from django.contrib.auth.models import User
from django.db.models import Prefetch, Q, QuerySet

from nominations import policy
from nominations.models import Campaign, ExportJob, Nomination, RankingList, Role, State
from nominations.models.exports import ExportKind
from nominations.rules.decision import ALLOW, Decision, Refused
from reviews import aggregation, excel, final, publication
from reviews.assignment import body_entries
from reviews.models import Assignment, ReviewBody, ReviewCriterion, Score
from reviews.policy import body_of

MANAGERS = (Role.PLATFORM, Role.ADMIN)


class ReviewExportError(Refused):
    """A review export that cannot be made (no such year, not published); the message is Chinese."""


def scope_of(user: User) -> str | int | None:
    """``"all"`` for the platform secretariat and admins, a coordinator's body id, else ``None``."""
    role = policy.role_of(user)
    if role in MANAGERS:
        return "all"
    if role == Role.COORDINATOR:
        return body_of(user)
    return None


def may_start(user: User, kind: str) -> Decision:
    if user is None or not user.is_authenticated:
        return Decision.deny("请先登录。")
    if kind == ExportKind.PUBLISHED:
        return ALLOW
    if kind in (ExportKind.REVIEW_SCORES, ExportKind.RANKING):
        if scope_of(user) is not None:
            return ALLOW
        return Decision.deny("只有平台秘书处和初评机构联络人可以导出评审结果。")
    return Decision.deny("未知的导出类型。")


def job_filters(user: User, kind: str, campaign: Campaign, *, normalize: bool = False) -> dict[str, Any]:
    """The filter stored on the job; refuses what cannot be exported (the message is Chinese)."""
    if kind == ExportKind.PUBLISHED and publication.published_campaign(campaign.year) is None:
        raise ReviewExportError(f"{campaign.year}年榜单尚未发布。")
    scope = scope_of(user)
    body = None if kind == ExportKind.PUBLISHED or scope == "all" else scope
    return {"campaign": campaign.year, "norm": bool(normalize and kind == ExportKind.RANKING), "body": body}


def describe(kind: str, filters: dict[str, Any]) -> str:
    parts = [f"{filters['campaign']}年"]
    if kind != ExportKind.PUBLISHED:
        body = ReviewBody.objects.filter(pk=filters.get("body")).first() if filters.get("body") else None
        parts.append(body.name if body else "全部初评机构")
    if filters.get("norm"):
        parts.append("按标准化得分")
    return " · ".join(parts)


def file_stem(kind: str) -> str:
    return {
        ExportKind.REVIEW_SCORES: "初评评分",
        ExportKind.RANKING: "初评排名",
        ExportKind.PUBLISHED: "科创中国系列榜单",
    }[kind]


def _campaign(filters: dict[str, Any]) -> Campaign:
    campaign = Campaign.objects.filter(year=filters.get("campaign")).first()
    if campaign is None:
        raise ReviewExportError(f"没有 {filters.get('campaign')} 年度的征集。")
    return campaign


def _body_of_job(user: User, filters: dict[str, Any]) -> int | None:
    """The body a coordinator's job covers: the one it has now (a changed body fails the job)."""
    scope = scope_of(user)
    if scope is None:
        raise ReviewExportError("您已无权导出评审结果。")
    if scope == "all":
        return None
    if filters.get("body") != scope:
        raise ReviewExportError("您所在的初评机构已变更，请重新导出。")
    return scope


# ---------------------------------------------------------------- selections


def score_sheets(
    user: User, campaign: Campaign, body_id: int | None = None
) -> list[tuple[RankingList, list[ReviewCriterion], QuerySet[Score]]]:
    """``[(ranking_list, criteria, scores)]``: the reviews of active assignments the user may see."""
    scores = Score.objects.filter(
        assignment__active=True,
        assignment__nomination__campaign=campaign,
        assignment__nomination__in=policy.visible_nominations(user),
    )
    if body_id is not None:
        scores = scores.filter(assignment__body_id=body_id)
    scores = scores.select_related(
        "assignment__nomination__campaign",
        "assignment__nomination__domain",
        "assignment__expert__profile",
        "assignment__body",
    ).order_by(
        "assignment__nomination__domain__order",
        "assignment__nomination_id",
        "assignment__expert__username",
        "pk",
    )
    lists = (
        RankingList.objects.filter(campaign=campaign)
        .order_by("order")
        .prefetch_related(
            Prefetch("criteria", queryset=ReviewCriterion.objects.order_by("order", "pk"), to_attr="ordered_criteria")
        )
    )
    return [
        (ranking_list, ranking_list.ordered_criteria, scores.filter(assignment__nomination__ranking_list=ranking_list))
        for ranking_list in lists
    ]


def ranking_groups(
    user: User, campaign: Campaign, body_id: int | None = None, *, normalize: bool = False
) -> list[final.Group]:
    """The ranked tables the user may see: across bodies for the platform, per coverage for a body."""
    if body_id is None:
        groups, _targets = final.ranked_groups(campaign, normalize=normalize)
        visible = set(policy.visible_nominations(user).filter(campaign=campaign).values_list("pk", flat=True))
        for group in groups:
            group.entries = [e for e in group.entries if e.nomination.pk in visible]
        return [group for group in groups if group.entries]
    body = ReviewBody.objects.prefetch_related("coverages__ranking_list", "coverages__domain").get(pk=body_id)
    entries = list(
        body_entries(body).filter(pk__in=policy.visible_nominations(user)).select_related("campaign", "dispatch__body")
    )
    totals = aggregation.submitted_totals(Q(assignment__body=body))
    counts = final.assignment_counts(Assignment.objects.filter(body=body))
    groups = []
    coverages = list(body.coverages.all())
    rules = aggregation.list_rules({coverage.ranking_list_id for coverage in coverages})
    for coverage in coverages:
        in_group = [
            e for e in entries if e.ranking_list_id == coverage.ranking_list_id and e.domain_id == coverage.domain_id
        ]
        rule = rules[coverage.ranking_list_id]
        ranked = aggregation.results(in_group, totals, normalize=normalize, counts=counts, rule=rule)
        groups.append(final.Group(coverage.ranking_list, coverage.domain, ranked, rule))
    return groups


# ---------------------------------------------------------------- the job's file


def count(kind: str, user: User, filters: dict[str, Any]) -> int | None:
    """How many rows the job will write (the progress bar's total)."""
    campaign = _campaign(filters)
    if kind == ExportKind.PUBLISHED:
        return Nomination.objects.filter(campaign=campaign, state=State.PUBLISHED).count()
    body_id = _body_of_job(user, filters)
    if kind == ExportKind.REVIEW_SCORES:
        return sum(scores.count() for _list, _criteria, scores in score_sheets(user, campaign, body_id))
    return None  # the ranking: counted while it is built


def write(
    kind: str, fileobj: BinaryIO, user: User, filters: dict[str, Any], *, tick: Callable[[], None] | None = None
) -> list[int]:
    """Write the workbook of a review export job; return the ids of the entries in it, in order."""
    campaign = _campaign(filters)
    if kind == ExportKind.PUBLISHED:
        if publication.published_campaign(campaign.year) is None:
            raise ReviewExportError(f"{campaign.year}年榜单尚未发布。")
        return excel.write_published(fileobj, campaign, publication.published_groups(campaign), tick=tick)
    body_id = _body_of_job(user, filters)
    if kind == ExportKind.REVIEW_SCORES:
        return excel.write_scores(fileobj, score_sheets(user, campaign, body_id), tick=tick)
    if kind == ExportKind.RANKING:
        normalize = bool(filters.get("norm"))
        groups = ranking_groups(user, campaign, body_id, normalize=normalize)
        return excel.write_ranking(fileobj, groups, normalize=normalize, decisions=body_id is None, tick=tick)
    raise ReviewExportError(f"未知的导出类型：{kind}")


def may_download(user: User, job: ExportJob) -> Decision:
    """The owner (checked by the caller) still may: published lists still published, else still visible."""
    ids = set(job.entry_ids or [])
    if job.kind == ExportKind.PUBLISHED:
        if publication.published_campaign((job.filters or {}).get("campaign")) is None:
            return Decision.deny("该年度榜单已不再公开。")
        published = _count_in(Nomination.objects.filter(state=State.PUBLISHED), ids)
        return ALLOW if published == len(ids) else Decision.deny("榜单已变更，请重新导出。")
    expected_scope = (job.filters or {}).get("body") or "all"
    if not may_start(user, job.kind) or scope_of(user) != expected_scope:
        return Decision.deny("您已无权下载该文件。")
    if _count_in(policy.visible_nominations(user), ids) != len(ids):
        return Decision.deny("文件中有您已无权查看的申报，请重新导出。")
    return ALLOW


def _count_in(qs: QuerySet[Nomination], ids: set[int], chunk: int = 2000) -> int:
    ids = list(ids)
    return sum(qs.filter(pk__in=ids[i : i + chunk]).count() for i in range(0, len(ids), chunk))
