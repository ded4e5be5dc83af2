"""The per-process cache of campaign data (``nominations.campaign_cache``): every change is seen by the
next request, in this process and in the others; and the member's edit page, save and autosave stay
within their query budgets (the deadline rush, bench/rush.py)."""

from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from nominations import campaign_cache, workflow
from nominations.forms import definition_for
from nominations.models import CampaignDataVersion, Domain, Extension, ExtensionKind, Participation
from tests.factories import PASSWORD
from tests.intake.conftest import BEIJING, form_post

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = datetime(2023, 11, 20, 17, 0, 1, tzinfo=BEIJING)  # the member deadline was 17:00
BEFORE_DEADLINE = datetime(2023, 11, 20, 16, 55, tzinfo=BEIJING)


@pytest.fixture
def client_member(client, member_user):
    client.login(username=member_user.username, password=PASSWORD)
    return client


def autosave(client, nomination, name):
    url = reverse("member:autosave", kwargs={"pk": nomination.pk})
    nomination.refresh_from_db()
    posted = form_post(definition_for(nomination), {"name": name}, nomination.version)
    return client.post(url, posted, HTTP_HX_REQUEST="true").content.decode()


def edit_page(client, nomination):
    return client.get(reverse("member:edit", kwargs={"pk": nomination.pk})).content.decode()


def test_an_extension_granted_on_the_platform_page_is_honoured_by_the_next_autosave(
    client, client_member, make_nomination, member_unit, platform_user
):
    nomination = make_nomination(data={"name": "旧"})
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "新")
        staff = type(client)()
        staff.login(username=platform_user.username, password=PASSWORD)
        response = staff.post(
            reverse("platform:extensions"),
            {"kind": "member", "target": f"member:{member_unit.pk}", "until": "2023-11-21T17:00", "reason": "系统故障"},
        )
        assert response.status_code == 302
        assert "已自动保存" in autosave(client_member, nomination, "新")
    nomination.refresh_from_db()
    assert nomination.data["name"] == "新"


def test_a_deleted_extension_no_longer_holds(client_member, make_nomination, member_unit, campaign):
    nomination = make_nomination(data={"name": "旧"})
    extension = Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.MEMBER,
        member_unit=member_unit,
        until=datetime(2023, 11, 21, 17, 0, tzinfo=BEIJING),
        reason="系统故障",
        granted_at=BEFORE_DEADLINE,
    )
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")
        extension.delete()
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")


def test_a_deadline_changed_in_the_admin_is_seen_by_the_next_request(client_member, make_nomination, campaign):
    nomination = make_nomination(data={"name": "旧"})
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")
        campaign.member_deadline = datetime(2023, 11, 20, 16, 0, tzinfo=BEIJING)
        campaign.save()  # what the admin's change form does
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")


def test_a_units_own_member_deadline_is_seen_by_the_next_request(client_member, make_nomination, society, campaign):
    nomination = make_nomination()
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")
        Participation.objects.update_or_create(
            campaign=campaign, unit=society, defaults={"member_deadline": datetime(2023, 11, 20, 16, tzinfo=BEIJING)}
        )
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")


def test_a_domain_added_to_the_list_is_offered_by_the_next_edit_page(client_member, make_nomination, tech, at_open):
    nomination = make_nomination()
    assert "量子信息" not in edit_page(client_member, nomination)
    Domain.objects.create(ranking_list=tech, code="quantum", name="量子信息", order=99)
    assert "量子信息" in edit_page(client_member, nomination)


def test_another_process_change_is_seen_through_the_version_counter(client_member, make_nomination, society, campaign):
    """A change written by another process: this process learns of it from the version in the database."""
    nomination = make_nomination(data={"name": "旧"})
    participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=society)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")
        # Another process set the unit's own deadline: the row and the version changed, the signals ran there.
        Participation.objects.filter(pk=participation.pk).update(
            member_deadline=datetime(2023, 11, 20, 16, tzinfo=BEIJING)
        )
        assert "已自动保存" in autosave(client_member, nomination, "仍是旧的截止时间")  # no change announced yet
        with connection.cursor() as cursor:
            table = CampaignDataVersion._meta.db_table
            cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE id = 1")  # noqa: S608
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")


def test_the_demo_clock_is_read_at_each_use(client_member, make_nomination):
    """Only data is cached, never a decision: the same cached deadline, the clock moved past it."""
    nomination = make_nomination()
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")


def test_outside_a_request_every_use_reads_the_version(campaign, django_assert_num_queries):
    campaign_cache.active_campaign()
    with django_assert_num_queries(1):  # the version only
        assert campaign_cache.active_campaign().pk == campaign.pk
    found = campaign_cache.active_campaign()
    found.title = "改过的实例"  # a fresh instance each time: nothing leaks into the cache
    assert campaign_cache.active_campaign().title == campaign.title


# ---------------------------------------------------------------- query budgets (warm cache)


def test_member_edit_page_save_and_autosave_query_budgets(
    client_member, make_nomination, at_open, django_assert_max_num_queries
):
    nomination = make_nomination(data={"name": "旧"})
    edit_page(client_member, nomination)  # warms the process's cached campaign data
    # Session, user (with profile, member unit and the campaign data version), entry, attachments,
    # history, the member cap.
    with django_assert_max_num_queries(6):
        html = edit_page(client_member, nomination)
    assert "保存草稿" in html
    url = reverse("member:autosave", kwargs={"pk": nomination.pk})
    definition = definition_for(nomination)
    # Session, user (and version), entry, the earlier-listed lookup (the name changed), the UPDATE.
    with django_assert_max_num_queries(5):
        body = client_member.post(url, form_post(definition, {"name": "新"}, 1), HTTP_HX_REQUEST="true")
    assert "已自动保存" in body.content.decode()
    # The full save, the name unchanged (most saves): session, user (and version), entry, the UPDATE.
    with django_assert_max_num_queries(4):
        response = client_member.post(
            reverse("member:edit", kwargs={"pk": nomination.pk}),
            form_post(definition, {"name": "新", "summary": "再改"}, 2),
        )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.data["name"], nomination.data["summary"]) == ("新", "再改")


def test_a_confirmation_committed_during_a_request_is_seen_by_its_submit(
    make_nomination, member_user, society, campaign
):
    """The transition reads the version again under its locks: a unit that confirmed after the request
    began (in another process) refuses the submit, as when the confirmation was read there."""
    nomination = make_nomination(data={"name": "旧"})
    participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=society)
    campaign_cache._request_started()  # as in a request: the version is read once, at the first use
    try:
        with time_machine.travel(BEFORE_DEADLINE, tick=False):
            assert workflow.check_edit(nomination, member_user)  # the cached copy: not confirmed
            Participation.objects.filter(pk=participation.pk).update(confirmed_at=BEFORE_DEADLINE)
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {CampaignDataVersion._meta.db_table} SET value = value + 1 WHERE id = 1")  # noqa: S608
            with pytest.raises(workflow.WorkflowError, match="确认"):
                workflow.transition(nomination, "submit", member_user)
    finally:
        campaign_cache._request_finished()
    nomination.refresh_from_db()
    assert nomination.state == "draft"


def test_the_version_read_with_the_user_sees_a_change_made_before_the_request(
    client_member, make_nomination, society, campaign
):
    """The version comes with the request's user (one query less): a change committed by another process
    before the request (row and version updated there) is honoured by that request's checks."""
    nomination = make_nomination(data={"name": "旧"})
    participation, _ = Participation.objects.get_or_create(campaign=campaign, unit=society)
    with time_machine.travel(BEFORE_DEADLINE, tick=False):
        assert "已自动保存" in autosave(client_member, nomination, "新")  # the cached copy: no unit deadline
        Participation.objects.filter(pk=participation.pk).update(
            member_deadline=datetime(2023, 11, 20, 16, tzinfo=BEIJING)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {CampaignDataVersion._meta.db_table} SET value = value + 1 WHERE id = 1")  # noqa: S608
        assert "未能自动保存：会员提交截止时间已过" in autosave(client_member, nomination, "再新")
    nomination.refresh_from_db()
    assert nomination.data["name"] == "新"


def test_a_user_loaded_outside_a_request_does_not_stand_for_a_later_requests_version(member_user, campaign):
    """The version read with a user counts only in the request that loaded it."""
    from kczg_site.auth import ProfileModelBackend

    ProfileModelBackend().get_user(member_user.pk)  # outside a request: nothing kept
    assert getattr(campaign_cache._request, "seen", None) is None
    campaign_cache._request_started()
    try:
        ProfileModelBackend().get_user(member_user.pk)
        seen = campaign_cache._request.seen
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {CampaignDataVersion._meta.db_table} WHERE id = 1")  # noqa: S608
            row = cursor.fetchone()
        assert seen == (row[0] if row else 0)
        campaign_cache.read_again()  # as a transition does under its locks: the next use reads again
        assert campaign_cache._request.seen is None
    finally:
        campaign_cache._request_finished()
    assert campaign_cache._request.seen is None
