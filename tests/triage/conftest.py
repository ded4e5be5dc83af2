"""Fixtures for the secretariat triage tests: time frozen inside the 2023 collection period."""

from datetime import datetime
from functools import partial
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
def make_nomination(tech, member_unit):
    """``NominationFactory`` for the society's member: an entry of 先导技术榜 · 电子信息 submitted during
    collection by default (``make_nomination(state=..., **fields)``)."""
    return partial(
        NominationFactory,
        ranking_list=tech,
        member_unit=member_unit,
        state=State.SUBMITTED,
        sent_at=BEFORE_PLATFORM_DEADLINE,
    )


@pytest.fixture
def unit_with_channels(campaign):
    """``unit_with_channels(["society", ...])``: a recommending unit, its secretariat user and a member."""

    def make(codes, name=None):
        unit = RecommendingUnitFactory(channel_codes=codes, **({"name": name} if name else {}))
        staff = make_user(Role.SECRETARIAT, f"staff-{unit.pk}", recommending_unit=unit)
        member = MemberUnitFactory(recommending_unit=unit)
        return unit, staff, member

    return make
