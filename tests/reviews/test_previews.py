"""The previews before the review side's irreversible steps: an expert's score submission and conflict
declaration, a coordinator's results. The first click shows what will happen and saves nothing; the
second (``confirm=1``) does it. A button that cannot succeed is disabled with the reason."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reviews import scoring
from reviews.models import Assignment, BodySubmission, ConflictDeclaration, Score, ScoreStatus
from tests.reviews.conftest import DEADLINE, FULL, IN_REVIEW_TIME, assign, put_in_review, recommended

pytestmark = pytest.mark.django_db

SCORES = {"innovation": "9", "advancement": "8", "value": "7.5", "transfer": "6"}  # 27 + 20 + 18.75 + 12


@pytest.fixture(autouse=True)
def _in_review():
    with time_machine.travel(IN_REVIEW_TIME, tick=False) as traveller:
        yield traveller


@pytest.fixture
def entries(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 2, title="预览项目"), body, platform_user)


@pytest.fixture
def item(entries, experts, coordinator):
    return assign(entries[0], experts[0], coordinator)


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _posted(values, comment="技术路线清晰，\n产业化前景较好。"):
    return {**{f"c_{code}": value for code, value in values.items()}, "comment": comment}


def _button(html, testid):
    start = html.index(f'data-testid="{testid}"')
    return html[html.rindex("<button", 0, start) : html.index(">", start) + 1]


# ---------------------------------------------------------------- score submission


def test_submitting_a_score_shows_the_preview_and_saves_only_on_confirmation(item, experts):
    client = _client(experts[0])
    url = reverse("reviews:expert_nomination", args=[item.nomination_id])
    client.post(url, {**_posted(FULL), "save": "1"})  # 保存草稿 stays one click
    assert Score.objects.get(assignment=item).status == ScoreStatus.DRAFT

    response = client.post(url, {**_posted(SCORES), "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "确认提交评分" in page and "评分尚未提交" in page
    rows = dict(re.findall(r'data-criterion="(\w+)">.*?<td class="text-end fw-semibold">([\d.]+)</td>', page))
    assert rows == SCORES
    assert '<td class="text-end fw-bold" id="preview-total">77.75</td>' in page
    assert "技术路线清晰，\n产业化前景较好。" in page
    assert "报送后评分锁定，不能修改" in page
    score = Score.objects.get(assignment=item)  # nothing saved by the first click
    assert score.status == ScoreStatus.DRAFT and score.values == FULL

    response = client.post(url, {**_posted(SCORES), "submit": "1", "confirm": "1"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.status == ScoreStatus.SUBMITTED
    assert score.values == SCORES and str(score.total) == "77.750"
    assert score.comment == "技术路线清晰，\n产业化前景较好。"


def test_invalid_values_never_reach_the_preview(item, experts):
    client = _client(experts[0])
    url = reverse("reviews:expert_nomination", args=[item.nomination_id])
    response = client.post(url, {**_posted({**SCORES, "value": "12"}), "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 400 and "确认提交评分" not in page
    assert "“应用价值与经济效益”的评分应在 0 至 10 之间。" in page
    assert 'value="9"' in page and "技术路线清晰" in page  # nothing typed is lost
    # A missing criterion and an empty comment: the scoring rule's messages, next to the fields.
    missing = {key: value for key, value in SCORES.items() if key != "transfer"}
    page = client.post(url, {**_posted(missing, comment=""), "submit": "1"}).content.decode()
    assert "确认提交评分" not in page
    assert "请为“转化与推广前景”评分。" in page and "请填写评审意见。" in page
    assert not Score.objects.exists()


def test_the_confirmation_goes_through_the_form_again(item, experts):
    client = _client(experts[0])
    url = reverse("reviews:expert_nomination", args=[item.nomination_id])
    response = client.post(url, {**_posted({**SCORES, "innovation": "8.25"}), "submit": "1", "confirm": "1"})
    assert response.status_code == 400
    assert "最多保留一位小数" in response.content.decode()
    assert not Score.objects.exists()
    # 返回修改 on the preview: the sheet with the values, nothing saved.
    page = client.post(url, {**_posted(SCORES), "submit": "1", "confirm": "1", "edit": "1"}).content.decode()
    assert 'value="7.5"' in page and "确认提交评分" not in page
    assert not Score.objects.exists()


def test_after_the_deadline_the_buttons_are_disabled_with_the_reason(item, experts, _in_review):
    _in_review.move_to(DEADLINE)
    client = _client(experts[0])
    page = client.get(reverse("reviews:expert_nomination", args=[item.nomination_id])).content.decode()
    reason = "初评评分及结果报送截止时间已过：截止时间为北京时间 2023年12月30日 24:00。"
    for testid in ("score-submit", "score-save"):
        tag = _button(page, testid)
        assert "disabled" in tag and f'title="{reason}"' in tag
    assert f'<span id="why-submit" class="visually-hidden" data-testid="refusal-reason">{reason}</span>' in page


# ---------------------------------------------------------------- conflict declaration


def test_declaring_a_conflict_shows_what_happens_and_needs_a_second_click(item, experts, coordinator):
    scoring.save_score(item, experts[0], FULL, "草稿意见")
    client = _client(experts[0])
    url = reverse("reviews:declare_conflict", args=[item.nomination_id])
    page = client.post(url, {"kind": "collaboration", "note": "近三年有合作项目"}).content.decode()
    assert "确认回避" in page and "回避尚未申报" in page
    assert "合作关系" in page and "近三年有合作项目" in page
    assert "撤销您对该申报的评审分配" in page
    assert "您保存的评分草稿不再使用（记录保留，不会删除）" in page
    assert "初评机构联络人会在该申报的评审页面看到您的回避申报" in page
    assert Assignment.objects.get(pk=item.pk).active  # nothing recorded by the first click
    assert not ConflictDeclaration.objects.exists()

    response = client.post(url, {"kind": "collaboration", "note": "近三年有合作项目", "confirm": "1"})
    assert response.status_code == 302
    assert not Assignment.objects.get(pk=item.pk).active
    assert ConflictDeclaration.objects.get().note == "近三年有合作项目"
    assert Score.objects.filter(assignment=item).exists()  # kept, as the preview said
    page = _client(coordinator).get(reverse("reviews:coordinator_nomination", args=[item.nomination_id]))
    assert "近三年有合作项目" in page.content.decode()


def test_a_conflict_the_rule_refuses_does_not_reach_the_preview(item, experts):
    client = _client(experts[0])
    url = reverse("reviews:declare_conflict", args=[item.nomination_id])
    page = client.post(url, {"kind": "other", "note": ""}, follow=True).content.decode()
    assert "选择“其他”时请说明回避原因。" in page and "确认回避" not in page
    assert Assignment.objects.get(pk=item.pk).active


# ---------------------------------------------------------------- the body's results


def test_the_results_preview_lists_what_is_missing_and_disables_the_send(entries, item, experts, coordinator):
    client = _client(coordinator)
    dashboard = client.get(reverse("reviews:coordinator_dashboard")).content.decode()
    tag = _button(dashboard, "submit-results")
    assert "disabled" in tag and 'title="尚有 2 项申报没有专家提交评分，不能报送初评结果。"' in tag

    page = client.get(reverse("reviews:submit_results")).content.decode()
    assert "报送后本机构评分锁定，不能修改" in page
    assert "共 2 项申报，其中 <strong>2</strong> 项尚无专家提交评分" in page
    assert "电子信息：2 项" in page
    assert page.count('data-missing="1"') == 2
    assert "未分配专家" in page and "尚无专家提交评分" in page
    tag = _button(page, "results-confirm")
    assert "disabled" in tag and "尚有 2 项申报没有专家提交评分" in tag

    scoring.save_score(item, experts[0], FULL, "意见", submit=True)
    scoring.save_score(assign(entries[1], experts[1], coordinator), experts[1], FULL, "意见", submit=True)
    response = client.post(reverse("reviews:submit_results"), {"note": "本机构评审完成"})
    page = response.content.decode()
    assert response.status_code == 200 and "确认报送" in page
    assert "disabled" not in _button(page, "results-confirm")
    assert "1 / 1" in page and 'data-missing="1"' not in page
    assert not BodySubmission.objects.exists()  # nothing sent by the first click

    response = client.post(reverse("reviews:submit_results"), {"note": "本机构评审完成", "confirm": "1"})
    assert response.status_code == 302
    assert BodySubmission.objects.get().note == "本机构评审完成"
