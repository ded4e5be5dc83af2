"""Bounded queries: the expert and coordinator dashboards and the public list cost the same at 1 and 5 entries."""

import pytest
import time_machine
from django.urls import reverse

from reviews import assignment, final, publication, scoring
from tests.factories import PASSWORD
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, PUBLICATION_TIME, put_in_review, recommended

pytestmark = pytest.mark.django_db

EXPERT_MAX = 9  # the campaign data version comes with the user (nominations/campaign_cache)
COORDINATOR_MAX = 19  # +1: the lists' scoring rules (reviews.aggregation.list_rules)
PUBLIC_MAX = 6  # +1: the campaign data version read per request; +1: the entries with a public profile (发布推介)


@pytest.fixture
def scored(request, criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    n = request.param
    entries = put_in_review(recommended(tech, electronics, society, n), body, platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assignment.auto_assign(body, 2, coordinator)
        for entry in entries:
            for item in entry.assignments.filter(active=True):
                scoring.save_score(item, item.expert, FULL, "意见", submit=True)
    return entries


@pytest.mark.parametrize("scored", [1, 5], indirect=True)
def test_expert_dashboard(client, scored, experts, django_assert_max_num_queries):
    client.login(username=experts[0].username, password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True), django_assert_max_num_queries(EXPERT_MAX):
        response = client.get(reverse("reviews:expert_dashboard"))
    assert response.status_code == 200


@pytest.mark.parametrize("scored", [1, 5], indirect=True)
def test_coordinator_dashboard(client, scored, coordinator, django_assert_max_num_queries):
    client.login(username="coordinator", password=PASSWORD)
    for query in ("", "?norm=z"):
        with time_machine.travel(IN_REVIEW_TIME, tick=True), django_assert_max_num_queries(COORDINATOR_MAX):
            response = client.get(reverse("reviews:coordinator_dashboard") + query)
        assert response.status_code == 200
        assert scored[0].title in response.content.decode()


@pytest.mark.parametrize("scored", [1, 5], indirect=True)
def test_public_list(client, scored, campaign, body, coordinator, platform_user, django_assert_max_num_queries):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        scoring.submit_results(body, coordinator)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        final.decide(platform_user, [(e, "listed", "") for e in scored])
        publication.publish(campaign, platform_user)
        with django_assert_max_num_queries(PUBLIC_MAX):
            response = client.get(reverse("publication:lists", args=[2023]))
    assert response.status_code == 200
    assert all(e.title in response.content.decode() for e in scored)
