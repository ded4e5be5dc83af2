"""Phone numbers (联系电话): the one validator, the one normaliser and the one splitter.

A number is a mainland mobile (11 digits from 13…19…) or a landline with its area code, optionally
with an extension (``010-68767227-123``). Typed variants are folded first: full-width digits, spaces
and brackets, dashes of every kind, ``转`` for the extension and a leading ``+86``. A field that holds
several numbers (``010-68767227/13801237788``) is split with :func:`split_phones`.
"""

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(?:-\d{1,6})?$")
SEPARATORS = re.compile(r"[/,，、;；]+")

PHONE_MESSAGE = (
    "请输入有效的电话号码：手机号为 11 位数字（如 13812345678），"
    "座机请带区号（如 010-68767227，分机写作 010-68767227-123）。"
)


def normalize_phone(value: str | None) -> str:
    """``（010）6876 7227转123`` → ``010-68767227-123``-like text ready for :func:`is_valid_phone`."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    text = re.sub(r"[\s()]", "", text)
    text = text.replace("—", "-").replace("–", "-").replace("转", "-")
    if text.startswith("+86"):
        text = text[3:]
    return text


def is_valid_phone(value: str | None) -> bool:
    text = normalize_phone(value)
    return bool(MOBILE.match(text) or LANDLINE.match(text))


def split_phones(value) -> list[str]:
    """Split ``010-68767227/13801237788`` (on /, commas, semicolons and 、) into numbers.

    White space separates numbers only where each piece is a number of its own: ``010-68767227
    13801237788`` is two, ``138 1234 5678`` stays one.
    """
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [str(part) for part in value if part]
    numbers = []
    for part in SEPARATORS.split(str(value)):
        pieces = part.split()
        if len(pieces) > 1 and all(is_valid_phone(piece) for piece in pieces):
            numbers.extend(pieces)
        elif part.strip():
            numbers.append(part.strip())
    return numbers


def phone_error(value: str | None) -> str | None:
    """``None`` when every number in ``value`` is valid (or it is empty), else the Chinese message."""
    bad = [number for number in split_phones(value) if not is_valid_phone(number)]
    if bad:
        return f"联系电话格式不正确：{'、'.join(bad)}。{PHONE_MESSAGE}"
    return None
