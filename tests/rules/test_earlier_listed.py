"""The earlier-listed rule: the match for an entry, the one wording, and the decision for recommending."""

import pytest

from nominations.models import EarlierListedItem, ListCode, Nomination
from nominations.rules import earlier_listed

pytestmark = pytest.mark.django_db

WARNING = "疑似已入选2022年先导技术榜（“柔性电子多维感知及应用”，清华大学），原则上不再推荐。"
REFUSAL = WARNING + "如确需推荐，须在申报页面填写仍推荐的理由，理由将记入操作记录。"


@pytest.fixture
def item(campaign):
    return EarlierListedItem.objects.create(
        year=2022, list_code=ListCode.TECH, name="柔性电子多维感知及应用", unit="清华大学"
    )


def test_the_one_wording_names_year_list_item_and_unit(item):
    assert earlier_listed.warning(item) == WARNING
    assert earlier_listed.member_warning(item) == WARNING + "仍可提交，推荐单位秘书处将予以核实。"
    assert earlier_listed.warning(None) == earlier_listed.member_warning(None) == ""


def test_an_item_without_a_unit_names_only_the_item(campaign):
    item = EarlierListedItem.objects.create(year=2021, list_code=ListCode.ENTERPRISE, name="甲乙丙新材料有限公司")
    assert earlier_listed.warning(item) == "疑似已入选2021年新锐企业榜（“甲乙丙新材料有限公司”），原则上不再推荐。"


def test_an_unflagged_entry_may_be_recommended_without_a_reason():
    assert earlier_listed.check_recommend(Nomination()).allowed


def test_a_flagged_entry_needs_a_reason(item):
    decision = earlier_listed.check_recommend(Nomination(earlier_listed=item))
    assert not decision.allowed
    assert decision.reason == REFUSAL
    # Blank is no reason.
    assert earlier_listed.check_recommend(Nomination(earlier_listed=item), override_reason=" \n ").reason == REFUSAL


def test_a_reason_given_now_or_stored_before_lets_it_through(item):
    assert earlier_listed.check_recommend(Nomination(earlier_listed=item), override_reason="技术已迭代").allowed
    stored = Nomination(earlier_listed=item, override_reason="已核实:技术已迭代")
    assert earlier_listed.check_recommend(stored).allowed
    assert earlier_listed.override_reason_of(stored) == "已核实:技术已迭代"
    assert earlier_listed.override_reason_of(stored, "  新理由 ") == "新理由"


def test_the_override_note_carries_the_item_and_the_reason(item):
    assert earlier_listed.override_note(item, " 技术已迭代到第二代。 ") == (
        "历年入榜仍推荐：" + WARNING + "理由：技术已迭代到第二代。"
    )


def test_detect_is_scoped_to_the_entry_s_list_and_earlier_years(campaign, tech, enterprise):
    same_year = EarlierListedItem.objects.create(year=campaign.year, list_code=ListCode.TECH, name="今年的技术")
    older = EarlierListedItem.objects.create(year=2021, list_code=ListCode.ENTERPRISE, name="某新材料有限公司")
    EarlierListedItem.objects.create(year=2020, list_code=ListCode.TECH, name="某新材料有限公司")
    entry = Nomination(campaign=campaign, ranking_list=enterprise)
    # Items of the entry's own list are preferred; the campaign's own year is not "earlier".
    assert earlier_listed.detect(entry, "某新材料公司") == older
    assert earlier_listed.detect(Nomination(campaign=campaign, ranking_list=tech), same_year.name) is None
    assert earlier_listed.detect(entry, "", "") is None
