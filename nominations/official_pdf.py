"""The official PDFs (正式版申报书 PDF): rendering a frozen version, and the PDF ZIP of many entries.

After the confirmation commits, the Celery task :func:`render_official_versions` renders the PDFs of
the unit (eager in the embedded default): the Word form with the official footer (entry number,
serial number, verification code, "第 N 页 共 M 页", Word fields that LibreOffice fills in on every
page), converted without the draft watermark, stored with its SHA-256. A failure marks the version
生成失败 with the reason, the task retries, and the hourly :func:`retry_unfinished` picks up what is
left (an engine installed later, a lost task).

:func:`write_pdf_zip` (``manage.py export_forms --format pdf``, :func:`export_pdfs`) writes the PDFs of
many entries: the stored official file where there is one, else the draft with the watermark.
Freezing is ``nominations.official``.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q

from kczg_site import clock
from nominations import exports
from nominations.documents import pdf, word
from nominations.forms import get_definition
from nominations.forms.types import Definition
from nominations.models import Nomination, OfficialState, OfficialVersion
from nominations.rules.decision import require

log = logging.getLogger(__name__)

MAX_RETRIES = 3
STALE_PENDING = timedelta(minutes=15)


# ---------------------------------------------------------------- rendering


def footer_lines(version: OfficialVersion) -> list[pdf.FooterLine]:
    """The official footer, on every page: entry number and serial number; code and page count."""
    return [
        [f"申报编号：{version.nomination.code}　正式版序列号：{version.serial_number}"],
        [f"验证码：{version.printed_code}　第 ", pdf.PAGE, " 页 共 ", pdf.NUMPAGES, " 页"],
    ]


def official_docx(version: OfficialVersion) -> bytes:
    """The Word form of the version's entry with the official footer (the source of its PDF)."""
    _name, data = exports.nomination_docx(version.nomination)
    return pdf.with_footer(data, footer_lines(version))


def _store(version: OfficialVersion, data: bytes) -> None:
    version.file.save("official.pdf", ContentFile(data), save=False)
    version.sha256 = hashlib.sha256(data).hexdigest()
    version.pages = pdf.page_count(data)
    version.file_size = len(data)
    version.state = OfficialState.DONE
    version.rendered_at = clock.now()
    version.error = ""
    version.save(update_fields=["file", "sha256", "pages", "file_size", "state", "rendered_at", "error"])


def _fail(version: OfficialVersion, reason: str) -> None:
    version.state = OfficialState.FAILED
    version.error = reason[:2000]
    version.save(update_fields=["state", "error"])


def _to_render(version_ids: Iterable[int]) -> list[OfficialVersion]:
    """The versions among ``version_ids`` still to render (not done, not voided), counted as an attempt."""
    qs = OfficialVersion.objects.filter(pk__in=list(version_ids), voided_at=None).exclude(state=OfficialState.DONE)
    ids = list(qs.values_list("pk", flat=True))
    OfficialVersion.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1)
    return list(
        OfficialVersion.objects.filter(pk__in=ids)
        .select_related("campaign", "nomination", "nomination__campaign")
        .order_by("serial")
    )


def render_versions(version_ids: Iterable[int]) -> list[OfficialVersion]:
    """Render and store the PDFs of ``version_ids`` (one ``soffice`` call for all of them); returns
    the versions that failed (each marked 生成失败 with the reason)."""
    versions = _to_render(version_ids)
    if not versions:
        return []
    failed: list[OfficialVersion] = []
    if not pdf.pdf_available():
        for version in versions:
            _fail(version, pdf.UNAVAILABLE)
        return versions
    with tempfile.TemporaryDirectory(prefix="kczg-official-") as work:
        folder = Path(work)
        sources: dict[Path, OfficialVersion] = {}
        for version in versions:
            try:
                source = folder / f"{version.pk}.docx"
                source.write_bytes(official_docx(version))
                sources[source] = version
            except Exception as exc:  # a form that cannot be built fails alone
                log.exception("official version %s: the Word form failed", version.pk)
                _fail(version, f"{exc.__class__.__name__}: {exc}")
                failed.append(version)
        try:
            made = pdf.convert_many(list(sources), folder / "pdf", watermark=None)
        except pdf.PdfError as refusal:
            made = {}
            reason = refusal.reason
        else:
            reason = pdf.FAILED
        for source, version in sources.items():
            target = made.get(source)
            if target is None:
                _fail(version, reason)
                failed.append(version)
            else:
                _store(version, target.read_bytes())
    return failed


@shared_task(bind=True, name="nominations.render_official_versions", ignore_result=True, max_retries=MAX_RETRIES)
def render_official_versions(self, version_ids: list[int]) -> None:
    """Render the official PDFs ``version_ids``; retry the failed ones (not when the engine is missing)."""
    failed = render_versions(version_ids)
    retry = [version.pk for version in failed if version.error != pdf.UNAVAILABLE]
    if retry and self.request.retries < self.max_retries:
        raise self.retry(args=[retry], countdown=60 * 2**self.request.retries)


def enqueue(version_ids: list[int]) -> None:
    """Render after the current transaction commits; a broker or rendering failure never undoes it."""

    def send() -> None:
        try:
            render_official_versions.delay(version_ids)
        except Exception:  # the confirmation stands; retry_unfinished() renders them later
            log.exception("official versions %s could not be rendered now", version_ids)

    transaction.on_commit(send)


def retry_unfinished() -> list[int]:
    """Queue again what failed or has waited too long (an engine installed later, a lost task)."""
    stale = clock.now() - STALE_PENDING
    ids = list(
        OfficialVersion.objects.filter(voided_at=None)
        .filter(Q(state=OfficialState.FAILED) | Q(state=OfficialState.PENDING, frozen_at__lt=stale))
        .values_list("pk", flat=True)
    )
    if ids:
        render_official_versions.delay(ids)
    return ids


# ---------------------------------------------------------------- many PDFs (export_forms --format pdf)


def write_pdf_zip(
    fileobj: BinaryIO,
    nominations: Iterable[Nomination],
    *,
    workers: int | None = None,
    batch_size: int = pdf.BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[str]]:
    """The PDFs of ``nominations`` as one ZIP (the Word ZIP's folders, ``.pdf`` names): an entry with
    an official version in force gets that stored file as it is, every other one its draft (Word form
    converted with the watermark), many per ``soffice`` call over ``workers`` processes side by side.
    Returns ``(written, names of the entries that failed)``."""
    template = word.FormTemplate()
    definitions: dict[tuple[str, int], Definition] = {}
    nominations = list(nominations)
    ready = {
        version.nomination_id: version
        for version in OfficialVersion.objects.filter(
            nomination__in=[n.pk for n in nominations], voided_at=None, state=OfficialState.DONE
        )
    }
    written, failed = 0, []
    with (
        tempfile.TemporaryDirectory(prefix="kczg-pdfs-") as work,
        zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as archive,
    ):
        folder = Path(work)
        drafts: dict[Path, str] = {}
        for nomination in nominations:
            member = word.zip_member_name(nomination).removesuffix(".docx") + ".pdf"
            version = ready.get(nomination.pk)
            if version is not None and version.file:
                with version.file.open("rb") as stored:
                    archive.writestr(member, stored.read())
                written += 1
                continue
            key = (nomination.ranking_list.code, nomination.campaign.year)
            if key not in definitions:
                definitions[key] = get_definition(*key)
            source = folder / f"{len(drafts):06d}.docx"
            source.write_bytes(word.render_form(nomination, definitions[key], template))
            drafts[source] = member
        base = written

        def done(count: int) -> None:
            if progress is not None:
                progress(base + count)

        made = pdf.convert_many(list(drafts), folder / "pdf", workers=workers, batch_size=batch_size, done=done)
        for source, member in drafts.items():
            target = made.get(source)
            if target is None:
                failed.append(member)
                continue
            archive.write(target, member)
            written += 1
    return written, failed


def export_pdfs(
    path: str | Path,
    filters: exports.Filters,
    *,
    workers: int | None = None,
    batch_size: int = pdf.BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[str]]:
    """The command line's PDF export (``export_forms --format pdf``): every entry of ``filters`` (no
    user: the command line sees everything), in the Word ZIP's order, written to ``path``."""
    require(pdf.pdf_available(), pdf.PdfError)
    exports.check_filters(filters)
    qs = (
        exports.select_nominations(None, filters)
        .order_by("ranking_list__order", "domain__order", "recommending_unit__name", "pk")
        .select_related("campaign", "ranking_list", "domain", "member_unit", "recommending_unit", "pioneer")
        .prefetch_related("attachments")
    )
    with open(path, "wb") as fileobj:
        return write_pdf_zip(fileobj, qs, workers=workers, batch_size=batch_size, progress=progress)
