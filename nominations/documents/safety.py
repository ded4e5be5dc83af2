"""Spreadsheet safety: text that a spreadsheet could run as a formula is stored as plain text.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be taken
for a formula (or a DDE call) by Excel, LibreOffice or anyone who later saves the sheet as CSV. Such
text is written as an explicitly typed string cell (``t="inlineStr"``) with the *quote prefix* cell
style, so it is shown exactly as typed, is never evaluated, and stays text when a user edits the cell.
The text itself is not changed (no visible apostrophe is added).

This module is the one place that decides; ``documents.excel`` passes every row it writes through
:func:`safe_row` (or single values through :func:`cell_value`).
"""

from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: Any) -> bool:
    """Whether ``text`` would be taken for a formula if written as-is."""
    return isinstance(text, str) and text.startswith(FORMULA_TRIGGERS)


def clean_text(text: Any) -> Any:
    """Drop the control characters that XML (and so .xlsx and .docx) cannot hold."""
    if not isinstance(text, str):
        return text
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def cell_value(worksheet: WriteOnlyWorksheet, value: Any) -> Any:
    """What to append to a write-only row for ``value``: the value itself, or a typed text cell.

    Plain values pass through untouched (fast path); formula-like text becomes a
    :class:`~openpyxl.cell.WriteOnlyCell` typed ``s`` with ``quotePrefix`` set.
    """
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    return _text_cell(worksheet, value)


def safe_row(worksheet: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Any]:
    """A whole row for ``worksheet.append``: the same as :func:`cell_value` on every value, faster.

    The control-character check runs once over the row's joined text instead of once per cell.
    """
    texts = [value for value in values if type(value) is str]
    if texts and ILLEGAL_CHARACTERS_RE.search("".join(texts)):
        values = [clean_text(value) for value in values]
    return [
        _text_cell(worksheet, value) if type(value) is str and value.startswith(FORMULA_TRIGGERS) else value
        for value in values
    ]


def _text_cell(worksheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet)
    cell._value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell
