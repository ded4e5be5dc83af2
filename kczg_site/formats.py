"""Chinese date formats used by pages, mails and documents."""

from django.utils import timezone


def format_datetime(moment):
    """``2023年11月20日 17:00``; midnight reads as 24:00 of the day before, the way notices write it."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        day = local - timezone.timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def format_date(moment):
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def format_month(moment):
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月"
