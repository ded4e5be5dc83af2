"""The 2023 campaign as the notice states it (fixtures/campaign_2023.json, loaded by load_campaign)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nominations.campaign_data import load_campaign
from nominations.models import (
    Campaign,
    Channel,
    Domain,
    DomainKind,
    EarlierListedItem,
    FormalCheckItem,
    RankingList,
    UnconfirmedUnits,
)
from reviews.models import ReviewBody, ReviewCoverage
from tests.conftest import CAMPAIGN_FILE

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")

# Every row of section 五 of the notice: (list, domains, body, contact, office phone, mobile).
NOTICE_REVIEW_ROWS = [
    ("tech", ["电子信息"], "中国科协信息科技学会联合体", "郑伯龙", "010-68767227", "13801237788"),
    ("tech", ["生物医药"], "中国科协生命科学学会联合体", "郭天欢", "010-64803381", "13681129930"),
    ("tech", ["装备制造", "产业基础"], "中国科协智能制造学会联合体", "胡志强", "010-68799039", "13161224687"),
    ("tech", ["先进材料"], "中国科协先进材料学会联合体", "丁波", "010-65133925", "13911128844"),
    ("tech", ["绿色低碳"], "中国科协生态环境产学联合体", "马春萍", "010-62219349", "15010954981"),
    ("tech", ["绿色低碳"], "中国科协清洁能源学会联合体", "马春萍", "010-62219349", "15010954981"),
    ("enterprise", [], "“科创中国”联合体秘书处", "李娜", "010-56057633", "18610016188"),
    ("organization", [], "北京市长城企业战略研究所", "章普", "010-82000975-932", "15600777267"),
    ("manager", [], "国际技术转移协作网络", "李沐谦", "010-84351699", "15801118942"),
]


def beijing(*args):
    return datetime(*args, tzinfo=BEIJING)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Campaign,
            RankingList,
            Domain,
            Channel,
            ReviewBody,
            ReviewCoverage,
            EarlierListedItem,
            FormalCheckItem,
        )
    } | {"channel_lists": Channel.lists.through.objects.count()}


def test_four_lists_with_caps(campaign):
    lists = list(RankingList.objects.filter(campaign=campaign).order_by("order"))
    assert [(lst.code, lst.name, lst.channel_quota, lst.member_cap) for lst in lists] == [
        ("tech", "先导技术榜", 3, 3),
        ("enterprise", "新锐企业榜", 5, 5),
        ("organization", "融通创新组织榜", 2, 2),
        ("manager", "技术经理人先锋榜", 2, 2),
    ]
    assert [lst.code for lst in lists if lst.capped_per_domain] == ["tech"]
    assert [lst.code for lst in lists if lst.nominee_is_person] == ["manager"]
    assert RankingList.objects.get(campaign=campaign, code="manager").unit_label == "人"


def test_six_domains_in_order(tech):
    domains = list(tech.domains.order_by("order"))
    assert [d.name for d in domains] == ["电子信息", "生物医药", "装备制造", "先进材料", "绿色低碳", "产业基础"]
    assert [d.kind for d in domains] == [DomainKind.INDUSTRY] * 5 + [DomainKind.SPECIAL]
    assert Domain.objects.filter(ranking_list__campaign=tech.campaign).count() == 6


def test_eight_general_channels_and_the_pioneer_route(campaign):
    channels = list(Channel.objects.filter(campaign=campaign).order_by("order").prefetch_related("lists"))
    general = [c for c in channels if not c.is_pioneer_route]
    assert [c.name for c in general] == [
        "全国学会、协会、研究会",
        "省、自治区、直辖市、副省级城市科协",
        "新疆生产建设兵团科协",
        "创新驱动示范市",
        "“科创中国”试点城市(园区)",
        "中央企业科协",
        "“科创中国”联合体成员单位",
        "其他有关单位",
    ]
    for channel in general:
        assert sorted(lst.code for lst in channel.lists.all()) == ["enterprise", "manager", "organization", "tech"]
    (route,) = [c for c in channels if c.is_pioneer_route]
    assert [lst.code for lst in route.lists.all()] == ["manager"]
    assert route.pioneer_quota == 1


def test_every_review_body_row_of_the_notice(campaign):
    assert ReviewBody.objects.filter(campaign=campaign).count() == len(NOTICE_REVIEW_ROWS)
    for list_code, domain_names, name, contact, office, mobile in NOTICE_REVIEW_ROWS:
        body = ReviewBody.objects.get(campaign=campaign, name=name)
        assert body.contact_name == contact
        assert body.phone_list == [office, mobile]
        covered = [(c.ranking_list.code, c.domain.name if c.domain_id else None) for c in body.coverages.all()]
        assert covered == [(list_code, d) for d in domain_names] or covered == [(list_code, None)]


def test_green_has_two_bodies_and_equipment_shares_one_with_foundation(tech):
    green = ReviewCoverage.objects.filter(domain__ranking_list=tech, domain__code="green")
    assert sorted(c.body.name for c in green) == ["中国科协清洁能源学会联合体", "中国科协生态环境产学联合体"]
    equipment = ReviewCoverage.objects.get(domain__ranking_list=tech, domain__code="equipment").body
    foundation = ReviewCoverage.objects.get(domain__ranking_list=tech, domain__code="foundation").body
    assert equipment == foundation
    assert equipment.name == "中国科协智能制造学会联合体"
    # Every domain and every list is covered by at least one body.
    for domain in tech.domains.all():
        assert ReviewCoverage.objects.filter(domain=domain).exists()
    for code in ("enterprise", "organization", "manager"):
        assert ReviewCoverage.objects.filter(ranking_list__code=code, domain=None).count() == 1


def test_campaign_dates_as_stored(campaign):
    assert campaign.year == 2023
    assert campaign.collection_start == beijing(2023, 10, 1)
    assert campaign.member_deadline == beijing(2023, 11, 20, 17)
    # "2023年11月30日24时" is stored as the next day's 00:00 Beijing time.
    assert campaign.platform_deadline == beijing(2023, 12, 1)
    assert campaign.initial_review_start == beijing(2023, 12, 1)
    assert campaign.initial_review_deadline == beijing(2023, 12, 31)
    assert campaign.final_review_start == beijing(2024, 1, 1)
    assert campaign.final_review_end == beijing(2024, 2, 1)
    assert campaign.publication_start == beijing(2024, 2, 1)
    assert campaign.publication_end == beijing(2024, 3, 1)
    assert campaign.promotion_start == beijing(2023, 10, 1)
    assert campaign.promotion_end == beijing(2024, 5, 1)
    assert campaign.is_active


def test_dates_are_aware_and_read_back_from_the_database_in_utc(campaign):
    stored = Campaign.objects.get(pk=campaign.pk)
    assert stored.member_deadline.utcoffset().total_seconds() == 0
    assert stored.member_deadline == datetime.fromisoformat("2023-11-20T09:00:00+00:00")
    assert stored.platform_deadline == datetime.fromisoformat("2023-11-30T16:00:00+00:00")


def test_the_secretariat_contact(campaign):
    assert campaign.organizer == "中国技术经济学会"
    assert campaign.organizer_contact == "李凤"
    assert campaign.organizer_phones.split("/") == ["17801200960", "01065124716"]
    assert campaign.organizer_email == "jishujingjixuehui@vip.163.com"
    assert "科协办函创字〔2023〕78号" in campaign.notice_ref
    assert campaign.platform_url == "ranking.kczg.cloud"


def test_eleven_earlier_listed_items(campaign):
    items = EarlierListedItem.objects.all()
    assert items.count() == 11
    by_year = {year: items.filter(year=year).count() for year in (2020, 2021, 2022, 2023)}
    assert by_year == {2020: 2, 2021: 1, 2022: 4, 2023: 4}
    cobalt = items.get(year=2021)
    assert (cobalt.list_code, cobalt.domain_name, cobalt.unit) == ("tech", "先进材料", "蜂巢能源科技有限公司")
    assert all(item.normalized_name for item in items)


def test_the_formal_review_checklist_for_every_list(campaign):
    items = FormalCheckItem.objects.filter(campaign=campaign).order_by("order")
    assert [(item.label, item.ranking_list_id) for item in items] == [
        ("材料齐全", None),
        ("签字盖章齐全", None),
        ("单位名称与公章一致", None),
        ("附件清晰可辨", None),
        ("信息与附件一致", None),
        ("无重复使用他项成果", None),
    ]
    assert all(item.description for item in items)


def test_loading_twice_changes_no_counts(campaign):
    before = counts()
    again = load_campaign(CAMPAIGN_FILE)
    assert again.pk == campaign.pk
    assert counts() == before
    assert before == {
        "Campaign": 1,
        "RankingList": 4,
        "Domain": 6,
        "Channel": 9,
        "ReviewBody": 9,
        "ReviewCoverage": 10,
        "EarlierListedItem": 11,
        "FormalCheckItem": 6,
        "channel_lists": 8 * 4 + 1,
    }


def test_loading_repairs_an_edited_row(campaign):
    RankingList.objects.filter(campaign=campaign, code="enterprise").update(channel_quota=9, member_cap=8)
    load_campaign(CAMPAIGN_FILE)
    enterprise = RankingList.objects.get(campaign=campaign, code="enterprise")
    assert (enterprise.channel_quota, enterprise.member_cap) == (5, 5)


def test_what_becomes_of_unconfirmed_units_is_campaign_data(campaign, tmp_path):
    assert campaign.unconfirmed_units == UnconfirmedUnits.DECIDE
    data = json.loads(CAMPAIGN_FILE.read_text(encoding="utf-8"))
    data["campaign"]["unconfirmed_units"] = "include"
    path = tmp_path / "campaign.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_campaign(path).unconfirmed_units == UnconfirmedUnits.INCLUDE
    data["campaign"]["unconfirmed_units"] = "maybe"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="unconfirmed_units must be one of decide, include, exclude"):
        load_campaign(path)
