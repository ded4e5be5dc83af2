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


def safe_name(text: object, limit: int = 60) -> str:
    """A file or folder name that every unzip tool and file system accepts."""
    cleaned = _UNSAFE_NAME.sub("_", str(text or "")).strip(" ._")
    return cleaned[:limit] or "未命名"


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
