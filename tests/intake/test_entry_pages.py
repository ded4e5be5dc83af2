"""The member's entry pages: create, drafts, submit, deadlines, caps, earlier listed items, conflicts."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nominations import intake, workflow
from nominations.forms import definition_for
from nominations.forms.samples import complete_data
from nominations.models import (
    AuditEvent,
    EarlierListedItem,
    Extension,
    ExtensionKind,
    ListCode,
    Nomination,
    State,
)
from tests.factories import PASSWORD, make_user
from tests.intake.conftest import BEIJING, form_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_member(client, member_user):
    client.login(username=member_user.username, password=PASSWORD)
    return client


def edit_url(nomination):
    return reverse("member:edit", kwargs={"pk": nomination.pk})


def test_create_tech_entry_with_domain(client_member, at_open, tech, electronics):
    response = client_member.post(reverse("member:new"), {"ranking_list": tech.pk, "domain": electronics.pk})
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == edit_url(nomination)
    assert nomination.domain == electronics and nomination.state == State.DRAFT
    assert nomination.data == {"domain": "electronics"}
    assert AuditEvent.objects.filter(nomination=nomination, verb="create").exists()


def test_create_tech_entry_needs_a_domain(client_member, at_open, tech):
    response = client_member.post(reverse("member:new"), {"ranking_list": tech.pk})
    assert response.status_code == 400
    assert "请选择先导技术榜的领域" in response.content.decode()
    assert not Nomination.objects.exists()


def test_draft_saves_with_missing_fields(client_member, at_open, make_nomination):
    nomination = make_nomination(data={})
    definition = definition_for(nomination)
    response = client_member.post(edit_url(nomination), form_post(definition, {"name": "半成品技术"}, 1))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.title == "半成品技术" and nomination.version == 2
    assert nomination.data["name"] == "半成品技术"


def test_malformed_draft_is_refused_and_everything_typed_is_kept(client_member, at_open, make_nomination):
    nomination = make_nomination(data={})
    definition = definition_for(nomination)
    posted = {"name": "我的技术", "contact_phone": "12345", "summary": "很长的简介文字"}
    response = client_member.post(edit_url(nomination), form_post(definition, posted, 1))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请输入有效的电话号码" in page and "草稿未保存" in page
    assert 'value="我的技术"' in page and 'value="12345"' in page and "很长的简介文字" in page
    nomination.refresh_from_db()
    assert nomination.version == 1 and nomination.data == {}


def test_submit_incomplete_lists_every_problem(client_member, at_open, make_nomination):
    nomination = make_nomination(data={})
    definition = definition_for(nomination)
    response = client_member.post(edit_url(nomination), form_post(definition, {"name": "X"}, 1, action="submit"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "申报内容还不完整" in page
    for label in ("技术简介", "主要创新点", "技术成熟度", "联系电话"):
        assert 'href="#field-' in page and label in page
    assert page.count("invalid-feedback") >= 10
    nomination.refresh_from_db()
    assert nomination.state == State.DRAFT and nomination.data["name"] == "X"


def test_submit_complete_entry(client_member, at_open, make_nomination):
    nomination = make_nomination(data={})
    definition = definition_for(nomination)
    data = complete_data("tech", title="可提交的技术")
    response = client_member.post(edit_url(nomination), form_post(definition, data, 1, action="submit"))
    assert response.status_code == 302 and response.url == reverse("member:detail", kwargs={"pk": nomination.pk})
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED and nomination.submitted_at == at_open
    page = client_member.get(response.url).content.decode()
    assert "已提交" in page and "可提交的技术" in page


def test_workflow_refuses_incomplete_entry(member_user, at_open, make_nomination):
    nomination = make_nomination(data={"name": "只有名称"})
    with pytest.raises(workflow.WorkflowError, match=r"申报内容不完整：.*技术简介"):
        workflow.transition(nomination, "submit", member_user)


# ---------------------------------------------------------------- deadlines


def _at(*args):
    return time_machine.travel(datetime(*args, tzinfo=BEIJING), tick=False)


def test_member_deadline_boundaries(client_member, make_nomination):
    first = make_nomination(data={})
    definition = definition_for(first)
    data = complete_data("tech", title="截止前一秒")
    with _at(2023, 11, 20, 16, 59, 59):
        response = client_member.post(edit_url(first), form_post(definition, data, 1, action="submit"))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == State.SUBMITTED

    second = make_nomination(data={"name": "原来的草稿"}, title="原来的草稿")
    typed = complete_data("tech", title="截止后才提交")
    with _at(2023, 11, 20, 17, 0, 0):
        response = client_member.post(edit_url(second), form_post(definition, typed, 1, action="submit"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "会员提交截止时间已过" in page and "2023年11月20日 17:00" in page
    assert 'value="截止后才提交"' in page  # what was typed is shown again
    second.refresh_from_db()
    assert second.state == State.DRAFT and second.data == {"name": "原来的草稿"} and second.version == 1


def test_extension_covers_the_member(client_member, member_unit, campaign, make_nomination):
    nomination = make_nomination(data={})
    definition = definition_for(nomination)
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.MEMBER,
        member_unit=member_unit,
        until=datetime(2023, 11, 22, 17, 0, tzinfo=BEIJING),
        reason="系统故障",
        granted_at=datetime(2023, 11, 20, 9, 0, tzinfo=BEIJING),
    )
    with _at(2023, 11, 21, 10, 0):
        response = client_member.post(
            edit_url(nomination), form_post(definition, complete_data("tech"), 1, action="submit")
        )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED


def test_autosave_and_upload_refused_after_deadline(client_member, make_nomination):
    nomination = make_nomination(data={"name": "旧"})
    definition = definition_for(nomination)
    with _at(2023, 11, 20, 17, 0, 1):
        response = client_member.post(
            reverse("member:autosave", kwargs={"pk": nomination.pk}), form_post(definition, {"name": "新"}, 1)
        )
    assert "未能自动保存：会员提交截止时间已过" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.data == {"name": "旧"}


def test_withdraw_allowed_before_the_platform_deadline(client_member, make_nomination):
    nomination = make_nomination(state=State.SUBMITTED)
    url = reverse("member:act", kwargs={"pk": nomination.pk, "action": "withdraw"})
    with _at(2023, 11, 25, 10, 0):
        client_member.post(url)
    nomination.refresh_from_db()
    assert nomination.state == State.WITHDRAWN


# ---------------------------------------------------------------- caps


def test_submit_is_disabled_with_the_cap_once_it_is_reached(client_member, at_open, make_nomination):
    for i in range(3):
        make_nomination(state=State.SUBMITTED, title=f"已提交{i}")
    draft = make_nomination(title="第四项")
    page = client_member.get(edit_url(draft)).content.decode()
    button = page[page.index('data-testid="submit"') - 200 :]
    button = button[: button.index("</span>")]
    assert "disabled" in button and "达到每个会员单位不超过 3 项的上限" in button
    # An incomplete draft within the cap keeps 提交 enabled: completeness is checked when it is sent.
    draft.state = State.WITHDRAWN
    draft.save()
    other = make_nomination(title="第三项之后", data={})
    Nomination.objects.filter(title="已提交0").update(state=State.WITHDRAWN)
    page = client_member.get(edit_url(other)).content.decode()
    button = page[page.index('data-testid="submit"') - 200 :]
    assert "disabled" not in button[: button.index(">", 200)]


def test_cap_per_domain_refuses_the_fourth(client_member, at_open, make_nomination, tech, electronics):
    for i in range(3):
        make_nomination(state=State.SUBMITTED, title=f"已提交{i}")
    draft = make_nomination(title="第四项")
    url = reverse("member:act", kwargs={"pk": draft.pk, "action": "submit"})
    response = client_member.post(url, follow=True)
    assert "达到每个会员单位不超过 3 项的上限" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    other_domain = tech.domains.exclude(pk=electronics.pk).first()
    elsewhere = make_nomination(domain=other_domain, title="另一领域")
    client_member.post(reverse("member:act", kwargs={"pk": elsewhere.pk, "action": "submit"}))
    elsewhere.refresh_from_db()
    assert elsewhere.state == State.SUBMITTED


# ---------------------------------------------------------------- earlier listed


@pytest.mark.parametrize(
    "name",
    ["青岛国数信息科技有限公司", "青岛国数信息科技有限责任公司", " 青岛 国数信息科技 ", "青岛国数信息科技公司"],
)
def test_earlier_listed_variants_are_flagged(client_member, at_open, make_nomination, enterprise, name):
    nomination = make_nomination(ranking_list=enterprise, data={})
    definition = definition_for(nomination)
    data = complete_data("enterprise", title=name)
    response = client_member.post(edit_url(nomination), form_post(definition, data, 1, action="submit"), follow=True)
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED
    assert nomination.earlier_listed is not None and nomination.earlier_listed.year == 2022
    assert "疑似已入选2022年新锐企业榜（“青岛国数信息科技有限公司”），原则上不再推荐。" in response.content.decode()


def test_bracket_variant_of_a_technology_is_flagged(member_user, at_open, make_nomination):
    nomination = make_nomination(data={})
    data = complete_data("tech", title="柔性电子 · 多维感知及应用")
    result = intake.save_draft(nomination, member_user, data, 1)
    assert result.earlier_listed is not None and result.earlier_listed.year == 2020
    # Items of the campaign's own year are not "earlier".
    data = complete_data("tech", title="秦岭·西电遥感脑：遥感预训练大模型")
    assert intake.save_draft(nomination, member_user, data, 2).earlier_listed is None


def test_an_unchanged_name_is_not_looked_up_again_but_submit_looks(member_user, at_open, make_nomination, enterprise):
    nomination = make_nomination(ranking_list=enterprise, data={})
    data = complete_data("enterprise", title="甲乙丙新材料有限公司")
    assert intake.save_draft(nomination, member_user, data, 1).earlier_listed is None
    EarlierListedItem.objects.create(year=2022, list_code=ListCode.ENTERPRISE, name="甲乙丙新材料有限公司")
    # An autosave that changes other fields: the name and code are those of the last save.
    with CaptureQueriesContext(connection) as queries:
        intake.save_draft(nomination, member_user, {**data, "business": "主营业务改写"}, 2)
    assert not [q for q in queries.captured_queries if "nominations_earlierlisteditem" in q["sql"]]
    # Submitting looks again and catches the item added meanwhile.
    intake.submit(nomination, member_user)
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED
    assert nomination.earlier_listed.name == "甲乙丙新材料有限公司"
    # A changed name is looked up at once.
    other = make_nomination(ranking_list=enterprise, data={}, title="另一家")
    result = intake.save_draft(other, member_user, complete_data("enterprise", title="甲乙丙新材料公司"), 1)
    assert result.earlier_listed.year == 2022


# ---------------------------------------------------------------- conflicts and visibility


def test_two_tabs_the_later_save_is_refused(client_member, at_open, make_nomination):
    nomination = make_nomination(data={"name": "起点"})
    definition = definition_for(nomination)
    first = client_member.post(edit_url(nomination), form_post(definition, {"name": "第一个窗口"}, 1))
    assert first.status_code == 302
    second = client_member.post(edit_url(nomination), form_post(definition, {"name": "第二个窗口"}, 1))
    assert second.status_code == 409
    page = second.content.decode()
    assert "该申报已在其他窗口或由他人修改，请刷新后再编辑；您本次填写的内容未保存，已保留在下方" in page
    assert 'value="第二个窗口"' in page and "重新载入最新内容" in page
    nomination.refresh_from_db()
    assert nomination.data["name"] == "第一个窗口" and nomination.version == 2


def test_autosave_updates_version_and_skips_malformed_fields(client_member, at_open, make_nomination):
    nomination = make_nomination(data={"name": "旧名称", "contact_phone": "13812345678"})
    definition = definition_for(nomination)
    url = reverse("member:autosave", kwargs={"pk": nomination.pk})
    response = client_member.post(url, form_post(definition, {"name": "新名称", "contact_phone": "123"}, 1))
    page = response.content.decode()
    assert "已自动保存 10:00" in page and "联系电话格式有误" in page
    assert 'name="version" value="2"' in page
    nomination.refresh_from_db()
    assert nomination.data["name"] == "新名称" and nomination.data["contact_phone"] == "13812345678"
    stale = client_member.post(url, form_post(definition, {"name": "过期窗口"}, 1))
    assert "已在其他窗口或由他人修改" in stale.content.decode()


def test_member_never_sees_another_members_entry(client, at_open, make_nomination, other_member_user):
    mine = make_nomination()
    client.login(username=other_member_user.username, password=PASSWORD)
    for name in ("member:detail", "member:edit"):
        assert client.get(reverse(name, kwargs={"pk": mine.pk})).status_code == 404
    definition = definition_for(mine)
    assert client.post(edit_url(mine), form_post(definition, {"name": "篡改"}, 1)).status_code == 404
    assert client.post(reverse("member:autosave", kwargs={"pk": mine.pk}), {"version": 1}).status_code == 404
    mine.refresh_from_db()
    assert mine.data["name"] != "篡改"
    assert "测试申报" not in client.get(reverse("member:dashboard")).content.decode()


def test_returned_comment_is_visible_to_the_member(client_member, at_open, make_nomination, secretariat_user):
    nomination = make_nomination(state=State.SUBMITTED)
    workflow.transition(nomination, "return", secretariat_user, note="请补充专利证书扫描件。")
    page = client_member.get(reverse("member:detail", kwargs={"pk": nomination.pk})).content.decode()
    assert "请补充专利证书扫描件。" in page and "退回修改" in page
    assert "重新提交" in page


def test_resubmit_after_return(client_member, at_open, make_nomination, secretariat_user):
    nomination = make_nomination(state=State.SUBMITTED)
    workflow.transition(nomination, "return", secretariat_user, note="请修改。")
    definition = definition_for(nomination)
    response = client_member.post(
        edit_url(nomination), form_post(definition, complete_data("tech"), nomination.version, action="submit")
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.SUBMITTED
    assert list(nomination.events.order_by("at", "pk").values_list("verb", flat=True))[-1] == "resubmit"


# ---------------------------------------------------------------- pioneers


def test_pioneer_fills_and_recommends(client, at_open, pioneer_user, manager):
    client.login(username=pioneer_user.username, password=PASSWORD)
    response = client.post(reverse("pioneer:new"), {"ranking_list": manager.pk})
    nomination = Nomination.objects.get()
    assert nomination.pioneer_id == pioneer_user.profile.pioneer_id and nomination.member_unit is None
    definition = definition_for(nomination)
    data = complete_data("manager", title="候选人甲")
    response = client.post(
        reverse("pioneer:edit", kwargs={"pk": nomination.pk}), form_post(definition, data, 1, action="submit")
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == State.RECOMMENDED
    assert nomination.data["cases"][0]["case_name"] == "某新材料技术许可"


def test_pioneer_quota_is_one(client, at_open, pioneer_user, manager):
    client.login(username=pioneer_user.username, password=PASSWORD)
    pioneer = pioneer_user.profile.pioneer
    for title in ("候选人甲", "候选人乙"):
        nomination = intake.create_nomination(pioneer_user, manager)
        intake.save_draft(nomination, pioneer_user, complete_data("manager", title=title), 1)
    first, second = Nomination.objects.filter(pioneer=pioneer).order_by("pk")
    client.post(reverse("pioneer:act", kwargs={"pk": first.pk, "action": "pioneer_recommend"}))
    response = client.post(reverse("pioneer:act", kwargs={"pk": second.pk, "action": "pioneer_recommend"}), follow=True)
    assert "每位先锋人物限推举 1 人" in response.content.decode()
    second.refresh_from_db()
    assert second.state == State.DRAFT


# ---------------------------------------------------------------- dashboard


@pytest.mark.parametrize("count", [1, 5])
def test_dashboard_query_count_is_bounded(
    client_member, at_open, make_nomination, django_assert_max_num_queries, count
):
    for i in range(count):
        make_nomination(title=f"申报{i}", state=State.SUBMITTED if i % 2 else State.DRAFT)
    # 15: one more than before the confirmation gate (may this member still create? asks the unit's
    # confirmation); still the same for one entry or five.
    with django_assert_max_num_queries(15):
        response = client_member.get(reverse("member:dashboard"))
    page = response.content.decode()
    assert page.count('href="/member/') >= count
    assert "还剩 5 天 7 小时" in page  # 2023-11-15 10:00 → 2023-11-20 17:00


def test_dashboard_shows_cap_left_per_domain(client_member, at_open, make_nomination):
    make_nomination(state=State.SUBMITTED)
    page = client_member.get(reverse("member:dashboard")).content.decode()
    assert "先导技术榜 · 电子信息" in page


def test_other_roles_do_not_use_member_pages(client, at_open, secretariat_user):
    client.login(username=secretariat_user.username, password=PASSWORD)
    assert client.get(reverse("member:dashboard")).status_code == 404


def test_member_without_unit_cannot_create(client, at_open, tech, electronics, campaign):
    user = make_user("member", "lonely")
    client.login(username="lonely", password=PASSWORD)
    response = client.post(reverse("member:new"), {"ranking_list": tech.pk, "domain": electronics.pk})
    assert response.status_code == 403
    assert "您的账号未关联有效的会员单位" in response.content.decode()
    assert not Nomination.objects.exists()
    assert user.pk


def test_creation_after_deadline_refused(member_user, tech, electronics):
    with _at(2023, 11, 20, 17, 0), pytest.raises(intake.IntakeError, match="会员提交截止时间已过"):
        intake.create_nomination(member_user, tech, electronics)
    assert timedelta(0) == timedelta(0)


@pytest.mark.parametrize("count", [1, 5])
def test_pioneer_dashboard_query_count_is_bounded(
    client, at_open, pioneer_user, manager, django_assert_max_num_queries, count
):
    for i in range(count):
        nomination = intake.create_nomination(pioneer_user, manager)
        intake.save_draft(nomination, pioneer_user, complete_data("manager", title=f"候选人{i}"), 1)
    client.login(username=pioneer_user.username, password=PASSWORD)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pioneer:dashboard"))
    page = response.content.decode()
    assert all(f"候选人{i}" in page for i in range(count))
