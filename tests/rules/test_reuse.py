"""The reuse rule's pure part: patent and certificate numbers found in typed text, normalised, and the
one wording of the flag."""

import pytest

from nominations.rules import reuse
from nominations.rules.reuse import CERTIFICATE, PATENT, PUBLICATION, Number


def patents(text):
    return [number.value for number in reuse.patent_numbers(text)]


def certificates(text):
    return [number.value for number in reuse.certificate_numbers(text)]


def test_the_check_digit_is_the_cnipa_one():
    # 201710601862.3 and the pre-2004 97101765.4 and 95115608.X, as the office prints them.
    assert reuse.check_digit("201710601862") == "3"
    assert reuse.check_digit("97101765") == "4"
    assert reuse.check_digit("95115608") == "X"


@pytest.mark.parametrize(
    "typed",
    [
        "ZL201710601862.3",
        "ZL 201710601862.3",
        "ZL2017106018623",
        "ZL 2017 1 0601862.3",
        "专利号：ZL201710601862·3",
        "申请号201710601862.3",
        "CN201710601862.3",
        "ZL201710601862",  # the check digit left out: computed
        "ＺＬ２０１７１０６０１８６２．３",  # typed with a full-width keyboard
        "zl201710601862.3",
    ],
)
def test_one_patent_typed_in_many_ways_is_one_number(typed):
    assert reuse.patent_numbers(f"授权发明专利：{typed}，已实施。") == [Number(PATENT, "201710601862.3")]


def test_every_patent_of_a_paragraph_is_found_once_in_order():
    text = (
        "授权发明专利 3 项：一种柔性传感器的制备方法（ZL202110345678.3）、一种多维感知装置"
        "（ZL 202220567890.4）、ZL201710601862.3；另有申请中的发明专利 202321098765.4。"
        "重复列出：ZL202110345678.3。公开号 CN110123456A，授权公告号 CN 110123456 B。"
        "早期专利 ZL97101765.4。"
    )
    assert patents(text) == [
        "202110345678.3",
        "202220567890.4",
        "201710601862.3",
        "202321098765.4",
        "97101765.4",
        "CN110123456",
    ]
    kinds = {number.value: number.kind for number in reuse.patent_numbers(text)}
    assert kinds["CN110123456"] == PUBLICATION and kinds["97101765.4"] == PATENT


@pytest.mark.parametrize(
    "text",
    [
        "ZL201710601862.4",  # a wrong check digit: a typo, never "the same patent"
        "201710601862",  # twelve digits alone may be anything
        "2017106018623",
        "合同金额 12345678.5 万元",  # eight digits and a decimal: an amount
        "联系电话 13912345678，010-62345678",
        "统一社会信用代码 91110108MA01ABCD2X",
        "软件著作权登记号 2021SR0123456",
    ],
)
def test_what_is_not_a_patent_number(text):
    assert reuse.patent_numbers(text) == []


def test_certificate_numbers_after_their_keyword_normalised():
    assert certificates("技术经纪人证书（初级，编号：TJ-2020-00456），北京技术市场协会颁发") == ["TJ202000456"]
    assert certificates("技术转移专业人员能力等级证书（高级），证书编号为 JSZY2021000123") == ["JSZY2021000123"]
    assert certificates("证书号第3456789号") == ["3456789"]
    assert certificates("证书编号：ｊｓｚｙ－２０２１－０００１２３") == ["JSZY2021000123"]
    assert reuse.certificate_numbers("证书编号 JSZY2021000123") == [Number(CERTIFICATE, "JSZY2021000123")]


@pytest.mark.parametrize(
    "text",
    [
        "技术经纪人证书（初级）",  # no number typed
        "编号 12",  # too short
        "编号：ABCDEF",  # no digits
        "申报编号 KCZG-2023-000001",  # the platform's own entry number
        "专利编号：ZL201710601862.3",  # a patent number, found as one
    ],
)
def test_what_is_not_a_certificate_number(text):
    assert reuse.certificate_numbers(text) == []


def test_a_nominations_content_is_read_whole_repeated_items_included():
    data = {
        "name": "某技术经理人",
        "qualification": "技术转移专业人员能力等级证书（高级），证书编号：JSZY2021000123",
        "cases": [
            {"case_name": "柔性传感器技术许可", "summary": "许可专利 ZL202110345678.3 给三家企业。"},
            {"case_name": "多维感知装置转让", "summary": "转让专利ZL202110345678.3及ZL202220567890.4。"},
        ],
        "years": 8,
    }
    assert reuse.numbers_of(data) == [
        Number(CERTIFICATE, "JSZY2021000123"),
        Number(PATENT, "202110345678.3"),
        Number(PATENT, "202220567890.4"),
    ]
    assert reuse.numbers_of({}) == reuse.numbers_of(None) == []


def test_the_search_keys_survive_the_ways_a_number_is_typed():
    numbers = [
        Number(PATENT, "202110345678.3"),
        Number(PATENT, "97101765.4"),
        Number(PUBLICATION, "CN110123456"),
        Number(CERTIFICATE, "TJ202000456"),
    ]
    keys = reuse.search_keys(numbers)
    assert keys == {"0345678", "01765", "110123456", "000456"}
    for typed in ("ZL 2021 1 0345678.3", "ZL97 1 01765.4", "CN 110123456 B", "编号：TJ-2020-000456"):
        assert any(key in typed for key in keys), typed


def test_the_one_wording():
    assert reuse.LABEL == "疑似重复使用材料" and reuse.BADGE == "疑似重复"
    assert reuse.item_label(reuse.FILE, "营业执照.pdf") == "文件“营业执照.pdf”"
    assert reuse.item_label(PATENT, "202110345678.3") == "专利号（申请号）202110345678.3"
    assert reuse.item_label(PUBLICATION, "CN110123456") == "专利公开（公告）号 CN110123456"
    assert reuse.item_label(CERTIFICATE, "JSZY2021000123") == "证书编号 JSZY2021000123"
    assert reuse.hidden_nomination("KCZG-2023-000007") == "另一推荐单位的申报（编号 KCZG-2023-000007）"
    assert reuse.hidden_nomination("KCZG-2023-000008", pioneer=True) == "先锋人物推举的申报（编号 KCZG-2023-000008）"
    assert reuse.hidden_nomination("KCZG-2022-000003", earlier_year=2022) == "2022年入榜的申报（编号 KCZG-2022-000003）"
