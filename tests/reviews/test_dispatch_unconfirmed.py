"""The platform decides on the units that did not confirm: the section of the dispatch page, the
decision form, 不纳入初评 moving the entries to 未获推荐 with a mail to their members."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from nominations.models import (
    AuditEvent,
    MailKind,
    Nomination,
    Participation,
    Role,
    SentMail,
    State,
    UnconfirmedDecision,
    UnconfirmedUnits,
)
from reviews import unconfirmed
from reviews.models import Dispatch
from tests.factories import make_user
from tests.reviews.conftest import IN_REVIEW_TIME, recommended
from tests.reviews.test_dispatch_opening import BEFORE_PLATFORM_DEADLINE
from tests.reviews.units import confirm, set_default

pytestmark = pytest.mark.django_db

URL = reverse("reviews:platform_dispatch")


@pytest.fixture
def late(criteria, tech, electronics, biomedicine, society):
    """Three recommended entries of ``society`` (never confirmed), one member user per entry's unit."""
    entries = recommended(tech, electronics, society, 2, title="电子") + recommended(
        tech, biomedicine, society, 1, title="生物"
    )
    for i, entry in enumerate(entries):
        make_user(Role.MEMBER, f"late-member{i}", member_unit=entry.member_unit)
    return entries


def _decide_url(unit):
    return reverse("reviews:platform_unconfirmed", args=[unit.pk])


def _section(html):
    match = re.search(r'<div class="card mb-3 border-warning" id="unconfirmed">(.*?)</div></div>', html, re.S)
    return match.group(1) if match else ""


def test_the_section_lists_the_unit_with_its_entries_after_the_deadline(client, late, society, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        assert _section(client.get(URL).content.decode()) == ""
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        section = _section(client.get(URL).content.decode())
    assert "未确认推荐结果的推荐单位（1 家）" in section
    assert "本年度对未确认单位的设置为“由平台秘书处逐个决定”" in section
    assert society.name in section and "待平台秘书处决定，其申报暂不分发。" in section
    assert "已推荐 3 项：先导技术榜 · 电子信息 2 项；先导技术榜 · 生物医药 1 项。" in section
    assert all(entry.title in section for entry in late)
    assert 'name="decision" value="include"' in section and 'name="reason"' in section
    assert "保存决定" in section


def test_a_confirmed_unit_is_not_in_the_section(client, late, society, campaign, platform_user):
    confirm(society, campaign)
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        assert _section(client.get(URL).content.decode()) == ""


def test_including_lets_the_entries_go(client, late, society, campaign, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        response = client.post(_decide_url(society), {"decision": "include", "reason": "确认函邮寄途中"}, follow=True)
        html = response.content.decode()
        assert f"已决定{society.name}纳入初评。" in html
        assert "已决定纳入初评，其申报可以分发。" in html
        assert "平台秘书处决定：纳入初评（理由：确认函邮寄途中；" in html
        assert "更改决定" in html and "预览分发 3 项申报" in html
    participation = Participation.objects.get(campaign=campaign, unit=society)
    assert participation.unconfirmed_decision == UnconfirmedDecision.INCLUDE
    assert (
        participation.unconfirmed_reason == "确认函邮寄途中" and participation.unconfirmed_decided_by == platform_user
    )
    event = AuditEvent.objects.get(verb="decide_unconfirmed")
    assert event.recommending_unit == society and event.note == "纳入初评：确认函邮寄途中"
    assert all(entry.state == State.RECOMMENDED for entry in Nomination.objects.all())


def test_excluding_moves_the_entries_and_tells_the_members(
    client, late, society, campaign, platform_user, django_capture_on_commit_callbacks
):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True), django_capture_on_commit_callbacks(execute=True):
        response = client.post(_decide_url(society), {"decision": "exclude", "reason": "逾期未确认"}, follow=True)
    html = response.content.decode()
    assert f"已决定{society.name}不纳入初评，3 项申报改为“未获推荐”并通知会员。" in html
    assert "已决定不纳入初评，其申报已改为“未获推荐”并通知会员。" in html
    assert unconfirmed.EXCLUDED in html and "更改决定" not in html
    assert all(entry.state == State.NOT_RECOMMENDED for entry in Nomination.objects.all())
    assert AuditEvent.objects.filter(verb="exclude", note="逾期未确认").count() == 3
    assert len(mail.outbox) == 3
    for i in range(3):
        assert any(f"late-member{i}@example.org" in m.to for m in mail.outbox)
    message = next(m for m in mail.outbox if "late-member0@example.org" in m.to)
    assert message.subject == f"【科创中国榜单】您的申报“{late[0].title}”未纳入初评"
    assert f"{society.name}未在平台申报截止时间前向平台确认推荐结果" in message.body
    assert "不纳入初评的理由：\n逾期未确认" in message.body and "改为“未获推荐”" in message.body
    assert SentMail.objects.filter(kind=MailKind.EXCLUDED).count() == 3
    # The decision stands now: a change is refused with the reason.
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        response = client.post(_decide_url(society), {"decision": "include", "reason": "改变主意"}, follow=True)
    assert unconfirmed.EXCLUDED in response.content.decode()
    assert Participation.objects.get(unit=society).unconfirmed_decision == UnconfirmedDecision.EXCLUDE


def test_a_decision_changes_until_an_entry_is_dispatched(client, late, society, campaign, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        client.post(_decide_url(society), {"decision": "include", "reason": "先纳入"})
        client.post(_decide_url(society), {"decision": "include", "reason": "理由补充"})
        assert Participation.objects.get(unit=society).unconfirmed_reason == "理由补充"
        preview = client.post(URL)
        client.post(URL, {"confirm": "1", "digest": preview.context["digest"]})
        assert Dispatch.objects.count() == 3
        response = client.post(_decide_url(society), {"decision": "exclude", "reason": "改为不纳入"}, follow=True)
    assert unconfirmed.DISPATCHED in response.content.decode()
    assert all(entry.state == State.IN_REVIEW for entry in Nomination.objects.all())


def test_the_campaign_default_exclude_keeps_the_entries_back_and_still_allows_a_decision(
    client, late, society, campaign, platform_user
):
    set_default(campaign, UnconfirmedUnits.EXCLUDE)
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.get(URL).content.decode()
        assert "本年度对未确认单位的设置为“全部不纳入初评”" in html
        assert "按本年度设置不纳入初评，其申报不分发；会员尚未收到通知，请作出决定。" in html
        assert 'disabled title="' in html and "保存决定" in html
        client.post(_decide_url(society), {"decision": "include", "reason": "特批"})
        assert "预览分发 3 项申报" in client.get(URL).content.decode()


def test_the_campaign_default_include_dispatches_without_a_decision(client, late, society, campaign, platform_user):
    set_default(campaign, UnconfirmedUnits.INCLUDE)
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.get(URL).content.decode()
    assert "按本年度设置纳入初评，其申报可以分发。" in html and "预览分发 3 项申报" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "include", "reason": ""}, "请填写处理理由。"),
        ({"decision": "exclude", "reason": "   "}, "请填写处理理由。"),
        ({"reason": "理由"}, "请选择纳入初评或不纳入初评。"),
        ({"decision": "maybe", "reason": "理由"}, "请选择纳入初评或不纳入初评。"),
        ({"decision": "include", "reason": "字" * 501}, "处理理由不超过 500 字"),
        ({"decision": "include", "reason": "理由\x00"}, "内容含有空字符"),
        ({"decision": "include\x00", "reason": "理由"}, "请选择纳入初评或不纳入初评。"),
    ],
)
def test_bad_decisions_are_refused_next_to_the_field(client, late, society, platform_user, data, message):
    client.force_login(platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        response = client.post(_decide_url(society), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="invalid-feedback d-block"' in html
    assert not Participation.objects.filter(unit=society).exclude(unconfirmed_decision="").exists()
    assert all(entry.state == State.RECOMMENDED for entry in Nomination.objects.all())


def test_deciding_is_refused_before_the_deadline_for_a_confirmed_unit_and_for_others(
    client, late, society, campaign, platform_user, secretariat_user
):
    client.force_login(platform_user)
    data = {"decision": "exclude", "reason": "逾期"}
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        html = client.post(_decide_url(society), data, follow=True).content.decode()
    assert "之后才能决定是否纳入初评" in html
    confirm(society, campaign)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.post(_decide_url(society), data, follow=True).content.decode()
    assert f"{society.name}已确认推荐结果，其申报照常分发，无需决定。" in html
    client.force_login(secretariat_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assert client.post(_decide_url(society), data).status_code == 403
    assert all(entry.state == State.RECOMMENDED for entry in Nomination.objects.all())
