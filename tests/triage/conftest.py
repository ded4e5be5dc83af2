"""Fixtures for the secretariat triage tests: time frozen inside the 2023 collection period."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nominations.models import Domain, Role, State
from tests.factories import MemberUnitFactory, NominationFactory, RecommendingUnitFactory, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 25, 10, 0, tzinfo=SHANGHAI)
AFTER_PLATFORM_DEADLINE = datetime(2023, 12, 1, 0, 0, 1, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _frozen_in_collection():
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def biomedicine(tech):
    return Domain.objects.get(ranking_list=tech, code="biomedicine")


@pytest.fixture
def make_entry(tech, electronics, member_unit):
    """``make_entry(state=..., **fields)``: an entry of the society's member (先导技术榜 · 电子信息 by default)."""

    def make(state=State.SUBMITTED, **fields):
        fields.setdefault("ranking_list", tech)
        if fields["ranking_list"].capped_per_domain:
            fields.setdefault("domain", electronics)
        fields.setdefault("member_unit", member_unit)
        if state != State.DRAFT:
            fields.setdefault("submitted_at", BEFORE_PLATFORM_DEADLINE)
        if fields.pop("complete", False):
            from nominations.forms.samples import complete_data

            fields.setdefault("title", "完整示例申报")
            fields["data"] = complete_data(fields["ranking_list"].code, fields["title"])
        return NominationFactory(state=state, **fields)

    return make


@pytest.fixture
def unit_with_channels(campaign):
    """``unit_with_channels(["society", ...])``: a recommending unit, its secretariat user and a member."""

    def make(codes, name=None):
        unit = RecommendingUnitFactory(channel_codes=codes, **({"name": name} if name else {}))
        staff = make_user(Role.SECRETARIAT, f"staff-{unit.pk}", recommending_unit=unit)
        member = MemberUnitFactory(recommending_unit=unit)
        return unit, staff, member

    return make
