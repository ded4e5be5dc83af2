"""When dispatch opens (``dispatch.check_dispatch_open``, the one rule the page and the workflow ask).

* A unit that has confirmed: its entries go from the confirmation on, even before the platform deadline.
* A unit that has not: nothing before its platform deadline (extension included); after it, only when
  the unit is included — by the platform's decision, or by the campaign's default.
* Pioneers' entries: after the platform deadline.
"""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from nominations.models import (
    Extension,
    ExtensionKind,
    Nomination,
    Participation,
    State,
    UnconfirmedDecision,
    UnconfirmedUnits,
)
from reviews import dispatch, final
from reviews.models import Dispatch
from reviews.queries import platform as queries
from tests.factories import NominationFactory, PioneerFactory
from tests.reviews.conftest import BEIJING, IN_REVIEW_TIME, recommended
from tests.reviews.units import confirm, set_default

pytestmark = pytest.mark.django_db

EXTENDED_UNTIL = datetime(2023, 12, 10, tzinfo=BEIJING)
AFTER_EXTENSION = datetime(2023, 12, 10, 0, 0, 1, tzinfo=BEIJING)
BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 30, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture
def entries(criteria, tech, electronics, society, other_unit, campaign):
    """Two entries of ``society`` and one of ``other_unit`` (extended to 12 月 10 日); nobody confirmed."""
    Extension.objects.create(
        campaign=campaign, kind=ExtensionKind.PLATFORM, recommending_unit=other_unit,
        until=EXTENDED_UNTIL, reason="系统故障", granted_at=IN_REVIEW_TIME,
    )  # fmt: skip
    return {
        "on_time": recommended(tech, electronics, society, 2, title="按期"),
        "extended": recommended(tech, electronics, other_unit, 1, title="延期")[0],
    }


def _offered(campaign, user, moment):
    page = queries.dispatch_page(user, campaign, now=moment)
    return [row.nomination.pk for row in page["rows"]], page


def test_the_page_and_the_workflow_ask_the_same_rule(entries, campaign, society):
    late, on_time = entries["extended"], entries["on_time"][0]
    for default in (UnconfirmedUnits.DECIDE, UnconfirmedUnits.INCLUDE):
        set_default(campaign, default)
        for moment in (BEFORE_PLATFORM_DEADLINE, IN_REVIEW_TIME, AFTER_EXTENSION):
            ready, _waiting = dispatch.split_open(campaign, [late, on_time], moment)
            for entry in (late, on_time):
                entry.campaign.refresh_from_db()
                assert (entry in ready) == bool(final.check_opens(entry, "dispatch", moment)), (default, moment, entry)
    confirm(society, campaign)
    on_time.campaign.refresh_from_db()
    assert final.check_opens(on_time, "dispatch", BEFORE_PLATFORM_DEADLINE)
    decision = final.check_opens(late, "dispatch", IN_REVIEW_TIME)
    assert not decision and "2023年12月9日 24:00" in decision.reason and "尚未确认推荐结果" in decision.reason


def test_a_confirmed_unit_goes_before_the_platform_deadline(entries, campaign, platform_user, society):
    offered, page = _offered(campaign, platform_user, BEFORE_PLATFORM_DEADLINE)
    assert offered == [] and page["pending_total"] == 0
    confirm(society, campaign)
    offered, page = _offered(campaign, platform_user, BEFORE_PLATFORM_DEADLINE)
    assert offered == [e.pk for e in entries["on_time"]]
    (waiting,) = page["waiting"]
    assert waiting.opening.unit == entries["extended"].recommending_unit and waiting.count == 1
    assert "尚未确认推荐结果：确认后即可分发" in waiting.reason


def test_an_unconfirmed_unit_waits_for_the_platform_after_its_deadline(entries, campaign, platform_user, society):
    offered, page = _offered(campaign, platform_user, IN_REVIEW_TIME)
    assert offered == []
    assert [(w.opening.unit, w.count) for w in page["waiting"]] == [
        (society, 2),
        (entries["extended"].recommending_unit, 1),
    ]
    assert "请先在“未确认推荐结果的推荐单位”中决定是否纳入初评" in page["waiting"][0].reason
    # The section lists the unit past its deadline; the extended one is not there yet.
    assert [row.unit for row in page["unconfirmed"]] == [society]

    Participation.objects.create(campaign=campaign, unit=society, unconfirmed_decision=UnconfirmedDecision.INCLUDE)
    offered, _page = _offered(campaign, platform_user, IN_REVIEW_TIME)
    assert offered == [e.pk for e in entries["on_time"]]


def test_the_campaign_default_includes_or_keeps_back(entries, campaign, platform_user, society):
    set_default(campaign, UnconfirmedUnits.INCLUDE)
    offered, page = _offered(campaign, platform_user, IN_REVIEW_TIME)
    assert offered == [e.pk for e in entries["on_time"]]
    # The extended unit keeps its entries back until its extension ends.
    (waiting,) = page["waiting"]
    assert waiting.opening.deadline.effective == EXTENDED_UNTIL
    offered, page = _offered(campaign, platform_user, AFTER_EXTENSION)
    assert entries["extended"].pk in offered and page["waiting"] == []

    set_default(campaign, UnconfirmedUnits.EXCLUDE)
    offered, page = _offered(campaign, platform_user, AFTER_EXTENSION)
    assert offered == [] and page["dispatch_refusal"] == dispatch.NOTHING_OPEN
    assert all("按本年度设置不纳入初评" in w.reason for w in page["waiting"])


def test_pioneers_entries_go_after_the_platform_deadline(criteria, tech, electronics, campaign, platform_user):
    pioneer = PioneerFactory(campaign=campaign, name="张先锋")
    entry = NominationFactory(
        ranking_list=tech, domain=electronics, member_unit=None, pioneer=pioneer, state=State.RECOMMENDED
    )
    assert _offered(campaign, platform_user, BEFORE_PLATFORM_DEADLINE)[0] == []
    assert not final.check_opens(entry, "dispatch", BEFORE_PLATFORM_DEADLINE)
    assert _offered(campaign, platform_user, IN_REVIEW_TIME)[0] == [entry.pk]


def test_the_dispatch_page_sends_the_confirmed_unit_and_keeps_the_others_back(
    client, entries, campaign, platform_user, society
):
    late = entries["extended"]
    confirm(society, campaign)
    client.force_login(platform_user)
    url = reverse("reviews:platform_dispatch")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.get(url).content.decode()
        assert "预览分发 2 项申报" in html
        assert f"{late.recommending_unit.name}（1 项）：{late.recommending_unit.name}尚未确认推荐结果" in html
        assert "2023年12月9日 24:00" in html
        assert late.title not in html
        preview = client.post(url)
        response = client.post(url, {"confirm": "1", "digest": preview.context["digest"]}, follow=True)
    assert "已将 2 项申报分发至初评机构" in response.content.decode()
    assert set(Dispatch.objects.values_list("nomination_id", flat=True)) == {e.pk for e in entries["on_time"]}
    assert Nomination.objects.get(pk=late.pk).state == State.RECOMMENDED


def test_nothing_to_dispatch_disables_the_button_with_the_reason(client, entries, campaign, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        html = client.get(reverse("reviews:platform_dispatch")).content.decode()
    assert f'disabled title="{dispatch.NOTHING_OPEN}"' in html
    assert "预览分发 " not in html


def test_the_batch_without_open_only_still_refuses_while_a_unit_is_kept_back(entries, campaign, platform_user, society):
    confirm(society, campaign)
    with time_machine.travel(IN_REVIEW_TIME, tick=True), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user)
    assert any(entries["extended"].title in problem for problem in refused.value.problems)
    Participation.objects.filter(unit=society).update(confirmed_at=None)
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user, open_only=True)
    assert refused.value.problems == [dispatch.NOTHING_OPEN]
    assert not Dispatch.objects.exists()
