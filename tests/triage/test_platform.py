"""The platform overview, the site-wide audit log and query bounds."""

import pytest
from django.urls import reverse

from nominations.audit import record_event
from nominations.models import AuditEvent, Participation, State
from tests.factories import MemberUnitFactory, NominationFactory, PioneerFactory, RecommendingUnitFactory


def _populate(campaign, tech, electronics, units):
    made = []
    for i in range(units):
        unit = RecommendingUnitFactory(channel_codes=["society", "alliance_member"][: 1 + i % 2])
        member = MemberUnitFactory(recommending_unit=unit)
        for state in (State.SUBMITTED, State.ACCEPTED, State.RECOMMENDED, State.DRAFT):
            NominationFactory(ranking_list=tech, domain=electronics, member_unit=member, state=state)
        made.append(unit)
    return made


def test_overview_shows_progress_and_unconfirmed(client, platform_user, campaign, tech, electronics, secretariat_user):
    unit_a, unit_b = _populate(campaign, tech, electronics, 2)
    Participation.objects.create(campaign=campaign, unit=unit_a, confirmed_at=campaign.member_deadline)
    pioneer = PioneerFactory(campaign=campaign, name="王先锋")
    client.force_login(platform_user)
    response = client.get(reverse("platform:dashboard"))
    html = response.content.decode()
    rows = {row["unit"].pk: row for row in response.context["rows"]}
    assert rows[unit_a.pk]["confirmed"] and not rows[unit_b.pk]["confirmed"]
    assert (rows[unit_a.pk]["submitted"], rows[unit_a.pk]["accepted"], rows[unit_a.pk]["recommended"]) == (3, 2, 1)
    electronics_line = next(line for line in rows[unit_b.pk]["lines"] if line["domain"] == electronics)
    assert electronics_line["quota"] == 6
    assert electronics_line["recommended"] == 1
    unconfirmed = html.split('data-testid="unconfirmed"')[1].split("</ul>")[0]
    assert unit_b.name in unconfirmed and unit_a.name not in unconfirmed
    assert "王先锋" in html
    assert "0 / 1" in html
    assert "还剩" in html and "平台申报截止" in html
    assert pioneer


@pytest.mark.parametrize("units", [1, 5])
def test_overview_queries_are_bounded(
    client, platform_user, campaign, tech, electronics, django_assert_max_num_queries, units
):
    _populate(campaign, tech, electronics, units)
    client.force_login(platform_user)
    client.get(reverse("platform:dashboard"))  # the process's cached campaign data (nominations/campaign_cache.py)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("platform:dashboard"))
    assert len(response.context["rows"]) == units


def test_audit_log_is_filterable_and_append_only(client, platform_user, secretariat_user, society, other_unit):
    record_event("confirm", secretariat_user, recommending_unit=society, note="确认")
    record_event("extension", platform_user, recommending_unit=other_unit, note="延期")
    client.force_login(platform_user)
    response = client.get(reverse("platform:audit_log"), {"verb": "extension"})
    assert [e.verb for e in response.context["page"]] == ["extension"]
    response = client.get(reverse("platform:audit_log"), {"recommending_unit": society.pk})
    assert [e.verb for e in response.context["page"]] == ["confirm"]
    assert "确认推荐结果" in response.content.decode()
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_audit_log_is_platform_only(client, secretariat_user):
    client.force_login(secretariat_user)
    assert client.get(reverse("platform:audit_log")).status_code == 403
