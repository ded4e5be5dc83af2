"""Earlier listed items: names are normalised on both sides before matching."""

import pytest

from nominations.models import EarlierListedItem
from nominations.rules.credit_codes import normalize_credit_code
from nominations.rules.duplicates import find_earlier_listed, normalize_name

pytestmark = pytest.mark.django_db

# (variant as a member might type it, seeded name it must match, year)
VARIANTS = [
    ("卡奥斯工业智能研究院（青岛）有限公司", "卡奥斯工业智能研究院(青岛)有限公司", 2022),
    ("卡奥斯工业智能研究院 (青岛) 有限公司", "卡奥斯工业智能研究院(青岛)有限公司", 2022),
    ("卡奥斯工业智能研究院【青岛】有限责任公司", "卡奥斯工业智能研究院(青岛)有限公司", 2022),
    ("卡奥斯工业智能研究院(青岛)股份有限公司", "卡奥斯工业智能研究院(青岛)有限公司", 2022),
    ("青岛琛蓝健康产业集团有限责任公司", "青岛琛蓝健康产业集团有限公司", 2022),
    ("青岛琛蓝健康产业集团股份有限公司", "青岛琛蓝健康产业集团有限公司", 2022),
    ("青岛琛蓝健康产业集团", "青岛琛蓝健康产业集团有限公司", 2022),
    ("　青岛　国数信息科技有限公司　", "青岛国数信息科技有限公司", 2022),
    ("海创汇科技创业发展有限公司", "海创汇科技创业发展股份有限公司", 2022),
    ("西安蓝极医疗电子科技公司", "西安蓝极医疗电子科技有限公司", 2023),
    ("陕西氢易能源科技有限公司\n", "陕西氢易能源科技有限公司", 2023),
    ("秦岭·西电遥感脑:遥感预训练大模型", "秦岭·西电遥感脑:遥感预训练大模型", 2023),
    ("秦岭・西电遥感脑：遥感预训练大模型", "秦岭·西电遥感脑:遥感预训练大模型", 2023),
    ("秦岭 西电遥感脑 遥感预训练大模型", "秦岭·西电遥感脑:遥感预训练大模型", 2023),
    ("秦岭西电遥感脑——遥感预训练大模型", "秦岭·西电遥感脑:遥感预训练大模型", 2023),
    ("“国际首创生物涂层融合器及匹配式人工椎体研发”", "国际首创生物涂层融合器及匹配式人工椎体研发", 2023),
    ("动力电池正极材料无钴突破性技术。", "动力电池正极材料无钴突破性技术", 2021),
    ("柔性电子 多维感知及应用", "柔性电子多维感知及应用", 2020),
    ("大长径比纳米探针可控制备技术", "大长径比纳米探针可控制备技术", 2020),
]
UNRELATED = [
    "卡奥斯工业智能研究院(北京)有限公司",
    "青岛琛蓝健康产业有限公司",
    "西安蓝极医疗科技有限公司",
    "柔性电子多维感知",
    "遥感预训练大模型",
    "有限公司",
    "某某科技有限公司",
]


@pytest.mark.parametrize(("variant", "seeded", "year"), VARIANTS)
def test_variants_match_the_seeded_items(campaign, variant, seeded, year):
    assert normalize_name(variant) == normalize_name(seeded)
    item = find_earlier_listed(variant)
    assert item is not None
    assert item.name == seeded
    assert item.year == year


@pytest.mark.parametrize("name", UNRELATED)
def test_unrelated_names_do_not_match(campaign, name):
    assert find_earlier_listed(name) is None


def test_full_width_letters_and_digits_normalise(campaign):
    assert normalize_name("ＡＢＣ科技１号有限公司") == normalize_name("abc科技1号公司") == "abc科技1号"


def test_empty_names_match_nothing(campaign):
    assert normalize_name("") == ""
    assert normalize_name(None) == ""
    assert find_earlier_listed("", "") is None
    assert find_earlier_listed("  ·  ") is None


def test_only_a_company_form_is_kept():
    # A name that is nothing but a company form is not emptied.
    assert normalize_name("有限公司") == "有限公司"


def test_credit_code_match(campaign):
    item = EarlierListedItem.objects.create(
        year=2022, list_code="enterprise", name="某新锐企业有限公司", credit_code="91350100M000100Y43"
    )
    assert find_earlier_listed("改了名字的企业", "91350100M000100Y43") == item
    assert find_earlier_listed("", "91350100m000100y43 ") == item
    assert find_earlier_listed("改了名字的企业", "91110000802100433B") is None
    assert normalize_credit_code(" 91350100m000100y43") == "91350100M000100Y43"


def test_a_lower_case_stored_code_still_matches(campaign):
    item = EarlierListedItem.objects.create(
        year=2021, list_code="enterprise", name="另一企业有限公司", credit_code="91110000802100433b"
    )
    assert find_earlier_listed("", "91110000802100433B") == item


def test_the_same_list_is_preferred(campaign):
    EarlierListedItem.objects.create(year=2023, list_code="organization", name="青岛国数信息科技有限公司")
    assert find_earlier_listed("青岛国数信息科技有限公司", list_code="enterprise").list_code == "enterprise"
    assert find_earlier_listed("青岛国数信息科技有限公司", list_code="organization").list_code == "organization"
    # Without a list, the most recent year comes first.
    assert find_earlier_listed("青岛国数信息科技有限公司").year == 2023


def test_before_year_excludes_later_items(campaign):
    assert find_earlier_listed("陕西氢易能源科技有限公司", before_year=2023) is None
    assert find_earlier_listed("陕西氢易能源科技有限公司", before_year=2024).year == 2023
    assert find_earlier_listed("青岛国数信息科技有限公司", before_year=2023).year == 2022


def test_saving_an_item_stores_its_normalised_name(campaign):
    item = EarlierListedItem.objects.create(year=2019, list_code="enterprise", name="示例（上海）股份有限公司")
    assert item.normalized_name == "示例上海"
