"""Entries in every list, with complete form data, for the export tests."""

import pytest

from nominations.forms.samples import complete_data
from nominations.models import State
from tests.factories import NominationFactory

FORMULA_PAYLOADS = ['=HYPERLINK("http://evil.example/","点击")', "+1", "-1", "@SUM(A1)", "\t=1"]


def make_entry(ranking_list, member_unit, *, title, state=State.RECOMMENDED, domain=None, **overrides):
    data = complete_data(ranking_list.code, title=title, **overrides)
    if ranking_list.code == "tech":
        data["domain"] = domain.code
    return NominationFactory(
        ranking_list=ranking_list,
        domain=domain,
        member_unit=member_unit,
        state=state,
        title=title,
        data=data,
    )


@pytest.fixture
def entries(tech, enterprise, organization, manager, electronics, member_unit):
    """One recommended entry per list for the society's member unit (a formula payload in each title)."""
    return {
        "tech": make_entry(tech, member_unit, title="量子传感芯片关键技术", domain=electronics),
        "enterprise": make_entry(enterprise, member_unit, title='=HYPERLINK("http://evil.example/","点击")'),
        "organization": make_entry(organization, member_unit, title="长三角融通创新联盟"),
        "manager": make_entry(manager, member_unit, title="王经理"),
    }


@pytest.fixture
def other_entry(enterprise, other_member_unit):
    return make_entry(enterprise, other_member_unit, title="另一单位的企业")
