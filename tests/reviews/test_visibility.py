"""An expert sees only the entries assigned to them in their own body (404 otherwise), and other
experts' scores only after submitting their own."""

import pytest
import time_machine
from django.urls import reverse

from nominations.policy import may, visible_nominations
from reviews import conflicts, scoring
from reviews.models import Assignment
from tests.factories import PASSWORD
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, assign, put_in_review, recommended

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(criteria, tech, electronics, biomedicine, society, body, other_body, experts, other_expert, platform_user):
    mine = put_in_review(recommended(tech, electronics, society, 2, title="电子"), body, platform_user)
    unassigned = put_in_review(recommended(tech, electronics, society, 1, title="未分配"), body, platform_user)[0]
    foreign = put_in_review(recommended(tech, biomedicine, society, 1, title="生物"), other_body, platform_user)[0]
    a, b, _ = experts
    for entry in mine:
        assign(entry, a, platform_user)
        assign(entry, b, platform_user)
    assign(foreign, other_expert, platform_user)
    return {"mine": mine, "unassigned": unassigned, "foreign": foreign}


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_queryset_holds_only_assigned_entries_of_the_own_body(setup, experts, coordinator):
    a = experts[0]
    assert set(visible_nominations(a)) == set(setup["mine"])
    assert set(visible_nominations(experts[2])) == set()
    assert set(visible_nominations(coordinator)) == {*setup["mine"], setup["unassigned"]}


def test_expert_gets_404_for_unassigned_and_other_bodies_entries(client, setup, experts):
    _login(client, experts[0])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert client.get(reverse("reviews:expert_nomination", args=[setup["mine"][0].pk])).status_code == 200
        for entry in (setup["unassigned"], setup["foreign"]):
            assert client.get(reverse("reviews:expert_nomination", args=[entry.pk])).status_code == 404
            assert client.get(reverse("reviews:nomination_form", args=[entry.pk])).status_code == 404
            response = client.post(
                reverse("reviews:expert_nomination", args=[entry.pk]), {**_post(FULL), "submit": "1"}
            )
            assert response.status_code == 404
        page = client.get(reverse("reviews:expert_dashboard")).content.decode()
    assert setup["mine"][0].title in page
    assert setup["unassigned"].title not in page
    assert setup["foreign"].title not in page


def test_an_assignment_in_another_body_does_not_open_the_entry(setup, experts, platform_user):
    """Even a stray assignment row to a foreign body's entry does not make it visible."""
    Assignment.objects.create(
        nomination=setup["foreign"], expert=experts[0], body=setup["foreign"].dispatch.body,
        assigned_at=IN_REVIEW_TIME, assigned_by=platform_user,
    )  # fmt: skip
    assert setup["foreign"] not in set(visible_nominations(experts[0]))
    assert not may(experts[0], "review_nomination", setup["foreign"])


def test_coordinator_gets_404_for_another_bodys_entry(client, setup, coordinator):
    _login(client, coordinator)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert client.get(reverse("reviews:coordinator_nomination", args=[setup["mine"][0].pk])).status_code == 200
        assert client.get(reverse("reviews:coordinator_nomination", args=[setup["foreign"].pk])).status_code == 404


def _post(values, comment="评审意见"):
    return {**{f"c_{k}": v for k, v in values.items()}, "comment": comment}


def test_other_scores_hidden_until_own_submitted(client, setup, experts):
    a, b, _ = experts
    entry = setup["mine"][0]
    url = reverse("reviews:expert_nomination", args=[entry.pk])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        item_b = Assignment.objects.get(nomination=entry, expert=b)
        scoring.save_score(item_b, b, {**FULL, "innovation": "9.5"}, "B 的意见很独特", submit=True)
        _login(client, a)
        page = client.get(url).content.decode()
        assert "B 的意见很独特" not in page and "others-hidden" in page
        assert scoring.other_scores(a, entry) == []
        # A draft is not enough.
        client.post(url, {**_post(FULL), "save": "1"})
        assert "B 的意见很独特" not in client.get(url).content.decode()
        assert scoring.other_scores(a, entry) == []
        # 提交评分 shows the preview first; 确认提交评分 submits.
        assert "确认提交评分" in client.post(url, {**_post(FULL), "submit": "1"}).content.decode()
        assert scoring.other_scores(a, entry) == []
        response = client.post(url, {**_post(FULL), "submit": "1", "confirm": "1"})
        assert response.status_code == 302
        page = client.get(url).content.decode()
    assert "B 的意见很独特" in page
    assert [s.assignment.expert for s in scoring.other_scores(a, entry)] == [b]


def test_declared_conflict_removes_the_entry(client, setup, experts):
    a = experts[0]
    entry = setup["mine"][0]
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        conflicts.declare(a, entry, "collaboration", "近三年有合作项目")
        assert entry not in set(visible_nominations(a))
        _login(client, a)
        assert client.get(reverse("reviews:expert_nomination", args=[entry.pk])).status_code == 404
    item = Assignment.objects.get(nomination=entry, expert=a)
    assert not item.active and "合作关系" in item.removed_reason
