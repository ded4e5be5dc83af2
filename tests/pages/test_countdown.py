"""The one countdown (templates/includes/countdown.html): the no-script digits, the summary a screen
reader reads, and a deadline already passed when the page is made."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
UNITS = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def render(deadline, compact=True):
    with time_machine.travel(NOW, tick=False):
        return render_to_string("includes/countdown.html", {"deadline": deadline, "compact": compact, "clock_now": NOW})


def summary(html):
    found = re.search(r'<span class="visually-hidden">([^<]*)</span>', html)
    return found.group(1) if found else None


@pytest.mark.parametrize(
    ("left", "text"),
    [
        (timedelta(days=5, hours=7), "还剩 5 天 7 小时"),
        (timedelta(hours=3, minutes=20), "还剩 3 小时 20 分钟"),
        (timedelta(minutes=12, seconds=5), "还剩 12 分钟"),
        (timedelta(seconds=30), "还剩 1 分钟"),
    ],
)
def test_the_summary_and_the_digits(left, text):
    html = render(NOW + left)
    assert summary(html) == text
    digits = {unit: int(re.search(rf'data-unit="{unit}">(\d+)<', html).group(1)) for unit in UNITS}
    assert sum(digits[unit] * seconds for unit, seconds in UNITS.items()) == left.total_seconds()
    assert 'data-countdown data-deadline="' in html and "is-done" not in html
    assert '<span class="countdown-done" hidden>' in html


def test_a_passed_deadline_reads_closed():
    html = render(NOW - timedelta(minutes=1))
    assert summary(html) is None
    assert "is-done" in html
    assert '<span class="countdown-done">已截止</span>' in html


def test_compact_and_large():
    assert "countdown-prefix" in render(NOW + timedelta(days=1))
    large = render(NOW + timedelta(days=1), compact=False)
    assert "countdown-large" in large and "countdown-prefix" not in large
