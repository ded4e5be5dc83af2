"""A secretariat's dashboard and inbox after its platform deadline (the unit's extension included): a
banner says what passed, when, and what it can still do (导出, look; ask the platform for an extension)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from nominations.models import Extension, ExtensionKind
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
BEFORE = datetime(2023, 11, 25, 10, 0, tzinfo=BEIJING)
AFTER = datetime(2023, 12, 2, 10, 0, tzinfo=BEIJING)
PASSED = "平台申报截止时间已过：截止时间为北京时间 2023年11月30日 24:00。"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pages(client, user, moment):
    client.login(username=user.username, password=PASSWORD)
    with time_machine.travel(moment, tick=False):
        return [client.get(reverse(name)).content.decode() for name in ("secretariat:dashboard", "secretariat:inbox")]


@pytest.mark.parametrize("page", [0, 1], ids=["dashboard", "inbox"])
def test_after_the_platform_deadline_the_secretariat_sees_the_banner(client, secretariat_user, page):
    html = pages(client, secretariat_user, AFTER)[page]
    assert 'id="mode-banner"' in html
    assert "平台申报已截止，推荐和确认不能再办理" in html and PASSED in html
    assert f'href="{reverse("exports:list")}">导出<' in html
    assert "如需延期，请联系平台秘书处申请延期。" in html


def test_before_the_deadline_no_banner(client, secretariat_user):
    assert all('id="mode-banner"' not in html for html in pages(client, secretariat_user, BEFORE))


def test_a_unit_with_an_extension_has_no_banner(client, secretariat_user, society, campaign):
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.PLATFORM,
        recommending_unit=society,
        until=datetime(2023, 12, 5, 17, 0, tzinfo=BEIJING),
        reason="材料补正",
        granted_at=BEFORE,
    )
    assert all('id="mode-banner"' not in html for html in pages(client, secretariat_user, AFTER))
