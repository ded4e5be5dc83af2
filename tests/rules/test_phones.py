"""The one phone rule: the entry form and the member import accept and refuse the same numbers."""

import pytest

from nominations.rules.phones import is_valid_phone, phone_error, split_phones


@pytest.mark.parametrize("typed", ["13812345678", "010-68767227", "（010）6876 7227转123", "+86 138 1234 5678"])
def test_typed_variants_of_a_valid_number_pass(typed):
    assert is_valid_phone(typed)
    assert phone_error(typed) is None


def test_a_cell_with_several_numbers_names_only_the_bad_one():
    assert split_phones("010-68767227/13801237788、12345") == ["010-68767227", "13801237788", "12345"]
    assert split_phones("010-68767227 13801237788") == ["010-68767227", "13801237788"]
    assert split_phones("138 1234 5678") == ["138 1234 5678"]
    message = phone_error("010-68767227/12345")
    assert message.startswith("联系电话格式不正确：12345。")
    assert "010-68767227，" not in message.split("。")[0]


def test_member_import_refuses_what_the_entry_form_refuses():
    # The import used to accept any run of digits and punctuation of 5 to 50 characters.
    assert phone_error("12345") and not is_valid_phone("12345")
    assert phone_error("") is None
