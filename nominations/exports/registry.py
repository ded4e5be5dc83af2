"""The export kinds other apps serve, and the one refusal of the exports.

The core never imports the reviews app: the reviews app registers its kinds here at ready()
(``reviews/hooks.py``), and who may start and download them goes to the policy with them
(``policy.register_export_checks``), so that ``policy.may(user, "start_export", kind)`` and
``policy.may(user, "download_export", job)`` answer for every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

from nominations import policy
from nominations.models import Campaign, ExportJob
from nominations.rules.decision import Decision, Refused


class ExportError(Refused):
    """A refused export: not the user's to start or retry, or a filter that cannot be applied
    (unknown year, list, domain or unit); the reason is Chinese."""


class ExportKindHandler(Protocol):
    """What an app offers for the export kinds it registers (the reviews app: ``reviews.exports``)."""

    def file_stem(self, kind: str) -> str: ...
    def may_start(self, user: Any, kind: str) -> Decision: ...
    def job_filters(self, user: Any, kind: str, campaign: Campaign, *, normalize: bool = False) -> dict: ...
    def describe(self, kind: str, filters: dict) -> str: ...
    def count(self, kind: str, user: Any, filters: dict) -> int | None: ...
    def write(self, kind: str, fileobj: BinaryIO, user: Any, filters: dict, *, tick: Callable[[], None]) -> list: ...
    def may_download(self, user: Any, job: ExportJob) -> Decision: ...


_EXPORT_KINDS: dict[str, ExportKindHandler] = {}


def register_export_kind(kind: str, handler: ExportKindHandler) -> None:
    """Let another app serve the jobs of ``kind`` (the review kinds are registered by the reviews app).

    Its ``may_start`` and ``may_download`` become the policy's answer for that kind. A handler refuses
    with a :class:`Refused` of its own (``ReviewExportError``): the job shows that reason to the user.
    """
    _EXPORT_KINDS[kind] = handler
    policy.register_export_checks(kind, policy.ExportChecks(start=handler.may_start, download=handler.may_download))


def export_kind(kind: str) -> ExportKindHandler:
    """The handler registered for ``kind``; a kind nobody registered fails loudly."""
    try:
        return _EXPORT_KINDS[kind]
    except KeyError:
        raise LookupError(f"No export handler registered for kind {kind!r}") from None
