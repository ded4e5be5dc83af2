"""Template helpers: Chinese dates, phone links, the countdown and ``{% may %}``.

{% load kczg %}
{{ campaign.member_deadline|deadline }}          -> 2023年11月20日 17:00
{% for p in body.contact_phones|phones %}<a href="tel:{{ p|tel }}">{{ p }}</a>{% endfor %}
{% may "submit" nomination as decision %}{% if decision %}…{% else %}{{ decision.reason }}{% endif %}
"""

import re
from datetime import timedelta

from django import template
from django.utils import timezone

from kczg_site import clock
from kczg_site.formats import format_date, format_datetime, format_month
from nominations import demo
from nominations.policy import may as policy_may
from nominations.rules.phones import split_phones

register = template.Library()


@register.filter
def deadline(moment):
    """``2023年11月20日 17:00``; midnight reads as ``24:00`` of the day before."""
    return format_datetime(moment)


@register.filter
def date_cn(moment):
    return format_date(moment)


@register.filter
def month_cn(moment):
    return format_month(moment) if moment else ""


@register.filter
def clock_time(moment):
    """A moment as a clock shows it (no "24:00"): ``2023年11月15日 10:00``."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@register.filter
def iso(moment):
    """ISO-8601 in the site's time zone, e.g. ``2023-11-20T17:00:00+08:00`` (for data attributes)."""
    if moment is None:
        return ""
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.filter
def phones(value):
    """Split ``010-68767227/13801237788`` into separate numbers (``rules.phones.split_phones``)."""
    return split_phones(value)


_EXTENSION = re.compile(r"^(0\d{2,3})-?(\d{7,8})-(\d{1,5})$")


@register.filter
def tel(number):
    """The ``tel:`` form of a printed number: digits only, an extension after a pause (``,``)."""
    number = str(number).strip()
    match = _EXTENSION.match(number)
    if match:
        return f"{match.group(1)}{match.group(2)},{match.group(3)}"
    return re.sub(r"[^\d+]", "", number)


def split_remaining(seconds):
    seconds = max(int(seconds), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return {"days": days, "hours": hours, "minutes": minutes, "seconds": secs, "total": seconds}


@register.simple_tag
def countdown_parts(moment, now=None):
    """Days, hours, minutes and seconds from ``now`` (the clock) to ``moment``: the no-script values."""
    if moment is None:
        return split_remaining(0)
    now = now or clock.now()
    return split_remaining((moment - now) / timedelta(seconds=1))


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    """``{% may "action" obj as decision %}``: the policy's :class:`Decision` for the current user."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy_may(user, action, obj)


@register.simple_tag
def demo_logins():
    """The demo log-ins as ``(username, "角色：说明")`` pairs and the shared password (the README's table)."""
    logins = [(username, f"{role}：{description}") for username, role, description, _ in demo.demo_logins_table()]
    return {"logins": logins, "password": demo.DEMO_PASSWORD}


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with ``param`` set to ``number`` (the other filters kept)."""
    query = context["request"].GET.copy()
    query[param] = number
    return "?" + query.urlencode()
