"""When dispatch opens: after the recommending unit's platform deadline, its extension included.

The dispatch page and the workflow's "not before" check (``final.check_opens``) ask the same rule
(``dispatch.check_dispatch_open``): a unit with an extension is not offered for dispatch before its
extended deadline has passed, while the other units are.
"""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from nominations.models import Extension, ExtensionKind, Nomination, State
from reviews import dispatch, final
from reviews.models import Dispatch
from reviews.queries import platform as queries
from tests.reviews.conftest import BEIJING, IN_REVIEW_TIME, recommended

pytestmark = pytest.mark.django_db

EXTENDED_UNTIL = datetime(2023, 12, 10, tzinfo=BEIJING)
AFTER_EXTENSION = datetime(2023, 12, 10, 0, 0, 1, tzinfo=BEIJING)
BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 30, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture
def entries(criteria, tech, electronics, society, other_unit, campaign):
    """Two entries of ``society`` (no extension) and one of ``other_unit`` (extended to 12 月 10 日)."""
    Extension.objects.create(
        campaign=campaign, kind=ExtensionKind.PLATFORM, recommending_unit=other_unit,
        until=EXTENDED_UNTIL, reason="系统故障", granted_at=IN_REVIEW_TIME,
    )  # fmt: skip
    return {
        "on_time": recommended(tech, electronics, society, 2, title="按期"),
        "extended": recommended(tech, electronics, other_unit, 1, title="延期")[0],
    }


def test_the_page_and_the_workflow_ask_the_same_rule(entries, campaign):
    late = entries["extended"]
    on_time = entries["on_time"][0]
    for moment in (BEFORE_PLATFORM_DEADLINE, IN_REVIEW_TIME, AFTER_EXTENSION):
        ready, _waiting = dispatch.split_open(campaign, [late, on_time], moment)
        for entry in (late, on_time):
            assert (entry in ready) == bool(final.check_opens(entry, "dispatch", moment)), (moment, entry)
    decision = final.check_opens(late, "dispatch", IN_REVIEW_TIME)
    assert not decision and "2023年12月9日 24:00" in decision.reason


def test_a_unit_with_an_extension_is_not_offered_before_its_extended_deadline(entries, campaign, platform_user):
    late = entries["extended"]
    page = queries.dispatch_page(platform_user, campaign, now=IN_REVIEW_TIME)
    offered = [row.nomination.pk for row in page["rows"]]
    assert offered == [e.pk for e in entries["on_time"]]
    assert page["pending_total"] == 2
    (waiting,) = page["waiting"]
    assert waiting.count == 1 and waiting.opening.unit == late.recommending_unit
    assert waiting.opening.deadline.effective == EXTENDED_UNTIL

    page = queries.dispatch_page(platform_user, campaign, now=AFTER_EXTENSION)
    assert late.pk in [row.nomination.pk for row in page["rows"]]
    assert page["pending_total"] == 3 and page["waiting"] == []


def test_before_the_platform_deadline_nothing_is_offered(entries, campaign, platform_user):
    page = queries.dispatch_page(platform_user, campaign, now=BEFORE_PLATFORM_DEADLINE)
    assert list(page["rows"]) == [] and page["pending_total"] == 0
    assert [(w.opening.unit, w.count) for w in page["waiting"]] == [
        (None, 2),
        (entries["extended"].recommending_unit, 1),
    ]


def test_the_dispatch_page_sends_the_offered_entries_and_keeps_the_extended_unit_back(
    client, entries, campaign, platform_user
):
    late = entries["extended"]
    client.force_login(platform_user)
    url = reverse("reviews:platform_dispatch")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        html = client.get(url).content.decode()
        assert "确认分发 2 项申报" in html
        assert f"{late.recommending_unit.name}获批延期至北京时间 2023年12月9日 24:00" in html
        assert late.title not in html
        response = client.post(url, follow=True)
    assert "已将 2 项申报分发至初评机构" in response.content.decode()
    assert set(Dispatch.objects.values_list("nomination_id", flat=True)) == {e.pk for e in entries["on_time"]}
    assert Nomination.objects.get(pk=late.pk).state == State.RECOMMENDED

    with time_machine.travel(AFTER_EXTENSION, tick=True):
        assert late.title in client.get(url).content.decode()
        response = client.post(url, follow=True)
    assert "已将 1 项申报分发至初评机构" in response.content.decode()
    assert Nomination.objects.get(pk=late.pk).state == State.IN_REVIEW


def test_the_batch_without_open_only_still_refuses_while_a_unit_is_extended(entries, campaign, platform_user):
    with time_machine.travel(IN_REVIEW_TIME, tick=True), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user)
    assert any(entries["extended"].title in problem for problem in refused.value.problems)
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user, open_only=True)
    assert refused.value.problems == [dispatch.NOTHING_OPEN]
    assert not Dispatch.objects.exists()
