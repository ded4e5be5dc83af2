"""The platform deadline, confirmation and its lock, reopening, and extensions for exactly one unit or member."""

from datetime import datetime

import pytest
from django.urls import reverse

from nominations import confirmation, extensions, workflow
from nominations.models import AuditEvent, ExtensionKind, Participation, State
from tests.triage.conftest import AFTER_PLATFORM_DEADLINE, SHANGHAI

LOCKED = "本单位已确认推荐结果，如需修改请联系平台秘书处重新开放"


def test_confirm_locks_then_reopen_unlocks(client, secretariat_user, platform_user, society, campaign, make_nomination):
    recommended = make_nomination(state=State.RECOMMENDED)
    accepted = make_nomination(state=State.ACCEPTED)
    submitted = make_nomination()
    client.force_login(secretariat_user)
    # The first POST without confirm=1 only shows the preview again: nothing is confirmed.
    response = client.post(reverse("secretariat:confirm"))
    assert "确认推荐结果：预览" in response.content.decode()
    assert not confirmation.is_confirmed(society, campaign)
    response = client.post(reverse("secretariat:confirm"), {"confirm": "1"}, follow=True)
    assert "已向平台确认本单位的推荐结果" in response.content.decode()
    participation = Participation.objects.get(unit=society, campaign=campaign)
    assert participation.confirmed_at is not None
    assert participation.confirmed_by == secretariat_user
    event = AuditEvent.objects.get(verb="confirm", recommending_unit=society)
    assert event.note.startswith("确认推荐 1 项，2 项未获推荐，")
    # What was not recommended is 未获推荐 now, and no action of the secretariat moves it.
    for entry in (accepted, submitted):
        entry.refresh_from_db()
        assert entry.state == State.NOT_RECOMMENDED
        for action in ("recommend", "accept", "return", "decline"):
            assert not workflow.check(entry, action, secretariat_user, note="理由")

    decision = workflow.check(recommended, "unrecommend", secretariat_user)
    assert not decision
    assert decision.reason == LOCKED
    page = client.get(reverse("secretariat:nomination", args=[recommended.pk])).content.decode()
    assert LOCKED in page
    # A second confirmation is refused.
    with pytest.raises(confirmation.ConfirmationError):
        confirmation.confirm(secretariat_user, society, campaign)
    # The secretariat cannot reopen itself; the platform can, with a reason, audited.
    with pytest.raises(confirmation.ConfirmationError):
        confirmation.reopen(secretariat_user, society, campaign, "想改")
    client.force_login(platform_user)
    response = client.post(reverse("platform:reopen", args=[society.pk]), {"reason": ""}, follow=True)
    assert "请填写重新开放的理由" in response.content.decode()
    client.post(reverse("platform:reopen", args=[society.pk]), {"reason": "学会申请调整电子信息领域推荐"})
    participation.refresh_from_db()
    assert participation.confirmed_at is None
    event = AuditEvent.objects.get(verb="reopen", recommending_unit=society)
    assert event.actor == platform_user
    assert event.note == "学会申请调整电子信息领域推荐"
    # Reopening gives the 未获推荐 entries back to the unit as 已受理, each audited.
    for entry in (accepted, submitted):
        entry.refresh_from_db()
        assert entry.state == State.ACCEPTED
        back = AuditEvent.objects.get(verb="reconsider", nomination=entry)
        assert (back.actor, back.from_state, back.to_state) == (platform_user, State.NOT_RECOMMENDED, State.ACCEPTED)
    workflow.transition(accepted, "recommend", secretariat_user)
    assert accepted.state == State.RECOMMENDED


def test_after_the_platform_deadline_recommending_and_confirming_are_refused(
    client, secretariat_user, society, campaign, make_nomination, _frozen_in_collection
):
    accepted = make_nomination(state=State.ACCEPTED)
    recommended = make_nomination(state=State.RECOMMENDED)
    _frozen_in_collection.move_to(AFTER_PLATFORM_DEADLINE)
    for entry, action in [(accepted, "recommend"), (recommended, "unrecommend")]:
        with pytest.raises(workflow.WorkflowError, match="平台申报截止时间已过"):
            workflow.transition(entry, action, secretariat_user)
    with pytest.raises(
        confirmation.ConfirmationError, match="平台申报截止时间已过：截止时间为北京时间 2023年11月30日 24:00"
    ):
        confirmation.confirm(secretariat_user, society, campaign)
    client.force_login(secretariat_user)
    assert "平台申报截止时间已过" in client.get(reverse("secretariat:dashboard")).content.decode()


def test_deadline_boundary_is_24_00(secretariat_user, make_nomination, _frozen_in_collection):
    entry = make_nomination(state=State.ACCEPTED)
    _frozen_in_collection.move_to(datetime(2023, 11, 30, 23, 59, 59, tzinfo=SHANGHAI))
    workflow.transition(entry, "recommend", secretariat_user)
    _frozen_in_collection.move_to(datetime(2023, 12, 1, 0, 0, 0, tzinfo=SHANGHAI))
    with pytest.raises(workflow.WorkflowError):
        workflow.transition(entry, "unrecommend", secretariat_user)


def test_platform_extension_lets_exactly_that_unit_through(
    client,
    platform_user,
    secretariat_user,
    other_secretariat_user,
    society,
    other_unit,
    campaign,
    make_nomination,
    other_member_unit,
    _frozen_in_collection,
):
    mine = make_nomination(state=State.ACCEPTED)
    theirs = make_nomination(state=State.ACCEPTED, member_unit=other_member_unit)
    client.force_login(platform_user)
    response = client.post(
        reverse("platform:extensions"),
        {"kind": "platform", "recommending_unit": society.pk, "until": "2023-12-03T17:00", "reason": ""},
    )
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    client.post(
        reverse("platform:extensions"),
        {"kind": "platform", "recommending_unit": society.pk, "until": "2023-12-03T17:00", "reason": "系统故障"},
    )
    event = AuditEvent.objects.get(verb="extension")
    assert event.recommending_unit == society
    assert "系统故障" in event.note
    _frozen_in_collection.move_to(datetime(2023, 12, 2, 9, 0, tzinfo=SHANGHAI))
    workflow.transition(mine, "recommend", secretariat_user)
    assert mine.state == State.RECOMMENDED
    with pytest.raises(workflow.WorkflowError, match="平台申报截止时间已过"):
        workflow.transition(theirs, "recommend", other_secretariat_user)
    confirmation.confirm(secretariat_user, society, campaign)
    with pytest.raises(confirmation.ConfirmationError):
        confirmation.confirm(other_secretariat_user, other_unit, campaign)
    _frozen_in_collection.move_to(datetime(2023, 12, 3, 17, 0, tzinfo=SHANGHAI))
    assert not confirmation.check_confirm(secretariat_user, society, campaign)


def test_member_extension_lets_exactly_that_member_through(
    platform_user, member_user, society, campaign, make_nomination, member_unit
):
    from nominations.models import Role
    from tests.factories import MemberUnitFactory, make_user

    sibling = MemberUnitFactory(recommending_unit=society, name="同会另一会员")
    sibling_user = make_user(Role.MEMBER, "sibling", member_unit=sibling)
    draft = make_nomination(state=State.DRAFT, created_by=member_user, title="完整示例申报")
    sibling_draft = make_nomination(
        state=State.DRAFT, member_unit=sibling, created_by=sibling_user, title="完整示例申报"
    )
    with pytest.raises(workflow.WorkflowError, match="会员提交截止时间已过"):
        workflow.transition(draft, "submit", member_user)
    with pytest.raises(extensions.ExtensionError, match="平台申报截止只能对推荐单位延期"):
        extensions.grant_extension(
            platform_user,
            campaign,
            kind=ExtensionKind.PLATFORM,
            until=datetime(2023, 12, 5, tzinfo=SHANGHAI),
            reason="x",
            member_unit=member_unit,
        )
    with pytest.raises(extensions.ExtensionError, match="延期时间应晚于原截止时间"):
        extensions.grant_extension(
            platform_user,
            campaign,
            kind=ExtensionKind.MEMBER,
            until=datetime(2023, 11, 19, tzinfo=SHANGHAI),
            reason="x",
            member_unit=member_unit,
        )
    extensions.grant_extension(
        platform_user,
        campaign,
        kind=ExtensionKind.MEMBER,
        until=datetime(2023, 11, 27, 17, 0, tzinfo=SHANGHAI),
        reason="补交证明材料",
        member_unit=member_unit,
    )
    workflow.transition(draft, "submit", member_user)
    assert draft.state == State.SUBMITTED
    with pytest.raises(workflow.WorkflowError, match="会员提交截止时间已过"):
        workflow.transition(sibling_draft, "submit", sibling_user)


def test_only_platform_grants_extensions(secretariat_user, society, campaign):
    with pytest.raises(extensions.ExtensionError, match="只有平台秘书处可以批准延期"):
        extensions.grant_extension(
            secretariat_user,
            campaign,
            kind=ExtensionKind.PLATFORM,
            until=datetime(2023, 12, 5, tzinfo=SHANGHAI),
            reason="x",
            recommending_unit=society,
        )
