"""Template helpers of the entry pages (also used by the secretariat's pages).

{% load intake_tags %}
{% entry_sections nomination definition as sections %}
{% entry_history nomination as events %}
<span class="badge {{ nomination.state|state_class }}">…</span>
"""

from django import template

from nominations.rules.text import count_chars

register = template.Library()

STATE_CLASSES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "accepted": "text-bg-info",
    "declined": "text-bg-dark",
    "recommended": "text-bg-success",
    "withdrawn": "text-bg-light border",
}


@register.simple_tag
def entry_sections(nomination, definition):
    return definition.display_rows(nomination.data, nomination)


@register.simple_tag
def entry_history(nomination):
    from nominations.intake import history_of

    return history_of(nomination)


@register.filter
def state_class(state):
    return STATE_CLASSES.get(str(state), "text-bg-primary")


@register.filter
def zi(text):
    """The number of 字 (characters other than whitespace)."""
    return count_chars(text)


@register.filter
def filesize(size):
    from nominations.rules.uploads import format_size

    return format_size(size or 0)
