"""Excel imports: read a sheet, preview every row with its problems, and carry the rows signed from
the preview to the apply step (``django.core.signing``); the refusals of the membership services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl
from django.core import signing

from nominations.membership.rows import Seen, new_seen
from nominations.rules import uploads
from nominations.rules.decision import Refused

_SIGNING_SALT = "nominations.membership.import"
_PREVIEW_MAX_AGE = 3600
MAX_ROWS = 1000

# ``validate(values, row number, seen) -> problems`` of one row.
RowCheck = Callable[[dict[str, str], int, Seen], list[str]]


class MembershipError(Refused):
    """A refused invitation, import or deactivation; ``str(error)`` is the Chinese reason."""


@dataclass
class ImportRow:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    kind: str
    columns: tuple[str, ...]
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]

    def payload(self) -> str:
        return signing.dumps(
            {"kind": self.kind, "rows": [[row.number, row.values] for row in self.rows]}, salt=_SIGNING_SALT
        )


class ImportRefused(MembershipError):
    """An import refused as a whole; ``detail`` is the :class:`ImportPreview` with each row's problems."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(
            f"有 {len(preview.bad_rows)} 行存在问题，本次未导入任何数据。",
            problems=[f"第 {row.number} 行：{' '.join(row.errors)}" for row in preview.bad_rows],
            detail=preview,
        )

    @property
    def preview(self) -> ImportPreview:
        # The import pages (views/secretariat.py, views/platform.py) show it again with the refusal.
        return self.detail


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(file: IO[bytes], columns: tuple[str, ...]) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """``(rows, errors)``: rows as ``(row number, {column: text})`` from the first sheet."""
    # openpyxl inflates whatever the ZIP holds: nothing reaches it unchecked (rules/uploads.py).
    decision = uploads.check_workbook(file)
    if not decision:
        return [], [decision.reason]
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception:
        return [], [uploads.WORKBOOK_UNREADABLE]
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            return [], ["表格是空的。"]
        names = [_cell_text(cell) for cell in header]
        missing = [column for column in columns if column not in names]
        if missing:
            return [], [f"缺少列：{'、'.join(missing)}（第一行应为列名：{'、'.join(columns)}）。"]
        index = {column: names.index(column) for column in columns}
        rows = []
        for number, line in enumerate(lines, start=2):
            cells = list(line) + [None] * len(names)
            values = {column: _cell_text(cells[i]) for column, i in index.items()}
            if any(values.values()):
                rows.append((number, values))
        if not rows:
            return [], ["表格中没有数据行。"]
        if len(rows) > MAX_ROWS:
            return [], [f"一次最多导入 {MAX_ROWS} 行，请分批导入。"]
        return rows, []
    finally:
        workbook.close()


def build_preview(
    kind: str,
    columns: tuple[str, ...],
    rows: Iterable[tuple[int, dict[str, str]]],
    errors: Iterable[str],
    validate: RowCheck,
) -> ImportPreview:
    """Every row with its problems, each row checked against the ones before it."""
    preview = ImportPreview(kind=kind, columns=columns, errors=list(errors))
    seen = new_seen()
    for number, values in rows:
        preview.rows.append(ImportRow(number, values, validate(values, number, seen)))
    return preview


def load_payload(payload: str, kind: str) -> list[tuple[int, dict[str, str]]]:
    """The rows a preview signed (refused when forged, expired or of another kind of import)."""
    try:
        data = signing.loads(payload, salt=_SIGNING_SALT, max_age=_PREVIEW_MAX_AGE)
    except signing.BadSignature as exc:
        raise MembershipError("预览已过期或无效，请重新上传文件。") from exc
    if data.get("kind") != kind:
        raise MembershipError("预览与导入类型不符，请重新上传文件。")
    return [(int(number), dict(values)) for number, values in data["rows"]]
