"""Building blocks of the review forms: a bounded id choice and a note with the page's CSS class."""

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from nominations.batch import parse_id
from nominations.forms.fields import NoteField, control_character_error


def note(
    label: str, *, max_chars: int | None = None, rows: int = 2, required: bool = False, compact: bool = False
) -> NoteField:
    """A :class:`NoteField` rendered as the review pages' Bootstrap textarea.

    ``compact``: the one-row box of a table row, labelled by its placeholder.
    """
    kwargs = {"max_chars": max_chars} if max_chars else {}
    attrs = {"rows": rows, "class": "form-control form-control-sm" if compact else "form-control"}
    if compact:
        attrs.update({"placeholder": label, "aria-label": label})
    return NoteField(label=label, rows=rows, required=required, widget=forms.Textarea(attrs=attrs), **kwargs)


class IdChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` that refuses anything but a short run of ASCII digits before the query.

    ``"abc"``, ``"²"``, a NUL or a 40-digit number is "not a choice", in Chinese, never a database error.
    """

    def __init__(self, queryset: QuerySet, *, label: str, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Select(attrs={"class": "form-select"}))
        super().__init__(queryset, label=label, **kwargs)
        self.error_messages = {**self.error_messages, "required": message, "invalid_choice": message}

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class PlainDateTimeField(forms.DateTimeField):
    """A date and time that refuses control characters (Django's parser lets a trailing NUL through)."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str) and control_character_error(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class ConfirmForm(forms.Form):
    """The second click after a preview: ``confirm=1`` does the action; without it the preview is shown.

    A value other than ``1`` is not a confirmation (the preview again), never an error page.
    """

    confirm = forms.ChoiceField(choices=[("1", "确认")], required=False, widget=forms.HiddenInput)

    @property
    def confirmed(self) -> bool:
        return self.is_valid() and self.cleaned_data["confirm"] == "1"
