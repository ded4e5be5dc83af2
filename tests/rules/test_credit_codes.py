"""The unified social credit code (GB 32100-2015): length, charset and check character."""

import pytest

from nominations.rules.credit_codes import CHARSET, check_character, credit_code_error, is_valid_credit_code

VALID = ["91350100M000100Y43", "91110000802100433B"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert credit_code_error(code) is None
    assert is_valid_credit_code(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VALID)
def test_lower_case_and_surrounding_spaces_are_accepted(code):
    assert credit_code_error(code.lower()) is None
    assert credit_code_error(f"  {code} ") is None


@pytest.mark.parametrize("code", VALID)
def test_every_wrong_check_character_is_refused(code):
    for wrong in CHARSET:
        if wrong == code[17]:
            continue
        error = credit_code_error(code[:17] + wrong)
        assert error == "统一社会信用代码校验位不正确，请核对后重新输入。"


def test_a_changed_body_character_is_caught():
    code = VALID[0]
    changed = code[:5] + ("2" if code[5] != "2" else "3") + code[6:]
    assert "校验位" in credit_code_error(changed)


@pytest.mark.parametrize(
    ("code", "length"),
    [("", 0), ("9135010", 7), (VALID[0][:17], 17), (VALID[0] + "1", 19), (None, 0)],
)
def test_wrong_length(code, length):
    assert credit_code_error(code) == f"统一社会信用代码应为 18 位，当前为 {length} 位。"
    assert not is_valid_credit_code(code)


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters(letter):
    code = VALID[0][:8] + letter + VALID[0][9:]
    error = credit_code_error(code)
    assert error.startswith("统一社会信用代码含有无效字符：")
    assert letter in error
    assert "不使用 I、O、S、V、Z" in error
    assert credit_code_error(code.lower()) == error


def test_punctuation_is_an_invalid_character():
    error = credit_code_error("91350100M000100Y4-")
    assert "无效字符" in error and "-" in error


def test_charset_has_31_characters_without_the_forbidden_letters():
    assert len(CHARSET) == 31
    assert not set("IOSVZ") & set(CHARSET)
