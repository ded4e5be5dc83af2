"""Earlier listed items (入选历年榜单的项目原则上不再推荐): normalise names and find matches.

Names arrive with variant punctuation and spacing: "（青岛）" vs "(青岛)", full-width letters,
"·" or ":" inside technology names, "有限责任公司" vs "有限公司" vs none. Both sides are normalised the same way.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Upper

from kczg_site.prepared import PreparedQuery
from nominations.rules.credit_codes import normalize_credit_code

if TYPE_CHECKING:
    from nominations.models import EarlierListedItem

# Company forms are dropped from the end: "X股份有限公司", "X有限责任公司", "X有限公司" and "X公司"
# all match "X". Longest first.
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_DROP = re.compile(r"[\s\u3000]+")


def normalize_name(name: str | None) -> str:
    """A key for matching: NFKC, no spaces, no punctuation or symbols, one spelling per company form."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _DROP.sub("", text)
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith(("P", "S", "Z", "C")))
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            # The longest form only; a name that is nothing but a company form is kept whole.
            if len(text) > len(suffix):
                text = text[: -len(suffix)]
            break
    return text


def find_earlier_listed(
    name: str, credit_code: str = "", list_code: str | None = None, before_year: int | None = None
) -> EarlierListedItem | None:
    """The earlier listed item matching a nominee's name (or credit code), or ``None``.

    Matching is across all lists: a company listed on 新锐企业榜 recommended again to another list is
    still worth the secretariat's attention. Items of the list itself are preferred.
    """
    key = normalize_name(name)
    code = normalize_credit_code(credit_code)
    if not key and not code:
        return None
    given = {"key": key, "code": code, "before_year": before_year}
    values = {field: value for field, value in given.items() if value}
    found = _MATCHES(**values)
    if not found:
        return None
    same_list = [item for item in found if item.list_code == list_code]
    return (same_list or found)[0]


def _build_matches(key: str = "", code: str = "", before_year: int | None = None):
    # Not at the top: nominations.models (history.py) imports normalize_name from this module.
    from nominations.models import EarlierListedItem

    condition = Q()
    if key:
        condition |= Q(normalized_name=key)
    if code:
        # Codes typed in the admin may be lower case; ``code`` is upper case (normalised). Not ``iexact``:
        # on SQLite it escapes the value for LIKE, which a prepared query cannot repeat.
        condition |= Q(upper_code=code)
    matches = EarlierListedItem.objects.alias(upper_code=Upper("credit_code")).filter(condition)
    if before_year is not None:
        matches = matches.filter(year__lt=before_year)
    return matches.order_by("-year")[:10]


# Every autosave whose name or code changed and every submit asks (kczg_site/prepared.py): compiled once
# per shape (a name, a code, a year bound, each given or not).
_MATCHES = PreparedQuery(_build_matches, key=str, code=str, before_year=int)
