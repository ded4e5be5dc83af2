"""Fixtures of the intake tests: entries of each list for the member of the society, at a fixed time."""

from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import NominationFactory

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def at_open():
    """The clock during collection, well before the member deadline."""
    with time_machine.travel(OPEN, tick=False):
        yield OPEN


@pytest.fixture
def make_nomination(member_user, tech):
    """``NominationFactory`` for the society's member: a draft of 先导技术榜 · 电子信息 by default."""
    return partial(
        NominationFactory,
        ranking_list=tech,
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        title="测试申报",
    )


def form_post(definition, data, version, action="save"):
    """What the browser posts for ``data`` (formsets included)."""
    posted = definition.to_post_data(data)
    posted["version"] = str(version)
    posted["action"] = action
    return posted
