"""Reuse across nominations (无重复使用他项成果), in one place: what counts as "the same material".

Two nominations share material when they hold

* the same **file**: an attachment with the same content (``Attachment.sha256``, the SHA-256 computed by
  ``intake.add_attachment``), whatever its name;
* the same **patent number** typed anywhere in their content (:func:`patent_numbers`): a Chinese
  application or patent number (申请号 / 专利号 ``ZL201910123456.7``; the pre-2004 form ``ZL95115608.X``),
  with or without ``ZL`` and the dot, its check digit verified, or a publication number
  (公开（公告）号 ``CN110123456A``);
* the same **certificate number** typed after 证书编号 / 证书号 / 编号 (:func:`certificate_numbers`), such
  as the 技术经理人资质 of 技术经理人先锋榜.

Numbers are looked for in every text of a nomination's content (``Nomination.data``, repeated items
included): the lists' forms type them as free text (先导技术榜's 知识产权情况, 技术经理人资质 …).

The other nominations are those of the same campaign the staff may see at all (``policy.sent_to_staff``),
and those of earlier campaigns that were listed (``State.listed()``). Earlier listed items imported as
``EarlierListedItem`` (the previous years' published lists) hold neither attachments nor numbers, only a
name, a unit and a credit code: they are matched by the earlier-listed rule (``rules/earlier_listed.py``)
and skipped here.

This module is pure (no database): the normal forms, the keys the database is searched with
(:func:`search_keys`) and the one wording of the flag (:data:`LABEL`, :data:`BADGE`, :func:`item_label`,
:func:`hidden_nomination`). The queries are ``nominations.queries.reuse``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

LABEL = "疑似重复使用材料"
"""The heading of the warning on an entry page."""

BADGE = "疑似重复"
"""The short flag of a row (the inbox)."""

NOTE = "以下材料也出现在其他申报中，请核实是否重复使用他项成果。"
"""What the warning asks the reader to do."""

FILE, PATENT, PUBLICATION, CERTIFICATE = "file", "patent", "publication", "certificate"

KIND_LABELS = {
    FILE: "文件",
    PATENT: "专利号（申请号）",
    PUBLICATION: "专利公开（公告）号",
    CERTIFICATE: "证书编号",
}


@dataclass(frozen=True, order=True)
class Number:
    """A number found in typed text: its kind (:data:`PATENT`, :data:`PUBLICATION`, :data:`CERTIFICATE`)
    and its normal form (the key two nominations are compared by, and what the flag shows)."""

    kind: str
    value: str


# ---------------------------------------------------------------- patents

_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_SEP = r"[ \u3000]?"
# 2004 on: year (4), kind (1), serial (7); before: year (2), kind (1), serial (5); then the check digit,
# after a dot or not. Which matches are numbers is decided in patent_numbers (a bare run of digits may be
# anything).
_APPLICATION = re.compile(
    rf"(?<![0-9A-Z])(?P<prefix>ZL|CN)?{_SEP}\.?{_SEP}"
    rf"(?P<body>\d{{4}}{_SEP}\d{_SEP}\d{{7}}|\d{{2}}{_SEP}\d{_SEP}\d{{5}})"
    rf"(?:{_SEP}[.·・]{_SEP}(?P<check>[0-9X])|(?P<bare>[0-9X])?)(?![0-9A-Z])"
)
# 公开（公告）号: CN, 7 to 9 digits, the kind code (A, B, C, U, Y, S, with an optional digit).
_PUBLICATION = re.compile(r"(?<![0-9A-Z])CN[ \u3000]?(?P<digits>\d{7,9})[ \u3000]?[ABCUYS]\d?(?![0-9A-Z])")


def check_digit(body: str) -> str:
    """The check character of a Chinese application number's 8 or 12 digits (weights 2…9, 2…5; mod 11;
    10 is X): ``check_digit("201710601862") == "3"``."""
    total = sum(int(digit) * weight for digit, weight in zip(body, _PATENT_WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _folded(text: str) -> str:
    """NFKC (full-width digits, letters and ．) and upper case."""
    return unicodedata.normalize("NFKC", text or "").upper()


def patent_numbers(text: str) -> list[Number]:
    """The Chinese patent numbers in ``text``, normalised, in order of appearance, each once.

    * application and patent numbers (``ZL201910123456.7``, ``ZL 2019 1 0123456.7``, ``201910123456.7``,
      ``CN201910123456.7``, ``ZL2019101234567``, ``ZL95115608.X``) → :data:`PATENT` ``201910123456.7``
      (the 专利号 is ZL and the application number): a given check digit must be right, a missing one is
      computed, and without ZL or CN only the 12-digit form with its dot and check digit is taken;
    * publication numbers (``CN110123456A``, ``CN 110123456 B``) → :data:`PUBLICATION` ``CN110123456``
      (the A and B publications of one application are one patent).
    """
    folded = _folded(text)
    found: list[Number] = []
    for match in _APPLICATION.finditer(folded):
        body = re.sub(r"\s", "", match["body"])
        if match["prefix"] is None and (match["check"] is None or len(body) == 8):
            # Without ZL or CN only a 12-digit number with its dot and check digit is an application
            # number (8 digits and a decimal may be an amount).
            continue
        check = match["check"] or match["bare"]
        if check is not None and check != check_digit(body):
            continue  # a typo, or another kind of number: never "the same patent"
        found.append(Number(PATENT, f"{body}.{check or check_digit(body)}"))
    for match in _PUBLICATION.finditer(folded):
        found.append(Number(PUBLICATION, f"CN{match['digits']}"))
    return _unique(found)


# ---------------------------------------------------------------- certificates

# After 证书编号 / 证书号码 / 证书号 / 证号 / 编号 (a colon, 为 or 第 may follow): letters, digits and hyphens,
# at least six characters of which four digits. 专利号 and the entry codes (KCZG-…) are not certificates.
_CERTIFICATE = re.compile(
    r"(?:证书编号|证书号码|证书号|证号|编号)[ \u3000]*(?:[:：]|为)?[ \u3000]*第?[ \u3000]*"
    r"(?P<token>[0-9A-Z][0-9A-Z\-/]{4,38}[0-9A-Z])(?![0-9A-Z])"
)


def normalize_certificate(token: str) -> str:
    """A certificate number's key: NFKC, upper case, without spaces, hyphens or slashes."""
    return re.sub(r"[\s\-/]", "", _folded(token))


def certificate_numbers(text: str) -> list[Number]:
    """The certificate numbers typed after 证书编号, 证书号 or 编号 in ``text``, normalised, each once:
    ``"技术经纪人证书（编号：TJ-2020-00456）"`` → ``[Number(CERTIFICATE, "TJ202000456")]``."""
    found = []
    for match in _CERTIFICATE.finditer(_folded(text)):
        key = normalize_certificate(match["token"])
        if sum(ch.isdigit() for ch in key) < 4 or len(key) < 6:
            continue
        if key.startswith("KCZG") or re.match(r"(ZL|CN)\d{7,}", key):
            continue
        found.append(Number(CERTIFICATE, key))
    return _unique(found)


# ---------------------------------------------------------------- a nomination's content


def texts_of(data: Any) -> Iterator[str]:
    """Every text of a nomination's content (``Nomination.data``), repeated items included."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from texts_of(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from texts_of(value)


def numbers_of(data: Any) -> list[Number]:
    """The patent and certificate numbers of a nomination's content, each once."""
    found: list[Number] = []
    for text in texts_of(data):
        found += patent_numbers(text)
        found += certificate_numbers(text)
    return _unique(found)


def search_keys(numbers: Iterable[Number]) -> set[str]:
    """What the database is searched for (a substring of the stored content) to find the nominations
    that may hold ``numbers``; the candidates are then read with :func:`numbers_of`, so a key may be loose.

    A patent number's 7-digit serial (``0123456``, ``15608`` before 2004) is typed whole however the
    number is spaced; a publication number's digits; a certificate number's last six digits (hyphens
    and spaces are typed in many ways). Digits typed full-width (２０２１…) are found in a nomination's
    content but not searched for in others' (the stored content keeps them as typed)."""
    keys = set()
    for number in numbers:
        if number.kind == PATENT:
            body = number.value.split(".")[0]
            keys.add(body[5:] if len(body) == 12 else body[3:])
        elif number.kind == PUBLICATION:
            keys.add(number.value[2:])
        else:
            digits = re.sub(r"\D", "", number.value)
            keys.add(digits[-6:])
    return keys


# ---------------------------------------------------------------- the wording


def item_label(kind: str, value: str) -> str:
    """One shared item as the flag lists it: ``文件“营业执照.pdf”``, ``专利号（申请号）201910123456.7``."""
    if kind == FILE:
        return f"{KIND_LABELS[FILE]}“{value}”"
    label = KIND_LABELS[kind]
    return f"{label}{value}" if label.endswith("）") else f"{label} {value}"


def hidden_nomination(code: str, *, pioneer: bool = False, earlier_year: int | None = None) -> str:
    """The other nomination when the reader may not see it: its number, never its title or unit."""
    if earlier_year is not None:
        return f"{earlier_year}年入榜的申报（编号 {code}）"
    if pioneer:
        return f"先锋人物推举的申报（编号 {code}）"
    return f"另一推荐单位的申报（编号 {code}）"


def _unique(numbers: list[Number]) -> list[Number]:
    return list(dict.fromkeys(numbers))
