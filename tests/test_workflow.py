"""The transition table and the one transition function, tested without HTTP."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nominations import workflow
from nominations.models import AuditEvent, Extension, ExtensionKind, State
from nominations.workflow import WorkflowError
from tests.factories import NominationFactory

BEIJING = ZoneInfo("Asia/Shanghai")
BEFORE_MEMBER_DEADLINE = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
AFTER_MEMBER_DEADLINE = datetime(2023, 11, 20, 17, 0, tzinfo=BEIJING)
BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 30, 23, 59, 59, tzinfo=BEIJING)
AFTER_PLATFORM_DEADLINE = datetime(2023, 12, 1, 0, 0, tzinfo=BEIJING)

pytestmark = pytest.mark.django_db


def test_every_transition_targets_a_known_state_and_names_its_roles():
    for spec in workflow.TRANSITIONS.values():
        assert spec.target in State.values
        assert spec.sources <= set(State.values)
        assert spec.roles


def test_submit_moves_state_and_writes_one_audit_record(enterprise, member_unit, member_user):
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        workflow.transition(entry, "submit", member_user)
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED
    assert entry.submitted_at == BEFORE_MEMBER_DEADLINE
    event = AuditEvent.objects.get(nomination=entry)
    assert (event.actor, event.verb, event.from_state, event.to_state) == (
        member_user,
        "submit",
        State.DRAFT,
        State.SUBMITTED,
    )


def test_submit_after_member_deadline_is_refused_and_entry_unchanged(enterprise, member_unit, member_user):
    entry = NominationFactory(
        ranking_list=enterprise, member_unit=member_unit, created_by=member_user, data={"name": "保留的内容"}
    )
    with time_machine.travel(AFTER_MEMBER_DEADLINE, tick=False), pytest.raises(WorkflowError) as refused:
        workflow.transition(entry, "submit", member_user)
    assert "会员提交截止时间已过" in str(refused.value)
    assert "2023年11月20日 17:00" in str(refused.value)
    entry.refresh_from_db()
    assert entry.state == State.DRAFT
    assert entry.data == {"name": "保留的内容"}
    assert not AuditEvent.objects.filter(nomination=entry).exists()


def test_member_extension_lets_that_member_through(campaign, enterprise, member_unit, member_user, platform_user):
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.MEMBER,
        member_unit=member_unit,
        until=datetime(2023, 11, 22, 17, 0, tzinfo=BEIJING),
        reason="材料盖章延误",
        granted_by=platform_user,
        granted_at=BEFORE_MEMBER_DEADLINE,
    )
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    with time_machine.travel(datetime(2023, 11, 21, 9, 0, tzinfo=BEIJING), tick=False):
        workflow.transition(entry, "submit", member_user)
    assert entry.state == State.SUBMITTED


def test_another_members_user_cannot_act(enterprise, member_unit, member_user, other_member_user):
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False), pytest.raises(WorkflowError) as refused:
        workflow.transition(entry, "submit", other_member_user)
    assert "没有找到" in str(refused.value)


def test_wrong_state_is_refused_with_the_current_state(enterprise, member_unit, member_user):
    entry = NominationFactory(
        ranking_list=enterprise, member_unit=member_unit, created_by=member_user, state=State.SUBMITTED
    )
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False), pytest.raises(WorkflowError) as refused:
        workflow.transition(entry, "submit", member_user)
    assert "已提交" in str(refused.value)


def test_return_needs_a_comment(enterprise, member_unit, member_user, secretariat_user):
    entry = NominationFactory(
        ranking_list=enterprise, member_unit=member_unit, created_by=member_user, state=State.SUBMITTED
    )
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        with pytest.raises(WorkflowError) as refused:
            workflow.transition(entry, "return", secretariat_user, note="  ")
        assert "退回意见" in str(refused.value)
        workflow.transition(entry, "return", secretariat_user, note="请补充知识产权情况")
    assert entry.state == State.RETURNED
    assert AuditEvent.objects.get(nomination=entry, verb="return").note == "请补充知识产权情况"


def test_recommend_stops_at_the_stacked_quota(organization, member_unit, member_user, secretariat_user):
    # The society is in two channels: 2 × 2 = 4 places on 融通创新组织榜.
    entries = [
        NominationFactory(
            ranking_list=organization, member_unit=member_unit, created_by=member_user, state=State.ACCEPTED
        )
        for _ in range(5)
    ]
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        for entry in entries[:4]:
            workflow.transition(entry, "recommend", secretariat_user)
        with pytest.raises(WorkflowError) as refused:
            workflow.transition(entries[4], "recommend", secretariat_user)
    assert "已推荐 4 / 名额 4" in str(refused.value)
    assert entries[4].state == State.ACCEPTED


def test_recommend_after_platform_deadline_is_refused(enterprise, member_unit, member_user, secretariat_user):
    entry = NominationFactory(
        ranking_list=enterprise, member_unit=member_unit, created_by=member_user, state=State.ACCEPTED
    )
    with time_machine.travel(AFTER_PLATFORM_DEADLINE, tick=False), pytest.raises(WorkflowError) as refused:
        workflow.transition(entry, "recommend", secretariat_user)
    assert "平台申报截止时间已过" in str(refused.value)
    assert "2023年11月30日 24:00" in str(refused.value)


def test_earlier_listed_entry_needs_a_reason_to_be_recommended(
    campaign, enterprise, member_unit, member_user, secretariat_user
):
    from nominations.models import EarlierListedItem

    item = EarlierListedItem.objects.get(name="青岛国数信息科技有限公司")
    entry = NominationFactory(
        ranking_list=enterprise,
        member_unit=member_unit,
        created_by=member_user,
        state=State.ACCEPTED,
        earlier_listed=item,
    )
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        with pytest.raises(WorkflowError) as refused:
            workflow.transition(entry, "recommend", secretariat_user)
        assert "2022年新锐企业榜" in str(refused.value)
        workflow.transition(entry, "recommend", secretariat_user, override_reason="2023年业务转型,核心技术全新")
    entry.refresh_from_db()
    assert entry.state == State.RECOMMENDED
    assert entry.override_reason == "2023年业务转型,核心技术全新"
    assert "核心技术全新" in AuditEvent.objects.get(nomination=entry, verb="recommend").note


def test_audit_records_are_append_only(enterprise, member_unit, member_user):
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        workflow.transition(entry, "submit", member_user)
    event = AuditEvent.objects.get(nomination=entry)
    event.note = "篡改"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_a_stale_instance_neither_refuses_nor_allows_what_the_row_decides(enterprise, member_unit, member_user):
    """The access pre-check asks the caller's instance; the row decides either way."""
    from nominations.models import Nomination

    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    stale = Nomination.objects.get(pk=entry.pk)
    with time_machine.travel(BEFORE_MEMBER_DEADLINE, tick=False):
        workflow.transition(entry, "submit", member_user)  # submitted meanwhile, e.g. in another tab
        with pytest.raises(WorkflowError, match="当前状态为"):
            workflow.transition(stale, "submit", member_user)  # the instance says draft: the row refuses
        assert AuditEvent.objects.filter(nomination=entry).count() == 1
        Nomination.objects.filter(pk=entry.pk).update(state=State.DRAFT)  # back to draft elsewhere
        entry.state = State.SUBMITTED  # this instance is stale the other way: the row allows
        workflow.transition(entry, "submit", member_user)
    entry.refresh_from_db()
    assert entry.state == State.SUBMITTED
    assert AuditEvent.objects.filter(nomination=entry, verb="submit").count() == 2
