"""Template helpers of the review pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def num(value, digits=2):
    """A number with ``digits`` decimals, or an em dash for ``None``."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.inclusion_tag("reviews/includes/platform_nav.html", takes_context=True)
def review_platform_nav(context):
    request = context.get("request")
    return {"path": request.path if request else ""}


@register.filter
def reason_field(form, pk):
    """The ``reason_<pk>`` field of a :class:`~reviews.forms.DecideForm`."""
    return form[f"reason_{pk}"]


@register.simple_tag
def control(bound_field, extra: str = "", enabled=True):
    """A form field's widget with the page's classes, ``is-invalid`` when it has errors, and ``disabled``
    unless ``enabled`` (a page where the action is closed)."""
    classes = [bound_field.field.widget.attrs.get("class", ""), extra]
    if bound_field.errors:
        classes.append("is-invalid")
    attrs = {"class": " ".join(c for c in classes if c)}
    if not enabled:
        attrs["disabled"] = True
    return bound_field.as_widget(attrs=attrs)
