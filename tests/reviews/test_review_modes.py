"""The review pages in the mode the clock puts them in (reviews/modes.py): after the body's deadline the
expert's sheet and the coordinator's page say what passed, when, and what can still be done."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reviews import scoring
from tests.reviews.conftest import DEADLINE, FULL, IN_REVIEW_TIME, assign, put_in_review, recommended

pytestmark = pytest.mark.django_db

PASSED = "初评评分及结果报送截止时间已过：截止时间为北京时间 2023年12月30日 24:00。"


@pytest.fixture
def item(criteria, tech, electronics, society, body, platform_user, experts, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        entries = put_in_review(recommended(tech, electronics, society, 1, title="模式项目"), body, platform_user)
        return assign(entries[0], experts[0], coordinator)


def _page(user, url):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_experts_sheet_after_the_deadline_says_what_passed_and_what_is_left(item, experts, body):
    url = reverse("reviews:expert_nomination", args=[item.nomination_id])
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        assert 'id="mode-banner"' not in _page(experts[0], url)
    with time_machine.travel(DEADLINE, tick=False):
        page = _page(experts[0], url)
    assert "评分已截止，只能查看" in page and PASSED in page
    assert reverse("reviews:nomination_form", args=[item.nomination_id]) in page
    assert f"如需延期，请联系{body}" in page


def test_the_experts_sheet_of_a_body_that_sent_its_results_says_it_is_locked(item, experts, coordinator, body):
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        scoring.submit_results(body, coordinator)
        page = _page(experts[0], reverse("reviews:expert_nomination", args=[item.nomination_id]))
    assert "评分已锁定，只能查看" in page and "本机构已报送初评结果，评分已锁定。" in page
    assert "如需延期" not in page


def test_the_coordinator_after_the_deadline_is_told_whom_to_ask(item, coordinator):
    url = reverse("reviews:coordinator_dashboard")
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        assert 'id="mode-banner"' not in _page(coordinator, url)
    with time_machine.travel(DEADLINE, tick=False):
        page = _page(coordinator, url)
    assert "初评已截止，评分和报送不能再办理" in page and PASSED in page
    assert "如需延期，请联系平台秘书处申请初评延期。" in page
