"""Shared fixtures: the 2023 campaign as the notice states it, and one named user per role.

Time is frozen with time-machine in the tests that need it; the demo clock is off in tests.
"""

from pathlib import Path

import pytest
from django.conf import settings

from nominations.models import Campaign, Domain, RankingList, Role
from tests.factories import MemberUnitFactory, PioneerFactory, RecommendingUnitFactory, make_user

CAMPAIGN_FILE = Path(settings.BASE_DIR) / "fixtures" / "campaign_2023.json"


@pytest.fixture(autouse=True)
def _no_demo_clock(settings, tmp_path):
    settings.DEMO_CLOCK = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The experts' pledge before the first entry (reviews.pledge.check_pledge): its own tests turn it on.
    settings.REVIEW_PLEDGE_REQUIRED = False


@pytest.fixture
def campaign(db):
    from nominations.campaign_data import load_campaign
    from nominations.models import StampRequirement

    loaded = load_campaign(CAMPAIGN_FILE)
    # The campaign file requires the stamped scans before confirming; the tests of other areas confirm
    # without them. The stamps' own tests turn them back on (the ``stamps_required`` fixture).
    StampRequirement.objects.filter(campaign=loaded).update(required=False)
    return loaded


@pytest.fixture
def stamps_required(campaign):
    """The campaign as its file says: the stamped 汇总表 and every entry's stamped pages before confirming."""
    from nominations.models import StampRequirement

    StampRequirement.objects.filter(campaign=campaign).update(required=True)
    return campaign


@pytest.fixture
def tech(campaign):
    return RankingList.objects.get(campaign=campaign, code="tech")


@pytest.fixture
def enterprise(campaign):
    return RankingList.objects.get(campaign=campaign, code="enterprise")


@pytest.fixture
def organization(campaign):
    return RankingList.objects.get(campaign=campaign, code="organization")


@pytest.fixture
def manager(campaign):
    return RankingList.objects.get(campaign=campaign, code="manager")


@pytest.fixture
def electronics(tech):
    return Domain.objects.get(ranking_list=tech, code="electronics")


@pytest.fixture
def society(campaign):
    """A recommending unit in two channels (so 6 per domain of 先导技术榜)."""
    return RecommendingUnitFactory(name="中国技术经济学会", channel_codes=["society", "alliance_member"])


@pytest.fixture
def other_unit(campaign):
    return RecommendingUnitFactory(name="某省科协", channel_codes=["provincial_cast"])


@pytest.fixture
def member_unit(society):
    return MemberUnitFactory(name="示例科技有限公司", recommending_unit=society)


@pytest.fixture
def other_member_unit(other_unit):
    return MemberUnitFactory(name="另一会员单位", recommending_unit=other_unit)


@pytest.fixture
def member_user(member_unit):
    return make_user(Role.MEMBER, "member", member_unit=member_unit)


@pytest.fixture
def other_member_user(other_member_unit):
    return make_user(Role.MEMBER, "member-other", member_unit=other_member_unit)


@pytest.fixture
def secretariat_user(society):
    return make_user(Role.SECRETARIAT, "secretariat", recommending_unit=society)


@pytest.fixture
def other_secretariat_user(other_unit):
    return make_user(Role.SECRETARIAT, "secretariat-other", recommending_unit=other_unit)


@pytest.fixture
def pioneer_user(campaign):
    pioneer = PioneerFactory(campaign=campaign, name="张先锋")
    return make_user(Role.PIONEER, "pioneer", pioneer=pioneer)


@pytest.fixture
def platform_user(campaign):
    return make_user(Role.PLATFORM, "platform")


@pytest.fixture
def admin_user_(campaign):
    return make_user(Role.ADMIN, "admin")


@pytest.fixture
def active_campaign(campaign):
    assert Campaign.objects.filter(is_active=True).count() == 1
    return campaign
