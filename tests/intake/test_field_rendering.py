"""The entry form's fields: hostile values are escaped, and every ``aria-describedby`` names an element.

For speed the edit page renders its fields in Python (the widgets of ``nominations/forms/widgets.py``
and the ``nomination_field`` tag). For every 2023 definition, empty, filled in, with errors and with hostile
values:

* a hostile value comes back, parsed as a browser parses it, exactly as it was typed: never as markup,
  never as an attribute of its own;
* every id that a widget's ``aria-describedby`` names (its help text, its errors) is on the page, so a
  screen reader announces them with the field;
* the edit page shows the labels and the escaped hostile values, never the raw markup.
"""

from datetime import date
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.template import engines
from django.urls import reverse
from django.utils.html import escape

from nominations.forms import NominationForm, get_definition
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
        return NominationForm(definition, ranking_list=ranking_list)
    if state == "stored":
        return NominationForm(definition, ranking_list=ranking_list, stored=sample)
    if state == "hostile_stored":
        return NominationForm(definition, ranking_list=ranking_list, stored=_hostile_data(definition))
    data = {
        "complete": sample,
        "errors": {"name": sample["name"], "contact_phone": "12345", "contact_email": "not-an-email"},
        "hostile": _hostile_data(definition),
    }[state]
    form = NominationForm(definition, data=definition.to_post_data(data), complete=True, ranking_list=ranking_list)
    assert form.is_valid() == (state == "complete")
    return form


def _fields(form):
    """``(spec, BoundField)`` of every field the edit page shows, as ``NominationForm.sections()`` gives them."""
    for section in form.sections():
        for item in section["items"]:
            if "formset" in item:
                for sub in item["forms"]:
                    yield from ((pair["spec"], pair["bf"]) for pair in sub["fields"])
            else:
                yield item["spec"], item["bf"]


class Parsed(HTMLParser):
    """The elements of an HTML fragment as a browser sees them: tags with their (unescaped) attributes,
    and the text inside each ``<textarea>`` and ``<option>``."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self._open = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag in ("textarea", "option"):
            self._open.append(element)

    def handle_endtag(self, tag):
        if self._open and self._open[-1]["tag"] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self._open[-1]["text"] += data

    def ids(self):
        return {e["attrs"]["id"] for e in self.elements if e["attrs"].get("id")}

    def described_by(self):
        return [ref for e in self.elements for ref in (e["attrs"].get("aria-describedby") or "").split()]


FIELD_TAGS = {"div", "label", "span", "input", "textarea", "select", "option", "optgroup"}


def _entry_field(spec, bf):
    return (
        engines["django"]
        .from_string("{% load intake_tags %}{% nomination_field spec bf %}")
        .render({"spec": spec, "bf": bf})
    )


def _shown_value(parsed, bf):
    """What the field's widget shows: an input's value, a textarea's text (less the newline browsers drop)."""
    widget = next(e for e in parsed.elements if e["attrs"].get("name") == bf.html_name)
    if widget["tag"] == "textarea":
        return widget["text"].removeprefix("\n")
    if widget["tag"] == "select":
        return None  # a hostile value matches no option: nothing selected (the select test checks escaping)
    return widget["attrs"].get("value")


@pytest.mark.parametrize("state", ["hostile", "hostile_stored"])
@pytest.mark.parametrize("code", LISTS)
def test_a_hostile_value_comes_back_as_typed_and_never_as_markup(code, state):
    form = _form(code, state)
    checked = 0
    for spec, bf in _fields(form):
        parsed = Parsed(_entry_field(spec, bf))
        assert {e["tag"] for e in parsed.elements} <= FIELD_TAGS, spec.key
        names = {name for e in parsed.elements for name in e["attrs"]}
        assert not any(name.startswith("on") for name in names), (spec.key, names)
        typed = bf.value()
        shown = _shown_value(parsed, bf)
        if isinstance(typed, str) and typed in HOSTILE and shown is not None:
            # A textarea normalises line ends as browsers do; an input keeps the value as posted.
            assert shown in (typed, typed.replace("\r\n", "\n")), spec.key
            checked += 1
    assert checked >= len(form.definition.fields) // 2


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("code", LISTS)
def test_every_described_by_of_a_field_names_an_element_of_that_field(code, state):
    for spec, bf in _fields(_form(code, state)):
        parsed = Parsed(_entry_field(spec, bf))
        refs = parsed.described_by()
        assert set(refs) <= parsed.ids(), (spec.key, refs)
        if spec.help_text:
            assert f"{bf.auto_id}_helptext" in refs, spec.key
        if bf.errors:
            assert f"{bf.auto_id}_error" in refs, spec.key


def test_every_state_shows_what_it_should():
    """The cases above cover what they claim: selects, errors, hostile values and percent fields."""
    hostile = "".join(str(bf) for _spec, bf in _fields(_form("tech", "hostile")))
    assert "<select" in hostile and "is-invalid" in hostile and "&lt;script&gt;" in hostile
    assert "<script>" not in hostile
    errors = _form("tech", "errors")
    assert errors["contact_phone"].errors and errors["contact_email"].errors
    assert any(spec.kind == Kind.PERCENT for spec in get_definition("enterprise", 2023).fields)
    assert any(spec.is_repeat for spec in get_definition("manager", 2023).fields)


HOSTILE_VALUES = ["<b>\"'&amp;", "</textarea><script>alert(1)</script>", '" autofocus onfocus="alert(1)', "多\n行"]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
@pytest.mark.parametrize("widget_class", [fast.TextInput, fast.NumberInput, fast.EmailInput, fast.Textarea])
def test_a_widget_escapes_its_name_value_and_attributes(widget_class, value):
    widget = widget_class(attrs={"class": "base", "placeholder": '如 <1> & "2"'})
    html = widget.render("name<&>", value, attrs={"data-x": "<x y=1>&", "aria-describedby": "id_x_helptext"})
    (element,) = Parsed(html).elements
    attrs = element["attrs"]
    assert attrs["name"] == "name<&>" and attrs["data-x"] == "<x y=1>&" and attrs["placeholder"] == '如 <1> & "2"'
    assert attrs["aria-describedby"] == "id_x_helptext"
    assert not any(name.startswith("on") or name == "autofocus" for name in attrs)
    shown = element["text"].removeprefix("\n") if element["tag"] == "textarea" else attrs["value"]
    assert shown == value


@pytest.mark.parametrize("value", [None, date(2020, 5, 1), "2020-05-01", "<script>"])
def test_a_date_input_shows_its_value_escaped(value):
    widget = fast.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d")
    (element,) = Parsed(widget.render("founded", value)).elements
    expected = {None: None, "<script>": "<script>"}.get(value, "2020-05-01")
    assert element["tag"] == "input" and element["attrs"].get("value") == expected


def test_a_select_escapes_its_options_and_groups():
    choices = [("", "请选择…"), ("a", '<A & "a">'), ("组 <1>", [("b", "乙"), ("<&>", "<em>丙</em>")])]
    widget = fast.Select(attrs={"class": "form-select"}, choices=choices)
    parsed = Parsed(widget.render("x", "<&>", attrs={"id": "id_x", "aria-describedby": "id_x_helptext"}))
    assert [e["tag"] for e in parsed.elements] == ["select", "option", "option", "optgroup", "option", "option"]
    options = [
        (e["attrs"]["value"], e["text"], "selected" in e["attrs"]) for e in parsed.elements if e["tag"] == "option"
    ]
    assert options == [
        ("", "请选择…", False),
        ("a", '<A & "a">', False),
        ("b", "乙", False),
        ("<&>", "<em>丙</em>", True),
    ]
    assert parsed.elements[3]["attrs"]["label"] == "组 <1>"


@pytest.mark.django_db
@pytest.mark.parametrize("code", LISTS)
def test_every_described_by_on_the_edit_page_names_an_element_of_the_page(
    client, member_user, at_open, make_nomination, request, code
):
    ranking_list = request.getfixturevalue(code)
    definition = get_definition(code, 2023)
    entry = make_nomination(ranking_list=ranking_list)
    client.login(username=member_user.username, password=PASSWORD)
    url = reverse("member:edit", kwargs={"pk": entry.pk})

    parsed = Parsed(client.get(url).content.decode())
    refs = parsed.described_by()
    assert "id_contact_phone_helptext" in refs
    assert set(refs) <= parsed.ids()

    posted = form_post(definition, {**complete_data(code), "contact_phone": "12345"}, entry.version)
    response = client.post(url, posted)
    assert response.status_code == 400
    page = response.content.decode()
    parsed = Parsed(page)
    refs = parsed.described_by()
    assert "id_contact_phone_error" in refs
    assert set(refs) <= parsed.ids()
    error = page[page.index('id="id_contact_phone_error"') :]
    assert error[: error.index("</div></div>")].count("请输入有效的电话号码") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("code", LISTS)
def test_edit_page_shows_labels_and_escaped_values(client, member_user, at_open, make_nomination, request, code):
    ranking_list = request.getfixturevalue(code)
    definition = get_definition(code, 2023)
    data = complete_data(code, title="<script>alert(1)</script>")
    entry = make_nomination(ranking_list=ranking_list, title=data["name"], data=data)
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


@pytest.mark.parametrize("value", [*HOSTILE_VALUES, None])
@pytest.mark.parametrize(
    ("fast_class", "django_class"),
    [(fast.HiddenInput, "HiddenInput"), (fast.DateTimeInput, "DateTimeInput"), (fast.Textarea, "Textarea")],
)
def test_the_action_forms_widgets_render_as_django_templates_do(fast_class, django_class, value):
    """The secretariat's forms (notes, hidden action, fix-by time) render what Django's templates render."""
    from django import forms

    attrs = {"class": "form-control", "data-x": '<"&>'}
    expected = getattr(forms, django_class)(attrs=attrs).render("n<&>", value, attrs={"id": "i<"})
    assert fast_class(attrs=attrs).render("n<&>", value, attrs={"id": "i<"}) == expected


@pytest.mark.parametrize("posted", [None, "fail", '<"&>'])
def test_a_checklist_radio_renders_as_django_templates_do(posted):
    from django import forms

    choices = [("pass", "通过"), ("fail", '未<"通过">')]

    def radios(widget):
        form = type("F", (forms.Form,), {"item": forms.ChoiceField(choices=choices, widget=widget)})
        bound = form({"item": posted} if posted else None, auto_id="formal-%s")
        return [radio.tag() for radio in bound["item"]], str(bound["item"])

    attrs = {"class": "form-check-input"}
    assert radios(fast.RadioSelect(attrs=attrs)) == radios(forms.RadioSelect(attrs=attrs))
