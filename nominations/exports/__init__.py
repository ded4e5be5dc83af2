"""Exports: Excel workbooks and ZIPs of Word 附件2 forms, as background jobs or from the command line.

One set of functions serves the web pages, the Celery task (``jobs.run_export_job``) and the
management commands (``export_nominations``, ``export_forms``):

* :mod:`.selection` — :func:`select_nominations`, the entries of a filter, starting from what the user
  may see (``policy.visible_nominations``); ``user=None`` means the command line (everything);
* :mod:`.files` — :func:`write_export`, a workbook or a ZIP for an iterable of entries, with a progress
  callback; :func:`nomination_docx`, the Word form of one entry;
* :mod:`.jobs` — :func:`create_job`, :func:`run_job`, :func:`retry_job`, the job lifecycle
  (queued → running → done | failed, retry puts a failed job back in the queue);
* :mod:`.dossier` — the Word ZIP with attachments (包含附件, ``Filters.attachments``): one folder per
  entry, the manifests 清单.csv and 清单.xlsx, and the size limit checked before any work;
* :mod:`.registry` — the export kinds other apps serve (the reviews app's), and :class:`ExportError`.

Who may start, retry and download is the policy's: ``policy.may(user, "export")`` (the entry exports'
form), ``"start_export"`` (a kind), ``"retry_export"`` and ``"download_export"`` (a job: the owner only,
and only while that user still sees every entry in it).
"""

from nominations.exports.files import (
    CHUNK_SIZE,
    PROGRESS_EVERY,
    export_to_path,
    file_name,
    nomination_docx,
    write_export,
)
from nominations.exports.jobs import (
    create_job,
    create_review_job,
    enqueue,
    retry_job,
    run_export_job,
    run_job,
    user_jobs,
)
from nominations.exports.registry import ExportError, ExportKindHandler, export_kind, register_export_kind
from nominations.exports.selection import (
    ATTACHMENTS_LABEL,
    STATE_GROUPS,
    Filters,
    check_filters,
    describe,
    resolve_unit,
    select_nominations,
    state_choices,
    state_label,
)

__all__ = [
    "ATTACHMENTS_LABEL",
    "CHUNK_SIZE",
    "PROGRESS_EVERY",
    "STATE_GROUPS",
    "ExportError",
    "ExportKindHandler",
    "Filters",
    "check_filters",
    "create_job",
    "create_review_job",
    "describe",
    "enqueue",
    "export_kind",
    "export_to_path",
    "file_name",
    "nomination_docx",
    "register_export_kind",
    "resolve_unit",
    "retry_job",
    "run_export_job",
    "run_job",
    "select_nominations",
    "state_choices",
    "state_label",
    "user_jobs",
    "write_export",
]
