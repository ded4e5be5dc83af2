"""The inbox: filters, search, sorting, pagination, bounded queries, and one unit never seeing another's."""

import pytest
from django.urls import reverse

from nominations.models import EarlierListedItem, ListCode, State
from tests.factories import MemberUnitFactory


def _titles(response):
    return [n.title for n in response.context["page"].object_list]


def test_inbox_shows_only_own_units_entries_and_no_drafts(
    client, secretariat_user, make_nomination, tech, other_member_unit
):
    mine = make_nomination(title="本单位申报")
    make_nomination(state=State.DRAFT, title="草稿不可见")
    make_nomination(member_unit=other_member_unit, title="他单位申报")
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:inbox"))
    assert _titles(response) == [mine.title]


def test_filters_search_and_sorting(client, secretariat_user, make_nomination, enterprise, biomedicine, society):
    other_member = MemberUnitFactory(recommending_unit=society, name="第二会员公司")
    item = EarlierListedItem.objects.create(year=2022, list_code=ListCode.ENTERPRISE, name="老牌公司")
    a = make_nomination(title="甲技术")
    b = make_nomination(title="乙技术", domain=biomedicine, state=State.ACCEPTED)
    c = make_nomination(title="丙企业", ranking_list=enterprise, member_unit=other_member, earlier_listed=item)
    client.force_login(secretariat_user)
    url = reverse("secretariat:inbox")
    assert set(_titles(client.get(url, {"ranking_list": enterprise.pk}))) == {c.title}
    assert set(_titles(client.get(url, {"domain": biomedicine.pk}))) == {b.title}
    assert set(_titles(client.get(url, {"state": State.ACCEPTED}))) == {b.title}
    assert set(_titles(client.get(url, {"member_unit": other_member.pk}))) == {c.title}
    assert set(_titles(client.get(url, {"flagged": "true"}))) == {c.title}
    assert set(_titles(client.get(url, {"flagged": "false"}))) == {a.title, b.title}
    assert set(_titles(client.get(url, {"q": "技术"}))) == {a.title, b.title}
    assert set(_titles(client.get(url, {"q": "第二会员"}))) == {c.title}
    assert _titles(client.get(url, {"ordering": "title"})) == sorted([a.title, b.title, c.title])
    assert _titles(client.get(url, {"ordering": "-title"})) == sorted([a.title, b.title, c.title], reverse=True)


def test_member_filter_offers_only_own_member_units(client, secretariat_user, member_unit, other_member_unit):
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:inbox"), {"member_unit": other_member_unit.pk})
    # Another unit's member is not a valid choice: the filter form is invalid and shows nothing of theirs.
    assert other_member_unit.name not in response.content.decode()


def test_pagination(client, secretariat_user, make_nomination):
    for i in range(30):
        make_nomination(title=f"申报{i:02d}")
    client.force_login(secretariat_user)
    first = client.get(reverse("secretariat:inbox"), {"ordering": "title"})
    assert len(_titles(first)) == 25
    second = client.get(reverse("secretariat:inbox"), {"ordering": "title", "page": 2})
    assert _titles(second) == [f"申报{i:02d}" for i in range(25, 30)]


@pytest.mark.parametrize("count", [1, 10])
def test_inbox_queries_are_bounded(client, secretariat_user, make_nomination, django_assert_max_num_queries, count):
    for _ in range(count):
        make_nomination()
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("secretariat:inbox"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [1, 10])
def test_dashboard_queries_are_bounded(client, secretariat_user, make_nomination, django_assert_max_num_queries, count):
    for _ in range(count):
        make_nomination()
    client.force_login(secretariat_user)
    # 24, constant in the rows (the campaign data version comes with the user's query).
    with django_assert_max_num_queries(24):
        assert client.get(reverse("secretariat:dashboard")).status_code == 200


def test_other_units_entry_is_404_everywhere(client, other_secretariat_user, make_nomination):
    entry = make_nomination(state=State.ACCEPTED)
    client.force_login(other_secretariat_user)
    assert client.get(reverse("secretariat:nomination", args=[entry.pk])).status_code == 404
    response = client.post(reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "recommend"})
    assert response.status_code == 404
    response = client.post(reverse("secretariat:batch"), {"action": "recommend", "ids": [entry.pk], "apply": "1"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.state == State.ACCEPTED
    assert "无权处理" in response.content.decode()
    assert entry.title not in response.content.decode()


def test_other_units_member_cannot_be_deactivated(client, other_secretariat_user, member_unit):
    client.force_login(other_secretariat_user)
    assert client.post(reverse("secretariat:member_deactivate", args=[member_unit.pk])).status_code == 404
    member_unit.refresh_from_db()
    assert member_unit.is_active


def test_the_filter_form_speaks_chinese(client, secretariat_user, make_nomination):
    make_nomination(title="甲技术")
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:inbox")).content.decode()
    assert "会员单位（倒序）" in page and "榜单（倒序）" in page
    assert '<option value="unknown" selected>全部</option>' in page
    assert "descending" not in page and "未知" not in page
