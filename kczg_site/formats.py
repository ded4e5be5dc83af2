"""The one date formatter: how pages, mails, documents and audit notes write a moment (Beijing time).

* :func:`format_datetime` — a deadline as the notice writes it (``2023年11月30日 24:00``);
* :func:`format_clock_time` — a moment as a clock shows it (``2023年12月1日 00:00``);
* :func:`format_date`, :func:`format_month` — ``2023年11月20日``, ``2023年11月``;
* :func:`format_month_span`, :func:`format_month_to_day_span` — a phase of the timeline;
* :func:`format_timestamp` — ``2023-11-20 16:55:00`` for audit notes and admin messages;
* :func:`format_contact` — whom to ask, in brackets: ``（联系人：张老师，电话：010-1234）``.
"""

from datetime import datetime, timedelta

from django.utils import timezone

ONE_SECOND = timedelta(seconds=1)


def format_datetime(moment: datetime | None) -> str:
    """``2023年11月20日 17:00``; midnight reads as 24:00 of the day before, the way notices write it."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        day = local - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_clock_time(moment: datetime | None) -> str:
    """A moment as a clock shows it (no "24:00"): ``2023年11月15日 10:00``, ``2024年2月1日 00:00``."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_date(moment: datetime | None) -> str:
    """``2023年11月20日``."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def format_month(moment: datetime) -> str:
    """``2023年11月``."""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月"


def format_month_span(start: datetime, end: datetime) -> str:
    """``2023年10月—2024年4月``, ``2024年1月`` for one month; ``end`` is exclusive (00:00 of the next month)."""
    first = timezone.localtime(start)
    last = timezone.localtime(end - ONE_SECOND)
    if (first.year, first.month) == (last.year, last.month):
        return format_month(first)
    tail = f"{last.month}月" if first.year == last.year else format_month(last)
    return f"{format_month(first)}—{tail}"


def format_month_to_day_span(start: datetime, end: datetime) -> str:
    """``2023年10月—11月30日``: from a month to the day that ``end`` (exclusive, midnight) closes."""
    first = timezone.localtime(start)
    last = timezone.localtime(end - ONE_SECOND)
    tail = f"{last.month}月{last.day}日" if first.year == last.year else format_date(last)
    return f"{format_month(first)}—{tail}"


def format_timestamp(moment: datetime) -> str:
    """``2023-11-20 16:55:00`` (to the second, Beijing time): audit notes and admin messages."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def format_contact(name: str = "", phones: str = "", email: str = "") -> str:
    """``（联系人：张老师，电话：010-1234，邮箱：a@b.cn）`` with what is given, or ``""`` without any."""
    parts = [f"{label}：{value}" for label, value in (("联系人", name), ("电话", phones), ("邮箱", email)) if value]
    return f"（{'，'.join(parts)}）" if parts else ""
