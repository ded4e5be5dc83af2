"""Review exports through the export jobs: the experts' reviews, the ranked tables and the published lists.

The worked example (先导技术榜 · 电子信息, weights 30/25/25/20, every criterion out of 10):

=========  ==================  ==================  =====  ======  =====  ======
entry      expert1             expert2             mean   median  std    rank
=========  ==================  ==================  =====  ======  =====  ======
项目0      9,9,9,9 → 90        7,7,7,7 → 70        80     80      10     1 并列
项目1      8,8,8,8 → 80        8,8,8,8 → 80        80     80      0      1 并列
项目2      9,8,7,6 → 76.5      —                   76.5   76.5    0      3
=========  ==================  ==================  =====  ======  =====  ======

Another body (生命健康) has one entry scored 50 by its own expert: never in the first body's exports.
"""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from nominations import exports, policy
from nominations.models import Domain, ExportJob, ExportKind, ExportState, Role
from reviews import assignment, final, publication, scoring
from reviews.criteria import load_review_criteria
from reviews.models import ReviewBody
from tests.factories import PASSWORD, make_user
from tests.reviews.conftest import (
    BIOMEDICINE_BODY,
    ELECTRONICS_BODY,
    IN_REVIEW_TIME,
    PUBLICATION_TIME,
    expert_of,
    put_in_review,
    recommended,
)

FORMULA = '=HYPERLINK("http://evil.example/","点击")'
CODES = ("innovation", "advancement", "value", "transfer")
SCORE_HEADERS = [
    "申报编号",
    "名称",
    "榜单",
    "领域",
    "初评机构",
    "专家",
    "创新性（满分10，权重30）",
    "先进性（满分10，权重25）",
    "应用价值与经济效益（满分10，权重25）",
    "转化与推广前景（满分10，权重20）",
    "加权总分",
    "评审意见",
    "状态",
    "提交时间",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _values(*scores):
    return dict(zip(CODES, map(str, scores), strict=True))


@pytest.fixture
def example(campaign, tech, electronics, society, platform_user):
    load_review_criteria(campaign)
    body = ReviewBody.objects.get(campaign=campaign, name=ELECTRONICS_BODY)
    other_body = ReviewBody.objects.get(campaign=campaign, name=BIOMEDICINE_BODY)
    expert1 = expert_of(body, "expert1", organization="第1大学")
    expert2 = expert_of(body, "expert2", organization="第2大学")
    other_expert = expert_of(other_body, "bio-expert", organization="生物大学")
    coordinator = make_user(Role.COORDINATOR, "coordinator", review_body=body)
    entries = put_in_review(recommended(tech, electronics, society, 3, title="项目"), body, platform_user)
    biomedicine = Domain.objects.get(ranking_list=tech, code="biomedicine")
    (other,) = put_in_review(recommended(tech, biomedicine, society, 1, title="生物"), other_body, platform_user)
    plan = [
        (entries[0], expert1, (9, 9, 9, 9), FORMULA),
        (entries[0], expert2, (7, 7, 7, 7), "尚可"),
        (entries[1], expert1, (8, 8, 8, 8), "良好"),
        (entries[1], expert2, (8, 8, 8, 8), "良好"),
        (entries[2], expert1, (9, 8, 7, 6), "较好"),
    ]
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        for entry, expert, scores, comment in plan:
            item = assignment.assign(entry, expert, coordinator)
            scoring.save_score(item, expert, _values(*scores), comment, submit=True)
        other_coordinator = make_user(Role.COORDINATOR, "bio-coordinator", review_body=other_body)
        item = assignment.assign(other, other_expert, other_coordinator)
        scoring.save_score(item, other_expert, _values(5, 5, 5, 5), "生物意见", submit=True)
    return {
        "entries": entries,
        "other": other,
        "expert1": expert1,
        "expert2": expert2,
        "coordinator": coordinator,
        "body": body,
        "other_body": other_body,
        "other_coordinator": other_coordinator,
    }


def _start(client, kind, capture, **form):
    """Start a review export through its URL, run it (eager, on commit) and return the job."""
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(reverse("exports:review_create", args=[kind]), form)
    assert response.status_code == 302 and response["Location"] == reverse("exports:list")
    return ExportJob.objects.exclude(pk__in=before).get()


def _download(client, job):
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 200, job.error
    return load_workbook(BytesIO(b"".join(response.streaming_content)))


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_review_scores_workbook_has_one_row_per_review_with_exact_values(
    client, example, platform_user, django_capture_on_commit_callbacks
):
    _login(client, platform_user)
    job = _start(client, "scores", django_capture_on_commit_callbacks)
    assert job.state == ExportState.DONE, job.error
    assert job.kind == ExportKind.REVIEW_SCORES and job.progress_done == job.progress_total == 6
    assert job.file_name.startswith("2023年初评评分_全部初评机构_") and job.file_name.endswith(".xlsx")
    book = _download(client, job)
    rows = _rows(book["先导技术榜"])
    assert rows[0] == SCORE_HEADERS
    first, second, third = example["entries"]
    submitted = datetime(2023, 12, 5, 10, 0)
    code = f"KCZG-2023-{first.pk:06d}"
    assert rows[1] == [
        code,
        "项目0",
        "先导技术榜",
        "电子信息",
        ELECTRONICS_BODY,
        "expert1",
        9,
        9,
        9,
        9,
        90.0,
        FORMULA,
        "已提交",
        submitted,
    ]
    assert rows[2] == [
        code,
        "项目0",
        "先导技术榜",
        "电子信息",
        ELECTRONICS_BODY,
        "expert2",
        7,
        7,
        7,
        7,
        70.0,
        "尚可",
        "已提交",
        submitted,
    ]
    assert [(r[1], r[5], r[10]) for r in rows[3:]] == [
        ("项目1", "expert1", 80.0),
        ("项目1", "expert2", 80.0),
        ("项目2", "expert1", 76.5),
        ("生物0", "bio-expert", 50.0),
    ]
    assert rows[5][6:10] == [9, 8, 7, 6]
    # The formula payload in the comment is a text cell, never a formula.
    comment = book["先导技术榜"]["L2"]
    assert comment.value == FORMULA and comment.data_type == "s"
    assert sorted(set(job.entry_ids)) == sorted([first.pk, second.pk, third.pk, example["other"].pk])


def test_ranking_workbook_ranks_with_ties_per_list_and_domain(
    client, example, platform_user, django_capture_on_commit_callbacks
):
    _login(client, platform_user)
    before = set(ExportJob.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:platform_ranking_excel"), {"norm": "z"})
    assert response.status_code == 302 and response["Location"] == reverse("exports:list")
    job = ExportJob.objects.exclude(pk__in=before).get()
    assert job.kind == ExportKind.RANKING and job.state == ExportState.DONE, job.error
    assert job.filters == {"campaign": 2023, "norm": True, "body": None}
    book = _download(client, job)
    assert book.sheetnames == ["先导技术榜-电子信息", "先导技术榜-生物医药"]
    rows = _rows(book["先导技术榜-电子信息"])
    assert rows[0] == [
        "排名",
        "并列",
        "申报编号",
        "名称",
        "推荐单位",
        "申报单位",
        "初评机构",
        "评分人数",
        "平均分",
        "中位数",
        "标准差",
        "去掉最高分和最低分后均值",
        "分歧（最高分−最低分）",
        "分歧提示",
        "标准化得分",
        "排名依据：标准化均值",
        "状态",
        "终评结果",
        "终评理由",
    ]
    society = example["entries"][0].recommending_unit.name
    # z-scores: expert1 totals 90/80/76.5 (mean 82.17, sd 5.72), expert2 70/80 (sd 5):
    # 项目0 (1.369 - 1) / 2 = 0.18; 项目1 (-0.379 + 1) / 2 = 0.31; 项目2 -0.99.
    assert [(r[0], r[1], r[3], r[5], r[7], r[8], r[9], r[10], r[11], r[12], r[14], r[16]) for r in rows[1:]] == [
        (1, None, "项目1", "项目单位1", 2, 80.0, 80.0, 0.0, 80.0, 0.0, 0.31, "初评中"),
        (2, None, "项目0", "项目单位0", 2, 80.0, 80.0, 10.0, 80.0, 20.0, 0.18, "初评中"),
        (3, None, "项目2", "项目单位2", 1, 76.5, 76.5, 0.0, 76.5, 0.0, -0.99, "初评中"),
    ]
    assert all(r[4] == society and r[6] == ELECTRONICS_BODY for r in rows[1:])


def test_ranking_by_mean_marks_ties(client, example, platform_user, django_capture_on_commit_callbacks):
    _login(client, platform_user)
    job = _start(client, "ranking", django_capture_on_commit_callbacks)
    rows = _rows(_download(client, job)["先导技术榜-电子信息"])
    assert "标准化得分" not in rows[0]
    assert [(r[0], r[1], r[3], r[8]) for r in rows[1:]] == [
        (1, "并列", "项目0", 80.0),
        (1, "并列", "项目1", 80.0),
        (3, None, "项目2", 76.5),
    ]


def test_a_coordinator_exports_only_its_body(client, example, django_capture_on_commit_callbacks):
    _login(client, example["coordinator"])
    scores = _start(client, "scores", django_capture_on_commit_callbacks)
    assert scores.filters["body"] == example["body"].pk and scores.description == f"2023年 · {ELECTRONICS_BODY}"
    rows = _rows(_download(client, scores)["先导技术榜"])
    assert [r[1] for r in rows[1:]] == ["项目0", "项目0", "项目1", "项目1", "项目2"]
    assert example["other"].pk not in scores.entry_ids
    ranking = _start(client, "ranking", django_capture_on_commit_callbacks)
    book = _download(client, ranking)
    assert book.sheetnames == ["先导技术榜-电子信息"]
    rows = _rows(book["先导技术榜-电子信息"])
    assert "终评结果" not in rows[0]
    assert [r[3] for r in rows[1:]] == ["项目0", "项目1", "项目2"]


@pytest.mark.parametrize("kind", ["scores", "ranking"])
def test_an_expert_cannot_start_a_review_export(client, example, kind):
    _login(client, example["expert1"])
    before = ExportJob.objects.count()
    response = client.post(reverse("exports:review_create", args=[kind]))
    assert response.status_code == 404
    assert ExportJob.objects.count() == before
    assert not policy.may(example["expert1"], "start_export", kind)
    with pytest.raises(exports.ExportError, match="只有平台秘书处和初评机构联络人可以导出评审结果"):
        exports.create_review_job(example["expert1"], kind, example["body"].campaign)
    assert client.post(reverse("reviews:platform_ranking_excel")).status_code == 403


def test_member_and_secretariat_cannot_start_review_exports(client, example, member_user, secretariat_user):
    for user in (member_user, secretariat_user):
        _login(client, user)
        for kind in ("scores", "ranking"):
            assert client.post(reverse("exports:review_create", args=[kind])).status_code == 404


def test_a_coordinator_who_changes_body_loses_the_file(client, example, django_capture_on_commit_callbacks):
    coordinator = example["coordinator"]
    _login(client, coordinator)
    job = _start(client, "scores", django_capture_on_commit_callbacks)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 200
    profile = coordinator.profile
    profile.review_body = ReviewBody.objects.get(campaign=example["body"].campaign, name=BIOMEDICINE_BODY)
    profile.save(update_fields=["review_body"])
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_published_lists_export_for_any_logged_in_user(
    client, example, platform_user, member_user, django_capture_on_commit_callbacks
):
    first, second, third = example["entries"]
    campaign = first.campaign
    _login(client, member_user)
    response = client.post(reverse("exports:review_create", args=["published"]), {"year": "2023"}, follow=True)
    assert "2023年榜单尚未发布" in response.content.decode()
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        scoring.submit_results(example["body"], example["coordinator"])
        scoring.submit_results(example["other_body"], example["other_coordinator"])
    decisions = [
        (first, "listed", ""),
        (second, "listed", ""),
        (third, "not_listed", ""),
        (example["other"], "failed", ""),
    ]
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        final.decide(platform_user, decisions)
        publication.publish(campaign, platform_user)
    job = _start(client, "published", django_capture_on_commit_callbacks, year="2023")
    assert job.state == ExportState.DONE, job.error
    assert job.progress_done == job.progress_total == 2
    rows = _rows(_download(client, job)["先导技术榜"])
    society = first.recommending_unit.name
    assert rows == [
        ["序号", "领域", "名称", "推荐单位", "申报单位"],
        [1, "电子信息", "项目0", society, "项目单位0"],
        [2, "电子信息", "项目1", society, "项目单位1"],
    ]
    # The same workbook as the public direct download.
    public = load_workbook(BytesIO(client.get(reverse("publication:excel", args=[2023])).content))
    assert _rows(public["先导技术榜"]) == rows


def test_job_lifecycle_and_retry_through_the_task(
    client, example, platform_user, django_capture_on_commit_callbacks, monkeypatch
):
    from reviews import exports as review_exports

    _login(client, platform_user)
    original = review_exports.write

    def broken(*args, **kwargs):
        raise review_exports.ReviewExportError("测试失败")

    monkeypatch.setattr(review_exports, "write", broken)
    job = _start(client, "scores", django_capture_on_commit_callbacks)
    assert job.state == ExportState.FAILED and job.error == "测试失败" and job.attempts == 1
    row = client.get(reverse("exports:status", args=[job.pk])).content.decode()
    assert "测试失败" in row and "hx-get" not in row
    monkeypatch.setattr(review_exports, "write", original)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exports:retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.attempts == 2 and job.file_size > 0
    page = client.get(reverse("exports:list")).content.decode()
    assert "初评评分 Excel" in page and reverse("exports:download", args=[job.pk]) in page


def test_a_queued_job_row_polls(client, example, platform_user):
    _login(client, platform_user)
    job = exports.create_review_job(platform_user, ExportKind.RANKING, example["body"].campaign, enqueue_now=False)
    assert job.state == ExportState.QUEUED
    row = client.get(reverse("exports:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in row
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404


def test_the_pages_start_jobs(client, example, platform_user):
    _login(client, platform_user)
    page = client.get(reverse("reviews:platform_final")).content.decode()
    assert reverse("reviews:platform_ranking_excel") in page
    assert reverse("exports:review_create", args=["scores"]) in page
    assert client.get(reverse("reviews:platform_ranking_excel")).status_code == 405
    _login(client, example["coordinator"])
    page = client.get(reverse("reviews:coordinator_dashboard")).content.decode()
    assert reverse("exports:review_create", args=["ranking"]) in page
    assert reverse("exports:review_create", args=["scores"]) in page
