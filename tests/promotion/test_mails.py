"""发布推介's mails: the listed party hears of a request that reaches it, the partner of its answer or expiry;
the scheduled expiry (command and beat entry)."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from kczg_site import clock
from nominations.models import MailAudience, MailKind, SentMail, State
from nominations.policy import visible_sent_mails
from promotion import services
from promotion.models import ConsentLevel, PromotionSettings, RequestState
from tests.factories import NominationFactory
from tests.promotion.test_promotion import CONTACT, login, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(tech, member_unit, member_user):
    member_user.email = "alice@member.example"
    member_user.save()
    entry = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title="量子传感芯片")
    item = services.profile_for(entry)
    services.grant_consent(item, member_user, level=ConsentLevel.PARTNERS, stage="growth", **CONTACT)
    return item


@pytest.fixture
def bank(platform_user, campaign):
    PromotionSettings.objects.update_or_create(campaign=campaign, defaults={"moderated_first": 0})
    partner, bob = make_partner("甲银行", "bob", "91350100M000100Y4", platform_user)
    bob.email = "bob@bank.example"
    bob.save()
    return partner, bob


def mails_of(kind):
    return list(SentMail.objects.filter(kind=kind))


def test_a_pending_request_mails_the_listed_party(listed, bank, member_user, django_capture_on_commit_callbacks):
    _, bob = bank
    with django_capture_on_commit_callbacks(execute=True):
        services.send_request(listed, bob, "希望了解贵方的融资需求")
    [sent] = mail.outbox
    assert "alice@member.example" in sent.to and "bob@bank.example" not in sent.to
    assert sent.subject == "【科创中国榜单】甲银行希望与“量子传感芯片”对接"
    assert "甲银行（银行）" in sent.body and "希望了解贵方的融资需求" in sent.body and "/promotion/mine/" in sent.body
    [log] = mails_of(MailKind.PROMOTION_REQUEST)
    assert log.audience == MailAudience.MEMBER and log.member_unit_id == listed.nomination.member_unit_id
    assert list(visible_sent_mails(member_user)) == [log]


def test_a_moderated_request_mails_the_listed_party_only_when_released(
    listed, member_user, platform_user, django_capture_on_commit_callbacks
):
    _, carol = make_partner("乙创投", "carol", "91110108MA01ABCDE", platform_user)  # a new partner: moderated
    with django_capture_on_commit_callbacks(execute=True):
        item = services.send_request(listed, carol, "")
    assert item.state == RequestState.MODERATION and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate_request(item, platform_user, release=True)
    assert [m.subject for m in mail.outbox] == ["【科创中国榜单】乙创投希望与“量子传感芯片”对接"]


def test_acceptance_mails_the_partner_without_the_contact(
    listed, bank, member_user, django_capture_on_commit_callbacks
):
    _, bob = bank
    item = services.send_request(listed, bob, "")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_request(item, member_user, accept=True)
    [sent] = mail.outbox
    assert sent.to == ["bob@bank.example"]
    assert sent.subject == "【科创中国榜单】“量子传感芯片”已接受贵机构的对接请求"
    assert "登录平台，在该项目的推介页上查看联系方式" in sent.body and f"/promotion/{listed.pk}/" in sent.body
    assert not any(value in sent.body for value in CONTACT.values())
    [log] = mails_of(MailKind.PROMOTION_ACCEPTED)
    assert log.audience == MailAudience.OTHER and log not in visible_sent_mails(member_user)


def test_a_declined_request_mails_the_partner(listed, bank, member_user, django_capture_on_commit_callbacks):
    _, bob = bank
    item = services.send_request(listed, bob, "")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_request(item, member_user, accept=False)
    [sent] = mail.outbox
    assert sent.subject == "【科创中国榜单】对“量子传感芯片”的对接请求未获接受"
    assert "不会向贵机构提供该项目的联系方式" in sent.body
    assert len(mails_of(MailKind.PROMOTION_DECLINED)) == 1


def test_an_overdue_request_expires_by_the_command_and_mails_the_partner_once(
    listed, bank, campaign, django_capture_on_commit_callbacks
):
    _, bob = bank
    PromotionSettings.objects.filter(campaign=campaign).update(answer_days=3)
    item = services.send_request(listed, bob, "")
    assert item.expires_at - item.created_at == timedelta(days=3)
    mail.outbox.clear()
    with time_machine.travel(clock.now() + timedelta(days=2), tick=False):
        call_command("expire_promotion_requests", stdout=StringIO())
        item.refresh_from_db()
        assert item.state == RequestState.PENDING and mail.outbox == []
    with time_machine.travel(clock.now() + timedelta(days=4), tick=False):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_promotion_requests", stdout=out)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("expire_promotion_requests", stdout=out)
        assert "已将 1 个逾期未答复的对接请求设为已过期。" in out.getvalue()
        item.refresh_from_db()
        assert item.state == RequestState.EXPIRED
        [sent] = mail.outbox
        assert sent.to == ["bob@bank.example"]
        assert sent.subject == "【科创中国榜单】对“量子传感芯片”的对接请求已过期"
        assert len(mails_of(MailKind.PROMOTION_EXPIRED)) == 1
        page = login(bob).get("/promotion/partner/").content.decode()
        assert "量子传感芯片</a>：已过期" in page


def test_revoking_the_consent_expires_open_requests_and_mails_the_partner(
    listed, bank, member_user, django_capture_on_commit_callbacks
):
    _, bob = bank
    services.send_request(listed, bob, "")
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_consent(listed, member_user)
    assert [m.subject for m in mail.outbox] == ["【科创中国榜单】对“量子传感芯片”的对接请求已过期"]


def test_the_expiry_runs_hourly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["expire-promotion-requests"]
    assert entry == {"task": "promotion.expire_overdue", "schedule": 3600.0}


def test_a_pioneers_entry_mails_the_pioneer(manager, pioneer_user, bank, django_capture_on_commit_callbacks):
    _, bob = bank
    pioneer_user.email = "erin@pioneer.example"
    pioneer_user.save()
    entry = NominationFactory(
        ranking_list=manager,
        pioneer=pioneer_user.profile.pioneer,
        member_unit=None,
        state=State.PUBLISHED,
        title="林知远",
    )
    item = services.profile_for(entry)
    services.grant_consent(item, pioneer_user, level=ConsentLevel.PARTNERS, **CONTACT)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_request(item, bob, "")
    [sent] = mail.outbox
    assert sent.to == ["erin@pioneer.example"] and "“林知远”" in sent.subject
    assert SentMail.objects.get(kind=MailKind.PROMOTION_REQUEST).audience == MailAudience.OTHER
