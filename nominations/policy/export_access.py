"""Who may start an export, download its file and retry it (the actions ``start_export``,
``download_export`` and ``retry_export`` of the policy).

The entry exports (Excel, Word ZIP) are the staff's; the review kinds are served by the reviews app,
whose checks arrive through ``nominations.exports.register_export_kind`` (the core never imports it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from nominations.models import ExportJob, ExportState, Role
from nominations.models.exports import NOMINATION_KINDS, REVIEW_KINDS
from nominations.policy.roles import NOT_FOUND, AnyUser, role_of
from nominations.policy.visibility import visible_nominations
from nominations.rules.decision import ALLOW, Decision

EXPORTERS = (Role.SECRETARIAT, Role.PLATFORM, Role.ADMIN)


class ExportChecks(NamedTuple):
    """Who may start and download the exports of a kind another app serves (the review kinds)."""

    start: Callable[[Any, str], Decision]
    download: Callable[[Any, ExportJob], Decision]


# Filled through ``nominations.exports.register_export_kind`` (the reviews app, at ready()).
EXPORT_CHECKS: dict[str, ExportChecks] = {}


def register_export_checks(kind: str, checks: ExportChecks) -> None:
    """Let the app that serves export ``kind`` say who may start it and download its file."""
    EXPORT_CHECKS[kind] = checks


def _export_checks(kind: str) -> ExportChecks:
    try:
        return EXPORT_CHECKS[kind]
    except KeyError:
        raise LookupError(f"No export checks registered for kind {kind!r}") from None


def export_entries(user: AnyUser, obj: Any = None) -> Decision:
    """The entry exports (Excel workbook, Word ZIP) and their form: the staff roles."""
    return ALLOW if role_of(user) in EXPORTERS else Decision.deny("只有推荐单位秘书处和平台秘书处可以批量导出。")


def start_export(user: AnyUser, kind: str | None) -> Decision:
    """An export of ``kind``: the entry kinds are the staff's, the review kinds their app's rule."""
    if kind in REVIEW_KINDS:
        return _export_checks(kind).start(user, kind)
    if kind in NOMINATION_KINDS:
        return export_entries(user)
    return Decision.deny(f"未知的导出类型：{kind}")


def download_export(user: AnyUser, job: ExportJob | None) -> Decision:
    """The owner only, a finished file only, and only while the owner still sees every entry in it."""
    if job is None or job.requested_by_id != user.pk:
        return NOT_FOUND
    if job.state != ExportState.DONE or not job.file:
        return Decision.deny("文件尚未生成。")
    if job.kind in REVIEW_KINDS:
        return _export_checks(job.kind).download(user, job)
    ids = list(job.entry_ids or [])
    visible = set()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        visible.update(visible_nominations(user).filter(pk__in=chunk).values_list("pk", flat=True))
    if len(visible) != len(set(ids)):
        return Decision.deny("文件中有您已无权查看的申报，请重新导出。")
    return ALLOW


def retry_export(user: AnyUser, job: ExportJob | None) -> Decision:
    if job is None or job.requested_by_id != user.pk:
        return Decision.deny("只能重试自己的导出任务。")
    return ALLOW
