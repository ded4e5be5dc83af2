import pytest

from nominations.rules.credit_codes import credit_code_error
from nominations.rules.duplicates import find_earlier_listed, normalize_name


def test_credit_code_check_character():
    assert credit_code_error("91350100M000100Y43") is None
    assert "校验位" in credit_code_error("91350100M000100Y44")


def test_bracket_variants_normalise_alike():
    assert normalize_name("卡奥斯工业智能研究院（青岛）有限公司") == normalize_name(
        "卡奥斯工业智能研究院(青岛)有限公司"
    )


@pytest.mark.django_db
def test_earlier_listed_found_by_variant(campaign):
    item = find_earlier_listed("卡奥斯工业智能研究院 （青岛） 有限责任公司", list_code="enterprise")
    assert item is not None and item.year == 2022
