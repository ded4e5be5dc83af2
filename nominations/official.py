"""The official (frozen) version of a recommended entry's form (正式版申报书), and its verification.

At the unit's confirmation (``confirmation.confirm`` calls :func:`freeze_unit` inside its transaction)
every entry the unit recommends gets an :class:`~nominations.models.OfficialVersion`: a serial number of
the campaign (``KCZG-ZS-2023-000123``, taken from a locked counter row so that two units confirming at
the same moment never get the same one), a random verification code (12 characters of an alphabet
without look-alikes, printed ``ABCD-EFGH-JKMN``) and the freezing time. After the transaction commits,
the Celery task :func:`render_official_versions` renders the PDFs of the unit (eager in the embedded
default): the Word form with the official footer (entry number, serial number, verification code,
"第 N 页 共 M 页", Word fields that LibreOffice fills in on every page), converted without the draft
watermark, stored with its SHA-256. A failure never undoes the confirmation: the version says 生成失败
with the reason on the entry page, the task retries, and the hourly :func:`retry_unfinished` picks up
what is left (an engine installed later, a lost task).

Reopening the unit (``confirmation.reopen`` calls :func:`void_unit`) voids its versions: they stay as
a record, marked 作废, and ``/verify/`` says so; the next confirmation freezes new ones.

:func:`verify_code` and :func:`verify_file` answer the public ``/verify/`` page: an uploaded PDF is
authentic if and only if its SHA-256 is the one stored; the page shows the entry number, the list, the
unit and the freezing time, nothing else. :func:`check_rate` is its cheap limiter (failed look-ups per
client address in the cache, like the log-in's lockout).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet

from kczg_site import clock
from kczg_site.formats import format_clock_time
from nominations import exports
from nominations.audit import record_event
from nominations.documents import pdf, word
from nominations.forms import get_definition
from nominations.forms.types import Definition
from nominations.models import (
    Campaign,
    Nomination,
    OfficialSerial,
    OfficialState,
    OfficialVersion,
    RecommendingUnit,
    State,
)
from nominations.models.official import serial_label
from nominations.policy import AnyUser
from nominations.rules import uploads
from nominations.rules.decision import ALLOW, Decision, require

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a code read off paper and typed in is never ambiguous. 31 ** 12 ≈ 7.9e17 (59 bits).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
MAX_RETRIES = 3
STALE_PENDING = timedelta(minutes=15)

OFFICIAL_LABEL = "正式版"
PENDING_REASON = "正式版 PDF 正在生成，请稍后刷新本页。"
FAILED_REASON = "正式版 PDF 生成失败，系统将自动重试；如长时间未恢复，请联系平台秘书处。"
WORD_NOTE = "Word 版为非正式版，正式版以带验证码的 PDF 为准。"


# ---------------------------------------------------------------- codes and serial numbers


def new_code() -> str:
    """A fresh verification code (not yet used by any version)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not OfficialVersion.objects.filter(code=code).exists():
            return code


_SEPARATORS = re.compile(r"[\s\-－—–_·.。]+")


def normalize_code(text: str) -> str | None:
    """The stored form of a typed code (dashes and spaces dropped, upper case), or ``None`` when it
    cannot be one (wrong length, a character outside the alphabet)."""
    code = _SEPARATORS.sub("", text or "").upper()
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def take_serials(campaign: Campaign, count: int) -> list[int]:
    """``count`` consecutive serial numbers of ``campaign``; call inside a transaction.

    The campaign's counter row is locked (``select_for_update``) while the numbers are taken, so two
    units confirming at once get distinct numbers; a unique constraint (campaign, serial) backs it up.
    """
    if count <= 0:
        return []
    OfficialSerial.objects.get_or_create(campaign=campaign)
    counter = OfficialSerial.objects.select_for_update().get(campaign=campaign)
    first = counter.last + 1
    OfficialSerial.objects.filter(pk=counter.pk).update(last=F("last") + count)
    return list(range(first, first + count))


# ---------------------------------------------------------------- freezing and voiding


def entries_to_freeze(unit: RecommendingUnit, campaign: Campaign) -> QuerySet[Nomination]:
    """The entries a confirmation freezes: those the unit recommends (not the pioneers' own route)."""
    return Nomination.objects.filter(
        campaign=campaign, recommending_unit=unit, pioneer=None, state=State.RECOMMENDED
    ).order_by("ranking_list__order", "domain__order", "pk")


def freeze_unit(
    user: AnyUser, unit: RecommendingUnit, campaign: Campaign, at: datetime | None = None
) -> list[OfficialVersion]:
    """Freeze the official versions of ``unit``'s recommended entries (inside the confirmation's
    transaction); their PDFs are rendered by the task after the commit."""
    at = at or clock.now()
    entries = list(entries_to_freeze(unit, campaign))
    # A version left over (never, unless a confirmation was undone by hand) does not block a new one.
    void_versions(
        OfficialVersion.objects.filter(nomination__in=entries, voided_at=None), user, "重新确认前未作废的正式版。"
    )
    serials = take_serials(campaign, len(entries))
    frozen_by = user if user is not None and user.is_authenticated else None
    versions = [
        OfficialVersion.objects.create(
            nomination=entry, campaign=campaign, serial=serial, code=new_code(), frozen_at=at, frozen_by=frozen_by
        )
        for entry, serial in zip(entries, serials, strict=True)
    ]
    if versions:
        first, last = serial_label(campaign.year, serials[0]), serial_label(campaign.year, serials[-1])
        span = first if len(versions) == 1 else f"{first} 至 {last}"
        record_event(
            "official_freeze",
            user,
            recommending_unit=unit,
            note=f"生成正式版申报书 {len(versions)} 份（序列号 {span}），定稿时间 {format_clock_time(at)}。",
            at=at,
        )
        enqueue([version.pk for version in versions])
    return versions


def void_versions(versions: QuerySet[OfficialVersion], user: AnyUser, reason: str) -> int:
    """Mark ``versions`` 作废 (kept as a record); returns how many."""
    voided_by = user if user is not None and user.is_authenticated else None
    return versions.filter(voided_at=None).update(voided_at=clock.now(), voided_by=voided_by, void_reason=reason)


def void_unit(user: AnyUser, unit: RecommendingUnit, campaign: Campaign, reason: str = "") -> int:
    """Void the current official versions of ``unit``'s entries (at reopening, inside its transaction)."""
    current = OfficialVersion.objects.filter(
        campaign=campaign, nomination__recommending_unit=unit, nomination__pioneer=None, voided_at=None
    )
    count = void_versions(current, user, f"推荐单位重新开放：{reason}" if reason else "推荐单位重新开放。")
    if count:
        record_event(
            "official_void", user, recommending_unit=unit, note=f"作废正式版申报书 {count} 份（推荐单位重新开放）。"
        )
    return count


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


# ---------------------------------------------------------------- the entry's PDF


CURRENT = "current_official_versions"


def with_current_versions(qs: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """``qs`` with each entry's version in force loaded in one query (for :func:`current_version`)."""
    versions = OfficialVersion.objects.filter(voided_at=None).select_related("campaign")
    return qs.prefetch_related(Prefetch("official_versions", queryset=versions, to_attr=CURRENT))


def current_version(nomination: Nomination) -> OfficialVersion | None:
    """The entry's official version in force (not voided), if it has one; no query for an entry not
    recommended, nor for one loaded through :func:`with_current_versions`."""
    if nomination.state not in State.recommended():
        return None
    if hasattr(nomination, CURRENT):
        loaded = getattr(nomination, CURRENT)
        return loaded[0] if loaded else None
    return nomination.official_versions.filter(voided_at=None).select_related("campaign").first()


def unavailable_reason(version: OfficialVersion) -> str:
    """Why the official PDF cannot be downloaded yet ("" when it can)."""
    if version.is_ready:
        return ""
    return FAILED_REASON if version.state == OfficialState.FAILED else PENDING_REASON


def file_name(version: OfficialVersion) -> str:
    nomination = version.nomination
    title = word.safe_name(nomination.title)
    return f"{version.campaign.year}年申报样表_{title}_{nomination.pk:06d}_{OFFICIAL_LABEL}.pdf"


# ---------------------------------------------------------------- /verify/


@dataclass(frozen=True)
class Verdict:
    """What ``/verify/`` says: authentic (and whether voided), with the four facts it may show."""

    authentic: bool
    message: str
    voided: bool = False
    entry_number: str = ""
    list_name: str = ""
    unit_name: str = ""
    frozen_at: datetime | None = None


NOT_FOUND = "未找到该验证码对应的正式版申报书。请核对验证码（12 位，不含数字 0、1 和字母 O、I、L）。"
BAD_CODE = "验证码格式不正确：应为 12 位字母和数字（不含 0、1、O、I、L），如 ABCD-EFGH-JKMN。"
MODIFIED = (
    "该文件不是本平台存档的正式版申报书：其内容与任何正式版都不一致，可能已被修改（哪怕一个字节），"
    "或并非本平台生成。请向推荐单位索取原始 PDF 文件，或输入页脚中的验证码核验。"
)
AUTHENTIC = "核验通过：这是本平台生成的正式版申报书。"
AUTHENTIC_FILE = "核验通过：该文件与平台存档的正式版申报书完全一致，未被修改。"
VOIDED = "该正式版申报书已作废：推荐单位已重新开放并调整推荐，以新生成的正式版为准。"
NOT_PDF = "请上传 PDF 文件（内容须为 PDF）。"


def _verdict(version: OfficialVersion, message: str) -> Verdict:
    nomination = version.nomination
    unit = nomination.recommending_unit
    return Verdict(
        authentic=not version.is_void,
        message=VOIDED if version.is_void else message,
        voided=version.is_void,
        entry_number=nomination.code,
        list_name=nomination.list_label,
        unit_name=unit.name if unit is not None else "",
        frozen_at=version.frozen_at,
    )


def _versions() -> QuerySet[OfficialVersion]:
    return OfficialVersion.objects.select_related(
        "nomination__campaign", "nomination__ranking_list", "nomination__domain", "nomination__recommending_unit"
    )


def verify_code(text: str) -> Verdict:
    code = normalize_code(text)
    if code is None:
        return Verdict(authentic=False, message=BAD_CODE)
    version = _versions().filter(code=code, state=OfficialState.DONE).first()
    if version is None:
        return Verdict(authentic=False, message=NOT_FOUND)
    return _verdict(version, AUTHENTIC)


def verify_file(fileobj: BinaryIO) -> Verdict:
    """An uploaded PDF: authentic iff its SHA-256 is one stored (checked for kind and size first)."""
    digest = uploads.sha256_of(fileobj)
    matches = _versions().filter(sha256=digest, state=OfficialState.DONE)
    version = matches.order_by(F("voided_at").asc(nulls_first=True)).first()  # the one in force first
    if version is None:
        return Verdict(authentic=False, message=MODIFIED)
    return _verdict(version, AUTHENTIC_FILE)


def check_upload(fileobj: BinaryIO, size: int) -> Decision:
    """A file to verify: not empty, within the attachment limit, a PDF by its content."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if size <= 0:
        return Decision.deny("文件为空，请重新选择。")
    if size > limit:
        return Decision.deny(f"文件不得超过 {uploads.format_size(limit)}，该文件为 {uploads.format_size(size)}。")
    if uploads.sniff(fileobj) is not uploads.PDF:
        return Decision.deny(NOT_PDF)
    return ALLOW


def _rate_key(address: str) -> str:
    return f"kczg-verify-failures:{address}"


def check_rate(address: str) -> Decision:
    """Refused after ``VERIFY_RATE_LIMIT`` failed look-ups from ``address`` within the window
    (``VERIFY_RATE_WINDOW_MINUTES``); 0 turns the limiter off."""
    limit = getattr(settings, "VERIFY_RATE_LIMIT", 20)
    if not limit or (cache.get(_rate_key(address)) or 0) < limit:
        return ALLOW
    minutes = getattr(settings, "VERIFY_RATE_WINDOW_MINUTES", 10)
    return Decision.deny(f"核验失败次数过多，请 {minutes} 分钟后再试。")


def count_failure(address: str) -> None:
    key, window = _rate_key(address), 60 * getattr(settings, "VERIFY_RATE_WINDOW_MINUTES", 10)
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired in between
        cache.add(key, 1, timeout=window)


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
