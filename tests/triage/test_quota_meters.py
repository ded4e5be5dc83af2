"""Stacking as the secretariat sees it: quota = cap × channels, per domain for 先导技术榜."""

import pytest
from django.urls import reverse

from nominations.models import State
from nominations.rules import quotas

SOCIETY = "全国学会、协会、研究会"
PROVINCIAL = "省、自治区、直辖市、副省级城市科协"
ALLIANCE = "“科创中国”联合体成员单位"


@pytest.mark.parametrize(
    "codes,names,tech_total,enterprise_total",
    [
        (["society"], [SOCIETY], 3, 5),
        (["society", "alliance_member"], [SOCIETY, ALLIANCE], 6, 10),
        (["society", "provincial_cast", "alliance_member"], [SOCIETY, PROVINCIAL, ALLIANCE], 9, 15),
    ],
)
def test_meters_stack_channels(client, unit_with_channels, campaign, codes, names, tech_total, enterprise_total):
    unit, staff, _member = unit_with_channels(codes)
    client.force_login(staff)
    html = client.get(reverse("secretariat:dashboard")).content.decode()
    joined = "、".join(names)
    assert f"3 × {len(codes)} 个渠道（{joined}）" in html
    assert f"5 × {len(codes)} 个渠道（{joined}）" in html
    assert f"0 / {tech_total}" in html
    assert f"0 / {enterprise_total}" in html
    rows = {
        (lst.code, domain.code if domain else None): quota for lst, domain, quota in quotas.quota_table(unit, campaign)
    }
    # Six domains of 先导技术榜, each with its own quota, and one row per other list.
    assert len(rows) == 9
    assert rows[("tech", "electronics")].total == tech_total
    assert rows[("tech", "foundation")].total == tech_total
    assert rows[("enterprise", None)].total == enterprise_total
    assert rows[("organization", None)].total == 2 * len(codes)
    assert rows[("manager", None)].total == 2 * len(codes)


def test_meter_counts_recommended_per_domain(client, secretariat_user, make_nomination, biomedicine):
    for _ in range(2):
        make_nomination(state=State.RECOMMENDED)
    make_nomination(state=State.RECOMMENDED, domain=biomedicine)
    make_nomination(state=State.ACCEPTED)
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:dashboard"))
    html = response.content.decode()
    assert 'data-meter="tech-electronics"' in html
    electronics = html.split('data-meter="tech-electronics"')[1].split("</tr>")[0]
    assert "2 / 6" in electronics
    bio = html.split('data-meter="tech-biomedicine"')[1].split("</tr>")[0]
    assert "1 / 6" in bio
