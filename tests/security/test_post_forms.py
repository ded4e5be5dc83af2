"""Every state-changing POST of the nominations app reads its input through a form with limits.

Per endpoint: a NUL byte, another control character (BEL, ESC) and an over-long note (2001 字) are
answered with the form's Chinese message (a 400 re-render, or the batch page again) — never a 5xx —
and nothing changes: the row is read again (state, notes), the audit events and mails are counted.
The checks are the forms', so each test runs on SQLite and, marked ``postgres``, on PostgreSQL
(where a NUL used to reach the database: ``DataError``).

The message asserted is the form's own text (``内容含有空字符`` …), not just the status: a view
that stopped using its form would fail here even where the database happened to accept the value.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from nominations.forms import get_definition
from nominations.forms.fields import NOTE_MAX_CHARS
from nominations.models import (
    AuditEvent,
    ExportJob,
    Extension,
    MemberUnit,
    Nomination,
    Participation,
    Pioneer,
    RecommendingUnit,
    State,
)
from tests.factories import NominationFactory
from tests.intake.conftest import form_post

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
ON_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]

NUL_MESSAGE = "内容含有空字符（NUL，第 3 个字符）"
BAD_NOTES = [
    pytest.param("请修\x00改材料", NUL_MESSAGE, id="nul"),
    pytest.param("请修\x07改材料", "内容含有不可见的控制字符（U+0007，第 3 个字符）", id="bell"),
    pytest.param("请修\x1b[31m改", "内容含有不可见的控制字符（U+001B，第 3 个字符）", id="escape"),
    pytest.param("字" * (NOTE_MAX_CHARS + 1), f"不超过 {NOTE_MAX_CHARS} 字（不计空格和换行），当前 2001 字", id="2001"),
]


@pytest.fixture(
    autouse=True,
    params=[
        pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
        pytest.param(
            "sqlite", marks=pytest.mark.skipif(ON_POSTGRES, reason="runs as the postgres variant"), id="sqlite"
        ),
    ],
)
def engine(request, db):
    with time_machine.travel(OPEN, tick=False):
        yield request.param


def _login(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _page(response):
    return response.content.decode()


def _state(entry):
    row = Nomination.objects.get(pk=entry.pk)
    return {
        "state": row.state,
        "override_reason": row.override_reason,
        "events": AuditEvent.objects.count(),
        "notes": list(AuditEvent.objects.values_list("note", flat=True)),
        "mails": len(mail.outbox),
    }


# The entries of these tests: 先导技术榜 · 电子信息 (the first domain), sent during collection.
SENSOR = {"title": "柔性传感器", "sent_at": OPEN}


# ---------------------------------------------------------------- the secretariat's entry page


@pytest.mark.parametrize("action", ["return", "decline"])
@pytest.mark.parametrize(("note", "message"), BAD_NOTES)
def test_entry_action_note(action, note, message, secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, **SENSOR)
    before = _state(entry)
    response = _login(secretariat_user).post(
        reverse("secretariat:nomination_action", args=[entry.pk]), {"action": action, "note": note}
    )
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    # The note textarea is shown again from the form, with the text typed and the live counter.
    assert f'id="note-{action}"' in page
    assert f'data-max-chars="{NOTE_MAX_CHARS}"' in page
    assert "js/intake.js" in page
    assert _state(entry) == before


@pytest.mark.parametrize(("note", "message"), BAD_NOTES)
def test_entry_action_override_reason(note, message, secretariat_user, member_unit, tech, electronics):
    from nominations.models import EarlierListedItem, ListCode

    item = EarlierListedItem.objects.create(year=2022, list_code=ListCode.TECH, name="柔性传感器", unit="某大学")
    entry = NominationFactory(
        ranking_list=tech, member_unit=member_unit, state=State.ACCEPTED, earlier_listed=item, **SENSOR
    )
    before = _state(entry)
    response = _login(secretariat_user).post(
        reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "recommend", "override_reason": note}
    )
    assert response.status_code == 400
    assert message in _page(response)
    assert _state(entry) == before


def test_a_valid_note_still_returns_the_entry(secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, **SENSOR)
    note = "请补充\n知识产权证明。" + "字" * 1990
    response = _login(secretariat_user).post(
        reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "return", "note": note}
    )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=entry.pk).state == State.RETURNED
    assert AuditEvent.objects.get(verb="return", nomination=entry).note == note


def test_pioneer_recommend_by_a_secretariat_is_403_with_the_reason(secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, **SENSOR)
    before = _state(entry)
    response = _login(secretariat_user).post(
        reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "pioneer_recommend"}
    )
    assert response.status_code == 403
    assert "不能推举" in _page(response)
    assert _state(entry) == before


def test_pioneer_recommend_on_the_workflow_is_refused_before_any_lock(secretariat_user, member_unit, tech, electronics):
    from nominations import workflow

    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.DRAFT, **SENSOR)
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(entry, "pioneer_recommend", secretariat_user)
    assert Nomination.objects.get(pk=entry.pk).state == State.DRAFT


# ---------------------------------------------------------------- batch actions


@pytest.mark.parametrize("apply", ["", "1"])
@pytest.mark.parametrize(("note", "message"), BAD_NOTES)
def test_batch_note(apply, note, message, secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, **SENSOR)
    before = _state(entry)
    response = _login(secretariat_user).post(
        reverse("secretariat:batch"), {"action": "return", "ids": [entry.pk], "note": note, "apply": apply}
    )
    assert response.status_code == 200
    page = _page(response)
    assert message in page
    assert 'data-testid="batch-retry"' in page  # the same selection again, the note next to its message
    assert 'id="batch-note"' in page
    assert _state(entry) == before


def test_batch_ids_are_bounded_by_the_page_size(secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, **SENSOR)
    before = _state(entry)
    ids = [entry.pk, *range(10**6, 10**6 + 25)]
    response = _login(secretariat_user).post(
        reverse("secretariat:batch"), {"action": "accept", "ids": ids, "apply": "1"}
    )
    assert response.status_code == 200
    assert "一次最多处理 25 项申报" in _page(response)
    assert _state(entry) == before


# ---------------------------------------------------------------- the author's withdrawal


@pytest.mark.parametrize(("note", "message"), BAD_NOTES)
def test_withdraw_note(note, message, member_user, member_unit, tech, electronics):
    entry = NominationFactory(
        ranking_list=tech, member_unit=member_unit, state=State.SUBMITTED, created_by=member_user, **SENSOR
    )
    before = _state(entry)
    response = _login(member_user).post(reverse("member:act", args=[entry.pk, "withdraw"]), {"note": note})
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    assert 'id="withdraw-note"' in page
    assert _state(entry) == before


@pytest.mark.parametrize("action", ["submit\x00", "\x07", "publish"])
def test_edit_page_action_is_read_through_its_form(action, member_user, member_unit, tech, electronics):
    entry = NominationFactory(
        ranking_list=tech,
        member_unit=member_unit,
        state=State.DRAFT,
        submitted_at=None,
        created_by=member_user,
        **SENSOR,
    )
    before = _state(entry) | {"data": Nomination.objects.get(pk=entry.pk).data}
    posted = form_post(get_definition("tech"), {**entry.data, "name": "改过的标题"}, entry.version, action)
    response = _login(member_user).post(reverse("member:edit", args=[entry.pk]), posted)
    assert response.status_code == 400
    page = _page(response)
    assert "不支持的操作，请刷新页面后重试。" in page
    assert "改过的标题" in page  # what was typed is shown again
    assert _state(entry) | {"data": Nomination.objects.get(pk=entry.pk).data} == before


@pytest.mark.parametrize("version", ["1\x00", "\x07", "9" * 40, "-3"])
def test_edit_and_autosave_version_is_read_through_a_form(version, member_user, member_unit, tech, electronics):
    """A malformed version is a stale page: the member is told to reload; nothing is overwritten."""
    entry = NominationFactory(
        ranking_list=tech,
        member_unit=member_unit,
        state=State.DRAFT,
        submitted_at=None,
        created_by=member_user,
        **SENSOR,
    )
    before = Nomination.objects.get(pk=entry.pk).data
    client = _login(member_user)
    posted = form_post(get_definition("tech"), {**entry.data, "name": "另一个窗口"}, 0)
    posted["version"] = version
    for name in ("member:edit", "member:autosave"):
        response = client.post(reverse(name, args=[entry.pk]), posted)
        assert response.status_code < 500
        assert "已在其他窗口或由他人修改" in _page(response)
    assert Nomination.objects.get(pk=entry.pk).data == before


# ---------------------------------------------------------------- the platform


@pytest.mark.parametrize(("reason", "message"), BAD_NOTES)
def test_reopen_reason(reason, message, platform_user, society, campaign):
    participation, _ = Participation.objects.get_or_create(unit=society, campaign=campaign)
    participation.confirmed_at = OPEN
    participation.save()
    events, mails = AuditEvent.objects.count(), len(mail.outbox)
    response = _login(platform_user).post(reverse("platform:reopen", args=[society.pk]), {"reason": reason})
    assert response.status_code == 400
    page = _page(response)
    assert message in page
    assert 'data-max-chars="2000"' in page
    participation.refresh_from_db()
    assert participation.confirmed_at is not None
    assert (AuditEvent.objects.count(), len(mail.outbox)) == (events, mails)


@pytest.mark.parametrize(("reason", "message"), BAD_NOTES)
def test_extension_reason(reason, message, platform_user, society):
    response = _login(platform_user).post(
        reverse("platform:extensions"),
        {"kind": "platform", "target": f"unit:{society.pk}", "until": "2023-12-03T17:00", "reason": reason},
    )
    assert response.status_code == 200
    assert message in _page(response)
    assert not Extension.objects.exists()


BAD_LINES = [
    pytest.param("甲\x00单位", "内容含有空字符（NUL，第 2 个字符）", id="nul"),
    pytest.param("甲\x1b单位", "内容含有不可见的控制字符（U+001B，第 2 个字符）", id="escape"),
]


@pytest.mark.parametrize(("name", "message"), BAD_LINES)
def test_invitations_refuse_control_characters(name, message, platform_user, secretariat_user, campaign):
    units, members, pioneers = RecommendingUnit.objects.count(), MemberUnit.objects.count(), Pioneer.objects.count()
    posts = [
        (platform_user, "platform:units", {"name": name, "contact_email": "a@example.com"}),
        (platform_user, "platform:pioneers", {"name": name, "listed_year": "2022", "contact_email": "a@example.com"}),
        (secretariat_user, "secretariat:members", {"name": name, "contact_email": "a@example.com"}),
    ]
    for user, url_name, data in posts:
        response = _login(user).post(reverse(url_name), data)
        assert response.status_code == 200, url_name
        assert message in _page(response), url_name
    assert (RecommendingUnit.objects.count(), MemberUnit.objects.count(), Pioneer.objects.count()) == (
        units,
        members,
        pioneers,
    )
    assert not mail.outbox


def test_pioneer_year_is_bounded(platform_user, campaign):
    response = _login(platform_user).post(
        reverse("platform:pioneers"), {"name": "张三", "listed_year": "9" * 40, "contact_email": "a@example.com"}
    )
    assert response.status_code == 200
    assert "年度不晚于 2100 年" in _page(response)
    assert not Pioneer.objects.filter(name="张三").exists()


@pytest.mark.parametrize("payload", ["a\x00b", "x" * 200_000 + "\x07"])
def test_import_payload_is_read_through_a_form(payload, platform_user, secretariat_user, campaign):
    units, members = RecommendingUnit.objects.count(), MemberUnit.objects.count()
    for user, url in (
        (platform_user, reverse("platform:import", args=["units"])),
        (secretariat_user, reverse("secretariat:member_import")),
    ):
        response = _login(user).post(url, {"payload": payload})
        assert response.status_code == 400, url
        assert "预览已过期或无效，请重新上传文件。" in _page(response), url
    assert (RecommendingUnit.objects.count(), MemberUnit.objects.count()) == (units, members)


# ---------------------------------------------------------------- exports


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": "20\x0023"}, "请填写四位数的年度。"),
        ({"year": "9" * 40}, "年度不晚于 2100 年。"),
        ({"norm": "z\x07"}, "不支持的分数口径。"),
    ],
)
def test_review_export_options(data, message, platform_user, campaign):
    response = _login(platform_user).post(reverse("exports:review_create", args=["ranking"]), data)
    assert response.status_code == 400
    assert message in _page(response)
    assert not ExportJob.objects.exists()


def test_export_filters_refuse_control_characters(platform_user, campaign):
    response = _login(platform_user).post(reverse("exports:create"), {"kind": "excel", "list": "tech\x00"})
    assert response.status_code == 400
    assert "导出条件有误" in _page(response)
    assert not ExportJob.objects.exists()


# ---------------------------------------------------------------- the demo clock (admin)


@pytest.mark.parametrize("preset", ["2023-11-20T16:55:00+08:00\x00", "2023-11-20T16:55:00\x07"])
def test_demo_clock_preset_is_read_through_its_form(preset, settings, admin_user_):
    from nominations.models import DemoClock

    settings.DEMO_CLOCK = True
    client = _login(admin_user_)
    url = reverse("admin:nominations_democlock_changelist")
    assert client.get(url).status_code == 200
    before = (list(DemoClock.objects.values()), AuditEvent.objects.count())
    response = client.post(url, {"preset": preset})
    assert response.status_code == 200
    assert "内容含有" in _page(response)
    assert (list(DemoClock.objects.values()), AuditEvent.objects.count()) == before
