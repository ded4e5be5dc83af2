"""Dispatching takes two clicks: the preview lists what will change, 确认分发 does it."""

import re

import pytest
import time_machine
from django.urls import reverse

from nominations.models import Domain, Nomination, State
from reviews import dispatch
from reviews.models import Dispatch, ReviewBody
from tests.reviews.conftest import IN_REVIEW_TIME, recommended
from tests.reviews.units import confirm

pytestmark = pytest.mark.django_db

URL = reverse("reviews:platform_dispatch")
ECO, CLEAN = "中国科协生态环境产学联合体", "中国科协清洁能源学会联合体"


@pytest.fixture
def green(criteria, tech, society, other_unit, campaign):
    """Two green entries of ``society`` (confirmed) and one of ``other_unit`` (never confirmed)."""
    confirm(society, campaign)
    domain = Domain.objects.get(ranking_list=tech, code="green")
    return {
        "confirmed": recommended(tech, domain, society, 2, title="绿色"),
        "unconfirmed": recommended(tech, domain, other_unit, 1, title="未确认")[0],
    }


def _bodies(html):
    return dict(re.findall(r'<h3 class="h6 mb-1">(.*?)（(\d+) 项）</h3>', html))


def test_the_preview_lists_each_body_and_the_units_still_waiting(client, green, platform_user, other_unit):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        response = client.post(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "确认后，以下 2 项申报将分发至初评机构，状态改为“初评中”" in html
    assert _bodies(html) == {ECO: "1", CLEAN: "1"}
    first, second = green["confirmed"]
    for entry in (first, second):
        assert re.search(
            rf"<td>{entry.title}</td><td>{entry.recommending_unit.name}</td><td[^>]*>先导技术榜 · 绿色低碳", html
        )
    assert f"{other_unit.name}（1 项）：{other_unit.name}未确认推荐结果，请先在“未确认推荐结果的推荐单位”中决定" in html
    assert green["unconfirmed"].title not in html
    assert '<button type="submit" class="btn btn-primary">确认分发</button>' in html
    # Nothing changed yet.
    assert not Dispatch.objects.exists()
    assert all(entry.state == State.RECOMMENDED for entry in Nomination.objects.all())


def test_the_body_choice_is_kept_through_the_preview(client, green, campaign, platform_user):
    clean = ReviewBody.objects.get(campaign=campaign, name=CLEAN)
    first, second = green["confirmed"]
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        preview = client.post(URL, {f"body_{first.pk}": clean.pk, f"body_{second.pk}": clean.pk})
        html = preview.content.decode()
        assert _bodies(html) == {CLEAN: "2"}
        assert f'<input type="hidden" name="body_{first.pk}" value="{clean.pk}">' in html
        data = dict(re.findall(r'<input type="hidden" name="((?:body_\d+)|confirm|digest)" value="([^"]*)">', html))
        response = client.post(URL, data, follow=True)
    assert "已将 2 项申报分发至初评机构" in response.content.decode()
    assert {d.body.name for d in Dispatch.objects.select_related("body")} == {CLEAN}
    assert Nomination.objects.get(pk=first.pk).state == State.IN_REVIEW
    assert Nomination.objects.get(pk=green["unconfirmed"].pk).state == State.RECOMMENDED


def test_a_plan_changed_since_the_preview_is_previewed_again(client, green, campaign, platform_user, other_unit):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        digest = client.post(URL).context["digest"]
        confirm(other_unit, campaign)  # meanwhile: a third entry may go
        response = client.post(URL, {"confirm": "1", "digest": digest})
    html = response.content.decode()
    assert dispatch.CHANGED in html and "确认后，以下 3 项申报将分发至初评机构" in html
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize("digest", ["", "xyz", "0" * 17])
def test_confirming_without_a_valid_preview_is_refused(client, green, platform_user, digest):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        response = client.post(URL, {"confirm": "1", "digest": digest})
    assert response.status_code == 400
    assert "预览已失效，请重新预览后再确认。" in response.content.decode()
    assert not Dispatch.objects.exists()


def test_a_preview_with_nothing_to_dispatch_disables_the_button(client, green, platform_user):
    Nomination.objects.filter(pk__in=[e.pk for e in green["confirmed"]]).update(state=State.ACCEPTED)
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.post(URL).content.decode()
    assert "现在没有可以分发的申报。" in html
    assert 'disabled title="现在没有可以分发的申报。"' in html


def test_posting_the_page_as_shown_moves_nothing_by_hand(client, green, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(URL).content.decode()
        shown = dict(re.findall(r'name="(body_\d+)"[^>]*>.*?<option value="(\d+)" selected', page, re.S))
        assert len(shown) == 2
        preview = client.post(URL, shown)
        assert "人工调整" not in preview.content.decode()
        client.post(URL, {**shown, "confirm": "1", "digest": preview.context["digest"]})
    assert Dispatch.objects.count() == 2 and not Dispatch.objects.filter(moved=True).exists()


@pytest.mark.parametrize("n", [2, 8])
def test_the_preview_queries_do_not_grow(
    client, n, criteria, tech, society, campaign, platform_user, django_assert_max_num_queries
):
    confirm(society, campaign)
    domain = Domain.objects.get(ranking_list=tech, code="green")
    recommended(tech, domain, society, n, title="绿色")
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True), django_assert_max_num_queries(12):
        assert client.post(URL).status_code == 200
