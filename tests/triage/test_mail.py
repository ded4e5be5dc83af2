"""E-mail after commit (Celery, eager in tests), in Chinese, to the right people; reminders; the mail log."""

import re
from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from nominations import confirmation, policy, workflow
from nominations.models import MailAudience, MailKind, MailStatus, Role, SentMail, State
from nominations.reminders import due_reminders, send_reminders
from tests.factories import make_user
from tests.triage.conftest import SHANGHAI


@pytest.fixture
def member_contact(member_unit):
    member_unit.contact_email = "contact@member.example"
    member_unit.save()
    return member_unit


@pytest.mark.parametrize(
    "state,action,note,subject,phrase",
    [
        (State.SUBMITTED, "return", "请补充材料", "已被退回修改", "退回意见：\n请补充材料"),
        (State.SUBMITTED, "accept", "", "已受理", "被中国技术经济学会秘书处受理"),
        (State.SUBMITTED, "decline", "不符合条件", "经审核不予推荐", "理由：\n不符合条件"),
        (State.ACCEPTED, "recommend", "", "已获推荐", "由中国技术经济学会推荐至“科创中国”系列榜单平台"),
    ],
)
def test_transition_mail_to_member_unit(
    secretariat_user,
    member_user,
    member_contact,
    make_nomination,
    django_capture_on_commit_callbacks,
    state,
    action,
    note,
    subject,
    phrase,
):
    entry = make_nomination(state=state, title="量子传感芯片")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.transition(entry, action, secretariat_user, note=note)
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([member_user.email, "contact@member.example"])
    assert secretariat_user.email not in message.to
    assert subject in message.subject
    assert "量子传感芯片" in message.subject
    assert phrase in message.body
    log = SentMail.objects.get()
    assert log.kind == action.replace("return", "returned").replace("accept", "accepted").replace(
        "decline", "declined"
    ).replace("recommend", "recommended")
    assert log.nomination_id == entry.pk
    assert log.status == MailStatus.SENT


def test_no_mail_before_commit_and_none_after_rollback(
    secretariat_user, member_user, make_nomination, django_capture_on_commit_callbacks
):
    entry = make_nomination()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                workflow.transition(entry, "accept", secretariat_user)
                assert mail.outbox == []
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not SentMail.objects.exists()


def test_confirmation_mail_to_unit_staff_and_platform(
    secretariat_user, platform_user, society, campaign, make_nomination, django_capture_on_commit_callbacks
):
    society.contact_email = "office@society.example"
    society.save()
    make_nomination(state=State.RECOMMENDED)
    with django_capture_on_commit_callbacks(execute=True):
        confirmation.confirm(secretariat_user, society, campaign)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {secretariat_user.email, "office@society.example", platform_user.email}
    assert message.subject == "【科创中国榜单】中国技术经济学会已确认推荐结果"
    assert "确认推荐 1 项" in message.body
    assert SentMail.objects.get().kind == MailKind.CONFIRMED


def test_reminders_three_days_and_one_day_before(
    member_user, secretariat_user, society, campaign, make_nomination, _frozen_in_collection
):
    make_nomination(state=State.DRAFT, title="未提交草稿")
    make_nomination(state=State.ACCEPTED)
    # 2023-11-17 17:00: three days before the member deadline.
    moment = datetime(2023, 11, 17, 18, 0, tzinfo=SHANGHAI)
    due = due_reminders(moment)
    assert [(r.kind, r.days) for r in due] == [(MailKind.REMINDER_MEMBER, 3)]
    assert member_user.email in due[0].to
    sent = send_reminders(moment)
    assert len(sent) == 1 and len(mail.outbox) == 1
    assert "距会员提交截止还有 3 天" in mail.outbox[0].subject
    assert "还有 1 项申报尚未提交" in mail.outbox[0].body
    assert "2023年11月20日 17:00" in mail.outbox[0].body
    # Running again sends nothing new.
    assert send_reminders(moment) == []
    assert len(mail.outbox) == 1
    # One day before: the 1-day reminder.
    sent = send_reminders(datetime(2023, 11, 19, 18, 0, tzinfo=SHANGHAI))
    assert [log.kind for log in sent] == [MailKind.REMINDER_MEMBER]
    assert "还有 1 天" in mail.outbox[-1].subject
    # Platform deadline: 2023-11-28 00:00 is within three days of 12-01 00:00; the unit has not confirmed.
    sent = send_reminders(datetime(2023, 11, 28, 9, 0, tzinfo=SHANGHAI))
    assert [log.kind for log in sent] == [MailKind.REMINDER_PLATFORM]
    assert secretariat_user.email in mail.outbox[-1].to
    assert "请确认推荐结果" in mail.outbox[-1].subject
    assert "已受理 1 项" in mail.outbox[-1].body
    # Once confirmed, no platform reminder any more.
    _frozen_in_collection.move_to(datetime(2023, 11, 30, 8, 0, tzinfo=SHANGHAI))
    confirmation.confirm(secretariat_user, society, campaign)
    assert list(due_reminders(datetime(2023, 11, 30, 9, 0, tzinfo=SHANGHAI))) == []


def test_reminder_command_is_idempotent(member_user, make_nomination, _frozen_in_collection):
    make_nomination(state=State.DRAFT)
    _frozen_in_collection.move_to(datetime(2023, 11, 19, 20, 0, tzinfo=SHANGHAI))
    call_command("send_reminders")
    call_command("send_reminders")
    assert len(mail.outbox) == 1
    assert SentMail.objects.filter(kind=MailKind.REMINDER_MEMBER).count() == 1


def test_beat_schedule_calls_the_reminder_task():
    from django.conf import settings

    from kczg_site.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["send-deadline-reminders"]
    assert entry["task"] == "nominations.send_reminders"
    app.loader.import_default_modules()
    assert "nominations.send_reminders" in app.tasks


def test_mail_log_pages(
    client,
    secretariat_user,
    other_secretariat_user,
    platform_user,
    society,
    other_unit,
    campaign,
    make_nomination,
    other_member_unit,
    django_capture_on_commit_callbacks,
):
    """A secretariat reads the mails sent to it, not its members' mails nor another unit's."""
    mine = make_nomination(title="本会申报")
    theirs = make_nomination(title="他会申报", member_unit=other_member_unit)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.transition(mine, "accept", secretariat_user)
        workflow.transition(theirs, "accept", other_secretariat_user)
        confirmation.confirm(secretariat_user, society, campaign)
        confirmation.confirm(other_secretariat_user, other_unit, campaign)
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:mail_log")).content.decode()
    assert "共 1 封。" in html
    assert f"{society.name}已确认推荐结果" in html
    assert f"{other_unit.name}已确认推荐结果" not in html
    # The acceptance mails went to the member units: not the secretariat's to read.
    assert "本会申报" not in html and "他会申报" not in html
    client.force_login(platform_user)
    html = client.get(reverse("platform:mail_log")).content.decode()
    # Two acceptances, two 未获推荐 notices (the accepted entries, at confirmation), two confirmations.
    assert "共 6 封。" in html
    assert "本会申报" in html and "他会申报" in html
    assert "您的申报“本会申报”未获推荐" in html
    assert f"{society.name}已确认推荐结果" in html and f"{other_unit.name}已确认推荐结果" in html


def test_a_reminder_to_a_member_is_read_by_the_member_and_the_platform_only(
    client, member_user, secretariat_user, platform_user, member_unit, make_nomination, _frozen_in_collection
):
    """The reminder counts the member's drafts: the secretariat never reads it, in no log."""
    for _ in range(6):
        make_nomination(state=State.DRAFT, title="未提交草稿")
    make_nomination(state=State.ACCEPTED)
    [log] = send_reminders(datetime(2023, 11, 17, 18, 0, tzinfo=SHANGHAI))
    assert "还有 6 项申报尚未提交" in log.body
    assert log.audience == MailAudience.MEMBER
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:mail_log")).content.decode()
    assert "共 0 封。" in html
    assert "项申报尚未提交" not in html and "距会员提交截止" not in html
    searched = client.get(reverse("secretariat:mail_log"), {"kind": MailKind.REMINDER_MEMBER, "q": "截止"})
    assert "共 0 封。" in searched.content.decode()
    client.force_login(platform_user)
    html = client.get(reverse("platform:mail_log")).content.decode()
    assert "共 1 封。" in html and "还有 6 项申报尚未提交" in html
    assert list(policy.visible_sent_mails(member_user)) == [log]
    assert policy.can_see(member_user, log) and not policy.can_see(secretariat_user, log)


def test_a_reminder_to_the_secretariat_is_in_its_log(
    client, secretariat_user, other_secretariat_user, platform_user, make_nomination, member_user
):
    make_nomination(state=State.ACCEPTED)
    make_nomination(state=State.WITHDRAWN, submitted_at=None)
    [log] = send_reminders(datetime(2023, 11, 28, 9, 0, tzinfo=SHANGHAI))
    assert log.kind == MailKind.REMINDER_PLATFORM and log.audience == MailAudience.SECRETARIAT
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:mail_log")).content.decode()
    assert "共 1 封。" in html and "请确认推荐结果" in html and "已受理 1 项" in html
    client.force_login(other_secretariat_user)
    assert "共 0 封。" in client.get(reverse("secretariat:mail_log")).content.decode()
    client.force_login(platform_user)
    assert "请确认推荐结果" in client.get(reverse("platform:mail_log")).content.decode()
    assert not policy.visible_sent_mails(member_user).exists()


def test_invitations_are_logged_for_their_addressee(
    client, secretariat_user, platform_user, society, campaign, django_capture_on_commit_callbacks
):
    from nominations import membership

    with django_capture_on_commit_callbacks(execute=True):
        membership.invite_member_unit(
            secretariat_user, society, {"单位名称": "受邀会员科技有限公司", "联系邮箱": "invited@member.example"}
        )
        membership.invite_pioneer(platform_user, campaign, {"姓名": "赵先锋", "联系邮箱": "pioneer@example.org"})
    logs = {log.to: log for log in SentMail.objects.filter(kind=MailKind.INVITATION)}
    assert logs["invited@member.example"].audience == MailAudience.MEMBER
    assert logs["pioneer@example.org"].audience == MailAudience.OTHER
    client.force_login(secretariat_user)
    html = client.get(reverse("secretariat:mail_log")).content.decode()
    assert "invited@member.example" not in html and "pioneer@example.org" not in html
    client.force_login(platform_user)
    html = client.get(reverse("platform:mail_log")).content.decode()
    assert "invited@member.example" in html and "pioneer@example.org" in html


def test_the_admins_mail_list_reads_the_policy(client, admin_user_, platform_user, secretariat_user, make_nomination):
    from django.contrib.auth.models import Permission

    make_nomination(state=State.DRAFT)
    send_reminders(datetime(2023, 11, 17, 18, 0, tzinfo=SHANGHAI))
    url = reverse("admin:nominations_sentmail_changelist")
    client.force_login(admin_user_)
    assert "距会员提交截止还有 3 天" in client.get(url).content.decode()
    # A secretariat with admin access to the log still reads only what the policy lets it read.
    secretariat_user.is_staff = True
    secretariat_user.save()
    secretariat_user.user_permissions.add(Permission.objects.get(codename="view_sentmail"))
    client.force_login(secretariat_user)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    log = SentMail.objects.get()
    response = client.get(reverse("admin:nominations_sentmail_change", args=[log.pk]), follow=True)
    assert "距会员提交截止" not in response.content.decode()


def test_invitation_link_sets_a_password(client, secretariat_user, society, django_capture_on_commit_callbacks):
    from nominations import membership

    with django_capture_on_commit_callbacks(execute=True):
        member = membership.invite_member_unit(
            secretariat_user,
            society,
            {"单位名称": "新会员科技有限公司", "联系邮箱": "new@member.example", "联系人": "王五"},
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@member.example"]
    assert "邀请您使用科创中国系列榜单申报平台" in message.subject
    assert "新会员科技有限公司" in message.body
    user = member.users.get().user
    assert not user.has_usable_password()
    link = re.search(r"http://[^\s]+/accounts/reset/[^\s]+/", message.body).group(0)
    path = link.split("127.0.0.1:8000", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(set_url, {"new_password1": "Kczg-invite-2023!", "new_password2": "Kczg-invite-2023!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kczg-invite-2023!")
    # One time only.
    client.logout()
    assert client.get(path, follow=True).context["validlink"] is False
    assert member.users.get().role == Role.MEMBER


def test_platform_staff_with_other_roles_are_not_mailed_on_confirmation(
    secretariat_user, society, campaign, django_capture_on_commit_callbacks
):
    make_user(Role.EXPERT, "expert")
    with django_capture_on_commit_callbacks(execute=True):
        confirmation.confirm(secretariat_user, society, campaign)
    assert "expert@example.org" not in mail.outbox[0].to


def test_the_migration_backfills_the_audience_of_logged_mails(
    secretariat_user, member_user, pioneer_user, society, member_unit, make_nomination
):
    """Mails logged before the audience existed get the audience their kind and addressee imply."""
    import importlib
    from pathlib import Path

    from django.apps import apps

    import nominations.migrations as package

    # Found by what it does, not by its number (numbers are re-chained when branches merge).
    [path] = [p for p in Path(package.__path__[0]).glob("*.py") if "def backfill_audience" in p.read_text()]
    migration = importlib.import_module(f"nominations.migrations.{path.stem}")
    entry = make_nomination()
    rows = {
        "accepted": {
            "kind": MailKind.ACCEPTED,
            "nomination": entry,
            "member_unit": member_unit,
            "recommending_unit": society,
        },
        "reminder": {"kind": MailKind.REMINDER_MEMBER, "member_unit": member_unit, "recommending_unit": society},
        "platform": {"kind": MailKind.REMINDER_PLATFORM, "recommending_unit": society},
        "confirmed": {"kind": MailKind.CONFIRMED, "recommending_unit": society},
        "invite-member": {"kind": MailKind.INVITATION, "member_unit": member_unit},
        "invite-staff": {"kind": MailKind.INVITATION, "recommending_unit": society},
        "invite-pioneer": {"kind": MailKind.INVITATION},
    }
    made = {
        key: SentMail.objects.create(to="x@example.org", subject=key, body="", sent_at=entry.updated_at, **fields)
        for key, fields in rows.items()
    }
    assert {log.audience for log in made.values()} == {MailAudience.OTHER}
    migration.backfill_audience(apps, None)
    audience = dict(SentMail.objects.values_list("subject", "audience"))
    assert audience == {
        "accepted": MailAudience.MEMBER,
        "reminder": MailAudience.MEMBER,
        "platform": MailAudience.SECRETARIAT,
        "confirmed": MailAudience.SECRETARIAT,
        "invite-member": MailAudience.MEMBER,
        "invite-staff": MailAudience.SECRETARIAT,
        "invite-pioneer": MailAudience.OTHER,
    }
    assert list(policy.visible_sent_mails(secretariat_user).order_by("subject").values_list("subject", flat=True)) == [
        "confirmed",
        "invite-staff",
        "platform",
    ]
