"""The dispatch, final-review and coordinator pages page their tables (ranks over the whole list/domain)
and keep the same number of queries at any size."""

import re

import pytest
import time_machine
from django.urls import reverse

from kczg_site import paging as kczg_paging
from nominations.models import Domain, State
from reviews import assignment, paging, scoring
from tests.factories import PASSWORD
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, put_in_review, recommended
from tests.reviews.units import confirm

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(kczg_paging, "PAGE_SIZE", 2)


@pytest.fixture
def ranked(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    """Five electronics entries scored 10, 9, 8, 7, 6 by one expert; the body has submitted."""
    entries = put_in_review(recommended(tech, electronics, society, 5, title="项目"), body, platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry, value in zip(entries, ("10", "9", "8", "7", "6"), strict=True):
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], dict.fromkeys(FULL, value), "意见", submit=True)
        scoring.submit_results(body, coordinator)
    return entries


def _ranks(html):
    """``{title: rank}`` of the ranked rows of a page."""
    return {
        title: int(rank)
        for rank, title in re.findall(
            r"<tr[^>]*>\s*<td class=\"text-nowrap\">(\d+)[^<]*</td>\s*<td[^>]*>(项目\d)</td>", html
        )
    }


def test_parse_group():
    assert paging.parse_group("3-12") == "3-12"
    assert paging.parse_group("03") == "3"
    for nonsense in (None, "", "-", "a-1", "1-2-3", "1" * 12, "1-", "²"):
        assert paging.parse_group(nonsense) is None


def test_final_page_ranks_over_the_whole_group(client, small_pages, ranked, platform_user, tech, electronics):
    client.force_login(platform_user)
    url = reverse("reviews:platform_final")
    first = client.get(url).content.decode()
    assert _ranks(first) == {"项目0": 1, "项目1": 2}
    second = client.get(url, {"page": 2}).content.decode()
    assert _ranks(second) == {"项目2": 3, "项目3": 4}
    assert "2 / 3" in second
    group = f"{tech.pk}-{electronics.pk}"
    assert f"?group={group}" in first
    assert _ranks(client.get(url, {"group": group, "page": 3}).content.decode()) == {"项目4": 5}
    # Saving a page's decisions returns to that page and list/domain; other pages are untouched.
    entry = ranked[2]
    response = client.post(
        reverse("reviews:platform_decide"),
        {"entry": [entry.pk], f"choice_{entry.pk}": "listed", "group": group, "page": "2", "norm": "z"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?group={group}&page=2&norm=z"
    states = {e.pk: e.state for e in type(entry).objects.filter(pk__in=[e.pk for e in ranked])}
    assert states[entry.pk] == State.LISTED
    assert [states[e.pk] for e in ranked if e.pk != entry.pk] == [State.IN_REVIEW] * 4


def test_coordinator_pages_assignments_and_ranking(client, small_pages, ranked, coordinator):
    client.login(username="coordinator", password=PASSWORD)
    url = reverse("reviews:coordinator_dashboard")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(url).content.decode()
        assert _ranks(page) == {"项目0": 1, "项目1": 2}
        assert "项目4" not in page
        later = client.get(url, {"rpage": 3, "page": 3}).content.decode()
    assert _ranks(later) == {"项目4": 5}
    assert 'id="assignment-table"' in later and "项目4" in later
    assert "项目0" not in later


@pytest.fixture
def pending(criteria, tech, enterprise, society, campaign):
    confirm(society, campaign)
    domain = {d.code: d for d in Domain.objects.filter(ranking_list=tech)}
    return {
        "green": recommended(tech, domain["green"], society, 4, title="绿色"),
        "enterprise": recommended(enterprise, None, society, 3, title="企业"),
    }


def test_dispatch_page_summaries_filter_and_pages(client, small_pages, pending, platform_user, tech, enterprise):
    client.force_login(platform_user)
    url = reverse("reviews:platform_dispatch")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(url).content.decode()
        assert "待分发的申报（7 项）" in page and "预览分发 7 项申报" in page
        assert "1 / 4" in page
        green = Domain.objects.get(ranking_list=tech, code="green")
        filtered = client.get(url, {"group": f"{tech.pk}-{green.pk}", "page": 2}).content.decode()
        # The even split of 绿色低碳 is planned over the whole list/domain: page 2 alternates on.
        rows = re.findall(r'name="body_(\d+)"[^>]*>(.*?)</select>', filtered, re.S)
        assert len(rows) == 2
        assert [int(pk) for pk, _ in rows] == [e.pk for e in pending["green"][2:]]
        chosen = [re.search(r'value="(\d+)" selected', options).group(1) for _, options in rows]
        assert chosen[0] != chosen[1]
        assert "企业0" not in filtered
        # Dispatching still sends every pending entry, whatever page was shown.
        preview = client.post(url)
        assert "确认后，以下 7 项申报将分发至初评机构" in preview.content.decode()
        response = client.post(url, {"confirm": "1", "digest": preview.context["digest"]}, follow=True)
    assert "已将 7 项申报分发至初评机构" in response.content.decode()
    assert not any(e.state == State.RECOMMENDED for es in pending.values() for e in type(es[0]).objects.all())


@pytest.mark.parametrize("n", [3, 12])
def test_dispatch_and_final_queries_do_not_grow(
    client, small_pages, n, criteria, tech, electronics, society, body, platform_user, django_assert_max_num_queries
):
    put_in_review(recommended(tech, electronics, society, n, title="已分发"), body, platform_user)
    recommended(tech, electronics, society, n, title="待分发")
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        # The dispatch page: 21 with the entries the platform's formal review returned (the campaign data
        # version comes with the user's query); the final page: 16
        # with the closed panel votes' column and the 公示's publication check (one each).
        for name, limit in (("reviews:platform_dispatch", 21), ("reviews:platform_final", 16)):
            with django_assert_max_num_queries(limit):
                assert client.get(reverse(name)).status_code == 200
