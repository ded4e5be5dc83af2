"""Template helpers of the entry pages (also used by the secretariat's pages).

{% load intake_tags %}
{% nomination_sections nomination definition as sections %}
{% nomination_history nomination as events %}
{% nomination_field spec bf %}
{% upload_token %}  (a fresh one-time token for the attachment upload form)
<span class="badge {{ nomination.state|state_class }}">…</span>
"""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from nominations.audit import history_of
from nominations.forms.creation import new_token
from nominations.forms.types import Definition, Field, Kind
from nominations.forms.widgets import template_value
from nominations.models import Nomination
from nominations.rules.text import count_chars
from nominations.rules.uploads import format_size

register = template.Library()


@register.simple_tag
def upload_token() -> str:
    """A fresh one-time token for the upload form: posting that form twice stores one attachment."""
    return new_token()


STATE_CLASSES = {
    "draft": "text-bg-secondary",
    "submitted": "text-bg-primary",
    "returned": "text-bg-warning",
    "accepted": "text-bg-info",
    "declined": "text-bg-dark",
    "not_recommended": "text-bg-dark",
    "recommended": "text-bg-success",
    "withdrawn": "text-bg-light border",
}


@register.simple_tag
def nomination_sections(nomination: Nomination, definition: Definition) -> list:
    return definition.display_rows(nomination.data, nomination)


@register.simple_tag
def nomination_history(nomination: Nomination) -> list:
    return history_of(nomination)


@register.simple_tag
def nomination_field(spec: Field, bf: BoundField) -> SafeString:
    """One field of the entry form: ``spec`` (a :class:`~nominations.forms.types.Field`) and ``bf`` (its
    BoundField). Label (* when required, unit, 字 limit), widget, 字 counter, errors and help text.

    Built in Python rather than with an included template for speed (the edit page has up to 23 fields; see
    nominations/forms/widgets.py). The errors and the help text carry the ids that Django's
    ``aria-describedby`` on the widget names (``<id>_error``, ``<id>_helptext``), so that a screen reader
    announces them with the field; tests/intake/test_field_rendering.py checks every reference on the page.
    """
    id_for_label = template_value(bf.id_for_label)
    label = template_value(spec.label)
    if spec.required:
        label += '<span class="text-danger ms-1" title="提交时必填">*</span>'
    if spec.unit and spec.kind != Kind.PERCENT:
        label += f'<span class="fw-normal text-body-secondary small">（{template_value(spec.unit)}）</span>'
    if spec.max_chars:
        label += (
            f'<span class="fw-normal text-body-secondary small">（不超过 {template_value(spec.max_chars)} 字）</span>'
        )
    widget = template_value(bf)
    if spec.kind == Kind.PERCENT:
        widget = f'<div class="input-group">{widget}<span class="input-group-text">%</span></div>'
    counter = ""
    if spec.max_chars:
        counter = (
            f'<div class="form-text text-end char-counter" data-counter-for="{id_for_label}" aria-live="polite"></div>'
        )
    auto_id = template_value(bf.auto_id) if bf.auto_id else ""
    errors = ""
    if bf.errors:
        errors = "".join(f'<div class="invalid-feedback d-block">{template_value(error)}</div>' for error in bf.errors)
        errors = f"<div{_id(auto_id, 'error')}>{errors}</div>"
    help_text = ""
    if spec.help_text:
        help_text = f'<div class="form-text"{_id(auto_id, "helptext")}>{template_value(spec.help_text)}</div>'
    # Safe: every value is escaped by template_value (the widget's HTML is already safe).
    return mark_safe(  # noqa: S308
        f'\n<div class="mb-3 entry-field" id="field-{template_value(spec.key)}">\n'
        f'  <label class="form-label fw-semibold" for="{id_for_label}">{label}</label>\n'
        f"  {widget}\n"
        f"  {counter}\n"
        f"  {errors}\n"
        f"  {help_text}\n"
        "</div>\n"
    )


def _id(auto_id: str, suffix: str) -> str:
    """`` id="<auto_id>_<suffix>"`` (the id Django's ``BoundField.aria_describedby`` names), or nothing."""
    return f' id="{auto_id}_{suffix}"' if auto_id else ""


@register.filter
def state_class(state: str) -> str:
    return STATE_CLASSES.get(str(state), "text-bg-primary")


@register.filter
def zi(text: str | None) -> int:
    """The number of 字 (characters other than whitespace)."""
    return count_chars(text)


@register.filter
def filesize(size: int | None) -> str:
    return format_size(size or 0)
