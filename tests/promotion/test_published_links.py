"""The published lists link each listed item to its public page, when its listed party consented to one."""

import pytest
from django.test import Client

from kczg_site import clock
from nominations.models import State
from promotion import services
from promotion.models import ConsentLevel
from reviews.models import Publication
from tests.factories import NominationFactory
from tests.promotion.test_promotion import CONTACT

pytestmark = pytest.mark.django_db


def test_a_consented_entry_links_to_its_profile_and_the_others_stay_plain_names(
    tech, member_unit, member_user, platform_user, django_assert_max_num_queries
):
    shown = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title="量子传感芯片")
    plain = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title="柔性显示屏")
    revoked = NominationFactory(ranking_list=tech, member_unit=member_unit, state=State.PUBLISHED, title="固态电池")
    Publication.objects.create(
        campaign=tech.campaign, ranking_list=tech, published_at=clock.now(), published_by=platform_user
    )
    profile = services.profile_for(shown)
    services.grant_consent(profile, member_user, level=ConsentLevel.PARTNERS, **CONTACT)
    gone = services.profile_for(revoked)
    services.grant_consent(gone, member_user, level=ConsentLevel.PUBLIC)
    services.revoke_consent(gone, member_user)

    with django_assert_max_num_queries(6):
        page = Client().get(f"/published/{tech.campaign.year}/").content.decode()
    assert f'<a href="/promotion/{profile.pk}/" title="查看推介页">量子传感芯片</a>' in page
    assert '<td class="cell-title">柔性显示屏</td>' in page and '<td class="cell-title">固态电池</td>' in page
    assert CONTACT["contact_phone"] not in page and CONTACT["contact_email"] not in page
    assert plain.pk  # listed without any profile
