"""Fixtures of the intake tests: entries of each list for the member of the society, at a fixed time."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from nominations.forms.samples import complete_data
from nominations.models import State
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
def make_entry(member_user, tech, electronics):
    def make(ranking_list=None, state=State.DRAFT, member_unit=None, user=None, domain=None, **kwargs):
        ranking_list = ranking_list or tech
        if ranking_list.capped_per_domain and domain is None:
            domain = electronics
        user = user or member_user
        member_unit = member_unit or user.profile.member_unit
        title = kwargs.pop("title", "测试申报")
        data = kwargs.pop("data", None)
        if data is None:
            data = complete_data(ranking_list.code, title=title)
            if domain is not None:
                data["domain"] = domain.code
        return NominationFactory(
            ranking_list=ranking_list,
            domain=domain,
            member_unit=member_unit,
            created_by=user,
            state=state,
            title=title,
            data=data,
            **kwargs,
        )

    return make


def form_post(definition, data, version, action="save"):
    """What the browser posts for ``data`` (formsets included)."""
    posted = definition.to_post_data(data)
    posted["version"] = str(version)
    posted["action"] = action
    return posted
