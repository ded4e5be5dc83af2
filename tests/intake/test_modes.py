"""The author's pages in the mode the clock puts them in (nominations/page_modes.py): after the member
deadline the edit page is read-only with a banner (what passed, when, what the member can still do), the
dashboard offers 查看 instead of 填写, creating is refused with the same banner, and the saves still
refuse on the server. A member unit with an extension still edits."""

import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations import intake
from nominations.forms import definition_for
from nominations.forms.samples import complete_data
from nominations.models import Attachment, AuditEvent, Extension, ExtensionKind, Nomination, State
from tests.factories import PASSWORD
from tests.intake.conftest import BEIJING, form_post
from tests.intake.test_attachments import PDF_BYTES

pytestmark = pytest.mark.django_db

AFTER = datetime(2023, 11, 21, 10, 0, tzinfo=BEIJING)  # the member deadline (11-20 17:00) has passed
PASSED = "会员提交截止时间已过：截止时间为北京时间 2023年11月20日 17:00。"


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def client_member(client, member_user):
    client.login(username=member_user.username, password=PASSWORD)
    return client


@pytest.fixture
def society_contacts(society):
    society.contact_name = "王老师"
    society.contact_phones = "010-12345678"
    society.save()
    return society


def edit_url(nomination):
    return reverse("member:edit", kwargs={"pk": nomination.pk})


def form_inputs(page):
    """The inputs of the entry's form a user could type into (not the hidden CSRF and version)."""
    inputs = re.findall(r"<input\b[^>]*>", page)
    return [tag for tag in inputs if 'type="hidden"' not in tag] + re.findall(r"<textarea\b", page)


def test_after_the_deadline_the_edit_page_is_read_only(client_member, make_nomination, society_contacts):
    draft = make_nomination(data=complete_data("tech", title="截止后的草稿"), title="截止后的草稿")
    with at(AFTER):
        response = client_member.get(edit_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="mode-banner"' in page and "<title>查看申报 ·" in page
    assert "填写已截止，申报内容只能查看" in page and PASSED in page
    assert "如需延期，请联系中国技术经济学会秘书处申请延期（联系人：王老师，电话：010-12345678" in page
    assert reverse("exports:nomination_docx", args=[draft.pk]) in page and "下载申报书（Word）" in page
    assert "截止后的草稿" in page  # the content, read-only
    assert form_inputs(page) == []
    assert "保存草稿" not in page and ">提交<" not in page
    assert "hx-post" not in page and 'id="entry-form"' not in page  # no autosave
    assert 'id="upload-form"' not in page and "delete_attachment" not in page
    assert "撤回申报" in page  # until the platform deadline


def test_a_submitted_entry_offers_withdraw_until_the_platform_deadline(client_member, make_nomination):
    entry = make_nomination(state=State.SUBMITTED)
    with at(AFTER):
        page = client_member.get(edit_url(entry)).content.decode()
    assert "申报内容当前不能修改，只能查看" in page and "当前状态为“已提交”，不能修改。" in page
    withdraw = reverse("member:act", kwargs={"pk": entry.pk, "action": "withdraw"})
    assert f'action="{withdraw}"' in page and "撤回申报" in page
    with at(AFTER):
        client_member.post(withdraw)
    entry.refresh_from_db()
    assert entry.state == State.WITHDRAWN


def test_saving_after_the_deadline_is_refused_and_changes_nothing(client_member, make_nomination):
    draft = make_nomination(data={"name": "原来的名称"}, title="原来的名称")
    definition = definition_for(draft)
    with at(AFTER):
        saved = client_member.post(edit_url(draft), form_post(definition, {"name": "截止后才改"}, 1))
        autosaved = client_member.post(
            reverse("member:autosave", kwargs={"pk": draft.pk}), form_post(definition, {"name": "自动保存"}, 1)
        )
    assert saved.status_code == 403
    page = saved.content.decode()
    assert PASSED in page and "本次填写的内容未保存，已保留在下方。" in page
    assert 'value="截止后才改"' in page  # kept to copy …
    assert "保存草稿" not in page and "hx-post" not in page  # … but it cannot be saved from here
    assert "未能自动保存：会员提交截止时间已过" in autosaved.content.decode()
    draft.refresh_from_db()
    assert draft.data == {"name": "原来的名称"} and draft.version == 1
    assert not AuditEvent.objects.filter(nomination=draft, verb="save").exists()


def test_the_dashboard_offers_view_after_the_deadline(client_member, make_nomination):
    draft = make_nomination(title="某草稿")
    with at(datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)):
        before = client_member.get(reverse("member:dashboard")).content.decode()
    with at(AFTER):
        after = client_member.get(reverse("member:dashboard")).content.decode()
    edit, detail = edit_url(draft), reverse("member:detail", args=[draft.pk])
    assert f'href="{edit}">填写<' in before and "查看<" not in before
    assert f'href="{detail}">查看<' in after and f'href="{edit}"' not in after
    assert "不能新建申报" in after and PASSED in after
    assert re.search(r"<button[^>]*disabled[^>]*>新建申报</button>", after)
    assert f'href="{reverse("member:new")}"' not in after


def test_creating_after_the_deadline_shows_the_banner(client_member, tech, electronics, society_contacts):
    with at(AFTER):
        page = client_member.get(reverse("member:new")).content.decode()
        posted = client_member.post(reverse("member:new"), {"ranking_list": tech.pk, "domain": electronics.pk})
    assert "不能新建申报" in page and PASSED in page and "如需延期，请联系中国技术经济学会秘书处" in page
    assert 'name="ranking_list"' not in page and "开始填写" not in page
    assert posted.status_code == 403 and PASSED in posted.content.decode()
    assert not Nomination.objects.exists()


def test_a_member_unit_with_an_extension_still_edits(client_member, member_unit, campaign, make_nomination):
    draft = make_nomination(data={})
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.MEMBER,
        member_unit=member_unit,
        until=datetime(2023, 11, 22, 17, 0, tzinfo=BEIJING),
        reason="系统故障",
        granted_at=datetime(2023, 11, 20, 9, 0, tzinfo=BEIJING),
    )
    with at(AFTER):
        page = client_member.get(edit_url(draft)).content.decode()
        dashboard = client_member.get(reverse("member:dashboard")).content.decode()
        response = client_member.post(edit_url(draft), form_post(definition_for(draft), {"name": "延期内修改"}, 1))
    assert 'id="mode-banner"' not in page and "保存草稿" in page and "hx-post" in page
    assert f'href="{edit_url(draft)}">填写<' in dashboard and "新建申报</a>" in dashboard
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["name"] == "延期内修改"


def test_the_pioneer_after_the_platform_deadline(client, pioneer_user, manager):
    with at(datetime(2023, 11, 25, 10, 0, tzinfo=BEIJING)):
        nomination = intake.create_nomination(pioneer_user, manager)
    client.login(username=pioneer_user.username, password=PASSWORD)
    with at(datetime(2023, 12, 2, 10, 0, tzinfo=BEIJING)):
        page = client.get(reverse("pioneer:edit", args=[nomination.pk])).content.decode()
        dashboard = client.get(reverse("pioneer:dashboard")).content.decode()
    assert "平台申报截止时间已过：截止时间为北京时间 2023年11月30日 24:00。" in page
    assert "如需延期，请联系平台秘书处。" in page and form_inputs(page) == []
    assert f'href="{reverse("pioneer:detail", args=[nomination.pk])}">查看<' in dashboard
    assert "不能推举新的候选人" in dashboard


def test_uploading_and_deleting_after_the_deadline_are_refused(client_member, member_user, make_nomination):
    draft = make_nomination()
    with at(datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)):
        kept = intake.add_attachment(draft, member_user, SimpleUploadedFile("a.pdf", PDF_BYTES))
    with at(AFTER):
        uploaded = client_member.post(
            reverse("member:upload", kwargs={"pk": draft.pk}),
            {"file": SimpleUploadedFile("b.pdf", PDF_BYTES)},
            HTTP_HX_REQUEST="true",
        )
        deleted = client_member.post(
            reverse("member:delete_attachment", kwargs={"pk": draft.pk, "attachment_pk": kept.pk}),
            HTTP_HX_REQUEST="true",
        )
    assert "会员提交截止时间已过" in uploaded.content.decode()
    assert "会员提交截止时间已过" in deleted.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf"]
