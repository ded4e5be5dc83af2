"""Scoring rules: per-criterion bounds and step, the aggregation rule of a list (the trimmed mean with a
worked example), and the disagreement (分歧) column on the ranking pages and the export."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from reviews import aggregation, scoring
from reviews.forms.expert import ScoreForm
from reviews.models import Aggregation, BodySubmission, ListScoringRule, ReviewCriterion, ScoreStep
from tests.reviews.conftest import IN_REVIEW_TIME, assign, put_in_review, recommended

# ---------------------------------------------------------------- pure functions


def test_trimmed_mean_worked_example():
    """Five experts: 90, 85, 80, 78, 40. Dropping one highest (90) and one lowest (40) leaves
    85, 80, 78: (85 + 80 + 78) / 3 = 81. The mean is 373 / 5 = 74.6, the median 80, the range 50."""
    totals = [90, 85, 80, 78, 40]
    assert aggregation.trimmed_mean(totals) == 81.0
    assert aggregation.mean(totals) == pytest.approx(74.6)
    assert aggregation.aggregate(totals, Aggregation.MEDIAN) == 80
    assert aggregation.aggregate(totals, Aggregation.TRIMMED) == 81.0
    assert aggregation.value_range(totals) == 50.0


def test_trimmed_mean_drops_exactly_one_of_each_and_falls_back_below_three():
    assert aggregation.trimmed_mean([80, 80, 80, 60]) == 80.0  # one 80 and the 60 dropped
    assert aggregation.trimmed_mean([60, 60, 90]) == 60.0
    assert aggregation.trimmed_mean([70, 80]) == 75.0  # fewer than 3: the plain mean
    assert aggregation.trimmed_mean([70]) == 70.0
    assert aggregation.trimmed_mean([]) is None
    assert aggregation.value_range([70]) == 0.0 and aggregation.value_range([]) is None


def test_results_rank_by_the_lists_rule_and_flag_disagreement():
    class Row:
        def __init__(self, pk):
            self.pk = pk

    a, b = Row(1), Row(2)
    # Entry 1: 90, 88, 30 (one harsh outlier); entry 2: 75, 74, 73.
    totals = {"x": {1: 90, 2: 75}, "y": {1: 88, 2: 74}, "z": {1: 30, 2: 73}}
    by_mean = aggregation.results([a, b], totals)
    assert [e.nomination.pk for e in by_mean] == [2, 1]  # mean 74 vs 69.33
    trimmed = aggregation.results([a, b], totals, rule=aggregation.ListRule(Aggregation.TRIMMED, 20))
    assert [(e.nomination.pk, e.value) for e in trimmed] == [(1, 88.0), (2, 74.0)]
    first = trimmed[0]
    assert first.disagreement == 60.0 and first.disagrees
    assert trimmed[1].disagreement == 2.0 and not trimmed[1].disagrees
    assert aggregation.rule_label(Aggregation.TRIMMED) == "去掉一个最高分和一个最低分后的均值"


# ---------------------------------------------------------------- bounds and step in the expert's form


@pytest.fixture
def strict(criteria, tech):
    """创新性 of 先导技术榜 scored as an integer from 1 to 10."""
    criterion = ReviewCriterion.objects.get(ranking_list=tech, code="innovation")
    criterion.min_score, criterion.score_step = 1, ScoreStep.INTEGER
    criterion.save()
    return criterion


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "“创新性”的评分应在 1 至 10 之间。"),
        ("11", "“创新性”的评分应在 1 至 10 之间。"),
        ("7.5", "“创新性”的评分应为整数。"),
        ("abc", "“创新性”的评分应为数字。"),
        ("9" * 30, "“创新性”的评分应在 1 至 10 之间。"),
    ],
)
def test_the_form_refuses_a_score_outside_the_criterions_rules(strict, tech, typed, message):
    form = ScoreForm([strict], {"c_innovation": typed, "comment": ""})
    assert not form.is_valid()
    assert form.errors["c_innovation"] == [message]
    # The service asks the same rule.
    _values, errors = scoring.parse_values({"innovation": typed}, [strict], complete=False)
    if typed != "abc":
        assert errors["innovation"] == message


@pytest.mark.django_db
def test_the_form_accepts_a_score_within_the_rules(strict):
    form = ScoreForm([strict], {"c_innovation": "7", "comment": ""})
    assert form.is_valid(), form.errors
    assert form.values() == {"innovation": "7"}
    assert 'step="1"' in str(form["c_innovation"]) and 'min="1"' in str(form["c_innovation"])
    assert "1–10 分，整数" in form["c_innovation"].label


@pytest.mark.django_db
def test_the_expert_page_shows_the_message_next_to_the_field(
    strict, tech, electronics, society, body, experts, coordinator, platform_user
):
    entry = put_in_review(recommended(tech, electronics, society, 1), body, platform_user)[0]
    assign(entry, experts[0], coordinator)
    client = Client(raise_request_exception=False)
    client.force_login(experts[0])
    url = reverse("reviews:expert_nomination", args=[entry.pk])
    posted = {"c_innovation": "7.5", "c_advancement": "8", "c_value": "8", "c_transfer": "8", "comment": "好。"}
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        response = client.post(url, {**posted, "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    field_start = page.index('name="c_innovation"')
    assert "“创新性”的评分应为整数。" in page[field_start : field_start + 1500]


# ---------------------------------------------------------------- the rule and the disagreement on the pages


@pytest.fixture
def scored_panel(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    """Two entries scored by three experts: 项目0 90/88/30 (an outlier), 项目1 75/74/73."""
    from reviews.models import Score, ScoreStatus

    entries = put_in_review(recommended(tech, electronics, society, 2, title="项目"), body, platform_user)
    for entry, totals in zip(entries, [(90, 88, 30), (75, 74, 73)], strict=True):
        for expert, total in zip(experts, totals, strict=True):
            item = assign(entry, expert, coordinator)
            Score.objects.create(
                assignment=item, values={}, total=total, status=ScoreStatus.SUBMITTED, updated_at=IN_REVIEW_TIME
            )
    BodySubmission.objects.create(body=body, submitted_at=IN_REVIEW_TIME, submitted_by=coordinator)
    ListScoringRule.objects.create(ranking_list=tech, aggregation=Aggregation.TRIMMED, disagreement_threshold=25)
    return entries


@pytest.mark.django_db
def test_the_final_page_names_the_rule_and_highlights_disagreement(scored_panel, platform_user, campaign):
    client = Client()
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        page = client.get(reverse("reviews:platform_final")).content.decode()
    assert "排名规则：去掉一个最高分和一个最低分后的均值" in page
    assert "超过 25 分的申报以黄色标出" in page
    rows = re.findall(r'<tr data-entry="(\d+)"( class="table-warning")?', page)
    assert rows == [(str(scored_panel[0].pk), ' class="table-warning"'), (str(scored_panel[1].pk), "")]
    assert "分歧较大" in page


@pytest.mark.django_db
def test_the_coordinator_ranking_names_the_rule(scored_panel, coordinator):
    client = Client()
    client.force_login(coordinator)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        page = client.get(reverse("reviews:coordinator_dashboard")).content.decode()
    assert "排名规则：去掉一个最高分和一个最低分后的均值" in page
    assert page.count('data-disagrees="1"') == 1


@pytest.mark.django_db
def test_the_ranking_export_names_the_rule_and_flags_disagreement(scored_panel, campaign):
    import io

    from openpyxl import load_workbook

    from reviews import excel, final

    groups, _targets = final.ranked_groups(campaign)
    out = io.BytesIO()
    excel.write_ranking(out, groups, decisions=True)
    sheet = load_workbook(io.BytesIO(out.getvalue()))["先导技术榜-电子信息"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert "排名依据：去掉一个最高分和一个最低分后的均值" in header
    by_title = {row[header.index("名称")]: row for row in rows[1:]}
    outlier = by_title["项目0"]
    assert outlier[header.index("排名")] == 1  # 88 after dropping 90 and 30
    assert outlier[header.index("排名依据：去掉一个最高分和一个最低分后的均值")] == 88
    assert outlier[header.index("分歧（最高分−最低分）")] == 60
    assert outlier[header.index("分歧提示")] == "分歧较大，请关注"
    assert by_title["项目1"][header.index("分歧提示")] in ("", None)
