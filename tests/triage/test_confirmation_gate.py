"""Confirmation as a gate: after a unit confirms, its members can no longer create, edit, submit or
resubmit; what it did not recommend becomes 未获推荐 and the member is told; reopening gives it back."""

import re
from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse

from nominations import confirmation, intake, workflow
from nominations.models import AuditEvent, MailKind, Nomination, SentMail, State
from nominations.reminders import due_reminders
from tests.triage.conftest import SHANGHAI

# Before the member deadline (2023-11-20 17:00): members may still submit, unless the unit confirmed.
MEMBERS_OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=SHANGHAI)
CLOSED = "中国技术经济学会已于 2023年11月15日 10:00 向平台确认推荐结果，不再接收本年度的新申报、提交或修改。"
WHOM = (
    "如有疑问，请联系中国技术经济学会秘书处（联系人：王秘书，电话：010-68000000）；"
    "确需调整的，须由平台秘书处重新开放该单位。"
)


@pytest.fixture
def members_open(_frozen_in_collection, society):
    _frozen_in_collection.move_to(MEMBERS_OPEN)
    society.contact_name = "王秘书"
    society.contact_phones = "010-68000000"
    society.save()


def test_a_member_is_refused_after_confirmation_and_reopening_lifts_it(
    client,
    members_open,
    member_user,
    secretariat_user,
    platform_user,
    society,
    campaign,
    tech,
    electronics,
    make_nomination,
):
    draft = make_nomination(state=State.DRAFT, created_by=member_user, title="确认后才提交的技术")
    returned = make_nomination(state=State.RETURNED, created_by=member_user, title="退回后未改的技术")
    confirmation.confirm(secretariat_user, society, campaign)
    client.force_login(member_user)

    # Submitting the draft: refused with the reason, the unit, the time and whom to ask.
    response = client.post(reverse("member:act", args=[draft.pk, "submit"]))
    assert response.status_code == 403
    page = response.content.decode()
    assert CLOSED in page and WHOM in page
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    # Editing is refused for the same reason (the member's page is read-only from check_edit's reason).
    decision = workflow.check_edit(draft, member_user)
    assert decision.reason == CLOSED + WHOM
    # A new entry for the unit is refused too: the new-entry page shows the banner, its POST is 403.
    assert CLOSED in client.get(reverse("member:new")).content.decode()
    response = client.post(reverse("member:new"), {"ranking_list": tech.pk, "domain": electronics.pk})
    assert response.status_code == 403
    assert CLOSED in response.content.decode()
    assert not Nomination.objects.filter(state=State.DRAFT).exclude(pk=draft.pk).exists()
    assert intake.check_create(member_user, campaign).reason == CLOSED + WHOM
    # The returned entry was not recommended at confirmation: it cannot be resubmitted, and shows so.
    returned.refresh_from_db()
    assert returned.state == State.NOT_RECOMMENDED
    assert "未获推荐" in client.get(reverse("member:dashboard")).content.decode()
    # Withdrawing stays possible.
    response = client.post(reverse("member:act", args=[draft.pk, "withdraw"]), {"note": "不再申报"})
    draft.refresh_from_db()
    assert draft.state == State.WITHDRAWN

    # The platform reopens the unit: its members may submit again; the 未获推荐 entry is 已受理 again.
    other = make_nomination(state=State.DRAFT, created_by=member_user, title="重新开放后提交的技术")
    confirmation.reopen(platform_user, society, campaign, "学会申请补充推荐")
    returned.refresh_from_db()
    assert returned.state == State.ACCEPTED
    response = client.post(reverse("member:act", args=[other.pk, "submit"]))
    other.refresh_from_db()
    assert other.state == State.SUBMITTED
    assert intake.check_create(member_user, campaign)


def test_resubmit_is_refused_once_the_unit_confirmed(members_open, member_user, society, campaign, make_nomination):
    returned = make_nomination(state=State.RETURNED, created_by=member_user)
    # Confirmed without the batch (e.g. a unit confirmed before the entry was returned to it).
    participation = confirmation.participation_for(society, campaign)
    participation.confirmed_at = MEMBERS_OPEN
    participation.save()
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(returned, "resubmit", member_user)
    assert str(refused.value) == CLOSED + WHOM


def test_without_contact_the_reason_names_the_unit_secretariat(
    members_open, member_user, secretariat_user, society, campaign, make_nomination
):
    society.contact_name = society.contact_phones = ""
    society.save()
    draft = make_nomination(state=State.DRAFT, created_by=member_user)
    confirmation.confirm(secretariat_user, society, campaign)
    assert "如有疑问，请联系中国技术经济学会秘书处；" in workflow.check(draft, "submit", member_user).reason


def test_not_recommended_entries_are_audited_mailed_and_logged(
    client,
    members_open,
    member_user,
    secretariat_user,
    platform_user,
    society,
    campaign,
    member_unit,
    make_nomination,
    django_capture_on_commit_callbacks,
):
    kept = make_nomination(state=State.RECOMMENDED, title="已推荐的技术")
    left = make_nomination(state=State.ACCEPTED, title="未推荐的技术")
    with django_capture_on_commit_callbacks(execute=True):
        confirmation.confirm(secretariat_user, society, campaign)
    kept.refresh_from_db()
    assert kept.state == State.RECOMMENDED
    event = AuditEvent.objects.get(verb="not_recommend", nomination=left)
    assert (event.actor, event.from_state, event.to_state) == (secretariat_user, State.ACCEPTED, State.NOT_RECOMMENDED)
    member_mails = [m for m in mail.outbox if member_user.email in m.to]
    assert len(member_mails) == 1
    message = member_mails[0]
    assert message.subject == "【科创中国榜单】您的申报“未推荐的技术”未获推荐"
    assert message.body.startswith("示例科技有限公司：\n")
    assert "中国技术经济学会已于 2023年11月15日 10:00 向“科创中国”平台确认本单位的推荐结果。" in message.body
    assert "您提交的申报“未推荐的技术”（先导技术榜 · 电子信息）未在推荐名单中，本年度未获推荐。" in message.body
    # Full-width punctuation in the Chinese prose (URLs and times aside).
    prose = re.sub(r"https?://\S+|\d{1,2}:\d{2}", "", message.body)
    assert not re.search(r"[\u4e00-\u9fff][,:;()]|[,:;()][\u4e00-\u9fff]", prose)
    log = SentMail.objects.get(kind=MailKind.NOT_RECOMMENDED)
    assert log.member_unit == member_unit and log.nomination == left
    client.force_login(platform_user)
    page = client.get(reverse("platform:mail_log")).content.decode()
    assert "您的申报“未推荐的技术”未获推荐" in page


def test_reopen_is_refused_once_dispatched(client, secretariat_user, platform_user, society, campaign, make_nomination):
    make_nomination(state=State.ACCEPTED)
    confirmation.confirm(secretariat_user, society, campaign)
    assert confirmation.check_reopen(platform_user, society, campaign)
    make_nomination(state=State.IN_REVIEW)
    decision = confirmation.check_reopen(platform_user, society, campaign)
    assert decision.reason == "该单位的推荐已分发初评，不能重新开放。"
    with pytest.raises(confirmation.ConfirmationError, match="已分发初评，不能重新开放"):
        confirmation.reopen(platform_user, society, campaign, "想改")
    client.force_login(platform_user)
    response = client.post(reverse("platform:reopen", args=[society.pk]), {"reason": "学会申请调整"})
    assert response.status_code == 409
    assert "该单位的推荐已分发初评，不能重新开放。" in response.content.decode()
    assert confirmation.is_confirmed(society, campaign)
    assert Nomination.objects.filter(state=State.NOT_RECOMMENDED).count() == 1


def test_no_reminders_for_a_confirmed_unit_nor_its_not_recommended_entries(
    member_user, secretariat_user, society, campaign, make_nomination, _frozen_in_collection
):
    _frozen_in_collection.move_to(datetime(2023, 11, 17, 18, 0, tzinfo=SHANGHAI))
    make_nomination(state=State.DRAFT, created_by=member_user)
    make_nomination(state=State.RETURNED, created_by=member_user)
    assert [r.kind for r in due_reminders()] == [MailKind.REMINDER_MEMBER]
    confirmation.confirm(secretariat_user, society, campaign)
    # Three days before the member deadline, and three days before the platform deadline.
    assert due_reminders() == []
    assert due_reminders(datetime(2023, 11, 28, 1, 0, tzinfo=SHANGHAI)) == []
