"""The public call page: everything the notice states, from the database, with today marked."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kczg_site import clock
from nominations.models import RankingList

BEIJING = ZoneInfo("Asia/Shanghai")
MID_COLLECTION = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
AFTER_MEMBER_DEADLINE = datetime(2023, 11, 25, 9, 0, tzinfo=BEIJING)

pytestmark = pytest.mark.django_db


def get_home(client, when=MID_COLLECTION):
    with time_machine.travel(when, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html):
    """The visible text, tags removed and whitespace collapsed (to find sentences split by markup)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_title_and_notice_reference(client, campaign):
    html = get_home(client)
    assert "2023年“科创中国”系列榜单" in html
    assert "科协办函创字〔2023〕78号" in html
    assert "科创中国系列榜单申报平台" in html


def test_every_list_and_domain_with_the_special_domain_marked(client, campaign):
    html = get_home(client)
    for name in ("先导技术榜", "新锐企业榜", "融通创新组织榜", "技术经理人先锋榜"):
        assert name in html
    for name in ("电子信息", "生物医药", "装备制造", "先进材料", "绿色低碳"):
        assert re.search(rf'<li class="domain">\s*{name}\s*</li>', html), name
    assert re.search(r'<li class="domain domain-special">\s*产业基础<span class="domain-kind">专项领域</span>', html)


def test_every_channel_and_the_pioneer_route(client, campaign):
    html = get_home(client)
    for name in (
        "全国学会、协会、研究会",
        "省、自治区、直辖市、副省级城市科协",
        "新疆生产建设兵团科协",
        "创新驱动示范市",
        "“科创中国”试点城市(园区)",
        "中央企业科协",
        "“科创中国”联合体成员单位",
        "其他有关单位",
    ):
        assert f"<li>{name}</li>" in html, name
    text = text_of(html)
    assert "仅限技术经理人先锋榜：2022年技术经理人先锋人物推举" in text


def test_quota_sentences(client, campaign):
    text = text_of(get_home(client))
    for sentence in (
        "先导技术榜每个领域各单位推荐不超过3个",
        "新锐企业榜各单位推荐不超过5个",
        "融通创新组织榜各单位推荐不超过2个",
        "技术经理人先锋榜各单位推荐不超过2人",
        "推荐单位同时属于多个推荐渠道的，可叠加推荐名额",
        "2022年入选的技术经理人先锋人物，每人可推荐1人",
        "入选历年“科创中国”系列榜单的项目原则上不再推荐",
    ):
        assert sentence in text, sentence


def test_quota_sentences_follow_the_data(client, campaign):
    RankingList.objects.filter(campaign=campaign, code="enterprise").update(channel_quota=7)
    campaign.channels.filter(is_pioneer_route=True).update(pioneer_quota=2)
    text = text_of(get_home(client))
    assert "新锐企业榜各单位推荐不超过7个" in text
    assert "每人可推荐2人" in text
    # The stacking table multiplies the data too: 7 × 3 channels.
    assert "21 个" in text


def test_timeline_dates_and_today(client, campaign):
    html = get_home(client)
    text = text_of(html)
    for date in (
        "2023年10月—11月30日",
        "2023年11月20日 17:00",
        "2023年11月30日 24:00",
        "2023年12月 初评评审",
        "2023年12月30日 24:00",
        "2024年1月 终评评审",
        "2024年2月 发布推介",
        "2023年10月—2024年4月",
    ):
        assert date in text, date
    assert "今天" in text
    assert "2023年11月15日 10:00" in text
    # Collection is the current phase; today sits between its start and the member deadline.
    assert re.search(r'timeline-phase is-current[^"]*">.*?组织征集', html, re.S)
    steps = timeline_text(html)
    order = [steps.index(s) for s in ("组织征集", "今天 2023年11月15日", "会员提交截止", "平台申报截止", "初评评审")]
    assert order == sorted(order)


def test_today_moves_after_the_member_deadline(client, campaign):
    steps = timeline_text(get_home(client, AFTER_MEMBER_DEADLINE))
    assert steps.index("会员提交截止") < steps.index("今天 2023年11月25日 09:00") < steps.index("平台申报截止")


def timeline_text(html):
    start = html.index('<ol class="timeline">')
    return text_of(html[start : html.index("</ol>", start)])


def countdown_deadlines(html):
    return re.findall(r'data-countdown data-deadline="([^"]+)" data-now="([^"]+)"', html)


def test_countdown_to_the_member_deadline(client, campaign):
    html = get_home(client)
    found = countdown_deadlines(html)
    assert found, "no countdown on the page"
    assert {deadline for deadline, _ in found} == {"2023-11-20T17:00:00+08:00"}
    assert {now for _, now in found} == {"2023-11-15T10:00:00+08:00"}
    # Rendered server-side too (5 days 7 hours), for browsers without JavaScript.
    assert re.search(r'data-unit="days">5<', html)
    assert re.search(r'data-unit="hours">07<', html)


def test_countdown_to_the_platform_deadline_after_the_member_deadline(client, campaign):
    found = countdown_deadlines(get_home(client, AFTER_MEMBER_DEADLINE))
    assert {deadline for deadline, _ in found} == {"2023-12-01T00:00:00+08:00"}
    assert "平台申报截止" in get_home(client, AFTER_MEMBER_DEADLINE)


def test_review_bodies_with_coverage_contacts_and_phone_links(client, campaign):
    html = get_home(client)
    text = text_of(html)
    assert "先导技术榜（装备制造领域、产业基础领域） 中国科协智能制造学会联合体" in text
    # 绿色低碳 has two bodies in one row.
    assert "先导技术榜（绿色低碳领域） 中国科协生态环境产学联合体 中国科协清洁能源学会联合体 马春萍" in text
    for name, contact, phones in (
        ("中国科协信息科技学会联合体", "郑伯龙", ("010-68767227", "13801237788")),
        ("中国科协生命科学学会联合体", "郭天欢", ("010-64803381", "13681129930")),
        ("中国科协智能制造学会联合体", "胡志强", ("010-68799039", "13161224687")),
        ("中国科协先进材料学会联合体", "丁波", ("010-65133925", "13911128844")),
        ("中国科协生态环境产学联合体", "马春萍", ("010-62219349", "15010954981")),
        ("“科创中国”联合体秘书处", "李娜", ("010-56057633", "18610016188")),
        ("北京市长城企业战略研究所", "章普", ("010-82000975-932", "15600777267")),
        ("国际技术转移协作网络", "李沐谦", ("010-84351699", "15801118942")),
    ):
        assert name in html and contact in html, name
        for phone in phones:
            assert f">{phone}</a>" in html, phone
    assert 'href="tel:01068767227"' in html
    assert 'href="tel:13801237788"' in html
    assert 'href="tel:01082000975,932"' in html  # an extension is dialled after a pause


def test_secretariat_contact(client, campaign):
    html = get_home(client)
    assert "李凤" in html
    assert 'href="tel:17801200960"' in html
    assert 'href="tel:01065124716"' in html
    assert 'href="mailto:jishujingjixuehui@vip.163.com"' in html


def test_login_call_to_action_for_visitors_and_dashboard_link_for_users(client, campaign, member_user):
    html = get_home(client)
    assert f'href="{reverse("login")}"' in html and "登录申报" in html
    client.force_login(member_user)
    html = get_home(client)
    assert "进入我的工作台" in html and "登录申报" not in html


def test_home_without_a_campaign(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "当前没有进行中的征集年度" in response.content.decode()
    assert "data-countdown" not in response.content.decode()


def test_home_query_count_is_bounded(client, campaign, django_assert_max_num_queries):
    with time_machine.travel(MID_COLLECTION, tick=False), django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_home_query_count_for_a_logged_in_user(client, campaign, secretariat_user, django_assert_max_num_queries):
    client.force_login(secretariat_user)
    with time_machine.travel(MID_COLLECTION, tick=False):
        client.get(reverse("home"))  # the process's cached campaign data (nominations/campaign_cache.py)
        with django_assert_max_num_queries(11):
            response = client.get(reverse("home"))
    assert response.status_code == 200


@pytest.fixture
def demo_clock(settings):
    settings.DEMO_CLOCK = True
    clock.forget()
    yield
    clock.forget()


def test_demo_banner_with_the_demo_clock(client, campaign, demo_clock):
    html = client.get(reverse("home")).content.decode()
    assert "演示模式：当前模拟时间" in text_of(html)
    assert "2023年11月15日 10:00" in html
    assert "（北京时间）" in html
    # The countdown runs on the simulated timeline.
    assert {d for d, _ in countdown_deadlines(html)} == {"2023-11-20T17:00:00+08:00"}
    assert {now[:16] for _, now in countdown_deadlines(html)} == {"2023-11-15T10:00"}


def test_no_demo_banner_without_the_demo_clock(client, campaign):
    assert "演示模式" not in get_home(client)


def test_demo_banner_links_staff_to_the_clock_admin(client, campaign, demo_clock, admin_user_):
    client.force_login(admin_user_)
    html = client.get(reverse("home")).content.decode()
    assert "演示模式" in html
    try:
        url = reverse("admin:nominations_democlock_changelist")
    except Exception:
        pytest.skip("DemoClock is not registered in the admin yet")
    assert f'href="{url}"' in html


def test_home_links_the_published_lists_of_each_year(client, campaign, platform_user):
    """Nothing before the first publication; then one line per year naming its published lists."""
    from reviews.models import Publication  # the review side's row; the home page reads it through a tag

    assert "榜单已发布" not in get_home(client)
    for code in ("tech", "enterprise"):
        Publication.objects.create(
            campaign=campaign,
            ranking_list=RankingList.objects.get(campaign=campaign, code=code),
            published_at=campaign.publication_start,
            published_by=platform_user,
        )
    page = get_home(client)
    assert "2023年榜单已发布：先导技术榜、新锐企业榜" in text_of(page)
    assert f'href="{reverse("publication:lists", args=[2023])}"' in page
