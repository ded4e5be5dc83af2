"""The form builder: a Django form (with a formset per repeating group) from a :class:`Definition`.

Two modes:

* draft (``complete=False``): nothing is required, but every value that is there must be well formed
  (a phone number, an e-mail, a credit code, a date, a number, a long text within its limit);
* complete (``complete=True``): also every required field, and at least ``min_items`` items of each
  repeating group. Submission and the workflow's completeness check use this mode.

Every message is Chinese and belongs to its field.
"""

import copy
import re
import unicodedata
from datetime import date
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.forms.formsets import BaseFormSet

from kczg_site import clock
from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.phones import PHONE_MESSAGE, is_valid_phone, normalize_phone
from nominations.rules.text import count_chars, over_limit_message

from . import widgets
from .types import Kind

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def _nfkc(value):
    return unicodedata.normalize("NFKC", value or "").strip()


class PhoneField(forms.CharField):
    def to_python(self, value):
        return normalize_phone(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not is_valid_phone(value):
            raise ValidationError(PHONE_MESSAGE, code="invalid")


class CreditCodeField(forms.CharField):
    def to_python(self, value):
        return normalize_credit_code(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value:
            error = credit_code_error(value)
            if error:
                raise ValidationError(error, code="invalid")


class MonthField(forms.CharField):
    """A year and month, stored as ``YYYY-MM``; accepts 1985-06, 1985/6, 1985.06 and 1985年6月."""

    def to_python(self, value):
        text = _nfkc(super().to_python(value))
        if not text:
            return ""
        match = MONTH.match(text)
        if not match:
            raise ValidationError("请按“年-月”填写,如 1985-06。", code="invalid")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValidationError("月份应在 1–12 之间。", code="invalid")
        today = clock.localnow().date()
        if year < 1900 or (year, month) > (today.year, today.month):
            raise ValidationError("请填写有效的年月,且不晚于当前月份。", code="invalid")
        return f"{year:04d}-{month:02d}"


class MaxCharsValidator:
    def __init__(self, label, limit):
        self.label = label
        self.limit = limit

    def __call__(self, value):
        count = count_chars(value)
        if count > self.limit:
            raise ValidationError(over_limit_message(self.label, self.limit, count), code="max_chars")


def _not_in_future(label):
    def check(value):
        if value and value > clock.localnow().date():
            raise ValidationError(f"{label}不能晚于今天。", code="future")

    return check


def make_field(spec, *, complete, ranking_list=None):
    """The Django form field for one :class:`~nominations.forms.types.Field`."""
    required = bool(complete and spec.required)
    label = spec.label
    choose = spec.kind in (Kind.CHOICE, Kind.DOMAIN)
    messages = {"required": f"请{'选择' if choose else '填写'}{label}。"}
    common = {"label": label, "required": required, "help_text": spec.help_text, "error_messages": messages}
    attrs = {"class": "form-control"}
    if spec.placeholder:
        attrs["placeholder"] = spec.placeholder

    kind = spec.kind
    if kind == Kind.TEXT:
        messages["max_length"] = f"{label}不超过 {spec.max_length} 个字符。"
        return forms.CharField(max_length=spec.max_length, widget=widgets.TextInput(attrs=attrs), **common)
    if kind == Kind.LONGTEXT:
        attrs.update({"rows": 6, "data-max-chars": spec.max_chars or "", "data-counter": "1"})
        validators = [MaxCharsValidator(label, spec.max_chars)] if spec.max_chars else []
        return forms.CharField(widget=widgets.Textarea(attrs=attrs), validators=validators, **common)
    if kind in (Kind.CHOICE, Kind.DOMAIN):
        if kind == Kind.DOMAIN and ranking_list is not None:
            options = [(d.code, d.name) for d in ranking_list.domains.all()]
        else:
            options = list(spec.choices)
        if kind == Kind.DOMAIN and not options:
            return forms.CharField(widget=widgets.TextInput(attrs=attrs), **common)
        messages["invalid_choice"] = f"请从列表中选择{label}。"
        return forms.ChoiceField(
            choices=[("", "请选择…"), *options], widget=widgets.Select(attrs={"class": "form-select"}), **common
        )
    if kind == Kind.DATE:
        messages["invalid"] = f"请输入有效的{label},如 2020-05-01。"
        return forms.DateField(
            input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"],
            widget=widgets.DateInput(attrs={**attrs, "type": "date"}, format="%Y-%m-%d"),
            validators=[_not_in_future(label)],
            **common,
        )
    if kind == Kind.MONTH:
        return MonthField(widget=widgets.TextInput(attrs={**attrs, "placeholder": "如 1985-06"}), **common)
    if kind == Kind.INTEGER:
        messages.update(
            {"invalid": f"{label}请填写整数。", "min_value": f"{label}不能为负数。", "max_value": f"{label}数值过大。"}
        )
        return forms.IntegerField(
            min_value=0, max_value=10**9, widget=widgets.NumberInput(attrs={**attrs, "min": 0}), **common
        )
    if kind in (Kind.DECIMAL, Kind.PERCENT):
        upper = Decimal(100) if kind == Kind.PERCENT else Decimal(10) ** 12
        messages.update(
            {
                "invalid": f"{label}请填写数字,最多两位小数。",
                "max_decimal_places": f"{label}最多保留两位小数。",
                "max_digits": f"{label}数值过大。",
                "max_whole_digits": f"{label}数值过大。",
                "min_value": f"{label}不能为负数。",
                "max_value": f"{label}应在 0–100 之间。" if kind == Kind.PERCENT else f"{label}数值过大。",
            }
        )
        return forms.DecimalField(
            min_value=Decimal(0),
            max_value=upper,
            max_digits=16,
            decimal_places=2,
            widget=widgets.NumberInput(attrs={**attrs, "step": "0.01", "min": 0}),
            **common,
        )
    if kind == Kind.PHONE:
        return PhoneField(max_length=40, widget=widgets.TextInput(attrs={**attrs, "inputmode": "tel"}), **common)
    if kind == Kind.EMAIL:
        messages["invalid"] = "请输入有效的电子邮箱地址,如 name@example.com。"
        return forms.EmailField(max_length=200, widget=widgets.EmailInput(attrs=attrs), **common)
    if kind == Kind.CREDIT_CODE:
        return CreditCodeField(
            max_length=30,
            widget=widgets.TextInput(attrs={**attrs, "maxlength": 18, "autocapitalize": "characters"}),
            **common,
        )
    raise ValueError(f"No form field for kind {kind}")


def to_json(value):
    """A cleaned value as stored in ``Nomination.data``."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value


class _ItemFormSet(BaseFormSet):
    """Every item form may stay empty (no "initial" forms), so a draft can leave cases out."""

    def initial_form_count(self):
        return 0


def _item_form_class(spec, complete):
    attrs = {sub.key: make_field(sub, complete=complete) for sub in spec.subfields}
    attrs["use_required_attribute"] = False
    return type(f"{spec.key.title()}ItemForm", (forms.Form,), attrs)


# Built once per process: definitions are static module-level objects, so the prototype fields and the
# formset classes of a (definition, mode, domain options) never change. Building them on every
# request cost about 2 ms of the edit page and of each autosave (the deadline rush, bench/rush.py).
# Each form instance gets deep copies, as Django does with ``base_fields``, so per-request changes
# (``is-invalid`` on a widget) never leak into the prototypes. Keys hold ``id(definition)`` and the
# values keep the definition alive, so an id is never reused for another definition.
_FIELDS_CACHE = {}
_FORMSET_CACHE = {}


def _domain_options(definition, ranking_list):
    if ranking_list is None or not any(spec.kind == Kind.DOMAIN for spec in definition.fields):
        return None
    return tuple((d.code, d.name) for d in ranking_list.domains.all())


def _prototype_fields(definition, complete, ranking_list):
    """``{key: Field}`` of the plain (non-repeating) fields, built once per definition, mode and domains."""
    key = (id(definition), complete, _domain_options(definition, ranking_list))
    found = _FIELDS_CACHE.get(key)
    if found is None:
        fields = {
            spec.key: make_field(spec, complete=complete, ranking_list=ranking_list)
            for spec in definition.fields
            if not spec.is_repeat
        }
        found = _FIELDS_CACHE[key] = (definition, fields)
    return found[1]


def _formset_class(definition, spec, complete):
    key = (id(definition), spec.key, complete)
    found = _FORMSET_CACHE.get(key)
    if found is None:
        formset_class = formset_factory(
            _item_form_class(spec, complete),
            formset=_ItemFormSet,
            extra=spec.max_items,
            max_num=spec.max_items,
            absolute_max=spec.max_items,
        )
        found = _FORMSET_CACHE[key] = (definition, formset_class)
    return found[1]


class EntryForm(forms.Form):
    """The application form of one definition, with a formset for each repeating group."""

    use_required_attribute = False  # a draft may be saved with required fields empty

    def __init__(self, definition, data=None, *, complete=False, ranking_list=None, stored=None, **kwargs):
        self.definition = definition
        self.complete = complete
        stored = stored or {}
        plain = {f.key for f in definition.fields if not f.is_repeat}
        initial = {key: value for key, value in stored.items() if key in plain}
        super().__init__(data=data, initial=initial, **kwargs)
        self.formsets = {}
        prototypes = _prototype_fields(definition, complete, ranking_list)
        for spec in definition.fields:
            if spec.is_repeat:
                formset_class = _formset_class(definition, spec, complete)
                self.formsets[spec.key] = formset_class(
                    data=data, prefix=spec.key, initial=list(stored.get(spec.key) or []) or None
                )
                continue
            self.fields[spec.key] = copy.deepcopy(prototypes[spec.key])
        self._repeat_errors = {}

    # ------------------------------------------------------------ validation

    def is_valid(self):
        valid = super().is_valid()
        self._repeat_errors = {}
        for spec in self.definition.repeats:
            formset = self.formsets[spec.key]
            if not formset.is_valid():
                valid = False
                continue
            filled = len(self._items(spec))
            if self.complete and spec.required and filled < spec.min_items:
                self._repeat_errors[spec.key] = [f"请至少填写 {spec.min_items} 个{spec.item_label or spec.label}。"]
                valid = False
        return valid

    def _items(self, spec):
        items = []
        for form in self.formsets[spec.key].forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            entry = {sub.key: to_json(cleaned.get(sub.key)) for sub in spec.subfields}
            if any(value not in (None, "") for value in entry.values()):
                items.append({k: ("" if v is None else v) for k, v in entry.items()})
        return items

    def cleaned_payload(self):
        """The values to store in ``Nomination.data`` (call after ``is_valid()`` returned True)."""
        payload = {}
        for spec in self.definition.fields:
            if spec.is_repeat:
                payload[spec.key] = self._items(spec)
                continue
            value = self.cleaned_data.get(spec.key)
            payload[spec.key] = "" if value is None else to_json(value)
        return payload

    def valid_subset(self):
        """The well-formed values only (for autosave, which keeps the stored value of a malformed field).

        Call after ``is_valid()``. Returns ``(payload, bad_keys)``.
        """
        payload = {}
        bad = []
        for spec in self.definition.fields:
            if spec.is_repeat:
                formset = self.formsets[spec.key]
                if all(not form.errors for form in formset.forms) and not formset.non_form_errors():
                    payload[spec.key] = self._items(spec)
                else:
                    bad.append(spec.key)
                continue
            if spec.key in self.errors:
                bad.append(spec.key)
                continue
            value = self.cleaned_data.get(spec.key)
            payload[spec.key] = "" if value is None else to_json(value)
        return payload, bad

    def all_errors(self):
        """``{key: [message, ...]}`` for every field, repeating groups included, in form order."""
        result = {}
        for spec in self.definition.fields:
            if spec.is_repeat:
                messages = list(self._repeat_errors.get(spec.key, []))
                formset = self.formsets[spec.key]
                messages.extend(formset.non_form_errors())
                for index, form in enumerate(formset.forms, start=1):
                    for sub in spec.subfields:
                        for message in form.errors.get(sub.key, []):
                            messages.append(f"{spec.item_label or '第'}{index}:{message}")
                if messages:
                    result[spec.key] = messages
                continue
            if spec.key in self.errors:
                result[spec.key] = list(self.errors[spec.key])
        if self.non_field_errors():
            result["__all__"] = list(self.non_field_errors())
        return result

    def error_summary(self):
        """``[(label, anchor id, message)]`` for the summary at the top of the page."""
        rows = []
        for key, messages in self.all_errors().items():
            label = self.definition._label_of(key)
            for message in messages:
                rows.append((label, f"field-{key}", message))
        return rows

    # ------------------------------------------------------------ rendering

    def sections(self):
        """Sections for the template: ``[{"title", "items": [{"spec", "bf" | "formset", "errors"}]}]``."""
        result = []
        for section in self.definition.sections:
            items = []
            for spec in section.fields:
                if spec.is_repeat:
                    formset = self.formsets[spec.key]
                    forms_ = []
                    for index, form in enumerate(formset.forms, start=1):
                        for name, bound in form.fields.items():
                            _mark_invalid(bound, form.errors.get(name))
                        forms_.append(
                            {
                                "index": index,
                                "filled": any(str(form[s.key].value() or "").strip() for s in spec.subfields),
                                "fields": [{"spec": sub, "bf": form[sub.key]} for sub in spec.subfields],
                            }
                        )
                    items.append(
                        {
                            "spec": spec,
                            "formset": formset,
                            "forms": forms_,
                            "errors": list(self._repeat_errors.get(spec.key, [])) + list(formset.non_form_errors()),
                        }
                    )
                    continue
                _mark_invalid(self.fields[spec.key], self.errors.get(spec.key) if self.is_bound else None)
                items.append({"spec": spec, "bf": self[spec.key]})
            result.append({"title": section.title, "items": items})
        return result


def _mark_invalid(field, errors):
    css = field.widget.attrs.get("class", "")
    if errors and "is-invalid" not in css:
        field.widget.attrs["class"] = (css + " is-invalid").strip()
