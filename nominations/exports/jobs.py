"""The life of an export job: queued → running → done | failed, and a failed job back in the queue.

Who may start, retry and download is the policy's (``start_export``, ``retry_export``,
``download_export``); a refusal raises :class:`ExportError`. The Celery task that runs a job is
defined here, next to :func:`run_job`, and registered in workers through ``nominations.tasks_exports``.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any, BinaryIO

from celery import shared_task
from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import F, QuerySet

from kczg_site import clock
from nominations import policy
from nominations.exports import dossier, files
from nominations.exports.files import PROGRESS_EVERY, file_name
from nominations.exports.registry import ExportError, export_kind
from nominations.exports.selection import Filters, check_filters, describe, select_nominations
from nominations.models import Campaign, ExportJob, ExportKind, ExportState
from nominations.models.exports import NOMINATION_KINDS, REVIEW_KINDS
from nominations.rules.decision import Refused, require

log = logging.getLogger(__name__)


def create_job(
    user: User, kind: str, filters: Filters, *, enqueue_now: bool = True, queue: str | None = None
) -> ExportJob:
    """A queued job for ``user``; the task is sent after the transaction commits."""
    require(policy.may(user, "export"), ExportError)
    if kind not in NOMINATION_KINDS:
        raise ExportError(f"未知的导出类型：{kind}")
    check_filters(filters)
    dossier.check_dossier(user, kind, filters)
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        filters=filters.as_dict(),
        description=describe(filters),
        created_at=clock.now(),
    )
    if enqueue_now:
        enqueue(job, queue=queue)
    return job


def create_review_job(
    user: User,
    kind: str,
    campaign: Campaign,
    *,
    normalize: bool = False,
    enqueue_now: bool = True,
    queue: str | None = None,
) -> ExportJob:
    """A queued review export (reviews, ranking or published lists) of ``campaign`` for ``user``."""
    require(policy.may(user, "start_export", kind), ExportError)
    if kind not in REVIEW_KINDS:
        raise ExportError(f"未知的导出类型：{kind}")
    handler = export_kind(kind)
    try:
        filters = handler.job_filters(user, kind, campaign, normalize=normalize)
    except Refused as refusal:
        raise ExportError(refusal.decision, problems=refusal.problems) from refusal
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        filters=filters,
        description=handler.describe(kind, filters),
        created_at=clock.now(),
    )
    if enqueue_now:
        enqueue(job, queue=queue)
    return job


@shared_task(name="nominations.run_export_job", ignore_result=True)
def run_export_job(job_id: int) -> None:
    """Build the file of export job ``job_id``; progress and errors are recorded on the job row."""
    run_job(job_id)


def enqueue(job: ExportJob, queue: str | None = None) -> None:
    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: run_export_job.apply_async(args=[job.pk], **options))


def run_job(job_id: int, *, every: int = PROGRESS_EVERY) -> ExportJob | None:
    """Run a queued job: running → done with the stored file, or failed with the error."""
    taken = ExportJob.objects.filter(pk=job_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING,
        started_at=clock.now(),
        finished_at=None,
        progress_done=0,
        error="",
        attempts=F("attempts") + 1,
    )
    if not taken:
        log.info("export job %s is not queued any more; nothing to do", job_id)
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    produce = _write_review_export if job.kind in REVIEW_KINDS else _write_entry_export
    suffix = ".zip" if job.kind == ExportKind.DOCX_ZIP else ".xlsx"
    try:
        with tempfile.TemporaryFile(suffix=suffix) as tmp:
            ids, done, total = produce(job, tmp, every)
            size = tmp.tell()
            tmp.seek(0)
            if job.file:
                job.file.delete(save=False)
            job.file.save(f"export{suffix}", File(tmp), save=False)
        job.entry_ids = ids
        job.file_size = size
        job.file_name = file_name(job)
        job.progress_done = done
        job.progress_total = max(total or 0, done)
        job.state = ExportState.DONE
        job.finished_at = clock.now()
        job.save(
            update_fields=[
                "file",
                "file_name",
                "file_size",
                "entry_ids",
                "progress_done",
                "progress_total",
                "state",
                "finished_at",
            ]
        )
    except Exception as exc:
        log.exception("export job %s failed", job_id)
        # A refusal's reason is for the user; anything else is shown with its exception type.
        message = str(exc) if isinstance(exc, Refused) else f"{exc.__class__.__name__}: {exc}"
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportState.FAILED, error=message[:2000], finished_at=clock.now()
        )
    job.refresh_from_db()
    return job


def _write_entry_export(job: ExportJob, tmp: BinaryIO, every: int) -> tuple[list[int], int, int]:
    """Write the entries workbook or Word ZIP of ``job`` to ``tmp``; return ``(ids, done, total)``."""
    filters = Filters.from_dict(job.filters)
    campaign = check_filters(filters)
    dossier.check_dossier(job.requested_by, job.kind, filters)
    qs = select_nominations(job.requested_by, filters)
    total = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(progress_total=total)

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress_done=done)

    ids = files.write_export(
        job.kind, tmp, qs, campaign=campaign, user=job.requested_by, filters=filters, progress=progress, every=every
    )
    return ids, len(ids), total


def _write_review_export(job: ExportJob, tmp: BinaryIO, every: int) -> tuple[list[Any], int, int | None]:
    """Write a review workbook (scores, ranking, published lists) to ``tmp``; return ``(ids, done, total)``."""
    handler = export_kind(job.kind)
    total = handler.count(job.kind, job.requested_by, job.filters)
    if total is not None:
        ExportJob.objects.filter(pk=job.pk).update(progress_total=total)
    done = [0]

    def tick() -> None:
        done[0] += 1
        if done[0] % every == 0:
            ExportJob.objects.filter(pk=job.pk).update(progress_done=done[0])

    ids = handler.write(job.kind, tmp, job.requested_by, job.filters, tick=tick)
    return ids, done[0], total


def retry_job(job: ExportJob, user: User) -> ExportJob:
    """Put a failed job of ``user`` back in the queue."""
    require(policy.may(user, "retry_export", job), ExportError)
    updated = ExportJob.objects.filter(pk=job.pk, state=ExportState.FAILED).update(
        state=ExportState.QUEUED, error="", progress_done=0, started_at=None, finished_at=None
    )
    if not updated:
        raise ExportError("只有失败的导出任务可以重试。")
    job.refresh_from_db()
    enqueue(job)
    return job


def user_jobs(user: User) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(requested_by=user)
