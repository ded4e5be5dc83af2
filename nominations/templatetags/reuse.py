"""The reuse flag in templates, in the one wording of ``nominations.rules.reuse``.

{% load reuse %}
{% reuse_label %} -> 疑似重复使用材料
{% reuse_badge %} -> 疑似重复
{% reuse_note %}  -> 以下材料也出现在其他申报中，……
"""

from django import template

from nominations.rules import reuse

register = template.Library()


@register.simple_tag
def reuse_label() -> str:
    return reuse.LABEL


@register.simple_tag
def reuse_badge() -> str:
    return reuse.BADGE


@register.simple_tag
def reuse_note() -> str:
    return reuse.NOTE
