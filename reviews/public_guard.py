"""What guards the public objection form, with no outside service: a per-address rate limit (the cache)
and a captcha (an arithmetic question drawn as an SVG, its answer kept in the session).

Why not django-simple-captcha: it needs Pillow (not installed here) and brings its own app and table;
the challenge below needs neither, and a question drawn with jittered strokes (no text in the markup)
is as much as a captcha of a public, rate-limited form needs. The answer is kept in the session as a
salted HMAC, is good for one attempt and for ten minutes.

Test hook (tests only, documented): ``settings.NOTICE_CAPTCHA_TEST_ANSWER`` — when set, that answer
passes as well. It is honoured only outside production (``settings.PRODUCTION``), is never read from
the environment, and ``kczg_site/settings.py`` does not define it.
"""

from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import format_html, format_html_join

from kczg_site.security import client_ip

SESSION_KEY = "notice_captcha"
SALT = "reviews.public_guard.captcha"
LIFETIME_SECONDS = 600
CAPTCHA_WRONG = "验证码不正确或已过期，请按新的题目重新计算。"

# Filing (and status lookups) per address and hour.
FILING_LIMIT, LOOKUP_LIMIT, WINDOW_SECONDS = 10, 30, 3600
RATE_LIMITED = "提交过于频繁，请一小时后再试。"


# ---------------------------------------------------------------- rate limit


def over_limit(request: HttpRequest, kind: str) -> bool:
    """Count one attempt of ``kind`` ("filing", "lookup") from the request's address; ``True`` past the limit."""
    limit = {"filing": FILING_LIMIT, "lookup": LOOKUP_LIMIT}[kind]
    limit = int(getattr(settings, f"NOTICE_{kind.upper()}_LIMIT", limit))
    key = f"notice:{kind}:{client_ip(request)}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count > limit


# ---------------------------------------------------------------- captcha

# Seven-segment strokes of each digit: segments a–g as line ends on a 0..10 × 0..20 grid.
SEGMENTS = {
    "a": ((1, 1), (9, 1)),
    "b": ((9, 1), (9, 10)),
    "c": ((9, 10), (9, 19)),
    "d": ((1, 19), (9, 19)),
    "e": ((1, 10), (1, 19)),
    "f": ((1, 1), (1, 10)),
    "g": ((1, 10), (9, 10)),
}
DIGITS = {
    "0": "abcdef",
    "1": "bc",
    "2": "abged",
    "3": "abgcd",
    "4": "fgbc",
    "5": "afgcd",
    "6": "afgedc",
    "7": "abc",
    "8": "abcdefg",
    "9": "abcdfg",
}
SIGNS = {
    "+": (((1, 10), (9, 10)), ((5, 6), (5, 14))),
    "×": (((2, 6), (8, 14)), ((8, 6), (2, 14))),
    "=": (((1, 8), (9, 8)), ((1, 12), (9, 12))),
}


def _digest(answer: str) -> str:
    return salted_hmac(SALT, answer.strip(), algorithm="sha256").hexdigest()


def _jitter(rand: secrets.SystemRandom, value: float) -> float:
    return round(value + rand.uniform(-0.8, 0.8), 1)


def _strokes(rand, symbol: str, x0: float) -> list[tuple]:
    lines = [SEGMENTS[s] for s in DIGITS[symbol]] if symbol in DIGITS else list(SIGNS[symbol])
    return [
        (
            _jitter(rand, x0 + a[0] * 1.4),
            _jitter(rand, 6 + a[1] * 1.4),
            _jitter(rand, x0 + b[0] * 1.4),
            _jitter(rand, 6 + b[1] * 1.4),
        )
        for a, b in lines
    ]


def new_challenge(request: HttpRequest) -> str:
    """A new question for the session; returns its SVG (safe markup, no text in it)."""
    rand = secrets.SystemRandom()
    a, b = rand.randint(2, 9), rand.randint(1, 9)
    sign = rand.choice("+×")
    answer = a + b if sign == "+" else a * b
    request.session[SESSION_KEY] = {"digest": _digest(str(answer)), "at": int(time.time())}
    lines, x = [], 4.0
    for symbol in f"{a}{sign}{b}=":
        lines += _strokes(rand, symbol, x)
        x += 18
    noise = [tuple(round(rand.uniform(0, limit), 1) for limit in (80, 40, 80, 40)) for _ in range(4)]
    strokes = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1f3b63" stroke-width="2.2" stroke-linecap="round"/>',
        lines,
    )
    clutter = format_html_join("", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#9aa7b8" stroke-width="1"/>', noise)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 80 40" width="160" height="80" role="img" '
        'aria-label="验证码：请计算图中算式的结果" class="border rounded bg-light" data-testid="captcha">{}{}</svg>',
        clutter,
        strokes,
    )


def check_answer(request: HttpRequest, answer: str) -> bool:
    """One attempt at the session's question (the question is used up either way)."""
    answer = (answer or "").strip()
    hook = getattr(settings, "NOTICE_CAPTCHA_TEST_ANSWER", None)
    stored = request.session.pop(SESSION_KEY, None)
    if hook is not None and not getattr(settings, "PRODUCTION", False) and answer == str(hook):
        return True
    if not stored or not answer or int(time.time()) - int(stored.get("at", 0)) > LIFETIME_SECONDS:
        return False
    return constant_time_compare(_digest(answer), stored.get("digest", ""))
