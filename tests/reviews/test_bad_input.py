"""Bad input on every review POST: a NUL, another control character (BEL, ESC), an over-long note
(2001 字) or an out-of-range number. Each is a 400 with the form's Chinese message on the page —
never a 5xx (on PostgreSQL a NUL read straight from ``request.POST`` is a ``DataError``) — and the
rows are read again to show that nothing changed.

The NUL cases are repeated under ``@pytest.mark.postgres`` (required in CI); every case also runs on
SQLite, where the form's message is what fails when the form is removed.
"""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from nominations.models import Nomination, State
from reviews.models import (
    Assignment,
    BodySubmission,
    ConflictDeclaration,
    Dispatch,
    FinalDecision,
    ListTarget,
    ReviewExtension,
    Score,
)
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, assign, put_in_review, recommended

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "内容含有空字符（NUL"
LONG_NOTE = "字" * 2001

# (text, the message next to the field); the NUL case once more on PostgreSQL.
BAD_TEXTS = [
    pytest.param("意见\x00尾", NUL_MESSAGE, id="nul-postgres", marks=pytest.mark.postgres),
    pytest.param("意见\x00尾", NUL_MESSAGE, id="nul"),
    pytest.param("意见\x07尾", "内容含有不可见的控制字符（U+0007，第 3 个字符）", id="bel"),
    pytest.param("\x1b[31m意见", "内容含有不可见的控制字符（U+001B，第 1 个字符）", id="esc"),
    pytest.param(LONG_NOTE, "不超过 2000 字（不计空格和换行），当前 2001 字", id="2001-zi"),
]


@pytest.fixture(autouse=True)
def _in_review():
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        yield


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _refused(response, message):
    assert response.status_code == 400, response.status_code
    page = response.content.decode()
    assert message in page
    return page


@pytest.fixture
def entries(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 2), body, platform_user)


@pytest.fixture
def assigned(entries, experts, coordinator):
    return assign(entries[0], experts[0], coordinator)


def _assignments():
    return sorted(Assignment.objects.values_list("pk", "nomination_id", "expert_id", "active", "removed_reason"))


# ---------------------------------------------------------------- experts


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_score_comment(assigned, experts, text, message):
    url = reverse("reviews:expert_nomination", args=[assigned.nomination_id])
    posted = {f"c_{code}": value for code, value in FULL.items()}
    page = _refused(_client(experts[0]).post(url, {**posted, "comment": text, "submit": "1"}), message)
    assert "评分未保存" in page
    assert 'data-max-chars="2000"' in page and "intake.js" in page
    assert not Score.objects.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("8\x00", "“创新性”的评分应为数字", id="nul-postgres", marks=pytest.mark.postgres),
        pytest.param("8\x00", "“创新性”的评分应为数字", id="nul"),
        pytest.param("\x1b8", "“创新性”的评分应为数字", id="esc"),
        pytest.param("11", "“创新性”的评分应在 0 至 10 之间", id="above"),
        pytest.param("-0.5", "“创新性”的评分应在 0 至 10 之间", id="below"),
        pytest.param("9" * 40, "“创新性”的评分应在 0 至 10 之间", id="huge"),
        pytest.param("8.25", "“创新性”的评分最多保留一位小数", id="decimals"),
    ],
)
def test_score_numbers(assigned, experts, value, message):
    url = reverse("reviews:expert_nomination", args=[assigned.nomination_id])
    posted = {f"c_{code}": v for code, v in FULL.items()}
    posted["c_innovation"] = value
    _refused(_client(experts[0]).post(url, {**posted, "comment": "意见", "save": "1"}), message)
    assert not Score.objects.exists()


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_conflict_reason(assigned, experts, text, message):
    url = reverse("reviews:declare_conflict", args=[assigned.nomination_id])
    page = _refused(_client(experts[0]).post(url, {"kind": "other", "note": text}), message)
    assert "申报回避未完成" in page
    assert not ConflictDeclaration.objects.exists()
    assert Assignment.objects.get(pk=assigned.pk).active


def test_conflict_kind_with_a_nul(assigned, experts):
    url = reverse("reviews:declare_conflict", args=[assigned.nomination_id])
    _refused(_client(experts[0]).post(url, {"kind": "other\x00"}), "请选择回避类型。")
    assert not ConflictDeclaration.objects.exists()


# ---------------------------------------------------------------- coordinators


@pytest.mark.parametrize("k", ["3\x00", "\x073", "0", "21", "9" * 40])
def test_auto_assign_count(entries, experts, coordinator, k):
    before = _assignments()
    _refused(
        _client(coordinator).post(reverse("reviews:auto_assign"), {"k": k}), "每项申报的专家人数应在 1 至 20 之间。"
    )
    assert _assignments() == before


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_assign_override_reason(entries, experts, coordinator, text, message):
    before = _assignments()
    url = reverse("reviews:assign_expert", args=[entries[1].pk])
    _refused(_client(coordinator).post(url, {"expert": experts[1].pk, "override_reason": text}), message)
    assert _assignments() == before


@pytest.mark.parametrize("expert", ["1\x00", "\x1b1", "9" * 40, "abc"])
def test_assign_expert_id(entries, experts, coordinator, expert):
    before = _assignments()
    url = reverse("reviews:assign_expert", args=[entries[1].pk])
    _refused(_client(coordinator).post(url, {"expert": expert}), "请选择专家。")
    assert _assignments() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        *BAD_TEXTS[:4],
        # ``removed_reason`` is a 200-character column: the removal note stops at 100 字.
        pytest.param("字" * 101, "撤销原因不超过 100 字（不计空格和换行），当前 101 字", id="101-zi"),
    ],
)
def test_remove_reason(assigned, coordinator, text, message):
    before = _assignments()
    url = reverse("reviews:remove_assignment", args=[assigned.pk])
    _refused(_client(coordinator).post(url, {"reason": text}), message)
    assert _assignments() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("name", "林\x00教授", NUL_MESSAGE, id="name-nul-postgres", marks=pytest.mark.postgres),
        pytest.param("name", "林\x00教授", NUL_MESSAGE, id="name-nul"),
        pytest.param("organization", "东方\x07大学", "U+0007", id="organization-bel"),
        pytest.param("organization", "东" * 201, "不超过 200 个字符", id="organization-long"),
        pytest.param("email", "lin\x00@example.org", "请输入有效的邮箱地址", id="email-nul"),
        pytest.param("email", "a" * 140 + "@example.org", "邮箱不超过 150 个字符", id="email-long"),
    ],
)
def test_invite(body, coordinator, field, value, message):
    users = get_user_model().objects.count()
    posted = {"name": "林教授", "email": "lin@example.org", "organization": "东方大学", field: value}
    _refused(_client(coordinator).post(reverse("reviews:invite"), posted), message)
    assert get_user_model().objects.count() == users


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_submit_results_note(entries, coordinator, text, message):
    _refused(_client(coordinator).post(reverse("reviews:submit_results"), {"note": text}), message)
    assert not BodySubmission.objects.exists()


# ---------------------------------------------------------------- the platform secretariat


def _dispatch_rows():
    return sorted(Dispatch.objects.values_list("nomination_id", "body_id", "moved"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        pytest.param("body_{pk}", "1\x00", "请选择初评机构。", id="nul-postgres", marks=pytest.mark.postgres),
        pytest.param("body_{pk}", "1\x00", "请选择初评机构。", id="nul"),
        pytest.param("body_{pk}", "\x1b1", "请选择初评机构。", id="esc"),
        pytest.param("body_{pk}", "9" * 40, "请选择初评机构。", id="huge"),
        # Was a 500: the key's id went straight to int().
        pytest.param("body_abc", "1", "提交的申报编号有误", id="key-letters"),
        pytest.param("body_1\x00", "1", "提交的申报编号有误", id="key-nul"),
    ],
)
def test_dispatch_choice(criteria, tech, electronics, society, platform_user, key, value, message):
    pending = recommended(tech, electronics, society, 1)[0]
    url = reverse("reviews:platform_dispatch")
    _refused(_client(platform_user).post(url, {key.format(pk=pending.pk): value}), message)
    assert Nomination.objects.get(pk=pending.pk).state == State.RECOMMENDED
    assert not Dispatch.objects.filter(nomination=pending).exists()


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_move_reason(entries, other_body, platform_user, text, message):
    before = _dispatch_rows()
    url = reverse("reviews:platform_move", args=[entries[0].pk])
    _refused(_client(platform_user).post(url, {"body": other_body.pk, "reason": text}), message)
    assert _dispatch_rows() == before


@pytest.mark.parametrize("value", ["1\x00", "\x071", "9" * 40])
def test_move_body(entries, platform_user, value):
    before = _dispatch_rows()
    url = reverse("reviews:platform_move", args=[entries[0].pk])
    _refused(_client(platform_user).post(url, {"body": value, "reason": "调整"}), "请选择要调整到的初评机构。")
    assert _dispatch_rows() == before


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_extension_reason(body, platform_user, text, message):
    url = reverse("reviews:platform_extension", args=[body.pk])
    _refused(_client(platform_user).post(url, {"until": "2024-01-05T18:00", "reason": text}), message)
    assert not ReviewExtension.objects.exists()


@pytest.mark.parametrize("until", ["2024-01-05T18:00\x00", "\x1b2024-01-05T18:00", "99999-01-05T18:00"])
def test_extension_until(body, platform_user, until):
    url = reverse("reviews:platform_extension", args=[body.pk])
    _refused(_client(platform_user).post(url, {"until": until, "reason": "专家出差"}), "请填写延期至的日期和时间。")
    assert not ReviewExtension.objects.exists()


@pytest.fixture
def submitted(entries, body, experts, coordinator):
    from reviews import scoring

    for entry in entries:
        scoring.save_score(assign(entry, experts[0], coordinator), experts[0], FULL, "意见", submit=True)
    scoring.submit_results(body, coordinator)
    return entries


def _states(entries):
    return sorted(Nomination.objects.filter(pk__in=[e.pk for e in entries]).values_list("pk", "state"))


@pytest.mark.parametrize(("text", "message"), BAD_TEXTS)
def test_final_reason(submitted, platform_user, text, message):
    before = _states(submitted)
    entry = submitted[0]
    posted = {"entry": [entry.pk], f"choice_{entry.pk}": "listed", f"reason_{entry.pk}": text}
    page = _refused(_client(platform_user).post(reverse("reviews:platform_decide"), posted), message)
    assert "保存终评结果未完成" in page
    assert _states(submitted) == before
    assert not FinalDecision.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("choice", "listed\x00", "请选择入榜、未入榜或未通过初评", id="choice-nul"),
        pytest.param("entry", "{pk}\x00", "提交的申报编号有误", id="entry-nul"),
        pytest.param("page", "\x071", "页码有误", id="page-bel"),
        pytest.param("page", "9" * 40, "页码有误", id="page-huge"),
        pytest.param("norm", "z\x1b", "排名方式有误", id="norm-esc"),
        pytest.param("group", "1-1\x00", NUL_MESSAGE, id="group-nul"),
    ],
)
def test_final_choices(submitted, platform_user, field, value, message):
    before = _states(submitted)
    entry = submitted[0]
    posted = {"entry": [str(entry.pk)], f"choice_{entry.pk}": "listed"}
    key = f"choice_{entry.pk}" if field == "choice" else field
    posted[key] = value.format(pk=entry.pk)
    _refused(_client(platform_user).post(reverse("reviews:platform_decide"), posted), message)
    assert _states(submitted) == before


@pytest.mark.parametrize(
    "count",
    [
        pytest.param("3\x00", id="nul-postgres", marks=pytest.mark.postgres),
        pytest.param("3\x00", id="nul"),
        pytest.param("\x1b3", id="esc"),
        pytest.param("-1", id="below"),
        pytest.param("100001", id="above"),
        pytest.param("9" * 40, id="huge"),
    ],
)
def test_target_count(campaign, tech, platform_user, count):
    url = reverse("reviews:platform_target", args=[tech.pk])
    _refused(_client(platform_user).post(url, {"count": count}), "入榜数量应为 0 至 100000 之间的整数。")
    assert not ListTarget.objects.filter(ranking_list=tech).exists()


def test_ranking_export_mode(campaign, platform_user):
    from nominations.models import ExportJob

    _refused(_client(platform_user).post(reverse("reviews:platform_ranking_excel"), {"norm": "z\x00"}), "排名方式有误")
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------- the pages carry the counter


def _counted(page):
    return 'data-max-chars="2000"' in page and "char-counter" in page and "js/intake.js" in page


def test_review_pages_render_their_notes_from_the_forms(assigned, entries, body, experts, coordinator, platform_user):
    pages = [
        (experts[0], reverse("reviews:expert_nomination", args=[assigned.nomination_id])),
        (coordinator, reverse("reviews:coordinator_dashboard")),
        (coordinator, reverse("reviews:coordinator_nomination", args=[assigned.nomination_id])),
        (platform_user, reverse("reviews:platform_dispatch")),
        (platform_user, reverse("reviews:platform_progress")),
    ]
    for user, url in pages:
        page = _client(user).get(url).content.decode()
        assert _counted(page), url
    page = _client(coordinator).get(reverse("reviews:coordinator_nomination", args=[assigned.nomination_id])).content
    assert 'data-max-chars="100"' in page.decode()


def test_final_page_renders_the_reasons_from_the_form(submitted, platform_user):
    page = _client(platform_user).get(reverse("reviews:platform_final")).content.decode()
    assert _counted(page)
    assert f'name="reason_{submitted[0].pk}"' in page
