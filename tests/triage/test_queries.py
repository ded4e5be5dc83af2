"""The staff pages' queries (``nominations.queries``) called without a client: the rows a user sees.

Each function takes the user, the campaign and the filters; the figures are counted among the entries
the policy lets the user see (a secretariat never sees its members' drafts nor another unit's entries).
"""

import pytest

from kczg_site import clock
from nominations import policy
from nominations.audit import record_event
from nominations.models import (
    Extension,
    ExtensionKind,
    MailAudience,
    MailKind,
    MemberUnit,
    Participation,
    SentMail,
    State,
)
from nominations.queries import common, platform, secretariat
from tests.factories import MemberUnitFactory, NominationFactory, PioneerFactory, RecommendingUnitFactory

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- common


def test_count_per_counts_only_the_visible_entries(secretariat_user, make_nomination, member_unit, tech):
    make_nomination(state=State.SUBMITTED)
    make_nomination(state=State.ACCEPTED)
    make_nomination(state=State.DRAFT)  # the member's draft: not the secretariat's to count
    rows = MemberUnit.objects.filter(pk=member_unit.pk).annotate(
        n=common.count_per(policy.visible_nominations(secretariat_user), "member_unit")
    )
    assert [row.n for row in rows] == [2]


def test_mail_log_pages_the_readers_mails(secretariat_user, platform_user, society, other_unit):
    for unit in (society, society, other_unit):
        SentMail.objects.create(
            kind=MailKind.CONFIRMED,
            audience=MailAudience.SECRETARIAT,
            recommending_unit=unit,
            to="unit@example.org",
            subject=f"{unit.name}已确认推荐结果",
            body="…",
            sent_at=clock.now(),
        )
    _filter, page = common.mail_log(secretariat_user, {}, None, per_page=1)
    assert page.paginator.count == 2 and page.paginator.num_pages == 2
    assert {mail.recommending_unit_id for mail in page} == {society.pk}
    _filter, page = common.mail_log(platform_user, {"q": other_unit.name}, "1")
    assert [mail.subject for mail in page] == [f"{other_unit.name}已确认推荐结果"]


# ---------------------------------------------------------------- the secretariat


def test_meter_rows_count_the_units_recommendations(secretariat_user, society, campaign, make_nomination, electronics):
    make_nomination(state=State.RECOMMENDED)
    make_nomination(state=State.RECOMMENDED)
    make_nomination(state=State.ACCEPTED)
    rows = secretariat.meter_rows(secretariat_user, society, campaign)
    row = next(r for r in rows if r["domain"] == electronics)
    assert (row["quota"].used, row["quota"].total, row["percent"]) == (2, 6, 33)
    assert all(r["quota"].used == 0 for r in rows if r is not row)


def test_dashboard_counts_states_without_drafts(
    secretariat_user, society, campaign, make_nomination, other_member_unit
):
    make_nomination(state=State.SUBMITTED)
    make_nomination(state=State.SUBMITTED)
    make_nomination(state=State.ACCEPTED)
    make_nomination(state=State.DRAFT)
    make_nomination(state=State.SUBMITTED, member_unit=other_member_unit)  # another unit's
    page = secretariat.dashboard(secretariat_user, society, campaign)
    assert page["state_counts"] == [("已提交", 2, State.SUBMITTED), ("已受理", 1, State.ACCEPTED)]
    assert page["total"] == 3
    assert page["member_count"] == 1
    assert page["platform_deadline"].effective == campaign.platform_deadline
    assert page["confirm_decision"] and page["recommended"] == 0


def test_inbox_filters_orders_and_pages(secretariat_user, campaign, make_nomination, other_member_unit):
    for i in range(30):
        make_nomination(title=f"申报{i:02d}")
    make_nomination(title="草稿", state=State.DRAFT)
    make_nomination(title="他会申报", member_unit=other_member_unit)
    _filter, first = secretariat.inbox(secretariat_user, campaign, {"ordering": "title"}, None)
    assert first.paginator.count == 30 and len(first) == secretariat.INBOX_PAGE_SIZE
    assert [entry.title for entry in first][:2] == ["申报00", "申报01"]
    _filter, second = secretariat.inbox(secretariat_user, campaign, {"ordering": "title"}, "2")
    assert [entry.title for entry in second] == [f"申报{i:02d}" for i in range(25, 30)]
    _filter, found = secretariat.inbox(secretariat_user, campaign, {"q": "申报07"}, None)
    assert [entry.title for entry in found] == ["申报07"]
    assert found[0].attachment_count == 0
    # Nonsense ordering: the newest submissions first, no error.
    _filter, page = secretariat.inbox(secretariat_user, campaign, {"ordering": "password"}, "abc")
    assert page.number == 1 and page.paginator.count == 30


def test_inbox_member_filter_offers_only_own_member_units(secretariat_user, campaign, member_unit, other_member_unit):
    filterset, _page = secretariat.inbox(secretariat_user, campaign, {}, None)
    assert list(filterset.filters["member_unit"].queryset) == [member_unit]


def test_entry_page_of_a_submitted_entry(secretariat_user, society, campaign, make_nomination):
    entry = make_nomination(state=State.SUBMITTED)
    page = secretariat.entry_page(secretariat_user, society, campaign, entry)
    actions = {item["spec"].action: item for item in page["actions"]}
    assert set(actions) == {"return", "accept", "decline"}
    assert all(item["decision"] for item in actions.values())
    assert actions["return"]["form"].spec.action == "return"
    assert page["quota"] is None  # a quota only once accepted
    assert not page["returned_after_deadline"]


def test_entry_page_of_an_entry_returned_after_the_member_deadline(
    secretariat_user, society, campaign, make_nomination
):
    entry = make_nomination(state=State.RETURNED)
    page = secretariat.entry_page(secretariat_user, society, campaign, entry)
    assert page["member_deadline"].effective == campaign.member_deadline
    assert not page["member_deadline_open"] and page["returned_after_deadline"]
    assert page["actions"] == []


def test_entry_page_shows_the_quota_of_an_accepted_entry(secretariat_user, society, campaign, make_nomination):
    make_nomination(state=State.RECOMMENDED)
    entry = make_nomination(state=State.ACCEPTED)
    page = secretariat.entry_page(secretariat_user, society, campaign, entry)
    assert (page["quota"].used, page["quota"].total) == (1, 6)
    assert {item["spec"].action for item in page["actions"]} == {"return", "decline", "recommend"}


def test_member_units_with_their_visible_entries(secretariat_user, society, member_unit, make_nomination):
    idle = MemberUnitFactory(recommending_unit=society, name="停用会员", is_active=False)
    MemberUnitFactory(name="他会会员")
    make_nomination(state=State.SUBMITTED)
    make_nomination(state=State.DRAFT)
    rows = [(unit.name, unit.entries) for unit in secretariat.member_units(secretariat_user)]
    assert rows == [(member_unit.name, 1), (idle.name, 0)]


# ---------------------------------------------------------------- the platform


def _unit_with_entries(tech, electronics, *states, channels=("society",)):
    unit = RecommendingUnitFactory(channel_codes=list(channels))
    member = MemberUnitFactory(recommending_unit=unit)
    for state in states:
        NominationFactory(ranking_list=tech, domain=electronics, member_unit=member, state=state)
    return unit


def test_overview_rows_per_unit_and_line(platform_user, campaign, tech, electronics):
    states = (State.SUBMITTED, State.ACCEPTED, State.RECOMMENDED, State.DRAFT, State.WITHDRAWN)
    busy = _unit_with_entries(tech, electronics, *states, channels=("society", "alliance_member"))
    idle = _unit_with_entries(tech, electronics)
    Participation.objects.create(campaign=campaign, unit=busy, confirmed_at=campaign.member_deadline)
    rows = {row["unit"].pk: row for row in platform.overview_rows(platform_user, campaign)}
    assert set(rows) == {busy.pk, idle.pk}
    row = rows[busy.pk]
    # Drafts and withdrawn entries are not received; accepted counts the recommended one too.
    assert (row["submitted"], row["accepted"], row["recommended"]) == (3, 2, 1)
    assert row["confirmed"] and not row["extended"]
    line = next(line for line in row["lines"] if line["domain"] == electronics)
    assert (line["quota"], line["recommended"], line["over"]) == (6, 1, False)
    assert {channel.code for channel in row["channels"]} == {"society", "alliance_member"}
    assert (rows[idle.pk]["submitted"], rows[idle.pk]["confirmed"]) == (0, False)


def test_overview_rows_of_one_page_of_units(platform_user, campaign, tech, electronics):
    first = _unit_with_entries(tech, electronics, State.SUBMITTED)
    _unit_with_entries(tech, electronics, State.SUBMITTED)
    rows = platform.overview_rows(platform_user, campaign, units=[first])
    assert [(row["unit"], row["submitted"]) for row in rows] == [(first, 1)]


def test_dashboard_summarises_confirmation_and_pioneers(platform_user, campaign, tech, electronics, manager):
    confirmed = _unit_with_entries(tech, electronics, State.RECOMMENDED)
    waiting = _unit_with_entries(tech, electronics, State.RECOMMENDED, State.RECOMMENDED)
    Participation.objects.create(campaign=campaign, unit=confirmed, confirmed_at=campaign.member_deadline)
    Extension.objects.create(
        campaign=campaign,
        kind=ExtensionKind.PLATFORM,
        recommending_unit=waiting,
        until=campaign.platform_deadline.replace(day=3),
        reason="系统故障",
        granted_at=clock.now(),
    )
    pioneer = PioneerFactory(campaign=campaign, name="王先锋")
    NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer, state=State.RECOMMENDED)
    NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer, state=State.DRAFT)
    page = platform.dashboard(platform_user, campaign, None)
    assert page["confirmed_count"] == 1
    assert [(row["unit"], row["recommended"], row["extended"]) for row in page["unconfirmed"]] == [(waiting, 2, True)]
    assert [(p.name, p.recommended) for p in page["pioneers"]] == [("王先锋", 1)]
    assert page["pioneer_quota"] == 1
    assert [entry.pioneer for entry in page["pioneer_entries"]] == [pioneer]  # never the pioneer's draft
    assert page["page"].paginator.count == 2 and len(page["rows"]) == 2


def test_extension_choices_search_active_units_and_members(society, member_unit):
    RecommendingUnitFactory(name="中国技术经济学会分会", is_active=False)
    found = platform.extension_choices("技术经济")
    assert found["units"] == [society] and found["members"] == [] and not found["more"]
    assert platform.extension_choices(member_unit.name[:4])["members"] == [member_unit]
    assert platform.extension_choices("") == {"q": "", "units": [], "members": [], "more": False}


def test_units_page_counts_member_units(society, other_unit, member_unit):
    MemberUnitFactory(recommending_unit=society)
    retired = RecommendingUnitFactory(name="已停用学会", is_active=False)
    page = platform.units_page(None)
    assert {unit.name: unit.member_count for unit in page} == {society.name: 2, other_unit.name: 0, retired.name: 0}
    assert page[len(page) - 1] == retired  # active units first
    assert {channel.code for channel in page[0].channels.all()} <= {"society", "alliance_member", "provincial_cast"}


def test_audit_log_is_filtered_newest_first(platform_user, secretariat_user, society, other_unit):
    record_event("confirm", secretariat_user, recommending_unit=society, note="确认")
    record_event("extension", platform_user, recommending_unit=other_unit, note="延期")
    _filter, page = platform.audit_log(platform_user, {}, None)
    assert [event.verb for event in page] == ["extension", "confirm"]
    assert [event.verb_label for event in page] == ["批准延期", "确认推荐结果"]
    _filter, page = platform.audit_log(platform_user, {"recommending_unit": str(society.pk)}, "1")
    assert [event.verb for event in page] == ["confirm"]


def test_pioneers_with_their_visible_recommendations(platform_user, campaign, manager):
    active = PioneerFactory(campaign=campaign, name="甲先锋")
    PioneerFactory(campaign=campaign, name="乙先锋", is_active=False)
    NominationFactory(ranking_list=manager, member_unit=None, pioneer=active, state=State.RECOMMENDED)
    rows = [(p.name, p.recommended) for p in platform.pioneers(platform_user, campaign)]
    assert rows == [("甲先锋", 1), ("乙先锋", 0)]
