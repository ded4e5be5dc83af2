"""What one Word form shows, in order, built from an entry and its list's form definition (no Word yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kczg_site.formats import format_date
from nominations.documents.safety import clean_text
from nominations.forms.types import Definition
from nominations.forms.types import Field as FormField
from nominations.models import Nomination

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return f"{head}十{_CN_DIGITS[ones] if ones else ''}"


def form_title(year: int) -> str:
    return f'{year}年"科创中国"系列榜单申报样表'


def limit_label(max_chars: int | None) -> str:
    return f"（限{max_chars}字）" if max_chars else ""


@dataclass
class Row:
    label: str
    value: str


@dataclass
class LongText:
    label: str
    max_chars: int | None
    text: str


@dataclass
class RepeatItem:
    title: str
    rows: list[Row]
    long_texts: list[LongText]


@dataclass
class RepeatGroup:
    label: str
    items: list[RepeatItem]


@dataclass
class FormContent:
    """Everything one form shows, in order; built from a nomination by :func:`content_for`."""

    year: int
    list_name: str
    number: str
    basic: list[tuple[str, list[Row]]]  # [(section title, [Row, ...]), ...]
    blocks: list[LongText | RepeatGroup] = field(default_factory=list)  # in the definition's order
    attachments: list[str] = field(default_factory=list)  # ["name（说明）", ...]
    applicant: str = ""
    recommender_label: str = "推荐单位"
    recommender: str = ""
    nominee_is_person: bool = False
    opinion: str = ""  # 推荐意见 (nominations.opinions), printed with the unit's name and its date
    opinion_date: str = ""  # 2023年11月28日

    @property
    def title(self) -> str:
        return form_title(self.year)

    @property
    def long_texts(self) -> list[LongText]:
        return [block for block in self.blocks if isinstance(block, LongText)]

    @property
    def repeats(self) -> list[RepeatGroup]:
        return [block for block in self.blocks if isinstance(block, RepeatGroup)]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return clean_text(str(value)).strip()


def content_for(nomination: Nomination, definition: Definition) -> FormContent:
    """The :class:`FormContent` of ``nomination`` (``campaign``, lists, units and attachments loaded)."""
    data = nomination.data or {}
    list_name = nomination.ranking_list.name
    if nomination.domain_id:
        list_name = f"{list_name} · {nomination.domain.name}"
    applicant = nomination.member_unit.name if nomination.member_unit_id else ""
    if nomination.pioneer_id:
        recommender_label, recommender = "推举人", f"{nomination.pioneer.name}（2022年技术经理人先锋人物）"
    else:
        recommender_label = "推荐单位"
        recommender = nomination.recommending_unit.name if nomination.recommending_unit_id else ""

    entry_rows = [Row("申报榜单", list_name)]
    if applicant:
        entry_rows.append(Row("申报单位", applicant))
    entry_rows.append(Row(recommender_label, recommender))
    basic = [("申报信息", entry_rows)]
    blocks: list[LongText | RepeatGroup] = []
    for section in definition.display_rows(data, nomination):
        rows = []
        for row in section["rows"]:
            item = row["field"]
            if item.is_repeat:
                blocks.append(_repeat_group(item, row["items"] or []))
            elif item.is_long:
                blocks.append(LongText(item.label, item.max_chars, _text(data.get(item.key))))
            else:
                rows.append(Row(item.label, _text(row["value"])))
        if rows:
            basic.append((section["title"] or "基本信息", rows))
    attachments = []
    for attachment in nomination.attachments.all():
        name = _text(attachment.original_name)
        if attachment.description:
            name = f"{name}（{_text(attachment.description)}）"
        attachments.append(name)
    return FormContent(
        year=nomination.campaign.year,
        list_name=list_name,
        number=nomination.code,
        basic=basic,
        blocks=blocks,
        attachments=attachments,
        applicant=applicant,
        recommender_label=recommender_label,
        recommender=recommender,
        nominee_is_person=nomination.ranking_list.nominee_is_person,
        opinion=_text(nomination.opinion),
        opinion_date=format_date(nomination.opinion_at) if nomination.opinion else "",
    )


def _repeat_group(item: FormField, displayed_items: list[list[dict[str, Any]]]) -> RepeatGroup:
    subfields = {sub.label: sub for sub in item.subfields}
    items = []
    for index, displayed in enumerate(displayed_items, start=1):
        rows, longs = [], []
        for cell in displayed:
            sub = cell.get("field") or subfields.get(cell["label"])
            if sub is not None and sub.is_long:
                longs.append(LongText(sub.label, sub.max_chars, _text(cell["value"])))
            else:
                rows.append(Row(cell["label"], _text(cell["value"])))
        items.append(RepeatItem(f"{item.item_label or item.label}{chinese_number(index)}", rows, longs))
    return RepeatGroup(item.label, items)
