"""The extension form picks its unit or member unit by a search, not from a <select> of every unit."""

import pytest
from django.urls import reverse

from nominations.models import Extension, ExtensionKind
from tests.factories import MemberUnitFactory

pytestmark = pytest.mark.django_db


def test_the_page_lists_no_units_until_searched(client, platform_user, society, member_unit, campaign):
    client.force_login(platform_user)
    html = client.get(reverse("platform:extensions")).content.decode()
    assert html.count("<select") == 1  # the deadline kind only: no <select> of units
    assert member_unit.name not in html
    assert 'hx-get="/platform/extensions/"' in html


def test_htmx_suggestions_and_the_plain_search(client, platform_user, society, member_unit, campaign):
    MemberUnitFactory(recommending_unit=society, name="另一家会员")
    client.force_login(platform_user)
    url = reverse("platform:extensions")
    partial = client.get(url, {"q": member_unit.name[:4]}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert f'value="member:{member_unit.pk}"' in partial and "另一家会员" not in partial
    units = client.get(url, {"q": society.name}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="unit:{society.pk}"' in units
    page = client.get(url, {"q": member_unit.name}).content.decode()  # without JavaScript
    assert "<html" in page and f'value="member:{member_unit.pk}"' in page
    nothing = client.get(url, {"q": "不存在的单位"}, headers={"HX-Request": "true"}).content.decode()
    assert "没有找到" in nothing


def test_a_picked_member_unit_is_validated_and_granted(client, platform_user, society, member_unit, campaign):
    client.force_login(platform_user)
    url = reverse("platform:extensions")
    data = {"kind": ExtensionKind.MEMBER, "until": "2023-11-25T17:00", "reason": "系统故障"}
    # A recommending unit's id posted as a member unit is not a member unit (or does not exist).
    for target in (f"member:{society.pk + 10_000}", "member:abc", "other:1", f"member:{member_unit.pk}x"):
        response = client.post(url, {**data, "target": target})
        assert response.status_code == 200, target
        assert "请选择一个推荐单位或一个会员单位" in response.content.decode()
    assert not Extension.objects.exists()
    response = client.post(url, {**data, "target": f"member:{member_unit.pk}", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="member:{member_unit.pk}" checked' in html  # the choice survives the failed submit
    response = client.post(url, {**data, "target": f"member:{member_unit.pk}"})
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.member_unit == member_unit and extension.recommending_unit is None


def test_a_picked_unit_is_granted(client, platform_user, society, campaign):
    client.force_login(platform_user)
    response = client.post(
        reverse("platform:extensions"),
        {"kind": "platform", "target": f"unit:{society.pk}", "until": "2023-12-03T17:00", "reason": "系统故障"},
    )
    assert response.status_code == 302
    assert Extension.objects.get().recommending_unit == society
