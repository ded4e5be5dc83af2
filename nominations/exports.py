"""Exports: Excel workbooks and ZIPs of Word 附件2 forms, as background jobs or from the command line.

One set of functions serves the web pages, the Celery task (``tasks_exports.run_export_job``) and the
management commands (``export_nominations``, ``export_forms``):

* :func:`select_nominations` — the entries of a filter, starting from what the user may see
  (``policy.visible_nominations``); ``user=None`` means the command line (everything);
* :func:`write_export` — write a workbook or a ZIP for an iterable of entries, with a progress callback;
* :func:`create_job`, :func:`run_job`, :func:`retry_job` — the job lifecycle
  (queued → running → done | failed, retry puts a failed job back in the queue);
* :func:`may_download` — the file goes only to the job's owner, and only while that user still sees
  every entry in it.
"""

import logging
import tempfile
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Protocol

from django.core.files import File
from django.db import transaction
from django.db.models import F

from kczg_site import clock
from nominations import policy
from nominations.documents import excel, word
from nominations.forms import get_definition
from nominations.models import (
    Campaign,
    Domain,
    ExportJob,
    ExportKind,
    ExportState,
    Nomination,
    RankingList,
    RecommendingUnit,
    Role,
    State,
)
from nominations.models.exports import NOMINATION_KINDS, REVIEW_KINDS
from nominations.models.nomination import LIVE_STATES, RECOMMENDED_STATES
from nominations.rules.decision import ALLOW, Decision, Refused

log = logging.getLogger(__name__)

CHUNK_SIZE = 500
PROGRESS_EVERY = 100
EXPORT_ROLES = (Role.SECRETARIAT, Role.PLATFORM, Role.ADMIN)

# State filters beyond the single states: value -> (label, states)
STATE_GROUPS = {
    "recommended_all": ("已推荐(含评审及以后)", RECOMMENDED_STATES),
    "live_all": ("已提交及以后", LIVE_STATES),
}


class ExportError(Refused):
    """A filter that cannot be applied (unknown year, list, domain or unit); the message is Chinese."""


# ---------------------------------------------------------------- export kinds of other apps


class ExportKindHandler(Protocol):
    """What an app offers for the export kinds it registers (the reviews app: ``reviews.exports``)."""

    def file_stem(self, kind: str) -> str: ...
    def may_start(self, user, kind: str) -> Decision: ...
    def job_filters(self, user, kind: str, campaign, *, normalize: bool = False) -> dict: ...
    def describe(self, kind: str, filters: dict) -> str: ...
    def count(self, kind: str, user, filters: dict) -> int | None: ...
    def write(self, kind: str, fileobj, user, filters: dict, *, tick) -> list: ...
    def may_download(self, user, job) -> Decision: ...


_EXPORT_KINDS: dict[str, ExportKindHandler] = {}
# Exceptions of registered handlers whose message is a refusal for the user.
_EXPECTED_ERRORS: tuple[type[Exception], ...] = ()


def register_export_kind(kind: str, handler: ExportKindHandler, *, refusal: type[Exception] | None = None) -> None:
    """Let another app serve the jobs of ``kind`` (the review kinds are registered by the reviews app)."""
    global _EXPECTED_ERRORS
    _EXPORT_KINDS[kind] = handler
    if refusal is not None and refusal not in _EXPECTED_ERRORS:
        _EXPECTED_ERRORS = (*_EXPECTED_ERRORS, refusal)


def export_kind(kind: str) -> ExportKindHandler:
    """The handler registered for ``kind``; a kind nobody registered fails loudly."""
    try:
        return _EXPORT_KINDS[kind]
    except KeyError:
        raise LookupError(f"No export handler registered for kind {kind!r}") from None


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    campaign: int
    list: str = ""
    domain: str = ""
    unit: int | None = None
    state: str = ""

    @classmethod
    def from_dict(cls, data):
        data = data or {}
        unit = data.get("unit")
        return cls(
            campaign=int(data["campaign"]),
            list=data.get("list") or "",
            domain=data.get("domain") or "",
            unit=int(unit) if unit not in (None, "") else None,
            state=data.get("state") or "",
        )

    def as_dict(self):
        return {
            "campaign": self.campaign,
            "list": self.list,
            "domain": self.domain,
            "unit": self.unit,
            "state": self.state,
        }


def state_label(value):
    if value in STATE_GROUPS:
        return STATE_GROUPS[value][0]
    return dict(State.choices).get(value, value)


def state_choices():
    return [*((key, label) for key, (label, _states) in STATE_GROUPS.items()), *State.choices]


def resolve_unit(value):
    """A recommending unit by id or by (exact) name, for the command line."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    unit = None
    if text.isdigit():
        unit = RecommendingUnit.objects.filter(pk=int(text)).first()
    if unit is None:
        unit = RecommendingUnit.objects.filter(name=text).first()
    if unit is None:
        raise ExportError(f"没有找到推荐单位“{text}”(可填写名称或编号)。")
    return unit


def check_filters(filters):
    """Check that the filter's year, list, domain and state exist; return the campaign."""
    campaign = Campaign.objects.filter(year=filters.campaign).first()
    if campaign is None:
        raise ExportError(f"没有 {filters.campaign} 年度的征集。")
    if filters.list and not RankingList.objects.filter(campaign=campaign, code=filters.list).exists():
        raise ExportError(f"{campaign.year} 年度没有代码为“{filters.list}”的榜单。")
    if filters.domain:
        domains = Domain.objects.filter(ranking_list__campaign=campaign, code=filters.domain)
        if filters.list:
            domains = domains.filter(ranking_list__code=filters.list)
        if not domains.exists():
            raise ExportError(f"没有代码为“{filters.domain}”的领域。")
    if filters.state and filters.state not in STATE_GROUPS and filters.state not in State.values:
        raise ExportError(f"没有“{filters.state}”这一状态。")
    return campaign


def select_nominations(user, filters):
    """The entries of ``filters`` that ``user`` may see (``user=None``: the command line, all entries)."""
    qs = Nomination.objects.all() if user is None else policy.visible_nominations(user)
    qs = qs.filter(campaign__year=filters.campaign)
    if filters.list:
        qs = qs.filter(ranking_list__code=filters.list)
    if filters.domain:
        qs = qs.filter(domain__code=filters.domain)
    if filters.unit:
        qs = qs.filter(recommending_unit_id=filters.unit)
    if filters.state in STATE_GROUPS:
        qs = qs.filter(state__in=STATE_GROUPS[filters.state][1])
    elif filters.state:
        qs = qs.filter(state=filters.state)
    return qs


def _for_export(qs, kind):
    qs = qs.order_by("ranking_list__order", "domain__order", "recommending_unit__name", "pk")
    if kind == ExportKind.DOCX_ZIP:
        qs = qs.select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer"
        ).prefetch_related("attachments")
    return qs


def describe(filters):
    """A Chinese one-line summary of a filter, e.g. ``2023年 · 先导技术榜 · 电子信息 · 已推荐``."""
    parts = [f"{filters.campaign}年"]
    if filters.list:
        found = RankingList.objects.filter(campaign__year=filters.campaign, code=filters.list).first()
        parts.append(found.name if found else filters.list)
    else:
        parts.append("全部榜单")
    if filters.domain:
        found = Domain.objects.filter(ranking_list__campaign__year=filters.campaign, code=filters.domain).first()
        parts.append(found.name if found else filters.domain)
    if filters.unit:
        found = RecommendingUnit.objects.filter(pk=filters.unit).first()
        parts.append(found.name if found else f"推荐单位#{filters.unit}")
    if filters.state:
        parts.append(state_label(filters.state))
    return " · ".join(parts)


# ---------------------------------------------------------------- writing files


class _Definitions:
    """Form definitions cached per (list code, year) for one batch."""

    def __init__(self):
        self._cache = {}

    def of_list(self, ranking_list, year):
        key = (ranking_list.code, year)
        if key not in self._cache:
            self._cache[key] = get_definition(ranking_list.code, year)
        return self._cache[key]

    def of_nomination(self, nomination):
        return self.of_list(nomination.ranking_list, nomination.campaign.year)


def _tracked(iterable, progress, every, seen, pk_of):
    """Yield from ``iterable``, remembering the ids and calling ``progress(done)`` every ``every`` entries."""
    done = 0
    for entry in iterable:
        yield entry
        seen.append(pk_of(entry))
        done += 1
        if progress and done % every == 0:
            progress(done)
    if progress:
        progress(done)


def write_export(kind, fileobj, qs, *, campaign, user=None, filters=None, progress=None, every=PROGRESS_EVERY):
    """Write the export of ``qs`` to ``fileobj``; return the ids of the entries written, in order."""
    definitions = _Definitions()
    seen = []
    if kind == ExportKind.XLSX:
        rows = _for_export(qs, kind).values(*excel.EXPORT_VALUES).iterator(chunk_size=CHUNK_SIZE)
        entries = _tracked(rows, progress, every, seen, itemgetter("pk"))
        lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
        if filters is not None and filters.list:
            lists = [lst for lst in lists if lst.code == filters.list]
        book = excel.NominationWorkbook(lists, lambda lst: definitions.of_list(lst, campaign.year))
        for nomination in entries:
            book.add(nomination)
        book.add_quota_sheet(_quota_rows(user, campaign, filters))
        book.save(fileobj)
    elif kind == ExportKind.DOCX_ZIP:
        rows = _for_export(qs, kind).iterator(chunk_size=CHUNK_SIZE)
        entries = _tracked(rows, progress, every, seen, attrgetter("pk"))
        word.write_forms_zip(fileobj, entries, definitions.of_nomination, form_template=word.FormTemplate())
    else:
        raise ExportError(f"未知的导出类型:{kind}")
    return seen


def _quota_rows(user, campaign, filters):
    units = RecommendingUnit.objects.all() if user is None else policy.visible_recommending_units(user)
    units = units.filter(is_active=True).order_by("name")
    if filters is not None and filters.unit:
        units = units.filter(pk=filters.unit)
    rows = excel.quota_rows(units, campaign, entries=None if user is None else policy.visible_nominations(user))
    if filters is not None and filters.list:
        names = set(RankingList.objects.filter(campaign=campaign, code=filters.list).values_list("name", flat=True))
        rows = (row for row in rows if row[1] in names)
    return list(rows)


def export_to_path(kind, path, filters, *, user=None, progress=None):
    """The command line's export: write to ``path``; return how many entries were written."""
    campaign = check_filters(filters)
    qs = select_nominations(user, filters)
    with open(path, "wb") as fileobj:
        ids = write_export(kind, fileobj, qs, campaign=campaign, user=user, filters=filters, progress=progress)
    return len(ids)


def file_name(job):
    """The name the browser saves, e.g. ``2023年申报表_先导技术榜_电子信息_20231115-1000.zip``."""
    scope = [part for part in (job.description or "").split(" · ")[1:] if part]
    stamp = clock.localnow().strftime("%Y%m%d-%H%M")
    year = (job.filters or {}).get("campaign", "")
    if job.kind in REVIEW_KINDS:
        name = "_".join([f"{year}年{export_kind(job.kind).file_stem(job.kind)}", *scope, stamp])
        return word.safe_name(name, limit=150) + ".xlsx"
    what = "申报表" if job.kind == ExportKind.DOCX_ZIP else "申报汇总"
    name = "_".join([f"{year}年科创中国榜单{what}", *scope, stamp])
    suffix = ".zip" if job.kind == ExportKind.DOCX_ZIP else ".xlsx"
    return word.safe_name(name, limit=150) + suffix


# ---------------------------------------------------------------- jobs


def may_export(user):
    if policy.role_of(user) in EXPORT_ROLES:
        return ALLOW
    return Decision.deny("只有推荐单位秘书处和平台秘书处可以批量导出。")


def may_start(user, kind):
    """Whether ``user`` may start an export of ``kind`` (the review kinds: ``reviews.exports``)."""
    if kind in REVIEW_KINDS:
        return export_kind(kind).may_start(user, kind)
    if kind in NOMINATION_KINDS:
        return may_export(user)
    return Decision.deny(f"未知的导出类型:{kind}")


def create_job(user, kind, filters, *, enqueue_now=True, queue=None):
    """A queued job for ``user``; the task is sent after the transaction commits."""
    decision = may_export(user)
    if not decision:
        raise PermissionError(decision.reason)
    if kind not in NOMINATION_KINDS:
        raise ExportError(f"未知的导出类型:{kind}")
    check_filters(filters)
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


def create_review_job(user, kind, campaign, *, normalize=False, enqueue_now=True, queue=None):
    """A queued review export (reviews, ranking or published lists) of ``campaign`` for ``user``."""
    decision = may_start(user, kind)
    if not decision:
        raise PermissionError(decision.reason)
    if kind not in REVIEW_KINDS:
        raise ExportError(f"未知的导出类型:{kind}")
    handler = export_kind(kind)
    try:
        filters = handler.job_filters(user, kind, campaign, normalize=normalize)
    except _EXPECTED_ERRORS as exc:
        raise ExportError(str(exc)) from exc
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


def enqueue(job, queue=None):
    from nominations.tasks_exports import run_export_job

    options = {"queue": queue} if queue else {}
    transaction.on_commit(lambda: run_export_job.apply_async(args=[job.pk], **options))


def run_job(job_id, *, every=PROGRESS_EVERY):
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
        message = str(exc) if isinstance(exc, _expected_errors()) else f"{exc.__class__.__name__}: {exc}"
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportState.FAILED, error=message[:2000], finished_at=clock.now()
        )
    job.refresh_from_db()
    return job


def _expected_errors():
    """Refusals whose message is for the user (anything else is shown with its exception type)."""
    return (ExportError, *_EXPECTED_ERRORS)


def _write_entry_export(job, tmp, every):
    """Write the entries workbook or Word ZIP of ``job`` to ``tmp``; return ``(ids, done, total)``."""
    filters = Filters.from_dict(job.filters)
    campaign = check_filters(filters)
    qs = select_nominations(job.requested_by, filters)
    total = qs.count()
    ExportJob.objects.filter(pk=job.pk).update(progress_total=total)

    def progress(done):
        ExportJob.objects.filter(pk=job.pk).update(progress_done=done)

    ids = write_export(
        job.kind, tmp, qs, campaign=campaign, user=job.requested_by, filters=filters, progress=progress, every=every
    )
    return ids, len(ids), total


def _write_review_export(job, tmp, every):
    """Write a review workbook (scores, ranking, published lists) to ``tmp``; return ``(ids, done, total)``."""
    handler = export_kind(job.kind)
    total = handler.count(job.kind, job.requested_by, job.filters)
    if total is not None:
        ExportJob.objects.filter(pk=job.pk).update(progress_total=total)
    done = [0]

    def tick():
        done[0] += 1
        if done[0] % every == 0:
            ExportJob.objects.filter(pk=job.pk).update(progress_done=done[0])

    ids = handler.write(job.kind, tmp, job.requested_by, job.filters, tick=tick)
    return ids, done[0], total


def retry_job(job, user):
    """Put a failed job of ``user`` back in the queue."""
    if job.requested_by_id != user.pk:
        raise PermissionError("只能重试自己的导出任务。")
    updated = ExportJob.objects.filter(pk=job.pk, state=ExportState.FAILED).update(
        state=ExportState.QUEUED, error="", progress_done=0, started_at=None, finished_at=None
    )
    if not updated:
        raise ExportError("只有失败的导出任务可以重试。")
    job.refresh_from_db()
    enqueue(job)
    return job


def user_jobs(user):
    return ExportJob.objects.filter(requested_by=user)


# ---------------------------------------------------------------- downloads


def may_download(user, job):
    """The owner only, a finished file only, and only while the owner still sees every entry in it."""
    if user is None or not user.is_authenticated or job.requested_by_id != user.pk:
        return policy.NOT_FOUND
    if job.state != ExportState.DONE or not job.file:
        return Decision.deny("文件尚未生成。")
    if job.kind in REVIEW_KINDS:
        return export_kind(job.kind).may_download(user, job)
    ids = list(job.entry_ids or [])
    visible = set()
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        visible.update(policy.visible_nominations(user).filter(pk__in=chunk).values_list("pk", flat=True))
    if len(visible) != len(set(ids)):
        return Decision.deny("文件中有您已无权查看的申报,请重新导出。")
    return ALLOW


def entry_docx(nomination):
    """The 附件2 form of one entry: ``(file name, bytes)``."""
    nomination = (
        Nomination.objects.select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer"
        )
        .prefetch_related("attachments")
        .get(pk=nomination.pk)
    )
    definition = get_definition(nomination.ranking_list.code, nomination.campaign.year)
    data = word.render_form(nomination, definition)
    name = f"{nomination.campaign.year}年申报样表_{word.safe_name(nomination.title)}_{nomination.pk:06d}.docx"
    return name, data


def _download_check(user, job):
    return may_download(user, job)


policy.register("download_export", _download_check)
