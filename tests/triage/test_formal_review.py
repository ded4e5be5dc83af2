"""形式审查 at the recommending unit: the checklist card on the entry page, a failed review returning the
entry with the failed items and a fix-by time, the member fixing it after the member deadline, and
不予受理 once the fix-by time has passed (``lapse_overdue``, the hourly task and the command)."""

from datetime import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from nominations import formal, workflow
from nominations.models import AuditEvent, FormalCheckItem, FormalReview, MailKind, SentMail, State
from nominations.tasks import lapse_overdue as lapse_task
from tests.triage.conftest import SHANGHAI

DEFAULT_LABELS = [
    "材料齐全",
    "签字盖章齐全",
    "单位名称与公章一致",
    "附件清晰可辨",
    "信息与附件一致",
    "无重复使用他项成果",
]


def _page(client, entry):
    return client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()


def _review(client, entry, failed=None, fix_by="2023-11-29T17:00", note="", follow=True):
    """POST the formal review: every item 通过 but those of ``failed`` ({label: remark})."""
    failed = failed or {}
    data = {"fix_by": fix_by, "note": note}
    for item in formal.items_for(entry):
        data[f"item_{item.pk}"] = "fail" if item.label in failed else "pass"
        data[f"remark_{item.pk}"] = failed.get(item.label, "")
    return client.post(reverse("secretariat:formal_review", args=[entry.pk]), data, follow=follow)


def test_the_card_lists_the_checklist_of_the_entry(client, secretariat_user, make_nomination, tech, enterprise):
    FormalCheckItem.objects.create(campaign=tech.campaign, ranking_list=enterprise, label="营业执照在有效期内")
    FormalCheckItem.objects.create(campaign=tech.campaign, ranking_list=tech, label="技术成熟度材料齐全", order=9)
    entry = make_nomination(title="量子传感芯片")
    client.force_login(secretariat_user)
    html = _page(client, entry)
    assert "形式审查" in html and "提交形式审查结果" in html
    positions = [html.index(label) for label in [*DEFAULT_LABELS, "技术成熟度材料齐全"]]
    assert positions == sorted(positions)
    assert "营业执照在有效期内" not in html  # another list's item
    assert html.count(">未通过</label>") == 7
    # The fix-by time offered: now (2023-11-25 10:00) plus the campaign's 5 days.
    assert 'value="2023-11-30T10:00"' in html


def test_all_passed_accepts_the_submitted_entry(client, secretariat_user, make_nomination):
    entry = make_nomination(title="量子传感芯片")
    client.force_login(secretariat_user)
    html = _review(client, entry).content.decode()
    assert "形式审查通过" in html
    entry.refresh_from_db()
    assert entry.state == State.ACCEPTED and entry.fix_by is None
    review = FormalReview.objects.get(nomination=entry)
    assert review.passed and review.failed == [] and review.reviewer == secretariat_user
    assert list(entry.events.order_by("pk").values_list("verb", flat=True)) == ["accept", "formal_review"]


def test_a_failed_item_returns_the_entry_with_the_items_and_the_fix_by_time(
    client, secretariat_user, member_user, make_nomination, django_capture_on_commit_callbacks
):
    entry = make_nomination(title="量子传感芯片")
    client.force_login(secretariat_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _review(client, entry, failed={"签字盖章齐全": "推荐表缺少法定代表人签字"}, note="请一并核对附件。")
    html = response.content.decode()
    assert "形式审查未通过，已退回修改" in html
    assert "未通过的项目：签字盖章齐全" in html and "2023年11月29日 17:00" in html
    entry.refresh_from_db()
    assert entry.state == State.RETURNED
    assert entry.fix_by == datetime(2023, 11, 29, 17, 0, tzinfo=SHANGHAI)
    review = FormalReview.objects.get(nomination=entry)
    assert not review.passed and review.failed == ["签字盖章齐全"] and review.fix_by == entry.fix_by
    returned = entry.events.get(verb="return")
    assert "1. 签字盖章齐全（推荐表缺少法定代表人签字）" in returned.note
    assert "审查意见：请一并核对附件。" in returned.note
    assert "请于北京时间 2023年11月29日 17:00 前修改并重新提交。" in returned.note
    assert entry.events.filter(verb="formal_review", actor=secretariat_user).exists()
    (message,) = mail.outbox
    assert member_user.email in message.to
    assert "签字盖章齐全（推荐表缺少法定代表人签字）" in message.body and "2023年11月29日 17:00" in message.body
    # The card is no longer a form (the entry is returned), its record stays.
    assert "提交形式审查结果" not in html and "审查记录" in html


def test_the_member_fixes_it_after_the_member_deadline_before_the_fix_by_time(
    client, secretariat_user, member_user, make_nomination
):
    # 2023-11-25: the member deadline (11-20 17:00) has passed; the fix-by time extends it for this entry.
    entry, other = make_nomination(title="量子传感芯片"), make_nomination(title="柔性显示材料")
    formal.review(entry, secretariat_user, failed=[formal.FailedItem("签字盖章齐全")], fix_by=_at(11, 29, 17))
    workflow.transition(other, "return", secretariat_user, note="请补充材料。")
    client.force_login(member_user)
    detail = client.get(reverse("member:detail", args=[entry.pk])).content.decode()
    assert "形式审查未通过的项目：</strong>签字盖章齐全" in detail
    assert "请于北京时间 2023年11月29日 17:00 前修改并重新提交" in detail
    assert "填写 / 修改" in detail
    edit = client.get(reverse("member:edit", args=[entry.pk])).content.decode()
    assert "形式审查未通过的项目：</strong>签字盖章齐全" in edit
    # An entry returned without a fix-by time keeps the member deadline.
    with pytest.raises(workflow.WorkflowError, match="会员提交截止时间已过"):
        workflow.transition(other, "resubmit", member_user)
    response = client.post(reverse("member:act", args=[entry.pk, "resubmit"]), follow=True)
    assert "已重新提交" in response.content.decode()
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED and entry.fix_by is None
    assert formal.lapse_overdue(_at(11, 30, 0)) == []


def test_an_entry_not_resubmitted_in_time_is_not_accepted(
    client, secretariat_user, member_user, make_nomination, django_capture_on_commit_callbacks, _frozen_in_collection
):
    entry = make_nomination(title="量子传感芯片")
    formal.review(entry, secretariat_user, failed=[formal.FailedItem("附件清晰可辨")], fix_by=_at(11, 27, 10))
    _frozen_in_collection.move_to(_at(11, 27, 10))
    with pytest.raises(workflow.WorkflowError, match="会员提交截止时间已过"):
        workflow.transition(entry, "resubmit", member_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert lapse_task() == [entry.pk]
    entry.refresh_from_db()
    assert entry.state == State.DECLINED
    reason = "限期修改截止时间（北京时间 2023年11月27日 10:00）已过，未重新提交，不予受理。"
    event = entry.events.get(verb="lapse")
    assert event.actor == secretariat_user and event.note == reason
    (message,) = mail.outbox
    assert "逾期未修改，不予受理" in message.subject
    assert "未在限期内重新提交，不予受理" in message.body and reason in message.body
    assert SentMail.objects.get(kind=MailKind.DECLINED).nomination == entry
    # Idempotent: a second run (the command) changes nothing.
    call_command("lapse_overdue")
    assert entry.events.filter(verb="lapse").count() == 1
    client.force_login(member_user)
    detail = client.get(reverse("member:detail", args=[entry.pk])).content.decode()
    assert "未受理" in detail and reason in detail


@pytest.mark.parametrize(
    ("fix_by", "remark", "message"),
    [
        ("2023-11-25T09:00", "", "限期修改截止时间须晚于当前时间。"),
        ("2023-12-26T10:00", "", "限期修改截止时间最多为 30 天之后。"),
        ("2023-11-29T17:00", "缺" * 201, "不超过 200 字"),
        ("明天", "", "请填写有效的日期和时间。"),
    ],
)
def test_bad_input_changes_nothing(client, secretariat_user, make_nomination, fix_by, remark, message):
    entry = make_nomination(title="量子传感芯片")
    events = AuditEvent.objects.count()
    client.force_login(secretariat_user)
    response = _review(client, entry, failed={"材料齐全": remark}, fix_by=fix_by, follow=False)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "形式审查结果未提交" in html
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED and entry.fix_by is None
    assert not FormalReview.objects.exists() and AuditEvent.objects.count() == events


def test_an_unanswered_item_is_named(client, secretariat_user, make_nomination):
    entry = make_nomination()
    client.force_login(secretariat_user)
    response = client.post(reverse("secretariat:formal_review", args=[entry.pk]), {"fix_by": "2023-11-29T17:00"})
    assert response.status_code == 400
    assert "请选择“材料齐全”是否通过。" in response.content.decode()


def test_a_returned_entry_cannot_be_reviewed(client, secretariat_user, make_nomination):
    entry = make_nomination(state=State.RETURNED)
    client.force_login(secretariat_user)
    response = _review(client, entry, follow=False)
    assert response.status_code == 403
    assert "当前状态为“退回修改”，不能进行形式审查。" in response.content.decode()
    assert not FormalReview.objects.exists()


def test_the_fix_by_time_is_the_entry_s_own_deadline(secretariat_user, make_nomination):
    entry, other = make_nomination(), make_nomination()
    formal.review(entry, secretariat_user, failed=[formal.FailedItem("材料齐全")], fix_by=_at(11, 29, 17))
    workflow.share_lookups([entry, other])
    assert workflow.deadline_for(other, "member").effective == _at(11, 20, 17)
    assert workflow.deadline_for(entry, "member").effective == _at(11, 29, 17)
    assert workflow.deadline_for(other, "member").effective == _at(11, 20, 17)


def _at(month, day, hour):
    return datetime(2023, month, day, hour, 0, tzinfo=SHANGHAI)
