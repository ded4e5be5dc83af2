"""The shared fields of action forms: control characters, NUL and the 字 limit, in Chinese."""

import pytest
from django import forms

from nominations.forms.fields import NOTE_MAX_CHARS, NoteField, PlainTextField


class ActionForm(forms.Form):
    note = NoteField(label="退回说明")
    name = PlainTextField(label="名称", required=False, max_length=20)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"note": "请补充\x00附件"}, "note", "内容含有空字符（NUL，第 4 个字符）"),
        ({"note": "响铃\x07"}, "note", "控制字符（U+0007，第 3 个字符）"),
        ({"note": "\x85下一行"}, "note", "U+0085"),
        ({"note": "好" * (NOTE_MAX_CHARS + 1)}, "note", "退回说明不超过 2000 字（不计空格和换行），当前 2001 字"),
        ({"note": "x", "name": "制表\t符"}, "name", "U+0009"),
        ({"note": "x", "name": "长" * 21}, "name", "不超过 20 个字符"),
    ],
)
def test_bad_values_are_refused_with_a_chinese_message(data, field, message):
    form = ActionForm(data)
    assert not form.is_valid()
    assert message in form.errors[field][0]


def test_a_note_keeps_line_breaks_and_whitespace_does_not_count():
    note = "第一行\r\n第二行\t缩进" + " " * 3000
    form = ActionForm({"note": "好" * NOTE_MAX_CHARS + "\n" + note[:10]})
    assert not form.is_valid()  # 2000 字 plus the next lines' 字
    form = ActionForm({"note": "好" * (NOTE_MAX_CHARS - 10) + "\n第二行\t缩进"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["note"].endswith("第二行\t缩进")


def test_the_note_widget_carries_the_live_counter():
    html = str(ActionForm()["note"])
    assert 'data-counter="1"' in html
    assert 'data-max-chars="2000"' in html
    assert "maxlength" not in html
