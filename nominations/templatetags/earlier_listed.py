"""The earlier-listed warning in templates, in the one wording of ``nominations.rules.earlier_listed``.

{% load earlier_listed %}
{% earlier_listed_label %}                          -> 疑似历年入榜
{{ nomination.earlier_listed|earlier_listed_warning }} -> 疑似已入选2022年新锐企业榜（“…”），原则上不再推荐。
{% earlier_listed_reason_needed %}                  -> 如确需推荐，须在申报页面填写仍推荐的理由，……
"""

from django import template

from nominations.rules import earlier_listed

register = template.Library()


@register.filter
def earlier_listed_warning(item) -> str:
    return earlier_listed.warning(item)


@register.simple_tag
def earlier_listed_label() -> str:
    return earlier_listed.LABEL


@register.simple_tag
def earlier_listed_reason_needed() -> str:
    return earlier_listed.REASON_NEEDED
