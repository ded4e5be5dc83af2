"""Counting 字 the way the notice's forms count them: every character except whitespace.

The browser counter in ``static/js/intake.js`` counts with the same character set
(``WHITESPACE`` below, mirrored there as a regular expression), by code point, so that a text the
page shows as "800 / 800 字" is accepted by the server.
"""

# Python's str.isspace() set plus the zero-width no-break space (BOM) that JavaScript's \s includes.
WHITESPACE = frozenset(
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def count_chars(text: str | None) -> int:
    """The number of 字 in ``text``: code points other than whitespace."""
    return sum(1 for ch in text or "" if ch not in WHITESPACE)


def over_limit_message(label: str, limit: int, count: int) -> str:
    return f"{label}不超过 {limit} 字（不计空格和换行），当前 {count} 字，请精简 {count - limit} 字。"
