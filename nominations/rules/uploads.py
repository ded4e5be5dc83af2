"""Attachment checks: by content (magic bytes), never by the uploaded name, and by size.

Accepted: PDF, JPEG, PNG, DOCX, XLSX. DOCX and XLSX are ZIP containers; a ZIP counts as one of them
only if it really holds ``word/document.xml`` or ``xl/workbook.xml``. Limits come from the settings
``ATTACHMENT_MAX_BYTES`` (a file) and ``ATTACHMENT_MAX_TOTAL_BYTES`` (an entry).
"""

import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings

from .decision import ALLOW, Decision


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str


PDF = FileKind("pdf", "PDF", "application/pdf")
JPEG = FileKind("jpg", "JPEG 图片", "image/jpeg")
PNG = FileKind("png", "PNG 图片", "image/png")
DOCX = FileKind("docx", "Word 文档(DOCX)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileKind("xlsx", "Excel 表格(XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ALLOWED_KINDS = (PDF, JPEG, PNG, DOCX, XLSX)
ALLOWED_LABEL = "PDF、JPEG、PNG、DOCX、XLSX"
ACCEPT_ATTRIBUTE = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"

_HEAD_BYTES = 8192
_BY_MIME = {PDF.content_type: PDF, JPEG.content_type: JPEG, PNG.content_type: PNG}


def format_size(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} 字节"


def _zip_kind(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def sniff(fileobj):
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


def describe_unknown(fileobj):
    """What the content looks like, for the refusal message (e.g. "exe"), or ``""``."""
    fileobj.seek(0)
    guess = filetype.guess(fileobj.read(_HEAD_BYTES))
    fileobj.seek(0)
    return guess.extension if guess else ""


def check_size(size, existing_total=0):
    """A file of ``size`` bytes added to an entry whose attachments already total ``existing_total``."""
    limit = settings.ATTACHMENT_MAX_BYTES
    total_limit = settings.ATTACHMENT_MAX_TOTAL_BYTES
    if size <= 0:
        return Decision.deny("文件为空,请重新选择。")
    if size > limit:
        return Decision.deny(f"单个附件不得超过 {format_size(limit)},该文件为 {format_size(size)}。")
    if existing_total + size > total_limit:
        return Decision.deny(
            f"每项申报的附件合计不得超过 {format_size(total_limit)}:"
            f"已上传 {format_size(existing_total)},本文件 {format_size(size)}。"
        )
    return ALLOW


def check_upload(uploaded, existing_total=0):
    """``(decision, kind)`` for an uploaded file: size limits first, then the content."""
    decision = check_size(uploaded.size, existing_total)
    if not decision:
        return decision, None
    kind = sniff(uploaded)
    if kind is None:
        seen = describe_unknown(uploaded)
        detail = f"(内容识别为 {seen.upper()})" if seen else ""
        return (
            Decision.deny(f"文件“{uploaded.name}”的内容不是允许的类型{detail}。仅接受 {ALLOWED_LABEL} 文件。"),
            None,
        )
    return ALLOW, kind
