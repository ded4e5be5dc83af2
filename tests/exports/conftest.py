"""Entries in every list, with complete form data, for the export tests."""

import pytest

from nominations.models import State
from tests.factories import NominationFactory

# The entries of the export tests are recommended (the exports' default scope).
RECOMMENDED = {"state": State.RECOMMENDED}

FORMULA_PAYLOADS = ['=HYPERLINK("http://evil.example/","点击")', "+1", "-1", "@SUM(A1)", "\t=1"]


@pytest.fixture
def entries(tech, enterprise, organization, manager, electronics, member_unit):
    """One recommended entry per list for the society's member unit (a formula payload in each title)."""
    return {
        "tech": NominationFactory(
            ranking_list=tech, member_unit=member_unit, title="量子传感芯片关键技术", domain=electronics, **RECOMMENDED
        ),
        "enterprise": NominationFactory(
            ranking_list=enterprise, member_unit=member_unit, title=FORMULA_PAYLOADS[0], **RECOMMENDED
        ),
        "organization": NominationFactory(
            ranking_list=organization, member_unit=member_unit, title="长三角融通创新联盟", **RECOMMENDED
        ),
        "manager": NominationFactory(ranking_list=manager, member_unit=member_unit, title="王经理", **RECOMMENDED),
    }


@pytest.fixture
def other_nomination(enterprise, other_member_unit):
    return NominationFactory(
        ranking_list=enterprise, member_unit=other_member_unit, title="另一单位的企业", **RECOMMENDED
    )
