"""The declarative types of a form definition: fields, repeating groups and the definition itself.

A definition is plain data. The web form (``builder.NominationForm``), the server-side validation
(``Definition.validate``), the read-only display (``Definition.display_rows``), and later the Word
附件2 and the Excel columns are all derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nominations.rules.credit_codes import normalize_credit_code

from .builder import NominationForm
from .kinds import Kind

if TYPE_CHECKING:
    from nominations.models import Nomination, RankingList

__all__ = ["CONTACT_KINDS", "Definition", "Field", "Kind", "Section"]

# Kinds that are contact data by themselves (a field of another kind says so with ``contact=True``).
CONTACT_KINDS = frozenset({Kind.PHONE, Kind.EMAIL})


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = True
    max_chars: int | None = None  # LONGTEXT: the limit in 字 (non-whitespace characters)
    max_length: int = 200  # TEXT: a plain length limit
    help_text: str = ""
    choices: tuple = ()  # ((value, label), ...)
    group: str = ""
    unit: str = ""  # shown after numbers, e.g. 万元
    placeholder: str = ""
    subfields: tuple = ()  # REPEAT: the fields of one item
    min_items: int = 1  # REPEAT
    max_items: int = 3  # REPEAT
    item_label: str = ""  # REPEAT: e.g. 案例
    # 发布推介: the listed item's public profile shows this field (per definition, i.e. per campaign year).
    publishable: bool = False
    # A person's contact (name, phone, e-mail, ID number): never publishable, whatever its kind.
    contact: bool = False

    @property
    def is_contact(self) -> bool:
        return self.contact or self.kind in CONTACT_KINDS

    @property
    def is_long(self) -> bool:
        return self.kind == Kind.LONGTEXT

    @property
    def is_repeat(self) -> bool:
        return self.kind == Kind.REPEAT

    def choice_label(self, value: Any) -> Any:
        for key, label in self.choices:
            if str(key) == str(value):
                return label
        return value

    def display(self, value: Any) -> str:
        """A value as a person reads it (the domain is resolved by ``Definition.display_rows``)."""
        if value in (None, ""):
            return ""
        if self.kind == Kind.CHOICE:
            return self.choice_label(value)
        if self.kind == Kind.DATE:
            parts = str(value).split("-")
            if len(parts) == 3:
                return f"{int(parts[0])}年{int(parts[1])}月{int(parts[2])}日"
        if self.kind == Kind.MONTH:
            parts = str(value).split("-")
            if len(parts) == 2:
                return f"{int(parts[0])}年{int(parts[1])}月"
        if self.kind == Kind.PERCENT:
            return f"{value}%"
        if self.unit:
            return f"{value} {self.unit}"
        return str(value)


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple


@dataclass(frozen=True)
class Definition:
    """One list's application form (申报表) for one campaign year."""

    list_code: str
    year: int
    title: str  # e.g. 先导技术榜申报表
    fields: tuple
    title_key: str
    credit_code_key: str | None = None
    intro: str = ""
    sections_order: tuple = field(default_factory=tuple)

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError(f"Duplicate field keys in the {self.list_code} definition")
        if self.title_key not in keys:
            raise ValueError(f"title_key {self.title_key!r} is not a field")
        if self.credit_code_key and self.credit_code_key not in keys:
            raise ValueError(f"credit_code_key {self.credit_code_key!r} is not a field")
        self._check_publishable()

    def _check_publishable(self) -> None:
        """The ``publishable`` flag: never on contact data; only on a top-level field a profile can show."""
        for item in self.fields:
            if item.publishable and item.is_contact:
                raise ValueError(f"{self.list_code} {self.year}: contact field {item.key!r} may not be publishable")
            if item.publishable and item.is_repeat:
                raise ValueError(f"{self.list_code} {self.year}: repeating group {item.key!r} may not be publishable")
            for sub in item.subfields:
                if sub.publishable:
                    raise ValueError(f"{self.list_code} {self.year}: {item.key}.{sub.key} may not be publishable")

    @property
    def publishable_fields(self) -> tuple[Field, ...]:
        """The fields a listed item's public profile shows (发布推介), in the form's order."""
        return tuple(item for item in self.fields if item.publishable)

    # ------------------------------------------------------------ structure

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def long_texts(self) -> tuple[Field, ...]:
        """Every long text, those inside repeating groups included."""
        found = []
        for item in self.fields:
            if item.is_long:
                found.append(item)
            found.extend(sub for sub in item.subfields if sub.is_long)
        return tuple(found)

    @property
    def repeats(self) -> tuple[Field, ...]:
        return tuple(item for item in self.fields if item.is_repeat)

    @property
    def sections(self) -> tuple[Section, ...]:
        """The fields grouped in order of first appearance (or ``sections_order``)."""
        order = list(self.sections_order)
        for item in self.fields:
            if item.group not in order:
                order.append(item.group)
        return tuple(Section(title, tuple(f for f in self.fields if f.group == title)) for title in order)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """Flat ``(key, label)`` columns for exports; repeating groups as one column each."""
        return tuple((item.key, item.label) for item in self.fields)

    # ------------------------------------------------------------ data

    def title_of(self, data: dict[str, Any] | None) -> str:
        return str((data or {}).get(self.title_key) or "").strip()

    def credit_code_of(self, data: dict[str, Any] | None) -> str:
        if not self.credit_code_key:
            return ""
        return normalize_credit_code(str((data or {}).get(self.credit_code_key) or ""))

    def display_rows(self, data: dict[str, Any] | None, nomination: Nomination | None = None) -> list[dict[str, Any]]:
        """Sections for read-only display: ``[{"title", "rows": [{"label", "value", "field", "items"}]}]``.

        ``items`` is set for repeating groups: a list of row lists, one per item.
        """
        data = data or {}
        result = []
        for section in self.sections:
            rows = []
            for item in section.fields:
                value = data.get(item.key)
                if item.is_repeat:
                    items = []
                    for entry in value or []:
                        items.append(
                            [
                                {"label": sub.label, "value": sub.display(entry.get(sub.key)), "field": sub}
                                for sub in item.subfields
                            ]
                        )
                    rows.append({"label": item.label, "value": "", "field": item, "items": items})
                    continue
                if item.kind == Kind.DOMAIN:
                    shown = nomination.domain.name if nomination is not None and nomination.domain_id else value
                    rows.append({"label": item.label, "value": shown or "", "field": item, "items": None})
                    continue
                rows.append({"label": item.label, "value": item.display(value), "field": item, "items": None})
            result.append({"title": section.title, "rows": rows})
        return result

    def validate(
        self, data: dict[str, Any] | None, *, complete: bool = True, ranking_list: RankingList | None = None
    ) -> dict[str, list[str]]:
        """Errors of stored ``data`` as ``{key: [message, ...]}`` (empty when valid).

        ``complete=True`` checks everything a submission needs; ``complete=False`` only the format.
        """
        form = NominationForm(self, data=self.to_post_data(data), complete=complete, ranking_list=ranking_list)
        form.is_valid()
        return form.all_errors()

    def missing_summary(self, data: dict[str, Any] | None, ranking_list: RankingList | None = None) -> str:
        """A one-line Chinese summary of what keeps ``data`` from being complete, or ``""``."""
        errors = self.validate(data, complete=True, ranking_list=ranking_list)
        if not errors:
            return ""
        labels = []
        for key in errors:
            labels.append(self._label_of(key))
        return "、".join(labels)

    def _label_of(self, key: str) -> str:
        if key == "__all__":
            return "其他"
        for item in self.fields:
            if item.key == key:
                return item.label
        return key

    def to_post_data(self, data: dict[str, Any] | None) -> dict[str, str]:
        """Stored data as the flat mapping a browser would post (formsets included)."""
        data = data or {}
        posted = {}
        for item in self.fields:
            value = data.get(item.key)
            if item.is_repeat:
                entries = list(value or [])[: item.max_items]
                prefix = item.key
                posted[f"{prefix}-TOTAL_FORMS"] = str(item.max_items)
                posted[f"{prefix}-INITIAL_FORMS"] = "0"
                posted[f"{prefix}-MIN_NUM_FORMS"] = "0"
                posted[f"{prefix}-MAX_NUM_FORMS"] = str(item.max_items)
                for index, entry in enumerate(entries):
                    for sub in item.subfields:
                        sub_value = (entry or {}).get(sub.key)
                        if sub_value not in (None, ""):
                            posted[f"{prefix}-{index}-{sub.key}"] = str(sub_value)
                continue
            if value not in (None, ""):
                posted[item.key] = str(value)
        return posted
