"""The author side's queries (``nominations.queries.member``) called without a client."""

import pytest

from nominations import intake, workflow
from nominations.audit import record_event
from nominations.forms import build_form
from nominations.forms.actions import WithdrawForm
from nominations.models import State
from nominations.queries import member
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def test_member_dashboard_lists_the_units_entries_with_what_may_be_filled_in(
    at_open, member_user, campaign, make_nomination, other_member_unit, tech
):
    draft = make_nomination(title="草稿")
    returned = make_nomination(title="退回", state=State.RETURNED)
    submitted = make_nomination(title="已提交", state=State.SUBMITTED)
    NominationFactory(ranking_list=tech, member_unit=other_member_unit)  # another member's
    page = member.member_dashboard(member_user, campaign)
    assert {entry.title: entry.editable for entry in page["entries"]} == {
        draft.title: True,
        returned.title: True,
        submitted.title: False,
    }
    assert page["member_unit"] == member_user.profile.member_unit
    assert page["deadline"].effective == campaign.member_deadline and page["deadline_open"]
    caps = {(row_list.code, domain.code if domain else None): quota for row_list, domain, quota in page["caps"]}
    # Only the submitted entry holds a place in the cap (drafts and returned entries do not).
    assert caps[("tech", "electronics")].used == 1


def test_pioneer_dashboard_counts_the_quota(at_open, pioneer_user, campaign, manager):
    pioneer = pioneer_user.profile.pioneer
    NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer, state=State.RECOMMENDED)
    page = member.pioneer_dashboard(pioneer_user, campaign)
    assert [entry.editable for entry in page["entries"]] == [False]
    assert (page["quota"].used, page["quota"].total) == (1, 1)
    assert page["deadline"].effective == campaign.platform_deadline
    assert page["pioneer"] == pioneer


def test_creatable_lists(campaign, manager):
    every = member.creatable_lists(campaign, pioneer=False)
    assert len(every) == 4 and manager in every
    assert member.creatable_lists(campaign, pioneer=True) == [manager]


def test_detail_page_of_a_returned_entry(at_open, member_user, secretariat_user, make_nomination):
    entry = make_nomination(state=State.RETURNED)
    record_event("return", secretariat_user, nomination=entry, note="请补充材料")
    page = member.detail_page(member_user, entry, "member", WithdrawForm())
    assert page["return_note"] == "请补充材料"
    assert {row["transition"].action: bool(row["decision"]) for row in page["actions"]} == {
        "resubmit": True,
        "withdraw": True,
    }
    assert page["can_edit"] and page["namespace"] == "member"


def test_no_return_note_once_resubmitted(at_open, member_user, secretariat_user, make_nomination):
    entry = make_nomination(state=State.SUBMITTED)
    record_event("return", secretariat_user, nomination=entry, note="请补充材料")
    page = member.detail_page(member_user, entry, "member", WithdrawForm())
    assert page["return_note"] == ""
    assert not page["can_edit"]


def test_edit_page(at_open, member_user, make_nomination):
    entry = make_nomination(state=State.RETURNED)
    page = member.edit_page(member_user, entry, build_form(entry), "member")
    assert page["submit_label"] == "重新提交"
    assert page["edit_decision"] and page["version"] == entry.version
    assert page["attachments"] == [] and page["attachments_total"] == 0
    assert page["upload_limits"]["per_file"]
    assert intake.submit_action(entry) == "resubmit"


def test_submit_label_of_a_draft_and_of_a_pioneers_candidate(at_open, make_nomination, pioneer_user, manager):
    assert member.submit_label(make_nomination()) == "提交"
    candidate = NominationFactory(ranking_list=manager, member_unit=None, pioneer=pioneer_user.profile.pioneer)
    assert member.submit_label(candidate) == "推举"


def test_author_actions_of_a_draft(at_open, member_user, make_nomination):
    entry = make_nomination(state=State.DRAFT)
    actions = member.author_actions(member_user, entry)
    assert {row["transition"].action: bool(row["decision"]) for row in actions} == {"submit": True, "withdraw": True}
    assert {State.DRAFT, State.RETURNED} == workflow.EDITABLE_STATES
