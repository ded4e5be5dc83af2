"""The public ``/verify/`` page's answers: is this official PDF (正式版申报书) authentic?

:func:`verify_code` and :func:`verify_file` answer it: an uploaded PDF is authentic if and only if its
SHA-256 is the one stored; the page shows the entry number, the list, the unit and the freezing time,
nothing else; a voided version says 作废. :func:`check_upload` checks the file first (kind and size).
:func:`check_rate` is its cheap limiter (failed look-ups per client address in the cache, like the
log-in's lockout; :func:`count_failure` counts one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, QuerySet

from nominations.models import OfficialState, OfficialVersion
from nominations.official_numbers import normalize_code
from nominations.rules import uploads
from nominations.rules.decision import ALLOW, Decision


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
