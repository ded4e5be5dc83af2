"""Scoring and the body's results close at 2023-12-30 24:00 (stored 2023-12-31 00:00 +08:00) unless
an extension covers that body; the refusal names the deadline. Submitting results locks scoring."""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from nominations.models import AuditEvent
from reviews import assignment, scoring
from reviews.models import BodySubmission, Score
from reviews.scoring import ScoringError
from tests.factories import PASSWORD
from tests.reviews.conftest import BEIJING, DEADLINE, FULL, IN_REVIEW_TIME, LAST_SECOND, put_in_review, recommended

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    entry = put_in_review(recommended(tech, electronics, society, 1), body, platform_user)[0]
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        return assignment.assign(entry, experts[0], coordinator)


def test_scoring_allowed_at_the_last_second(item, experts):
    with time_machine.travel(LAST_SECOND, tick=False):
        score = scoring.save_score(item, experts[0], FULL, "意见", submit=True)
    assert score.is_submitted and score.total == 80


def test_scoring_refused_at_midnight_naming_the_deadline(item, experts):
    with time_machine.travel(DEADLINE, tick=False), pytest.raises(ScoringError) as refused:
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
    assert str(refused.value) == "初评评分及结果报送截止时间已过：截止时间为北京时间 2023年12月30日 24:00。"


def test_a_form_opened_in_time_and_posted_late_is_refused(client, item, experts):
    url = reverse("reviews:expert_nomination", args=[item.nomination_id])
    client.login(username=experts[0].username, password=PASSWORD)
    with time_machine.travel(LAST_SECOND, tick=False):
        assert client.get(url).status_code == 200
    post = {**{f"c_{k}": v for k, v in FULL.items()}, "comment": "意见", "submit": "1"}
    with time_machine.travel(DEADLINE, tick=False):
        page = client.post(url, post, follow=True).content.decode()
    assert "2023年12月30日 24:00" in page
    assert not Score.objects.filter(assignment=item).exists()


def test_an_extension_lets_exactly_that_body_through(item, experts, body, other_body, platform_user):
    until = datetime(2024, 1, 5, 0, 0, tzinfo=BEIJING)
    with time_machine.travel(DEADLINE, tick=False):
        scoring.grant_extension(body, until, platform_user, "专家集中评审会议顺延")
        score = scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        assert score.is_submitted
        assert not scoring.check_scoring_open(other_body)
    assert AuditEvent.objects.filter(verb="review_extension", note__contains="顺延").exists()
    with (
        time_machine.travel(until, tick=False),
        pytest.raises(ScoringError, match=re.escape("2024年1月4日 24:00（含延期）")),
    ):
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)


def test_extension_needs_a_reason_and_the_platform(body, coordinator, platform_user):
    until = datetime(2024, 1, 5, tzinfo=BEIJING)
    with pytest.raises(ScoringError, match="理由"):
        scoring.grant_extension(body, until, platform_user, " ")
    with pytest.raises(ScoringError, match="平台秘书处"):
        scoring.grant_extension(body, until, coordinator, "理由")


def test_results_refused_after_the_deadline_and_without_scores(item, experts, body, coordinator):
    with time_machine.travel(LAST_SECOND, tick=False), pytest.raises(ScoringError, match="没有专家提交评分"):
        scoring.submit_results(body, coordinator)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
    with time_machine.travel(DEADLINE, tick=False), pytest.raises(ScoringError, match="2023年12月30日 24:00"):
        scoring.submit_results(body, coordinator)
    with time_machine.travel(LAST_SECOND, tick=False):
        scoring.submit_results(body, coordinator)
    assert BodySubmission.objects.filter(body=body).exists()
    assert AuditEvent.objects.filter(verb="submit_results").exists()


def test_submitted_results_lock_scoring(item, experts, body, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        scoring.submit_results(body, coordinator)
        with pytest.raises(ScoringError, match="已报送初评结果"):
            scoring.save_score(item, experts[0], {**FULL, "value": "9"}, "改", submit=True)
        with pytest.raises(assignment.AssignmentError, match="锁定"):
            assignment.auto_assign(body, 2, coordinator)


def test_score_validation_and_history(item, experts):
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        with pytest.raises(ScoringError) as refused:
            scoring.save_score(item, experts[0], {**FULL, "value": "10.5", "transfer": ""}, "", submit=True)
        assert set(refused.value.errors) == {"value", "transfer", "comment"}
        draft = scoring.save_score(item, experts[0], {"innovation": "7"}, "", submit=False)
        assert draft.status == "draft" and draft.total is None
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        scoring.save_score(item, experts[0], {**FULL, "innovation": "9.5"}, "修改后意见", submit=True)
    score = Score.objects.get(assignment=item)
    assert score.total == 84.5
    assert score.history.count() == 3
    assert [h.history_change_reason for h in score.history.order_by("history_date")] == ["保存草稿", "提交", "提交"]
