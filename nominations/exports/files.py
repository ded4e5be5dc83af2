"""Writing the files of the entry exports: the Excel workbook (one sheet per list, and the quota
sheet) and the ZIP of Word 附件2 forms, for the jobs and the command line; the Word form of one entry."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet

from kczg_site import clock
from nominations import policy
from nominations.documents import excel, word
from nominations.exports import dossier
from nominations.exports.registry import ExportError, export_kind
from nominations.exports.selection import Filters, check_filters, select_nominations
from nominations.forms import get_definition
from nominations.forms.types import Definition
from nominations.models import Campaign, Domain, ExportJob, ExportKind, Nomination, RankingList, RecommendingUnit
from nominations.models.exports import REVIEW_KINDS

CHUNK_SIZE = 500
PROGRESS_EVERY = 100

Progress = Callable[[int], None]


def _for_export(qs: QuerySet[Nomination], kind: str) -> QuerySet[Nomination]:
    qs = qs.order_by("ranking_list__order", "domain__order", "recommending_unit__name", "pk")
    if kind == ExportKind.DOCX_ZIP:
        qs = qs.select_related(
            "campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer"
        ).prefetch_related("attachments", "stamped_pages")
    return qs


class _Definitions:
    """Form definitions cached per (list code, year) for one batch."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int], Definition] = {}

    def of_list(self, ranking_list: RankingList, year: int) -> Definition:
        key = (ranking_list.code, year)
        if key not in self._cache:
            self._cache[key] = get_definition(ranking_list.code, year)
        return self._cache[key]

    def of_nomination(self, nomination: Nomination) -> Definition:
        return self.of_list(nomination.ranking_list, nomination.campaign.year)


def _tracked(
    iterable: Iterable[Any], progress: Progress | None, every: int, seen: list[int], pk_of: Callable[[Any], int]
) -> Iterator[Any]:
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


def write_export(
    kind: str,
    fileobj: BinaryIO,
    qs: QuerySet[Nomination],
    *,
    campaign: Campaign,
    user: policy.AnyUser = None,
    filters: Filters | None = None,
    progress: Progress | None = None,
    every: int = PROGRESS_EVERY,
) -> list[int]:
    """Write the export of ``qs`` to ``fileobj``; return the ids of the entries written, in order."""
    definitions = _Definitions()
    seen: list[int] = []
    if kind == ExportKind.XLSX:
        lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
        entries = _tracked(_excel_rows(qs, campaign), progress, every, seen, itemgetter("pk"))
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
        if filters is not None and filters.attachments:
            dossier.write_dossier_zip(
                fileobj, entries, definitions.of_nomination, form_template=word.FormTemplate(), user=user
            )
        else:
            word.write_forms_zip(fileobj, entries, definitions.of_nomination, form_template=word.FormTemplate())
    else:
        raise ExportError(f"未知的导出类型：{kind}")
    return seen


# Known once per export instead of joined on every row: the campaign's year (the selection is of one
# campaign, ``select_nominations``) and the names of its domains.
_KNOWN_ONCE = ("campaign__year", "domain__name")
_ROW_VALUES = (*(name for name in excel.EXPORT_VALUES if name not in _KNOWN_ONCE), "domain_id")


def _excel_rows(qs: QuerySet[Nomination], campaign: Campaign) -> Iterator[dict[str, Any]]:
    """The row dicts of ``excel.EXPORT_VALUES``, in the export's order, without making the database sort
    the rows with their JSON: the ids alone are sorted, then the rows are read by primary key,
    ``CHUNK_SIZE`` at a time, through the same queryset (its policy and filters hold for each chunk;
    an entry gone meanwhile is skipped)."""
    ids = list(_for_export(qs, ExportKind.XLSX).values_list("pk", flat=True))
    domains = dict(Domain.objects.filter(ranking_list__campaign=campaign).values_list("pk", "name"))
    for start in range(0, len(ids), CHUNK_SIZE):
        chunk = ids[start : start + CHUNK_SIZE]
        found = {row["pk"]: row for row in qs.filter(pk__in=chunk).order_by().values(*_ROW_VALUES)}
        for pk in chunk:
            row = found.get(pk)
            if row is None:
                continue
            row["campaign__year"] = campaign.year
            row["domain__name"] = domains.get(row["domain_id"])
            yield row


def _quota_rows(user: policy.AnyUser, campaign: Campaign, filters: Filters | None) -> list[tuple]:
    units = RecommendingUnit.objects.all() if user is None else policy.visible_recommending_units(user)
    units = units.filter(is_active=True).order_by("name")
    if filters is not None and filters.unit:
        units = units.filter(pk=filters.unit)
    rows = excel.quota_rows(units, campaign, entries=None if user is None else policy.visible_nominations(user))
    if filters is not None and filters.list:
        names = set(RankingList.objects.filter(campaign=campaign, code=filters.list).values_list("name", flat=True))
        rows = (row for row in rows if row[1] in names)
    return list(rows)


def export_to_path(
    kind: str, path: str | Path, filters: Filters, *, user: policy.AnyUser = None, progress: Progress | None = None
) -> int:
    """The command line's export: write to ``path``; return how many entries were written."""
    campaign = check_filters(filters)
    dossier.check_dossier(user, kind, filters)
    qs = select_nominations(user, filters)
    with open(path, "wb") as fileobj:
        ids = write_export(kind, fileobj, qs, campaign=campaign, user=user, filters=filters, progress=progress)
    return len(ids)


def file_name(job: ExportJob) -> str:
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


def nomination_docx(nomination: Nomination) -> tuple[str, bytes]:
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
