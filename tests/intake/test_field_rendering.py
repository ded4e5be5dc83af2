"""The entry form's fields are rendered in Python, byte for byte as Django's templates rendered them.

For speed the edit page no longer renders its fields with templates: the widgets of
``nominations/forms/widgets.py`` replace Django's widget templates, and the ``entry_field`` tag
replaces the include ``nominations/includes/field.html`` (its text is kept here as ``FIELD_HTML``).
For every 2023 definition, empty, filled in, with errors and with hostile values:

* every widget renders exactly as ``forms.Widget.render`` (Django's templates) renders it;
* every field (label, widget, counter, errors, help) is exactly what the former include made with
  Django's widgets;
* the edit page shows the labels and the escaped hostile values, never the raw markup.
"""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django import forms
from django.template import engines
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from nominations.forms import EntryForm, get_definition
from nominations.forms import widgets as fast
from nominations.forms.samples import complete_data
from nominations.forms.types import Kind
from tests.factories import PASSWORD
from tests.intake.conftest import form_post

LISTS = ("tech", "enterprise", "organization", "manager")
STATES = ("empty", "stored", "complete", "errors", "hostile", "hostile_stored")
HOSTILE = (
    "<script>alert(1)</script>",
    '"onmouseover=alert(1) x="',
    "&amp; &lt;b&gt;",
    "=1+1",
    "中文申报:先导技术「测试」",
    "第一行\n第二行\r\n\n第四行",
    "'single' & <b>bold</b>",
)

# The former templates/nominations/includes/field.html, exactly.
FIELD_HTML = """\
{% comment %}One form field: `spec` (nominations.forms.types.Field) and `bf` (its BoundField).{% endcomment %}
<div class="mb-3 entry-field" id="field-{{ spec.key }}">
  <label class="form-label fw-semibold" for="{{ bf.id_for_label }}">{{ spec.label }}{% if spec.required %}\
<span class="text-danger ms-1" title="提交时必填">*</span>{% endif %}{% if spec.unit and spec.kind != "percent" %}\
<span class="fw-normal text-body-secondary small">({{ spec.unit }})</span>{% endif %}{% if spec.max_chars %}\
<span class="fw-normal text-body-secondary small">(不超过 {{ spec.max_chars }} 字)</span>{% endif %}</label>
  {% if spec.kind == "percent" %}<div class="input-group">{{ bf }}<span class="input-group-text">%</span></div>\
{% else %}{{ bf }}{% endif %}
  {% if spec.max_chars %}<div class="form-text text-end char-counter" data-counter-for="{{ bf.id_for_label }}" \
aria-live="polite"></div>{% endif %}
  {% for error in bf.errors %}<div class="invalid-feedback d-block">{{ error }}</div>{% endfor %}
  {% if spec.help_text %}<div class="form-text">{{ spec.help_text }}</div>{% endif %}
</div>
"""


@contextmanager
def django_templates():
    """Within: the fast widgets render with Django's templates (``forms.Widget.render``) instead."""
    with mock.patch.object(fast.PythonRendered, "render", forms.Widget.render):
        yield


def _ranking_list():
    """A stand-in for the tech list's domains (so the domain is a <select>), with a hostile name."""
    domains = [SimpleNamespace(code="electronics", name="电子信息"), SimpleNamespace(code="x&y", name='<i>"域"</i>')]
    return SimpleNamespace(domains=SimpleNamespace(all=lambda: domains))


def _hostile_data(definition):
    """Every field, items of repeating groups included, filled with a hostile value."""
    data = {}
    for index, spec in enumerate(definition.fields):
        if spec.is_repeat:
            data[spec.key] = [
                {sub.key: HOSTILE[(index + item + n) % len(HOSTILE)] for n, sub in enumerate(spec.subfields)}
                for item in range(spec.max_items)
            ]
        else:
            data[spec.key] = HOSTILE[index % len(HOSTILE)]
    return data


def _form(code, state):
    definition = get_definition(code, 2023)
    sample = complete_data(code)
    ranking_list = _ranking_list() if code == "tech" else None
    if state == "empty":
        return EntryForm(definition, ranking_list=ranking_list)
    if state == "stored":
        return EntryForm(definition, ranking_list=ranking_list, stored=sample)
    if state == "hostile_stored":
        return EntryForm(definition, ranking_list=ranking_list, stored=_hostile_data(definition))
    data = {
        "complete": sample,
        "errors": {"name": sample["name"], "contact_phone": "12345", "contact_email": "not-an-email"},
        "hostile": _hostile_data(definition),
    }[state]
    form = EntryForm(definition, data=definition.to_post_data(data), complete=True, ranking_list=ranking_list)
    assert form.is_valid() == (state == "complete")
    return form


def _fields(form):
    """``(spec, BoundField)`` of every field the edit page shows, as ``EntryForm.sections()`` gives them."""
    for section in form.sections():
        for item in section["items"]:
            if "formset" in item:
                for sub in item["forms"]:
                    yield from ((pair["spec"], pair["bf"]) for pair in sub["fields"])
            else:
                yield item["spec"], item["bf"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("code", LISTS)
def test_widgets_render_as_django_templates(code, state):
    form = _form(code, state)
    compared = 0
    for spec, bf in _fields(form):
        assert isinstance(bf.field.widget, fast.PythonRendered), spec.key
        html = str(bf)
        with django_templates():
            assert html == str(bf), spec.key
        compared += 1
    assert compared >= len(form.definition.fields)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("code", LISTS)
def test_entry_field_tag_renders_as_the_former_include(code, state):
    engine = engines["django"]
    tag = engine.from_string("{% load intake_tags %}{% entry_field spec bf %}")
    include = engine.from_string(FIELD_HTML)
    for spec, bf in _fields(_form(code, state)):
        context = {"spec": spec, "bf": bf}
        html = tag.render(context)
        with django_templates():
            assert html == include.render(context), spec.key


def test_every_state_shows_what_it_should():
    """The cases above cover what they claim: selects, errors, hostile values and percent fields."""
    hostile = "".join(str(bf) for _spec, bf in _fields(_form("tech", "hostile")))
    assert "<select" in hostile and "is-invalid" in hostile and "&lt;script&gt;" in hostile
    assert "<script>" not in hostile
    errors = _form("tech", "errors")
    assert errors["contact_phone"].errors and errors["contact_email"].errors
    assert any(spec.kind == Kind.PERCENT for spec in get_definition("enterprise", 2023).fields)
    assert any(spec.is_repeat for spec in get_definition("manager", 2023).fields)


@pytest.mark.parametrize(
    "value", [None, "", "0", 0, 12, Decimal("8600.50"), "<b>\"'&amp;", mark_safe("<b>safe</b>"), "多\n行", ("a", 1)]
)
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"class": "form-control", "rows": 6, "min": 0, "data-max-chars": "", "data-counter": "1"},
        {
            "required": True,
            "disabled": False,
            "data-x": None,
            "data-t": ("a", 1),
            '"bad"': "<x y=1>&",
            "safe": mark_safe("&amp;"),
        },
    ],
)
@pytest.mark.parametrize("widget_class", [fast.TextInput, fast.NumberInput, fast.EmailInput, fast.Textarea])
def test_widget_edge_cases(widget_class, attrs, value):
    widget = widget_class(attrs={"class": "base", "placeholder": "如 <1>"})
    html = widget.render("name<&>", value, attrs=attrs)
    assert html == forms.Widget.render(widget, "name<&>", value, attrs=attrs)


@pytest.mark.parametrize("value", [None, date(2020, 5, 1), "2020-05-01", "<script>"])
def test_date_input_edge_cases(value):
    widget = fast.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")
    assert widget.render("founded", value) == forms.Widget.render(widget, "founded", value)


@pytest.mark.parametrize("value", [None, "", "b", 2, "<&>", ["a", "2"]])
def test_select_edge_cases(value):
    choices = [
        ("", "请选择…"),
        ("a", '<A & "a">'),
        (2, 2),
        ("组 <1>", [("b", "乙"), ("<&>", mark_safe("<em>丙</em>"))]),
        (None, "无"),
    ]
    widget = fast.Select(attrs={"class": "form-select", "data-flag": True, "off": False}, choices=choices)
    attrs = {"id": "id_x", "aria-describedby": "x_help"}
    assert widget.render("x", value, attrs=attrs) == forms.Widget.render(widget, "x", value, attrs=attrs)


@pytest.mark.django_db
@pytest.mark.parametrize("code", LISTS)
def test_edit_page_shows_labels_and_escaped_values(client, member_user, at_open, make_entry, request, code):
    ranking_list = request.getfixturevalue(code)
    definition = get_definition(code, 2023)
    data = complete_data(code, title="<script>alert(1)</script>")
    entry = make_entry(ranking_list=ranking_list, title=data["name"], data=data)
    client.login(username=member_user.username, password=PASSWORD)
    url = reverse("member:edit", kwargs={"pk": entry.pk})

    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    for spec in definition.fields:
        assert escape(spec.label) in page, spec.key
        for sub in spec.subfields:
            assert escape(sub.label) in page, sub.key
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)</script>" not in page

    posted = form_post(definition, {**data, "contact_phone": "<script>alert(2)</script>"}, entry.version)
    response = client.post(url, posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="&lt;script&gt;alert(2)&lt;/script&gt;"' in page and "请输入有效的电话号码" in page
    assert "<script>alert(2)</script>" not in page
