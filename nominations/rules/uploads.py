"""Attachment checks: by content (magic bytes), never by the uploaded name, and by size.

Accepted: PDF, JPEG, PNG, DOCX, XLSX. DOCX and XLSX are ZIP containers; a ZIP counts as one of them
only if it really holds ``word/document.xml`` or ``xl/workbook.xml``. Limits come from the settings
``ATTACHMENT_MAX_BYTES`` (a file) and ``ATTACHMENT_MAX_TOTAL_BYTES`` (an entry).

A ZIP container (every DOCX and XLSX, as an attachment or as an Excel import) is also checked before
it is stored or opened by openpyxl (:func:`check_zip`): the sum of its members' uncompressed sizes
(``UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES``, 50 MB unless set), each member's compression ratio (at most
:data:`ZIP_MAX_RATIO` to one), the number of members, and that the declared sizes are honest: every
member is decompressed through a bounded reader that stops at the declared size and the cap, so a
lying header cannot make it expand further.
"""

import hashlib
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from .decision import ALLOW, Decision


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str


PDF = FileKind("pdf", "PDF", "application/pdf")
JPEG = FileKind("jpg", "JPEG 图片", "image/jpeg")
PNG = FileKind("png", "PNG 图片", "image/png")
DOCX = FileKind("docx", "Word 文档（DOCX）", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "Excel 表格（XLSX）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ALLOWED_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
ALLOWED_LABEL = "PDF、JPEG、PNG、DOCX、XLSX"
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"

_HEAD_BYTES = 8192
_BY_MIME = {PDF.content_type: PDF, JPEG.content_type: JPEG, PNG.content_type: PNG}


ZIP_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_MAX_MEMBERS = 2000
# Small members may compress better than the ratio (a tiny XML part of repeated tags); as in Apache
# POI's ZipSecureFile, the ratio applies once a member expands past this size.
ZIP_RATIO_GRACE_BYTES = 100 * 1024
_READ_CHUNK = 64 * 1024
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError)
_ZIP_FAILURES = (*_ZIP_ERRORS, NotImplementedError)


def zip_limit() -> int:
    return int(getattr(settings, "UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", ZIP_MAX_UNCOMPRESSED_BYTES))


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def _zip_kind(fileobj: BinaryIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except _ZIP_FAILURES:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(fileobj: BinaryIO) -> FileKind | None:
    """The :class:`FileKind` of an open binary file by its content, or ``None``. Rewinds the file."""
    fileobj.seek(0)
    head = fileobj.read(_HEAD_BYTES)
    fileobj.seek(0)
    try:
        if head.startswith(b"PK\x03\x04"):
            return _zip_kind(fileobj)
        guess = filetype.guess(head)
        if guess is None:
            return None
        kind = _BY_MIME.get(guess.mime)
        if kind is PDF and not head.startswith(b"%PDF-"):
            return None
        return kind
    finally:
        fileobj.seek(0)


def describe_unknown(fileobj: BinaryIO) -> str:
    """What the content looks like, for the refusal message (e.g. "exe"), or ``""``."""
    fileobj.seek(0)
    guess = filetype.guess(fileobj.read(_HEAD_BYTES))
    fileobj.seek(0)
    return guess.extension if guess else ""


def check_size(size: int, existing_total: int = 0) -> Decision:
    """A file of ``size`` bytes added to an entry whose attachments already total ``existing_total``."""
    limit = settings.ATTACHMENT_MAX_BYTES
    total_limit = settings.ATTACHMENT_MAX_TOTAL_BYTES
    if size <= 0:
        return Decision.deny("文件为空，请重新选择。")
    if size > limit:
        return Decision.deny(f"单个附件不得超过 {format_size(limit)}，该文件为 {format_size(size)}。")
    if existing_total + size > total_limit:
        return Decision.deny(
            f"每项申报的附件合计不得超过 {format_size(total_limit)}："
            f"已上传 {format_size(existing_total)}，本文件 {format_size(size)}。"
        )
    return ALLOW


def _damaged(name: str) -> Decision:
    return Decision.deny(f"文件“{name}”已损坏，或其中声明的大小与实际内容不符，无法接收。请重新保存后再上传。")


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int | None:
    """The bytes one member really expands to, or ``None`` once that exceeds its declared size or ``budget``."""
    bound = min(info.file_size, budget)
    read = 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(min(_READ_CHUNK, bound - read + 1))
            if not chunk:
                return read
            read += len(chunk)
            if read > bound:
                return None


def check_zip(fileobj: BinaryIO, name: str = "") -> Decision:
    """``ALLOW`` when the ZIP container in ``fileobj`` is safe to store and to open; rewinds the file.

    Refused: more than :data:`ZIP_MAX_MEMBERS` members, a declared total over :func:`zip_limit`, a
    member compressed more than :data:`ZIP_MAX_RATIO` to one (past :data:`ZIP_RATIO_GRACE_BYTES`),
    and a member whose content does not match its declared size or checksum.
    """
    name = name or getattr(fileobj, "name", "") or "附件"
    limit = zip_limit()
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                return Decision.deny(f"文件“{name}”内含 {len(infos)} 个部件，超过上限 {ZIP_MAX_MEMBERS} 个，无法接收。")
            declared = sum(info.file_size for info in infos)
            if declared > limit:
                return Decision.deny(
                    f"文件“{name}”解压后共 {format_size(declared)}，超过上限 {format_size(limit)}，无法接收。"
                    "请压缩其中的图片或拆分为几个文件后再上传。"
                )
            for info in infos:
                if info.file_size > ZIP_RATIO_GRACE_BYTES and info.file_size > ZIP_MAX_RATIO * info.compress_size:
                    ratio = info.file_size // max(info.compress_size, 1)
                    return Decision.deny(
                        f"文件“{name}”中有部件的压缩比异常（约 {ratio} 倍，上限 {ZIP_MAX_RATIO} 倍），"
                        "疑似压缩炸弹，无法接收。"
                    )
            budget = limit
            for info in infos:
                if info.is_dir():
                    continue
                read = _read_bounded(archive, info, budget)
                if read is None or read != info.file_size:
                    return _damaged(name)
                budget -= read
    except _ZIP_FAILURES:
        return _damaged(name)
    finally:
        fileobj.seek(0)
    return ALLOW


def sha256_of(fileobj: BinaryIO) -> str:
    """The hex SHA-256 of an open binary file (an uploaded file or a stored one), read in chunks."""
    digest = hashlib.sha256()
    chunks = getattr(fileobj, "chunks", None)
    fileobj.seek(0)
    if chunks is not None:
        for chunk in chunks():
            digest.update(chunk)
    else:
        while chunk := fileobj.read(_READ_CHUNK):
            digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _unknown_kind(uploaded: UploadedFile) -> Decision:
    seen = describe_unknown(uploaded)
    detail = f"（内容识别为 {seen.upper()}）" if seen else ""
    return Decision.deny(f"文件“{uploaded.name}”的内容不是允许的类型{detail}。仅接受 {ALLOWED_LABEL} 文件。")


def check_upload(uploaded: UploadedFile, existing_total: int = 0) -> tuple[Decision, FileKind | None]:
    """``(decision, kind)`` for an uploaded file: size limits first, then the content (ZIPs in full)."""
    decision = check_size(uploaded.size, existing_total)
    if not decision:
        return decision, None
    kind = sniff(uploaded)
    if kind is None:
        return _unknown_kind(uploaded), None
    if kind in (DOCX, XLSX):
        decision = check_zip(uploaded, uploaded.name)
        if not decision:
            return decision, None
    return ALLOW, kind


WORKBOOK_UNREADABLE = "无法读取该文件，请上传 Excel（.xlsx）文件。"


def _size_of(fileobj: BinaryIO) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        size = fileobj.seek(0, 2)
        fileobj.seek(0)
    return size


def check_workbook(uploaded: UploadedFile) -> Decision:
    """``ALLOW`` when an Excel import is a real XLSX within the per-file limit and safe to open."""
    size, limit = _size_of(uploaded), settings.ATTACHMENT_MAX_BYTES
    if size <= 0:
        return Decision.deny("文件为空，请重新选择。")
    if size > limit:
        return Decision.deny(f"Excel 文件不得超过 {format_size(limit)}，该文件为 {format_size(size)}。")
    if sniff(uploaded) is not XLSX:
        return Decision.deny(WORKBOOK_UNREADABLE)
    return check_zip(uploaded, getattr(uploaded, "name", "") or "")
