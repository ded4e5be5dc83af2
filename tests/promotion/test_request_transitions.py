"""The interest request's transition table (promotion/request_transitions.py): every step through the one
locked function, refused from a state the table does not allow, audited, the answer period kept."""

from datetime import timedelta

import pytest
import time_machine

from kczg_site import clock
from nominations.models import AuditEvent
from promotion import services
from promotion.errors import PromotionError
from promotion.models import PromotionSettings, RequestState
from promotion.request_transitions import REQUEST_TRANSITIONS, transition_request
from tests.promotion.test_mails import bank, listed  # noqa: F401 (fixtures)
from tests.promotion.test_promotion import login

pytestmark = pytest.mark.django_db


def test_every_step_of_the_table_starts_from_an_open_state_and_ends_in_a_known_one():
    for spec in REQUEST_TRANSITIONS.values():
        assert spec.sources <= {RequestState.MODERATION, RequestState.PENDING}
        assert spec.target in RequestState.values


def test_a_second_answer_is_refused_with_the_state_it_found(listed, bank, member_user):  # noqa: F811
    _, bob = bank
    item = services.send_request(listed, bob, "")
    services.answer_request(item, member_user, accept=False)
    stale = type(item).objects.get(pk=item.pk)
    stale.state = RequestState.PENDING  # a second tab that still shows the buttons
    with pytest.raises(PromotionError, match="该请求当前为已拒绝，不能接受。"):
        services.answer_request(stale, member_user, accept=True)
    item.refresh_from_db()
    assert item.state == RequestState.DECLINED
    assert AuditEvent.objects.filter(verb="promotion_decline", actor=member_user).count() == 1
    assert not AuditEvent.objects.filter(verb="promotion_release").exists()


def test_an_answer_after_the_period_finds_the_request_expired_and_keeps_the_expiry(
    listed,  # noqa: F811
    bank,  # noqa: F811
    member_user,
    campaign,
):
    _, bob = bank
    PromotionSettings.objects.filter(campaign=campaign).update(answer_days=2)
    item = services.send_request(listed, bob, "")
    with time_machine.travel(clock.now() + timedelta(days=3), tick=False):
        response = login(member_user).post(f"/promotion/requests/{item.pk}/answer/", {"answer": "accept"}, follow=True)
        assert "该请求当前为已过期，不能接受。" in response.content.decode()
    item.refresh_from_db()
    assert item.state == RequestState.EXPIRED and item.answered_at is not None
    event = AuditEvent.objects.get(verb="promotion_expire")
    assert event.actor is None and "答复期限已过" in event.note


def test_releasing_a_moderated_request_starts_its_answer_period_then(listed, bank, platform_user, campaign):  # noqa: F811
    partner, bob = bank
    PromotionSettings.objects.filter(campaign=campaign).update(moderated_first=1, answer_days=14)
    item = services.send_request(listed, bob, "")
    assert item.state == RequestState.MODERATION
    with time_machine.travel(clock.now() + timedelta(days=5), tick=False):
        services.moderate_request(item, platform_user, release=True)
        assert item.state == RequestState.PENDING
        assert item.expires_at == clock.now() + timedelta(days=14)
        with pytest.raises(PromotionError, match="该请求当前为待回复，不能拦截。"):
            transition_request(item, "block", platform_user)
    assert AuditEvent.objects.get(verb="promotion_moderate").note == f"放行{partner.name}的对接请求"


def test_revoking_the_consent_withdraws_each_open_request_in_the_audit(listed, bank, member_user):  # noqa: F811
    _, bob = bank
    item = services.send_request(listed, bob, "")
    services.revoke_consent(listed, member_user)
    item.refresh_from_db()
    assert item.state == RequestState.EXPIRED
    assert (
        AuditEvent.objects.filter(verb="promotion_expire", actor=member_user, note__contains="撤回推介授权").count()
        == 1
    )
