"""Excel workbooks of nominations, written with openpyxl in write-only mode.

* one sheet per ranking list: the form definition's columns (``Definition.fields``; a repeating group
  is one column, one line per item), then 状态, 会员单位, 推荐单位, 推举人, the earlier-listed flag,
  the override reason and the timestamps;
* a 名额使用 sheet: per recommending unit, list and domain, used / total;
* Chinese headers, a frozen and filtered header row, column widths by field kind.

Rows are streamed: the caller passes ``queryset.values(*EXPORT_VALUES).iterator(chunk_size=...)``
(plain dicts, no model instances) and nothing is kept per entry, so memory does not grow with the
batch. Every text goes through ``documents.safety.cell_value`` (formula-like text stays plain text).
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from nominations.documents.safety import clean_text, safe_row
from nominations.forms.types import Definition
from nominations.forms.types import Field as FormField
from nominations.models import Campaign, ListCode, RankingList, RecommendingUnit, State
from nominations.models.nomination import nomination_code
from nominations.rules import quotas

_TZ = timezone.get_default_timezone()

HEADER_FONT = Font(name="黑体", bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
QUOTA_SHEET = "名额使用"

# What a sheet row needs, read with ``QuerySet.values(*EXPORT_VALUES)``: plain dicts, no model
# instances, so that 10,000 rows cost little more than writing their cells.
EXPORT_VALUES = (
    "pk",
    "campaign__year",
    "ranking_list_id",
    "domain__name",
    "data",
    "state",
    "member_unit__name",
    "recommending_unit__name",
    "pioneer__name",
    "earlier_listed__year",
    "earlier_listed__list_code",
    "earlier_listed__name",
    "override_reason",
    "created_at",
    "submitted_at",
    "recommended_at",
    "updated_at",
)
_STATE_LABELS = dict(State.choices)
_LIST_LABELS = dict(ListCode.choices)

# Columns after the form's own: (header, width, getter of a row dict)
_TRAILING = (
    ("状态", 10, lambda r: _STATE_LABELS.get(r["state"], r["state"])),
    ("会员单位", 28, lambda r: r["member_unit__name"] or ""),
    ("推荐单位", 28, lambda r: r["recommending_unit__name"] or ""),
    ("推举人", 12, lambda r: r["pioneer__name"] or ""),
    ("疑似历年入榜", 30, lambda r: _earlier_listed(r)),
    ("历年入榜仍推荐理由", 30, lambda r: r["override_reason"]),
    ("创建时间", 18, lambda r: _local(r["created_at"])),
    ("提交时间", 18, lambda r: _local(r["submitted_at"])),
    ("推荐时间", 18, lambda r: _local(r["recommended_at"])),
    ("更新时间", 18, lambda r: _local(r["updated_at"])),
)

_WIDTHS = {
    "text": 22,
    "longtext": 60,
    "repeat": 60,
    "choice": 16,
    "domain": 12,
    "date": 12,
    "month": 10,
    "integer": 10,
    "decimal": 12,
    "percent": 10,
    "phone": 16,
    "email": 24,
    "credit_code": 22,
}
_NUMERIC = {"integer", "decimal", "percent"}


def _local(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: Beijing time, naive, to the minute."""
    if moment is None:
        return None
    return moment.astimezone(_TZ).replace(tzinfo=None, second=0, microsecond=0)


def _earlier_listed(row: dict[str, Any]) -> str:
    if not row["earlier_listed__year"]:
        return ""
    code = row["earlier_listed__list_code"]
    return f"{row['earlier_listed__year']}年{_LIST_LABELS.get(code, code)}：{row['earlier_listed__name']}"


def number_cell(value: Any) -> int | float | str | None:
    """A stored form or score value as a number where it is one (``"12.5%"`` → 12.5); else as it is."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return value
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        return str(value)
    return int(number) if number == number.to_integral_value() else float(number)


class ListColumns:
    """The columns of one list's sheet, derived from its form definition."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.fields = tuple(definition.fields)
        self.headers = ["申报编号"]
        self.widths = [16]
        for item in self.fields:
            label = f"{item.label}（{item.unit}）" if item.unit and str(item.kind) in _NUMERIC else item.label
            if str(item.kind) == "percent":
                label = f"{item.label}(%)"
            self.headers.append(label)
            self.widths.append(28 if item.key == definition.title_key else _WIDTHS.get(str(item.kind), 18))
        for header, width, _getter in _TRAILING:
            self.headers.append(header)
            self.widths.append(width)
        # Per field, once: (key, kind, field, {choice value: label} or None); "text" covers plain strings.
        plain = {"text", "longtext", "date", "month", "phone", "email", "credit_code"}
        self._plan = tuple(
            (
                item.key,
                "text" if str(item.kind) in plain else str(item.kind),
                item,
                {str(k): v for k, v in item.choices} if str(item.kind) == "choice" else None,
            )
            for item in self.fields
        )

    def values(self, entry: dict[str, Any]) -> list[Any]:
        """The cells of one entry, from a row dict of ``EXPORT_VALUES``."""
        data = entry["data"] or {}
        row = [nomination_code(entry["campaign__year"], entry["pk"])]
        append = row.append
        for key, kind, item, choices in self._plan:
            value = data.get(key)
            if kind == "text":
                append("" if value is None else str(value))
            elif kind == "domain":
                append(entry["domain__name"] or value or "")
            elif kind == "repeat":
                append(_repeat_text(item, value))
            elif kind in _NUMERIC:
                append(number_cell(value))
            elif choices is not None:
                append(choices.get(str(value), value) if value not in (None, "") else "")
            else:
                append("" if value is None else str(value))
        for _header, _width, getter in _TRAILING:
            append(getter(entry))
        return row


def _repeat_text(item: FormField, entries: list[dict[str, Any]] | None) -> str:
    lines = []
    for index, entry in enumerate(entries or [], start=1):
        parts = []
        for sub in item.subfields:
            shown = sub.display((entry or {}).get(sub.key))
            if shown not in (None, ""):
                parts.append(f"{sub.label}：{shown}")
        lines.append(f"{item.item_label or item.label}{index}：" + "；".join(parts))
    return "\n".join(lines)


def _header_row(worksheet: WriteOnlyWorksheet, headers: Iterable[str]) -> list[WriteOnlyCell]:
    cells = []
    for text in headers:
        cell = WriteOnlyCell(worksheet, value=clean_text(text))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def _prepare(worksheet: WriteOnlyWorksheet, headers: list[str], widths: list[int]) -> None:
    worksheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.append(_header_row(worksheet, headers))


_SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def add_sheet(workbook: Workbook, title: str, headers: list[str], widths: list[int]) -> WriteOnlyWorksheet:
    """A new sheet of a write-only ``workbook`` with the styled, frozen header row of the exports.

    Rows then go through ``safe_row`` (formula-like text stays text); call :func:`finish_sheet` with the
    number of rows written before saving. Used by the review workbooks (``reviews.excel``).
    """
    worksheet = workbook.create_sheet(title=(clean_text(title).translate(_SHEET_TITLE_FORBIDDEN) or "Sheet")[:31])
    _prepare(worksheet, headers, widths)
    return worksheet


def finish_sheet(worksheet: WriteOnlyWorksheet, columns: int, rows: int) -> None:
    """The header's filter over ``rows`` data rows of ``columns`` columns."""
    worksheet.auto_filter.ref = f"A1:{get_column_letter(max(columns, 1))}{rows + 1}"


class NominationWorkbook:
    """A workbook being written: ``add(nomination)`` per entry, then ``save(fileobj)``.

    ``lists`` are the campaign's ranking lists in order (one sheet each, also when empty);
    ``definition_of(ranking_list)`` gives each list's form definition.
    """

    def __init__(self, lists: Iterable[RankingList], definition_of: Callable[[RankingList], Definition]) -> None:
        self.workbook = Workbook(write_only=True)
        self._sheets = {}
        for ranking_list in lists:
            worksheet = self.workbook.create_sheet(title=ranking_list.name[:31])
            columns = ListColumns(definition_of(ranking_list))
            _prepare(worksheet, columns.headers, columns.widths)
            self._sheets[ranking_list.pk] = [worksheet, columns, 1]
        self.count = 0

    def add(self, entry: dict[str, Any]) -> None:
        """Append one entry (a row dict of ``EXPORT_VALUES``) to its list's sheet."""
        sheet = self._sheets[entry["ranking_list_id"]]
        worksheet, columns = sheet[0], sheet[1]
        worksheet.append(safe_row(worksheet, columns.values(entry)))
        sheet[2] += 1
        self.count += 1

    def add_quota_sheet(self, rows: Iterable[tuple[str, str, str, int, int, str]]) -> None:
        """``rows``: ``(unit name, list name, domain name, used, total, explanation)`` tuples."""
        worksheet = self.workbook.create_sheet(title=QUOTA_SHEET)
        headers = ["推荐单位", "榜单", "领域", "已推荐", "名额", "剩余", "名额构成"]
        _prepare(worksheet, headers, [32, 16, 12, 8, 8, 8, 60])
        for unit, list_name, domain, used, total, explanation in rows:
            values = [unit, list_name, domain or "", used, total, max(total - used, 0), explanation]
            worksheet.append(safe_row(worksheet, values))

    def save(self, fileobj: BinaryIO) -> None:
        for worksheet, columns, rows in self._sheets.values():
            last = get_column_letter(len(columns.headers))
            worksheet.auto_filter.ref = f"A1:{last}{max(rows, 1)}"
        self.workbook.save(fileobj)


def quota_rows(
    units: Iterable[RecommendingUnit], campaign: Campaign, entries: QuerySet | None = None
) -> Iterator[tuple[str, str, str, int, int, str]]:
    """The 名额使用 rows of ``units`` in ``campaign``: ``(unit, list, domain, used, total, explanation)``.

    The quota rule's own rows (``nominations.rules.quotas.quota_rows``: every unit at once, in a fixed
    number of queries) laid out for the sheet. ``entries``: the queryset the use is counted in (the
    export's reader's visible entries); every entry without it.
    """
    for row in quotas.quota_rows(units, campaign, entries=entries):
        quota = row.quota
        domain = row.domain.name if row.domain is not None else ""
        yield row.unit.name, row.ranking_list.name, domain, quota.used, quota.total, quota.explanation
