"""Many Word forms as one ZIP, grouped by list and domain, with names every unzip tool accepts."""

import re
import zipfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from nominations.documents.word.content import content_for
from nominations.documents.word.form import FormTemplate, template
from nominations.forms.types import Definition
from nominations.models import Nomination

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_EXTENSION = re.compile(r"[0-9A-Za-z]{1,10}")


def safe_name(text: object, limit: int = 60) -> str:
    """A file or folder name that every unzip tool and file system accepts."""
    cleaned = _UNSAFE_NAME.sub("_", str(text or "")).strip(" ._")
    return cleaned[:limit] or "未命名"


# Names Windows keeps for devices, whatever the extension (``NUL.txt`` is the device too).
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))]
)


def safe_file_name(text: object, limit: int = 100) -> str:
    """A file name for inside a ZIP folder: :func:`safe_name` of the stem and of the extension, the
    stem shortened so that the extension survives, never a device name, never ``.`` or ``..``.

    ``../../etc/passwd`` becomes ``etc_passwd``: separators and control characters (NUL included)
    are replaced, so the name can never leave the folder it is written into.
    """
    raw = _UNSAFE_NAME.sub("_", str(text or ""))
    stem, dot, ext = raw.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(ext):
        stem, ext = raw, ""
    stem = safe_name(stem, limit=max(1, limit - len(ext) - 1))
    if stem.split(".")[0].upper() in _RESERVED_NAMES:
        stem = f"_{stem}"
    return f"{stem}.{ext}" if ext else stem


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name（2）.ext``, ``name（3）.ext`` … the first one not in ``taken`` (compared
    without case, as Windows and macOS do); the chosen name is added to ``taken``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{stem}（{number}）" + (f".{ext}" if ext else "")
    taken.add(candidate.casefold())
    return candidate


def zip_member_name(nomination: Nomination) -> str:
    """``先导技术榜/电子信息/000123_技术名称.docx`` (grouped by list and domain, like the published lists)."""
    parts = [safe_name(nomination.ranking_list.name)]
    if nomination.domain_id:
        parts.append(safe_name(nomination.domain.name))
    parts.append(f"{nomination.pk:06d}_{safe_name(nomination.title)}.docx")
    return "/".join(parts)


def write_forms_zip(
    fileobj: BinaryIO,
    nominations: Iterable[Nomination],
    definition_of: Callable[[Nomination], Definition],
    *,
    form_template: FormTemplate | None = None,
) -> int:
    """Write one 附件2 form per nomination into a ZIP at ``fileobj``; return how many were written.

    ``definition_of(nomination)`` returns the form definition (the caller caches it per list and year).
    The forms are already compressed, so the outer ZIP stores them as they are.
    """
    form_template = form_template or template()
    count = 0
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as archive:
        for nomination in nominations:
            data = form_template.render(content_for(nomination, definition_of(nomination)))
            archive.writestr(zip_member_name(nomination), data)
            count += 1
    return count
