"""The Word ZIP with attachments (包含附件): one folder per entry, and a manifest of every file.

Layout (every name built here from sanitised parts, so no member can leave its folder)::

    清单.csv                                   UTF-8 with BOM (Excel opens it as is)
    清单.xlsx                                  the same rows (openpyxl write-only)
    KCZG-2023-000123 量子传感芯片关键技术/
        KCZG-2023-000123 申报书.docx           the Word 附件2 form
        附件/专利证书.pdf                       the attachments under their original names
        附件/专利证书（2）.pdf                  (de-duplicated without case)
        签字盖章/推荐表签字盖章页.pdf            the entry's signed and stamped pages (type 签字盖章页)
    推荐汇总表/中国电子学会 推荐汇总表.pdf      each unit's stamped 推荐汇总表 (type 推荐汇总表（签字盖章）)

Each manifest row: 申报编号, 申报名称, 文件（ZIP 中的路径）, 类型, 原文件名, 大小（字节）, SHA-256 (of
the bytes written into the ZIP), 校验 (for an attachment: whether that SHA-256 equals the one recorded
at upload, ``Attachment.sha256``; a mismatch or a missing file is written down and the export goes on).

The stamped scans (``StampedPage``) are checked like attachments against the SHA-256 stored at upload.
A unit's 汇总表 is written for the units of the written entries, as far as the exporting user may see it
(``policy.visible_stamped_pages``; every one without a user, as the management command runs).

Attachments are read through the storage API in chunks (local disk or S3 alike), never whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass
from typing import BinaryIO

import openpyxl
from django.conf import settings
from django.db.models import QuerySet, Sum

from nominations import policy
from nominations.documents import safety
from nominations.documents.word.archive import safe_file_name, safe_name, unique_name
from nominations.documents.word.content import content_for
from nominations.documents.word.form import FormTemplate, template
from nominations.exports.registry import ExportError
from nominations.exports.selection import Filters, select_nominations
from nominations.forms.types import Definition
from nominations.models import Attachment, ExportKind, Nomination, StampedPage, StampScope
from nominations.policy import AnyUser
from nominations.rules.decision import ALLOW, Decision, require

MANIFEST_CSV = "清单.csv"
MANIFEST_XLSX = "清单.xlsx"
ATTACHMENTS_FOLDER = "附件"
# The signed and stamped pages: ``<entry folder>/签字盖章/``; the units' 汇总表: ``推荐汇总表/``.
STAMPED_FOLDER = "签字盖章"
SUMMARY_FOLDER = "推荐汇总表"
FORM_TYPE = "申报书"
ATTACHMENT_TYPE = "附件"
STAMPED_TYPE = "签字盖章页"
SUMMARY_TYPE = "推荐汇总表（签字盖章）"
CHECK_OK = "一致"
CHECK_MISMATCH = "校验不一致"
CHECK_MISSING = "文件缺失"
CHECK_UNRECORDED = "上传时未记录摘要"
MANIFEST_HEADERS = (
    *("申报编号", "申报名称", "文件（ZIP 中的路径）", "类型"),
    *("原文件名", "大小（字节）", "SHA-256", "校验"),
)
READ_CHUNK = 1024 * 1024
TITLE_LIMIT = 40


@dataclass(frozen=True)
class ManifestRow:
    code: str
    title: str
    path: str
    type: str
    original_name: str
    size: int
    sha256: str
    check: str


def attachments_total(qs: QuerySet[Nomination]) -> int:
    """All attachments and stamped pages of the selected entries together, in bytes (two queries)."""
    ids = qs.values("pk")
    attached = Attachment.objects.filter(nomination__in=ids).aggregate(total=Sum("size"))["total"] or 0
    stamped = StampedPage.objects.filter(nomination__in=ids).aggregate(total=Sum("size"))["total"] or 0
    return attached + stamped


def _size_label(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    return f"{size / 1024**2:.1f} MB"


def limit_label() -> str:
    """The configured limit of the attachments of one export, e.g. ``2.0 GB``."""
    return _size_label(settings.EXPORT_ATTACHMENTS_MAX_BYTES)


def check_attachments_size(qs: QuerySet[Nomination]) -> Decision:
    """The Word ZIP with attachments of ``qs`` stays within ``EXPORT_ATTACHMENTS_MAX_BYTES``."""
    limit = settings.EXPORT_ATTACHMENTS_MAX_BYTES
    total = attachments_total(qs)
    if total <= limit:
        return ALLOW
    return Decision.deny(
        f"所选申报的附件合计 {_size_label(total)}，超过包含附件导出的上限 {_size_label(limit)}。"
        "请缩小导出范围（例如按榜单、领域或推荐单位分批导出），或不包含附件。"
    )


def check_dossier(user: AnyUser, kind: str, filters: Filters) -> None:
    """Refuse, before any work, 包含附件 on anything but the Word ZIP, or beyond the size limit.

    The attachments are those of the entries the export selects for ``user`` (what the user sees)."""
    if not filters.attachments:
        return
    if kind != ExportKind.DOCX_ZIP:
        raise ExportError("只有 Word 申报表 ZIP 可以包含附件。")
    require(check_attachments_size(select_nominations(user, filters)), ExportError)


def entry_folder(nomination: Nomination) -> str:
    """``KCZG-2023-000123 量子传感芯片关键技术``: the entry number (unique) and the shortened title."""
    return f"{nomination.code} {safe_name(nomination.title, limit=TITLE_LIMIT)}"


def _member(*parts: str) -> str:
    """A ZIP member path from parts already sanitised; refuse anything that could climb out."""
    for part in parts:
        if part in ("", ".", "..") or "/" in part or "\\" in part or "\x00" in part:
            raise ValueError(f"unsafe ZIP member part {part!r}")
    return "/".join(parts)


class DossierWriter:
    """Writes the entries' folders into an open :class:`zipfile.ZipFile` and collects the manifest."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.rows: list[ManifestRow] = []

    def add_form(self, nomination: Nomination, folder: str, data: bytes) -> None:
        path = _member(folder, f"{nomination.code} {FORM_TYPE}.docx")
        self.archive.writestr(path, data)
        digest = hashlib.sha256(data).hexdigest()
        self.rows.append(ManifestRow(nomination.code, nomination.title, path, FORM_TYPE, "", len(data), digest, ""))

    def add_attachments(self, nomination: Nomination, folder: str) -> None:
        taken: set[str] = set()
        for attachment in nomination.attachments.all():
            name = unique_name(safe_file_name(attachment.original_name), taken)
            self.add_stored_file(nomination, _member(folder, ATTACHMENTS_FOLDER, name), attachment)

    def add_stamped(self, nomination: Nomination, folder: str) -> None:
        """The entry's signed and stamped pages, under ``签字盖章/``."""
        for page in (p for p in nomination.stamped_pages.all() if p.scope == StampScope.ENTRY):
            extension = page.original_name.rpartition(".")[2].lower() if "." in page.original_name else ""
            name = safe_file_name(f"{STAMPED_TYPE}.{extension}" if extension else STAMPED_TYPE)
            self.add_stored_file(nomination, _member(folder, STAMPED_FOLDER, name), page, kind=STAMPED_TYPE)

    def add_summaries(self, pages: Iterable[StampedPage]) -> None:
        """The units' stamped 汇总表, under ``推荐汇总表/`` (one manifest row each, named by the unit)."""
        taken: set[str] = set()
        for page in pages:
            extension = page.original_name.rpartition(".")[2].lower() if "." in page.original_name else ""
            stem = f"{safe_name(page.recommending_unit.name, limit=TITLE_LIMIT)} {SUMMARY_FOLDER}"
            name = unique_name(safe_file_name(f"{stem}.{extension}" if extension else stem), taken)
            self.add_stored_file(None, _member(SUMMARY_FOLDER, name), page, kind=SUMMARY_TYPE)

    def add_stored_file(
        self,
        nomination: Nomination | None,
        path: str,
        attachment: Attachment | StampedPage,
        kind: str = ATTACHMENT_TYPE,
    ) -> None:
        """Copy one stored file into the ZIP in chunks, hashing the bytes as they are written."""
        digest = hashlib.sha256()
        written = 0
        try:
            source = attachment.file.storage.open(attachment.file.name, "rb")
        except (FileNotFoundError, OSError):
            source = None
        if source is None:
            check = CHECK_MISSING
            sha = ""
        else:
            info = zipfile.ZipInfo(path, date_time=_zip_time(attachment))
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = attachment.size or 0
            large = info.file_size >= zipfile.ZIP64_LIMIT // 2
            with source, self.archive.open(info, "w", force_zip64=large) as target:
                while chunk := source.read(READ_CHUNK):
                    digest.update(chunk)
                    target.write(chunk)
                    written += len(chunk)
            sha = digest.hexdigest()
            if not attachment.sha256:
                check = CHECK_UNRECORDED
            else:
                check = CHECK_OK if sha == attachment.sha256 else CHECK_MISMATCH
        if nomination is not None:
            code, title = nomination.code, nomination.title
        else:
            code, title = "", attachment.recommending_unit.name
        self.rows.append(ManifestRow(code, title, path, kind, attachment.original_name, written, sha, check))

    def add_manifests(self) -> None:
        self.archive.writestr(MANIFEST_CSV, manifest_csv(self.rows))
        self.archive.writestr(MANIFEST_XLSX, manifest_xlsx(self.rows))


def _zip_time(attachment: Attachment | StampedPage) -> tuple[int, int, int, int, int, int]:
    when = attachment.uploaded_at
    if when is None or when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _csv_text(value: object) -> object:
    # CSV has no typed text cell: formula-like text gets a leading apostrophe, as spreadsheets expect.
    if isinstance(value, str) and safety.is_formula_like(value):
        return "'" + value
    return value


def manifest_csv(rows: Iterable[ManifestRow]) -> bytes:
    """The manifest as CSV, UTF-8 with a byte-order mark so that Excel reads the Chinese."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(MANIFEST_HEADERS)
    for row in rows:
        writer.writerow([_csv_text(value) for value in astuple(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def manifest_xlsx(rows: Iterable[ManifestRow]) -> bytes:
    """The manifest as a one-sheet workbook (write-only; formula-like text stays text)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("清单")
    sheet.append(MANIFEST_HEADERS)
    for row in rows:
        sheet.append(safety.safe_row(sheet, astuple(row)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_dossier_zip(
    fileobj: BinaryIO,
    nominations: Iterable[Nomination],
    definition_of: Callable[[Nomination], Definition],
    *,
    form_template: FormTemplate | None = None,
    user: AnyUser = None,
) -> list[ManifestRow]:
    """One folder per entry (its Word form, its attachments, its stamped pages), the stamped 汇总表 of
    the entries' units that ``user`` may see (all without a user), and the manifests; return the rows.

    The ZIP may grow past 4 GB (ZIP64); every entry is stored as is (forms and scans are compressed).
    """
    form_template = form_template or template()
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        writer = DossierWriter(archive)
        units: set[tuple[int, int]] = set()
        for nomination in nominations:
            folder = entry_folder(nomination)
            data = form_template.render(content_for(nomination, definition_of(nomination)))
            writer.add_form(nomination, folder, data)
            writer.add_attachments(nomination, folder)
            writer.add_stamped(nomination, folder)
            if nomination.recommending_unit_id:
                units.add((nomination.recommending_unit_id, nomination.campaign_id))
        writer.add_summaries(summaries_of(units, user))
        writer.add_manifests()
    return writer.rows


def summaries_of(units: set[tuple[int, int]], user: AnyUser = None) -> list[StampedPage]:
    """The stamped 汇总表 of ``{(unit id, campaign id)}`` that ``user`` may see (all without a user)."""
    if not units:
        return []
    pages = StampedPage.objects.all() if user is None else policy.visible_stamped_pages(user)
    unit_ids = {unit_id for unit_id, _ in units}
    pages = pages.filter(scope=StampScope.SUMMARY, recommending_unit_id__in=unit_ids).select_related(
        "recommending_unit"
    )
    return [
        page
        for page in pages.order_by("recommending_unit__name", "pk")
        if (page.recommending_unit_id, page.campaign_id) in units
    ]
