"""A published entry of the member unit, and its profile with a partner-level consent and a contact."""

import pytest

from nominations.models import State
from promotion import services
from promotion.models import ConsentLevel
from tests.factories import NominationFactory
from tests.promotion.helpers import CONTACT


@pytest.fixture
def entry(tech, member_unit):
    return NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title="量子传感芯片")


@pytest.fixture
def profile(entry, member_user):
    item = services.profile_for(entry)
    services.grant_consent(
        item,
        member_user,
        level=ConsentLevel.PARTNERS,
        financing_need="loan",
        amount_band="5m-20m",
        use_of_funds="扩建产线",
        stage="growth",
        **CONTACT,
    )
    return item
