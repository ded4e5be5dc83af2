"""An expert of the pool serving several review bodies (issue 15, item 1): alice reviews for the
信息科技 body (her account's) and, through a service record, for the 生命科学 body; never for a third
body. Coordinators see their own body only; a withdrawn service hides that body's tasks but keeps the
submitted reviews counted; a draw by another body adds the service."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from nominations.models import AuditEvent, Domain, Role
from nominations.policy import visible_nominations
from nominations.rules.deadlines import role_deadline
from reviews import pool, scoring, serving
from reviews.assignment import AssignmentError, body_experts
from reviews.assignment import assign as assign_by_hand
from reviews.models import Assignment, ExpertProfile, ExpertService, ReviewBody, ScoreStatus, TitleLevel
from reviews.policy import visible_scores
from tests.factories import PASSWORD, make_user
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, assign, expert_of, put_in_review, recommended

pytestmark = pytest.mark.django_db

THIRD_BODY = "中国科协先进材料学会联合体"


@pytest.fixture
def third_body(campaign):
    return ReviewBody.objects.get(campaign=campaign, name=THIRD_BODY)


@pytest.fixture
def alice(body):
    return expert_of(body, "alice", organization="爱丽丝大学")


@pytest.fixture
def alice_profile(alice):
    return ExpertProfile.objects.create(user=alice, title="研究员", title_level=TitleLevel.SENIOR)


@pytest.fixture
def serves_b(alice_profile, other_body):
    return ExpertService.objects.create(expert=alice_profile, body=other_body, year=2023, since=IN_REVIEW_TIME)


@pytest.fixture
def world(
    criteria, body, other_body, third_body, tech, electronics, society, platform_user, coordinator, other_coordinator
):
    """Two entries in each of the three bodies; alice assigned to both of A's and B's and one of C's."""
    biomedicine = Domain.objects.get(ranking_list=tech, code="biomedicine")
    materials = Domain.objects.get(ranking_list=tech, code="materials")
    a = put_in_review(recommended(tech, electronics, society, 2, title="信息项目"), body, platform_user)
    b = put_in_review(recommended(tech, biomedicine, society, 2, title="生命项目"), other_body, platform_user)
    c = put_in_review(recommended(tech, materials, society, 2, title="材料项目"), third_body, platform_user)
    return {"a": a, "b": b, "c": c, "biomedicine": biomedicine}


@pytest.fixture
def assigned(world, alice, serves_b, coordinator, other_coordinator, platform_user):
    for entry in world["a"]:
        assign(entry, alice, coordinator)
    for entry in world["b"]:
        assign(entry, alice, other_coordinator)
    assign(world["c"][0], alice, platform_user)  # a stray row of a body she does not serve
    return world


def _dashboard(client, username="alice"):
    client.login(username=username, password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        return client.get(reverse("reviews:expert_dashboard")).content.decode()


def test_the_bodies_an_expert_serves(alice, serves_b, body, other_body, third_body, campaign):
    assert set(serving.served_bodies(alice, campaign)) == {body, other_body}
    assert serving.serves(alice, other_body) and not serving.serves(alice, third_body)
    assert alice in body_experts(other_body) and alice not in body_experts(third_body)


def test_an_expert_serving_two_bodies_sees_and_scores_both_never_a_third(client, assigned, alice):
    text = _dashboard(client)
    for entry in assigned["a"] + assigned["b"]:
        assert entry.title in text
    assert "材料项目" not in text
    # Grouped per body, each with its deadline.
    assert "中国科协信息科技学会联合体" in text and "中国科协生命科学学会联合体" in text
    assert text.count('data-testid="body-tasks"') == 2 and "最近的评分截止" in text
    assert set(visible_nominations(alice)) == set(assigned["a"] + assigned["b"])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert client.get(reverse("reviews:expert_nomination", args=[assigned["b"][0].pk])).status_code == 200
        assert client.get(reverse("reviews:expert_nomination", args=[assigned["c"][0].pk])).status_code == 404
        page = client.post(
            reverse("reviews:expert_nomination", args=[assigned["b"][0].pk]),
            {**{f"c_{k}": v for k, v in FULL.items()}, "comment": "生命领域意见", "submit": "1", "confirm": "1"},
        )
        assert page.status_code == 302
        stray = Assignment.objects.get(nomination=assigned["c"][0], expert=alice)
        with pytest.raises(scoring.ScoringError):
            scoring.save_score(stray, alice, FULL, "意见", submit=True)
    item = Assignment.objects.get(nomination=assigned["b"][0], expert=alice)
    assert item.score.status == ScoreStatus.SUBMITTED and item.body.name == "中国科协生命科学学会联合体"
    assert "已提交" in _dashboard(client)


def test_scoring_locks_per_body(client, assigned, alice, other_body, other_coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry in assigned["b"]:
            scoring.save_score(Assignment.objects.get(nomination=entry, expert=alice), alice, FULL, "意见", submit=True)
        scoring.submit_results(other_body, other_coordinator)
        with pytest.raises(scoring.ScoringError):
            scoring.save_score(Assignment.objects.get(nomination=assigned["b"][0], expert=alice), alice, FULL, "改")
        # A's scoring stays open.
        a_item = Assignment.objects.get(nomination=assigned["a"][0], expert=alice)
        assert scoring.save_score(a_item, alice, FULL, "信息意见").status == ScoreStatus.DRAFT
    assert "已报送，评分已锁定" in _dashboard(client)


def test_a_coordinator_never_sees_the_other_bodys_scores_of_that_expert(
    client, assigned, alice, coordinator, other_coordinator
):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry in (assigned["a"][0], assigned["b"][0]):
            item = Assignment.objects.get(nomination=entry, expert=alice)
            scoring.save_score(item, alice, FULL, f"意见{entry.title}", submit=True)
    a_scores = set(visible_scores(coordinator).values_list("assignment__nomination_id", flat=True))
    b_scores = set(visible_scores(other_coordinator).values_list("assignment__nomination_id", flat=True))
    assert a_scores == {assigned["a"][0].pk} and b_scores == {assigned["b"][0].pk}
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(reverse("reviews:coordinator_dashboard")).content.decode()
        assert assigned["a"][0].title in page and "生命项目" not in page
        other = client.get(reverse("reviews:coordinator_nomination", args=[assigned["b"][0].pk]))
    assert other.status_code == 404


def test_withdrawing_the_service_hides_its_tasks_and_keeps_submitted_scores(
    client, assigned, alice, alice_profile, other_body, other_coordinator
):
    scored, unscored = assigned["b"]
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        scoring.save_score(Assignment.objects.get(nomination=scored, expert=alice), alice, FULL, "意见", submit=True)
        pool.withdraw(other_coordinator, other_body, alice_profile, "本年度不再参加")
    service = ExpertService.objects.get(expert=alice_profile, body=other_body)
    assert not service.active and service.withdrawn_reason == "本年度不再参加"
    assert AuditEvent.objects.filter(verb="withdraw_expert", note__contains="本年度不再参加").exists()
    text = _dashboard(client)
    assert "生命项目" not in text and assigned["a"][0].title in text
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert client.get(reverse("reviews:expert_nomination", args=[scored.pk])).status_code == 404
    # The submitted review stays counted for body B; the unscored assignment is removed.
    assert Assignment.objects.get(nomination=scored, expert=alice).active
    assert not Assignment.objects.get(nomination=unscored, expert=alice).active
    assert set(visible_scores(other_coordinator).values_list("assignment__nomination_id", flat=True)) == {scored.pk}
    assert alice not in body_experts(other_body)
    with pytest.raises(AssignmentError, match="只能分配本机构的评审专家"):
        assign_by_hand(unscored, alice, other_coordinator)


def test_withdrawing_the_accounts_own_body(client, assigned, alice, alice_profile, body, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        pool.withdraw(coordinator, body, alice_profile, "调离")
    assert not serving.serves(alice, body) and serving.serves(alice, assigned["b"][0].dispatch.body)
    text = _dashboard(client)
    assert "信息项目" not in text and "生命项目" in text


def test_a_draw_by_another_body_adds_the_service(client, world, alice, alice_profile, other_body, other_coordinator):
    alice_profile.domains.add(world["biomedicine"])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        drawn = pool.draw(other_coordinator, other_body, count=1, domain=world["biomedicine"], seed=7)
    assert drawn.drawn == [alice.pk]
    service = ExpertService.objects.get(expert=alice_profile, body=other_body)
    assert service.active and service.year == 2023
    alice.profile.refresh_from_db()
    assert alice.profile.review_body.name == "中国科协信息科技学会联合体"  # her account's body is kept
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assign_by_hand(world["b"][0], alice, other_coordinator)
    assert world["b"][0].title in _dashboard(client)


def test_the_header_shows_the_nearest_of_the_experts_bodies(assigned, alice, body, platform_user, campaign):
    later = campaign.initial_review_deadline + timedelta(days=5)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        scoring.grant_extension(body, later, platform_user, "材料补充")
        own = role_deadline(alice, campaign)
    assert own.deadline.effective == campaign.initial_review_deadline  # B's, the nearest
    with time_machine.travel(campaign.initial_review_deadline + timedelta(hours=1), tick=False):
        assert role_deadline(alice, campaign).deadline.effective == later  # B's passed: A's extension


def test_the_dashboard_of_two_bodies_keeps_its_queries_bounded(client, assigned, django_assert_max_num_queries):
    from tests.reviews.test_queries import EXPERT_MAX

    client.login(username="alice", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True), django_assert_max_num_queries(EXPERT_MAX):
        response = client.get(reverse("reviews:expert_dashboard"))
    assert response.status_code == 200


def test_a_coordinator_is_not_an_expert_of_the_pool(coordinator, body):
    assert not serving.served_bodies(coordinator).exists()
    assert make_user(Role.EXPERT, "nobody").pk not in [u.pk for u in body_experts(body)]


def test_the_coordinator_withdraws_an_expert_after_a_preview(client, assigned, alice, alice_profile, other_coordinator):
    client.login(username="bio-coordinator", password=PASSWORD)
    url = reverse("reviews:withdraw_expert", args=[alice_profile.pk])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert "退出本机构" in client.get(reverse("reviews:expert_pool")).content.decode()
        preview = client.post(url, {"reason": "工作调动"}).content.decode()
        assert "撤销该专家在本机构尚未提交评分的分配 2 项" in preview and "工作调动" in preview
        assert ExpertService.objects.get(expert=alice_profile, body__name="中国科协生命科学学会联合体").active
        long = client.post(url, {"reason": "长" * 201, "confirm": "1"})
        assert long.status_code == 400
        client.post(url, {"reason": "工作调动", "confirm": "1"})
        page = client.get(reverse("reviews:expert_pool")).content.decode()
    assert "已退出" in page
    assert not ExpertService.objects.get(expert=alice_profile, body__name="中国科协生命科学学会联合体").active
    assert "生命项目" not in _dashboard(client)


def test_the_pledge_is_signed_per_body_before_its_entries_open(client, settings, assigned, alice):
    settings.REVIEW_PLEDGE_REQUIRED = True
    entry = assigned["b"][0]
    client.login(username="alice", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        opened = client.get(reverse("reviews:expert_nomination", args=[entry.pk]))
        assert opened.status_code == 302 and "pledge" in opened.url
        page = client.get(opened.url).content.decode()
        assert "保密承诺与回避声明 · 中国科协生命科学学会联合体" in page
        signed = client.post(opened.url, {"accept": "on", "declared_units": "", "declaration": "无", "next": ""})
        assert signed.status_code == 302
        assert client.get(reverse("reviews:expert_nomination", args=[entry.pk])).status_code == 200
        # A's entries still wait for A's pledge.
        other = client.get(reverse("reviews:expert_nomination", args=[assigned["a"][0].pk]))
        assert other.status_code == 302 and "pledge" in other.url
    assert set(alice.review_pledges.values_list("body__name", flat=True)) == {"中国科协生命科学学会联合体"}
