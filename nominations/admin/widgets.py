"""Admin autocomplete widgets that survive a malformed posted id.

Django's ``AutocompleteSelect`` re-renders a refused form by looking up the posted ids
(``filter(pk__in=value)``); a posted ``"abc"`` or ``"1\\x00"`` then raises ``ValueError`` and the page
is a 500 instead of the form with its message. These widgets drop the ids that are not keys of the
related model before the lookup; the form field itself still refuses them with its message.
"""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, ManyToManyField
from django.http import HttpRequest


class _KeysOnly:
    def _is_key(self, value: Any) -> bool:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        try:
            target.to_python(value)
        except (ValidationError, ValueError, TypeError):
            return False
        return True

    def optgroups(self, name: str, value: list[Any], attr: dict[str, Any] | None = None) -> list[Any]:
        return super().optgroups(name, [v for v in value if v == "" or self._is_key(v)], attr)


class KeysOnlyAutocompleteSelect(_KeysOnly, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(_KeysOnly, AutocompleteSelectMultiple):
    pass


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline with ``autocomplete_fields``: the widgets above instead of Django's."""

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget.__class__ = KeysOnlyAutocompleteSelect
        return formfield

    def formfield_for_manytomany(
        self, db_field: ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is AutocompleteSelectMultiple:
            formfield.widget.__class__ = KeysOnlyAutocompleteSelectMultiple
        return formfield
