"""The entry form's widgets and those of the actions' forms (notes, the formal review's checklist),
rendered in Python instead of through Django's widget templates.

Why: the member's edit page shows 10 to 23 fields (the 技术经理人 list's three case items add 12), and
rendering them was most of the page's template CPU during the deadline rush. Django renders each widget with
several templates (``input.html`` includes ``attrs.html``; ``select.html`` includes
``select_option.html`` once per option, which includes ``attrs.html`` again). These subclasses build
the same HTML from the same context (``self.get_context(name, value, attrs)["widget"]``) with string
formatting instead. The secretariat's entry page, which a refused action shows again, rendered some
25 widgets (its actions' hidden inputs and notes, the checklist's radios) the slow way.

The output follows Django 5.2's templates (``django/forms/widgets/*.html``); tests/intake/test_field_rendering.py
checks that hostile names, values and attributes come back escaped and that every ``aria-describedby`` names
an element of the page. These widgets ignore the form renderer: overriding Django's widget templates does
not change them; change the HTML here.
"""

import html
from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.template.base import template_localtime
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe


def template_value(value: Any) -> str:
    """What ``{{ value }}`` renders to with autoescaping on (as ``render_value_in_context`` does)."""
    if type(value) is str:
        # A plain string, the usual case (names, labels, attributes): localize and template_localtime
        # return it as is, and Django's escape is html.escape behind a lazy-argument check.
        return SafeString(html.escape(value))
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def template_string(value: Any) -> str:
    """What ``{{ value|stringformat:'s' }}`` renders to: ``str(value)``, escaped unless already safe."""
    if type(value) is str:
        return SafeString(html.escape(value))
    return str(value) if isinstance(value, SafeData) else escape(value)


def attrs_html(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"`` per attribute, a bare name for True, nothing for False."""
    return "".join(
        f" {template_value(name)}" if value is True else f' {template_value(name)}="{template_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_html(widget: dict[str, Any]) -> str:
    """``input.html`` (and ``text.html``, ``date.html``, ``number.html``, ``email.html``, which include it)."""
    value = "" if widget["value"] is None else f' value="{template_string(widget["value"])}"'
    return (
        f'<input type="{template_value(widget["type"])}" name="{template_value(widget["name"])}"'
        f"{value}{attrs_html(widget['attrs'])}>"
    )


def textarea_html(widget: dict[str, Any]) -> str:
    """``textarea.html``: note the newline after the opening tag (browsers drop it)."""
    value = template_value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{template_value(widget["name"])}"{attrs_html(widget["attrs"])}>\n{value}</textarea>'


def option_html(option: dict[str, Any]) -> str:
    """``select_option.html``, with the newline that ends that template."""
    return (
        f'<option value="{template_string(option["value"])}"{attrs_html(option["attrs"])}>'
        f"{template_value(option['label'])}</option>\n"
    )


def select_html(widget: dict[str, Any]) -> str:
    """``select.html``: each option on its own line after two spaces, in its ``<optgroup>`` if any."""
    parts = [f'<select name="{template_value(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{template_value(group_name)}">')
        parts.extend(f"\n  {option_html(option)}" for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class PythonRendered:
    """Renders with ``html`` instead of the widget's template."""

    html: Callable[[dict[str, Any]], str] | None = (
        None  # the HTML of the template context's "widget" dict (a staticmethod)
    )

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        # Safe: the html functions escape every value they put in, as the templates' autoescaping does.
        return mark_safe(self.html(self.get_context(name, value, attrs)["widget"]))  # noqa: S308


class TextInput(PythonRendered, forms.TextInput):
    html = staticmethod(input_html)


class DateInput(PythonRendered, forms.DateInput):
    html = staticmethod(input_html)


class NumberInput(PythonRendered, forms.NumberInput):
    html = staticmethod(input_html)


class EmailInput(PythonRendered, forms.EmailInput):
    html = staticmethod(input_html)


class Textarea(PythonRendered, forms.Textarea):
    html = staticmethod(textarea_html)


class Select(PythonRendered, forms.Select):
    html = staticmethod(select_html)


class HiddenInput(PythonRendered, forms.HiddenInput):
    html = staticmethod(input_html)


class DateTimeInput(PythonRendered, forms.DateTimeInput):
    html = staticmethod(input_html)


class RadioSelect(forms.RadioSelect):
    """A radio group whose options a template renders one by one (``{{ radio.tag }}``, as the formal review's
    checklist does): each option's ``<input>`` in Python (``input_option.html`` without its label is
    ``input.html``); the whole group (``{{ field }}``) and a labelled option still through Django's templates."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: BaseRenderer | None = None) -> SafeString:
        widget = context["widget"]
        if template_name == self.option_template_name and not widget.get("wrap_label"):
            return mark_safe(input_html(widget))  # noqa: S308 (input_html escapes every value)
        return super()._render(template_name, context, renderer)
