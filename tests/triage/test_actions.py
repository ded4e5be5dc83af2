"""Returning, accepting, declining and recommending one entry from its page; the earlier-listed override."""

from datetime import datetime

import pytest
from django.urls import reverse

from nominations import extensions, workflow
from nominations.models import AuditEvent, EarlierListedItem, ExtensionKind, ListCode, State
from tests.triage.conftest import SHANGHAI


def _act(client, entry, action, **data):
    return client.post(
        reverse("secretariat:nomination_action", args=[entry.pk]), {"action": action, **data}, follow=True
    )


def test_return_with_comment_then_member_resubmits(
    client, secretariat_user, member_user, platform_user, make_nomination
):
    entry = make_nomination(title="完整示例申报")
    client.force_login(secretariat_user)
    html = _act(client, entry, "return", note="").content.decode()
    assert "请填写退回意见" in html
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED
    _act(client, entry, "return", note="请补充知识产权证明材料。")
    entry.refresh_from_db()
    assert entry.state == State.RETURNED
    event = entry.events.get(verb="return")
    assert event.note == "请补充知识产权证明材料。"
    # The entry page shows the comment in its history.
    assert "请补充知识产权证明材料。" in client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    # Resubmitting is the member's action, not the secretariat's.
    assert "resubmit" not in [t.action for t in workflow.available_actions(entry, secretariat_user)]
    # It is 2023-11-25: the member deadline (11-20 17:00) has passed, so the page warns the secretariat
    # and the member needs an extension to resubmit.
    assert "会员提交截止时间已过" in client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    with pytest.raises(workflow.WorkflowError, match="会员提交截止时间已过"):
        workflow.transition(entry, "resubmit", member_user)
    extensions.grant_extension(
        platform_user,
        entry.campaign,
        kind=ExtensionKind.MEMBER,
        until=datetime(2023, 11, 28, 17, 0, tzinfo=SHANGHAI),
        reason="退回修改后补充材料",
        member_unit=entry.member_unit,
    )
    workflow.transition(entry, "resubmit", member_user)
    assert entry.state == State.SUBMITTED


def test_return_before_member_deadline_resubmits_without_extension(
    secretariat_user, member_user, make_nomination, _frozen_in_collection
):
    _frozen_in_collection.move_to(datetime(2023, 11, 18, 9, 0, tzinfo=SHANGHAI))
    entry = make_nomination(title="完整示例申报")
    workflow.transition(entry, "return", secretariat_user, note="补充材料")
    workflow.transition(entry, "resubmit", member_user)
    assert entry.state == State.SUBMITTED


def test_accept_decline_with_reason_and_recommend(client, secretariat_user, make_nomination):
    accepted, declined = make_nomination(), make_nomination()
    client.force_login(secretariat_user)
    _act(client, accepted, "accept")
    _act(client, declined, "decline", note="")
    declined.refresh_from_db()
    assert declined.state == State.SUBMITTED
    _act(client, declined, "decline", note="与本会推荐方向不符。")
    _act(client, accepted, "recommend")
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert accepted.state == State.RECOMMENDED
    assert declined.state == State.DECLINED
    assert declined.events.get(verb="decline").note == "与本会推荐方向不符。"


def test_recommend_beyond_quota_is_refused_with_the_quota(
    client, unit_with_channels, make_nomination, tech, electronics
):
    _unit, staff, member = unit_with_channels(["society"])
    for _ in range(3):
        make_nomination(state=State.RECOMMENDED, member_unit=member)
    extra = make_nomination(state=State.ACCEPTED, member_unit=member)
    client.force_login(staff)
    html = _act(client, extra, "recommend").content.decode()
    assert (
        "先导技术榜“电子信息”领域的推荐名额已用完（已推荐 3 / 名额 3，3 × 1 个渠道（全国学会、协会、研究会））" in html
    )
    extra.refresh_from_db()
    assert extra.state == State.ACCEPTED


@pytest.fixture
def flagged_entry(make_nomination):
    item = EarlierListedItem.objects.create(
        year=2022, list_code=ListCode.TECH, name="柔性电子多维感知及应用", unit="清华大学"
    )
    return make_nomination(state=State.ACCEPTED, title="柔性电子多维感知及应用", earlier_listed=item)


def test_flagged_entry_needs_a_reason_and_is_audited(client, secretariat_user, flagged_entry):
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:nomination", args=[flagged_entry.pk])).content.decode()
    assert "历年入榜仍推荐的理由" in page
    html = _act(client, flagged_entry, "recommend", override_reason="  ").content.decode()
    assert (
        "疑似已入选2022年先导技术榜（“柔性电子多维感知及应用”，清华大学），原则上不再推荐。"
        "如确需推荐，须在申报页面填写仍推荐的理由，理由将记入操作记录。"
    ) in html
    flagged_entry.refresh_from_db()
    assert flagged_entry.state == State.ACCEPTED
    assert not AuditEvent.objects.filter(verb__in=["recommend", "override"]).exists()

    _act(client, flagged_entry, "recommend", override_reason="技术已迭代到第二代，应用场景全新。")
    flagged_entry.refresh_from_db()
    assert flagged_entry.state == State.RECOMMENDED
    assert flagged_entry.override_reason == "技术已迭代到第二代，应用场景全新。"
    # One audit record for the override: the recommend transition's own, with the item and the reason.
    assert not AuditEvent.objects.filter(verb="override").exists()
    recommend = AuditEvent.objects.get(verb="recommend", nomination=flagged_entry)
    assert recommend.actor == secretariat_user
    assert recommend.note == (
        "历年入榜仍推荐：疑似已入选2022年先导技术榜（“柔性电子多维感知及应用”，清华大学），原则上不再推荐。"
        "理由：技术已迭代到第二代，应用场景全新。"
    )
    assert AuditEvent.objects.filter(nomination=flagged_entry, note__contains="技术已迭代到第二代").count() == 1
    history = client.get(reverse("secretariat:nomination", args=[flagged_entry.pk])).content.decode()
    assert "历年入榜仍推荐" in history


def test_member_cannot_use_secretariat_actions(client, member_user, make_nomination):
    entry = make_nomination()
    client.force_login(member_user)
    response = client.post(reverse("secretariat:nomination_action", args=[entry.pk]), {"action": "accept"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED


# ---------------------------------------------------------------- buttons that cannot succeed


def _button(html, testid):
    """The opening tag of the button ``data-testid=testid`` and the text after it (its reason)."""
    start = html.index(f'data-testid="{testid}"')
    tag_start = html.rindex("<button", 0, start)
    return html[tag_start : html.index(">", start) + 1], html[start : start + 400]


def test_recommend_is_disabled_with_the_quota_when_it_is_used_up(
    client, unit_with_channels, make_nomination, django_assert_max_num_queries
):
    _unit, staff, member = unit_with_channels(["society"])
    for _ in range(3):
        make_nomination(state=State.RECOMMENDED, member_unit=member)
    full = [make_nomination(state=State.ACCEPTED, member_unit=member, title=f"名额已满{i}") for i in range(3)]
    waiting = make_nomination(member_unit=member, title="待受理")
    reason = "先导技术榜“电子信息”领域的推荐名额已用完（已推荐 3 / 名额 3，3 × 1 个渠道（全国学会、协会、研究会））。"
    client.force_login(staff)

    page = client.get(reverse("secretariat:nomination", args=[full[0].pk])).content.decode()
    tag, after = _button(page, "action-recommend")
    assert "disabled" in tag and f'title="{reason}"' in tag
    assert reason in after  # also as text, for a screen reader and a phone

    with django_assert_max_num_queries(20):  # one quota computation for the three rows, not three
        inbox = client.get(reverse("secretariat:inbox")).content.decode()
    for entry in full:
        tag, _ = _button(inbox, f"row-{entry.pk}-recommend")
        assert "disabled" in tag and f'title="{reason}"' in tag
        assert f'id="row-{entry.pk}-recommend" class="d-none"' not in inbox  # no form to submit
    assert f'<span id="why-row-{full[0].pk}-recommend" class="visually-hidden"' in inbox
    tag, _ = _button(inbox, f"row-{waiting.pk}-accept")
    assert "disabled" not in tag and "title=" not in tag

    # The enabled row button submits its own form: the entry is accepted.
    response = client.post(reverse("secretariat:nomination_action", args=[waiting.pk]), {"action": "accept"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == State.ACCEPTED


def test_actions_after_the_platform_deadline_are_disabled_but_a_missing_note_is_not(
    client, secretariat_user, make_nomination, _frozen_in_collection
):
    entry = make_nomination(title="截止后的申报")
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    for action in ("accept", "return", "decline"):  # a note is typed in the form: not a reason to disable
        tag, _ = _button(page, f"action-{action}")
        assert "disabled" not in tag, action

    _frozen_in_collection.move_to(datetime(2023, 12, 1, 9, 0, tzinfo=SHANGHAI))
    client.force_login(secretariat_user)  # the session of 11-25 has expired
    page = client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    inbox = client.get(reverse("secretariat:inbox")).content.decode()
    for html, testid in ((page, "action-accept"), (page, "action-return"), (inbox, f"row-{entry.pk}-accept")):
        tag, after = _button(html, testid)
        assert "disabled" in tag and "截止时间已过" in tag, testid
        assert "截止时间已过" in after


def test_a_flagged_entry_has_no_one_click_recommend_in_the_inbox(client, secretariat_user, flagged_entry):
    client.force_login(secretariat_user)
    inbox = client.get(reverse("secretariat:inbox")).content.decode()
    assert f"row-{flagged_entry.pk}-recommend" not in inbox
    assert "推荐（须填写理由）" in inbox
