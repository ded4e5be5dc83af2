"""The form builder: a Django form (with a formset per repeating group) from a :class:`Definition`.

Two modes:

* draft (``complete=False``): nothing is required, but every value that is there must be well formed
  (a phone number, an e-mail, a credit code, a date, a number, a long text within its limit);
* complete (``complete=True``): also every required field, and at least ``min_items`` items of each
  repeating group. Submission and the workflow's completeness check use this mode.

Every message is Chinese and belongs to its field. The field of each kind is ``entry_fields.make_field``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms import formset_factory
from django.forms.formsets import BaseFormSet

from .entry_fields import make_field, to_json
from .kinds import Kind

if TYPE_CHECKING:  # types.py imports this module (Definition.validate builds an NominationForm)
    from nominations.models import RankingList

    from .types import Definition, Field


class _ItemFormSet(BaseFormSet):
    """Every item form may stay empty (no "initial" forms), so a draft can leave cases out."""

    def initial_form_count(self) -> int:
        return 0


def _item_form_class(spec: Field, complete: bool) -> type[forms.Form]:
    attrs = {sub.key: make_field(sub, complete=complete) for sub in spec.subfields}
    attrs["use_required_attribute"] = False
    return type(f"{spec.key.title()}ItemForm", (forms.Form,), attrs)


# Built once per process: definitions are static module-level objects, so the prototype fields and the
# formset classes of a (definition, mode, domain options) never change. Building them on every
# request cost about 2 ms of the edit page and of each autosave (the deadline rush, bench/rush.py).
# Each form instance gets deep copies, as Django does with ``base_fields``, so per-request changes
# (``is-invalid`` on a widget) never leak into the prototypes. Keys hold ``id(definition)`` and the
# values keep the definition alive, so an id is never reused for another definition.
_FIELDS_CACHE: dict[tuple, tuple[Definition, dict[str, forms.Field]]] = {}
_FORMSET_CACHE: dict[tuple, tuple[Definition, type[BaseFormSet]]] = {}


def _domain_options(definition: Definition, ranking_list: RankingList | None) -> tuple[tuple[str, str], ...] | None:
    if ranking_list is None or not any(spec.kind == Kind.DOMAIN for spec in definition.fields):
        return None
    if getattr(ranking_list, "pk", None) is None:  # a list that is not a row (the rendering tests)
        return tuple((d.code, d.name) for d in ranking_list.domains.all())
    # Cached per process until the domains change in the admin (nominations/campaign_cache.py).
    from nominations import campaign_cache  # inside: the models load after the forms package

    return campaign_cache.domain_options(ranking_list.pk)


def _prototype_fields(
    definition: Definition, complete: bool, ranking_list: RankingList | None
) -> dict[str, forms.Field]:
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


def _formset_class(definition: Definition, spec: Field, complete: bool) -> type[BaseFormSet]:
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


class NominationForm(forms.Form):
    """The application form of one definition, with a formset for each repeating group."""

    use_required_attribute = False  # a draft may be saved with required fields empty

    def __init__(
        self,
        definition: Definition,
        data: Any = None,
        *,
        complete: bool = False,
        ranking_list: RankingList | None = None,
        stored: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.definition = definition
        self.complete = complete
        stored = stored or {}
        plain = {f.key for f in definition.fields if not f.is_repeat}
        initial = {key: value for key, value in stored.items() if key in plain}
        super().__init__(data=data, initial=initial, **kwargs)
        self.formsets: dict[str, BaseFormSet] = {}
        prototypes = _prototype_fields(definition, complete, ranking_list)
        for spec in definition.fields:
            if spec.is_repeat:
                formset_class = _formset_class(definition, spec, complete)
                self.formsets[spec.key] = formset_class(
                    data=data, prefix=spec.key, initial=list(stored.get(spec.key) or []) or None
                )
                continue
            self.fields[spec.key] = copy.deepcopy(prototypes[spec.key])
        self._repeat_errors: dict[str, list[str]] = {}

    # ------------------------------------------------------------ validation

    def is_valid(self) -> bool:
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

    def _items(self, spec: Field) -> list[dict[str, Any]]:
        items = []
        for form in self.formsets[spec.key].forms:
            cleaned = getattr(form, "cleaned_data", None) or {}
            entry = {sub.key: to_json(cleaned.get(sub.key)) for sub in spec.subfields}
            if any(value not in (None, "") for value in entry.values()):
                items.append({k: ("" if v is None else v) for k, v in entry.items()})
        return items

    def cleaned_payload(self) -> dict[str, Any]:
        """The values to store in ``Nomination.data`` (call after ``is_valid()`` returned True)."""
        payload = {}
        for spec in self.definition.fields:
            if spec.is_repeat:
                payload[spec.key] = self._items(spec)
                continue
            value = self.cleaned_data.get(spec.key)
            payload[spec.key] = "" if value is None else to_json(value)
        return payload

    def valid_subset(self) -> tuple[dict[str, Any], list[str]]:
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

    def all_errors(self) -> dict[str, list[str]]:
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
                            messages.append(f"{spec.item_label or '第'}{index}：{message}")
                if messages:
                    result[spec.key] = messages
                continue
            if spec.key in self.errors:
                result[spec.key] = list(self.errors[spec.key])
        if self.non_field_errors():
            result["__all__"] = list(self.non_field_errors())
        return result

    def error_summary(self) -> list[tuple[str, str, str]]:
        """``[(label, anchor id, message)]`` for the summary at the top of the page."""
        rows = []
        for key, messages in self.all_errors().items():
            label = self.definition._label_of(key)
            for message in messages:
                rows.append((label, f"field-{key}", message))
        return rows

    # ------------------------------------------------------------ rendering

    def sections(self) -> list[dict[str, Any]]:
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


def _mark_invalid(field: forms.Field, errors: list[str] | None) -> None:
    css = field.widget.attrs.get("class", "")
    if errors and "is-invalid" not in css:
        field.widget.attrs["class"] = (css + " is-invalid").strip()
