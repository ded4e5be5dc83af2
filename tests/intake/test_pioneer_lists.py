"""The lists a 2022 pioneer may recommend to are the pioneer route's lists (its data, not a code)."""

import pytest
from django.urls import reverse

from nominations import intake
from nominations.models import Channel, Nomination
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)


def test_the_pioneer_page_offers_only_the_route_s_lists(client, at_open, pioneer_user, manager, enterprise):
    _login(client, pioneer_user)
    page = client.get(reverse("pioneer:new")).content.decode()
    assert "技术经理人先锋榜" in page
    assert "新锐企业榜" not in page
    response = client.post(reverse("pioneer:new"), {"ranking_list": enterprise.pk})
    assert not Nomination.objects.exists()
    assert response.status_code in (200, 400)
    with pytest.raises(intake.IntakeError, match="先锋人物只能推举技术经理人先锋榜候选人。"):
        intake.create_nomination(pioneer_user, enterprise)


def test_a_list_added_to_the_route_is_open_to_pioneers(client, at_open, pioneer_user, campaign, manager, enterprise):
    Channel.objects.get(campaign=campaign, is_pioneer_route=True).lists.add(enterprise)
    _login(client, pioneer_user)
    assert "新锐企业榜" in client.get(reverse("pioneer:new")).content.decode()
    nomination = intake.create_nomination(pioneer_user, enterprise)
    assert nomination.pioneer_id == pioneer_user.profile.pioneer_id
    assert nomination.ranking_list == enterprise


def test_without_a_route_no_list_is_open_to_pioneers(at_open, pioneer_user, campaign, manager):
    Channel.objects.get(campaign=campaign, is_pioneer_route=True).lists.clear()
    with pytest.raises(intake.IntakeError, match="本年度未设先锋人物推举渠道"):
        intake.create_nomination(pioneer_user, manager)
