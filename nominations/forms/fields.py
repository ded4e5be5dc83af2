"""Form fields for every value a staff or member action posts besides the entry form itself.

Every state-changing POST reads its input through a Django form built from these fields, so that
each value has a length limit and a Chinese message next to it:

* :class:`PlainTextField` is a one-line or multi-line text without control characters. Django's
  ``CharField`` already refuses NUL (PostgreSQL cannot store it); this field also refuses the other
  C0/C1 control characters (tab, line feed and carriage return stay allowed in notes) and names the
  offending character's position, in Chinese.
* :class:`NoteField` is the free-text note of an action (return, decline, withdraw, batch, review
  notes): at most :data:`NOTE_MAX_CHARS` characters, shown live by the 字 counter of ``intake.js``
  (``data-counter`` / ``data-max-chars``, the same attributes as the entry form's long texts).

A one-line field's limit counts characters as Django's ``max_length`` does; a note's limit counts
字 as the entry form's long texts do (see :class:`NoteField`).
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

from nominations.forms import widgets
from nominations.rules.text import count_chars

NOTE_MAX_CHARS = 2000
LINE_MAX_CHARS = 200

# Whitespace that a multi-line note may carry; everything else in Unicode category Cc is refused.
NOTE_ALLOWED_CONTROLS = frozenset("\t\n\r")


def control_character_error(value, allowed=frozenset()):
    """The Chinese message for the first control character in ``value``, or ``None``."""
    for position, ch in enumerate(value, start=1):
        if ch in allowed:
            continue
        if ch == "\x00":
            return f"内容含有空字符（NUL，第 {position} 个字符），请删除后再提交。"
        if unicodedata.category(ch) == "Cc":
            return f"内容含有不可见的控制字符（U+{ord(ch):04X}，第 {position} 个字符），请删除后再提交。"
    return None


class PlainTextField(forms.CharField):
    """A text without control characters, with a length limit and Chinese messages."""

    allowed_controls = frozenset()

    def __init__(self, *, max_length=LINE_MAX_CHARS, **kwargs):
        kwargs.setdefault("strip", True)
        super().__init__(max_length=max_length, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "required": "请填写此项。",
            "max_length": f"不超过 {max_length} 个字符，请精简后再提交。",
            "null_characters_not_allowed": "内容含有空字符（NUL），请删除后再提交。",
        }
        # Django's own NUL validator runs after ``to_python``; ours gives the position as well.
        self.validators = [v for v in self.validators if v.code != "null_characters_not_allowed"]

    def to_python(self, value):
        if isinstance(value, str):
            message = control_character_error(value, self.allowed_controls)
            if message:
                raise ValidationError(message, code="control_character")
        return super().to_python(value)


class NoteField(PlainTextField):
    """The free-text note of an action: multi-line, at most ``max_chars`` 字, with a live counter.

    The limit counts 字 as the entry form does (``rules.text.count_chars``: whitespace is free), so
    the browser counter and the server agree; ``max_length`` (twice that, in raw characters) only
    bounds what a note padded with whitespace may carry.
    """

    allowed_controls = NOTE_ALLOWED_CONTROLS

    def __init__(self, *, max_chars=NOTE_MAX_CHARS, label="说明", rows=3, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", widgets.Textarea(attrs={"rows": rows}))
        self.max_chars = max_chars
        super().__init__(max_length=2 * max_chars, label=label, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the 字 limit below is the one the user sees
        attrs.update({"data-counter": "1", "data-max-chars": str(self.max_chars)})
        return attrs

    def validate(self, value):
        super().validate(value)
        count = count_chars(value)
        if count > self.max_chars:
            raise ValidationError(
                f"{self.label}不超过 {self.max_chars} 字（不计空格和换行），当前 {count} 字，"
                f"请精简 {count - self.max_chars} 字。",
                code="max_chars",
            )


def first_error(form):
    """The first error message of a bound, invalid form (for a message or a 4xx body)."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return "提交的内容有误，请检查后重试。"
