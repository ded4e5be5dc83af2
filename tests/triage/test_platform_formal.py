"""形式审查 by the platform of a confirmed unit's recommendations: the same checklist, the platform only,
a failed item returned to the unit with a fix-by time (the unit may replace the stamped pages after
confirming until then), the result shown to the unit and the member, 不予受理 after the fix-by time
through the same ``lapse_overdue``; audited."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations import confirmation, formal, stamps
from nominations.models import AuditEvent, FormalReview, Participation, State
from tests.intake.test_attachments import PDF_BYTES, PNG_BYTES
from tests.triage.conftest import BEFORE_PLATFORM_DEADLINE, SHANGHAI


@pytest.fixture
def confirmed_entry(make_nomination, society, campaign, secretariat_user):
    entry = make_nomination(state=State.RECOMMENDED, title="量子传感芯片")
    stamps.upload_entry_pages(entry, secretariat_user, SimpleUploadedFile("盖章页.pdf", PDF_BYTES))
    Participation.objects.update_or_create(
        campaign=campaign,
        unit=society,
        defaults={"confirmed_at": BEFORE_PLATFORM_DEADLINE, "confirmed_by": secretariat_user},
    )
    return entry


def _post(client, entry, failed=None, fix_by="2023-11-28T17:00", note=""):
    failed = failed or {}
    data = {"fix_by": fix_by, "note": note}
    for item in formal.items_for(entry):
        data[f"item_{item.pk}"] = "fail" if item.label in failed else "pass"
        data[f"remark_{item.pk}"] = failed.get(item.label, "")
    return client.post(reverse("platform:formal_review", args=[entry.pk]), data, follow=True)


def test_only_the_platform_reviews_and_only_after_confirmation(
    client, make_nomination, secretariat_user, platform_user, confirmed_entry
):
    assert not formal.check_platform_review(confirmed_entry, secretariat_user)
    client.force_login(secretariat_user)
    assert client.get(reverse("platform:formal_review", args=[confirmed_entry.pk])).status_code == 403
    unconfirmed = make_nomination(state=State.ACCEPTED)
    assert formal.check_platform_review(unconfirmed, platform_user).reason.startswith("当前状态为“已受理”")
    client.force_login(platform_user)
    queue = client.get(reverse("platform:formal_queue")).content.decode()
    assert "量子传感芯片" in queue and "未审查" in queue
    page = client.get(reverse("platform:formal_review", args=[confirmed_entry.pk])).content.decode()
    assert "签字盖章齐全" in page and "盖章页.pdf" in page and "提交平台形式审查结果" in page


def test_a_failed_item_goes_back_to_the_unit_which_replaces_the_pages_then_passes(
    client, platform_user, secretariat_user, member_user, confirmed_entry
):
    client.force_login(platform_user)
    html = _post(client, confirmed_entry, {"签字盖章齐全": "公章模糊不清"}).content.decode()
    assert "平台形式审查未通过，已通知推荐单位限期修改" in html
    review = FormalReview.objects.get(nomination=confirmed_entry, stage="platform")
    assert review.failed == ["签字盖章齐全"] and review.fix_by == datetime(2023, 11, 28, 17, 0, tzinfo=SHANGHAI)
    assert AuditEvent.objects.filter(verb="platform_formal_review", nomination=confirmed_entry).exists()
    confirmed_entry.refresh_from_db()
    assert confirmed_entry.state == State.RECOMMENDED
    # The unit sees it on the entry page and may replace the stamped pages although confirmed.
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:nomination", args=[confirmed_entry.pk])).content.decode()
    assert "平台形式审查未通过：签字盖章齐全" in page and "平台审查" in page and "公章模糊不清" in page
    assert stamps.check_entry_upload(confirmed_entry, secretariat_user)
    client.post(
        reverse("secretariat:stamp_upload", args=[confirmed_entry.pk]),
        {"file": SimpleUploadedFile("重盖.png", PNG_BYTES)},
    )
    assert stamps.entry_pages(confirmed_entry).original_name == "重盖.png"
    # The member sees the result too.
    client.force_login(member_user)
    detail = client.get(reverse("member:detail", args=[confirmed_entry.pk])).content.decode()
    assert "平台形式审查未通过的项目：" in detail and "签字盖章齐全" in detail
    # The platform passes it: no more replacing, nothing lapses.
    client.force_login(platform_user)
    _post(client, confirmed_entry)
    assert not stamps.check_entry_upload(confirmed_entry, secretariat_user)
    with time_machine.travel(datetime(2023, 11, 29, 0, 0, tzinfo=SHANGHAI), tick=False):
        assert formal.lapse_overdue() == []
    confirmed_entry.refresh_from_db()
    assert confirmed_entry.state == State.RECOMMENDED


def test_not_fixed_by_the_deadline_is_not_accepted(
    client, platform_user, confirmed_entry, society, campaign, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(platform_user)
    _post(client, confirmed_entry, {"单位名称与公章一致": "公章为分支机构"})
    with (
        time_machine.travel(datetime(2023, 11, 28, 17, 1, tzinfo=SHANGHAI), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        lapsed = formal.lapse_overdue()
        assert [n.pk for n in lapsed] == [confirmed_entry.pk]
        assert formal.lapse_overdue() == []  # idempotent
    confirmed_entry.refresh_from_db()
    assert confirmed_entry.state == State.DECLINED
    event = AuditEvent.objects.get(verb="platform_lapse", nomination=confirmed_entry)
    assert event.actor == platform_user and "不予受理" in event.note
    # The member unit is told, with the reason.
    (message,) = [m for m in mail.outbox if "不予受理" in m.subject]
    assert "经平台形式审查退回推荐单位限期修改后，未在限期内通过复查，不予受理" in message.body
    assert confirmation.is_confirmed(society, campaign)


def test_bad_input_is_shown_next_to_the_field(client, platform_user, confirmed_entry):
    client.force_login(platform_user)
    response = _post(client, confirmed_entry, {"材料齐全": ""}, fix_by="2020-01-01T00:00")
    assert response.status_code == 400
    assert "限期修改截止时间须晚于当前时间。" in response.content.decode()
    assert not FormalReview.objects.filter(stage="platform").exists()


def test_the_platform_group_edits_the_checklist_and_the_stamp_requirements_in_the_admin(
    client, platform_user, campaign
):
    from nominations.groups import ensure_platform_group

    platform_user.is_staff = True
    platform_user.save(update_fields=["is_staff"])
    platform_user.groups.add(ensure_platform_group())
    client.force_login(platform_user)
    assert client.get(reverse("admin:nominations_formalcheckitem_add")).status_code == 200
    page = client.get(reverse("admin:nominations_campaign_change", args=[campaign.pk])).content.decode()
    assert "签字盖章要求" in page and "推荐表签字盖章页" in page and "确认推荐前必须上传" in page


def test_a_returned_entry_waits_outside_the_dispatch_until_the_platform_passes_it(
    client, platform_user, confirmed_entry, campaign, django_assert_max_num_queries
):
    from nominations import workflow
    from reviews import dispatch

    client.force_login(platform_user)
    _post(client, confirmed_entry, {"签字盖章齐全": "公章模糊不清"})
    assert workflow.check(confirmed_entry, "dispatch", platform_user).reason == formal.DISPATCH_WAITS
    pending = list(dispatch.pending_entries(campaign))
    with django_assert_max_num_queries(3):  # the openings, the entries the platform returned
        ready, waiting = dispatch.split_open(campaign, pending)
    assert ready == [] and [(w.count, w.reason) for w in waiting] == [(1, formal.DISPATCH_WAITS)]
    page = client.get(reverse("reviews:platform_dispatch")).content.decode()
    assert formal.DISPATCH_WAITS in page

    _post(client, confirmed_entry)  # reviewed again: passed
    assert workflow.check(confirmed_entry, "dispatch", platform_user).reason != formal.DISPATCH_WAITS
    ready, waiting = dispatch.split_open(campaign, dispatch.pending_entries(campaign))
    assert [entry.pk for entry in ready] == [confirmed_entry.pk] and waiting == []
