"""The staff pages' gates (``views.gates``) and the extension search form."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from nominations.forms.staff import EXTENSION_SEARCH_MAX_CHARS, ExtensionSearchForm
from nominations.models import Campaign, Role
from nominations.rules.decision import Refused
from nominations.views.gates import PageRefused
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_refused_page_is_a_refusal_and_a_403():
    refusal = PageRefused("只有推荐单位秘书处可以查看收件箱。")
    assert isinstance(refusal, Refused) and isinstance(refusal, PermissionDenied)
    assert str(refusal) == refusal.reason == "只有推荐单位秘书处可以查看收件箱。"


def test_other_roles_read_the_policys_reason(client, member_user, platform_user):
    client.force_login(member_user)
    response = client.get(reverse("secretariat:inbox"))
    assert response.status_code == 403 and "只有推荐单位秘书处可以查看收件箱。" in response.content.decode()
    response = client.get(reverse("platform:dashboard"))
    assert response.status_code == 403 and "只有平台秘书处可以查看。" in response.content.decode()


def test_a_secretariat_without_a_unit(client, campaign):
    client.force_login(make_user(Role.SECRETARIAT, "secretariat-alone"))
    response = client.get(reverse("secretariat:dashboard"))
    assert response.status_code == 403 and "您的账号未关联推荐单位。" in response.content.decode()


def test_no_active_campaign_is_404(client, secretariat_user, platform_user):
    Campaign.objects.update(is_active=False)
    client.force_login(secretariat_user)
    assert client.get(reverse("secretariat:inbox")).status_code == 404
    client.force_login(platform_user)
    assert client.get(reverse("platform:units")).status_code == 404


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ({"q": "  中国技术  "}, "中国技术"),
        ({"q": "学" * 500}, "学" * EXTENSION_SEARCH_MAX_CHARS),
        ({"q": "学\x00会"}, ""),
        ({}, ""),
    ],
)
def test_the_extension_search_keeps_a_short_plain_fragment(typed, query):
    assert ExtensionSearchForm(typed).query() == query
