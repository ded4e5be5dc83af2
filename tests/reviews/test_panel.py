"""The panel meeting of the final review (会评): quorum, the ⅔ threshold, sealed results, one secret vote
per member, ties, the minutes and the final decision that rests on the vote."""

import io
from datetime import datetime

import pytest
import time_machine
from django.contrib import admin as django_admin
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from nominations.documents.pdf import pdf_available
from nominations.models import Role
from reviews import assignment, final, panel, panel_minutes, panel_setup, scoring
from reviews.models import (
    CandidateOutcome,
    FinalDecision,
    MeetingState,
    PanelBallotReceipt,
    PanelMeeting,
    PanelVote,
    VoteChoice,
)
from tests.factories import make_user
from tests.reviews.conftest import BEIJING, FULL, IN_REVIEW_TIME, put_in_review, recommended

pytestmark = pytest.mark.django_db
MEETING_TIME = datetime(2024, 1, 20, 10, 0, tzinfo=BEIJING)
NAMES = ["alice", "bob", "carol", "dave", "erin", "frank"]


@pytest.fixture(autouse=True)
def _meeting_day():
    with time_machine.travel(MEETING_TIME, tick=False):
        yield


@pytest.fixture
def reviewed(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    """Three electronics entries scored 90, 80 and 70; the body has submitted its results."""
    entries = put_in_review(recommended(tech, electronics, society, 3, title="项目"), body, platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry, value in zip(entries, ("9", "8", "7"), strict=True):
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], dict.fromkeys(FULL, value), "意见", submit=True)
        scoring.submit_results(body, coordinator)
    return entries


@pytest.fixture
def members(campaign):
    return [make_user(Role.EXPERT, name, display_name=name.title(), organization=f"{name}大学") for name in NAMES]


@pytest.fixture
def meeting(reviewed, members, platform_user, campaign, tech):
    meeting = panel_setup.create_meeting(
        platform_user, campaign, name="先导技术榜终评会", ranking_lists=[tech], chair=members[0], members=members
    )
    assert panel_setup.add_candidates(meeting, platform_user) == 3
    return meeting


def _open(meeting, present):
    panel_setup.record_attendance(meeting, meeting.chair, {m.pk for m in present})
    panel.open_vote(meeting, meeting.chair)
    meeting.refresh_from_db()
    return meeting


def _vote(meeting, member, *choices):
    candidates = list(meeting.candidates.order_by("order"))
    panel.cast_ballot(meeting, member, {c.pk: choice for c, choice in zip(candidates, choices, strict=True)})


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


Y, N, A = VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN


# ---------------------------------------------------------------- quorum


def test_the_vote_does_not_open_below_two_thirds_present(meeting, members):
    panel_setup.record_attendance(meeting, meeting.chair, {m.pk for m in members[:3]})  # 3 of 6 < 4
    decision = panel.check_open(meeting)
    assert not decision
    assert decision.reason == "实到 3 人，未达到应到 6 人的三分之二（至少 4 人），不能开始投票。"
    with pytest.raises(panel.PanelError):
        panel.open_vote(meeting, meeting.chair)
    page = _client(members[0]).get(reverse("reviews:panel_meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="panel-open" disabled' in page and "至少 4 人" in page
    # The preview and the confirmation are refused too.
    response = _client(members[0]).post(reverse("reviews:panel_open", args=[meeting.pk]), {"confirm": "1"})
    meeting.refresh_from_db()
    assert response.status_code == 302 and meeting.state == MeetingState.PREPARING

    panel_setup.record_attendance(meeting, meeting.chair, {m.pk for m in members[:4]})  # exactly ⅔
    _open(meeting, members[:4])
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.VOTING and (meeting.member_count, meeting.present_count) == (6, 4)


def test_only_the_chair_opens_and_closes(meeting, members, platform_user):
    panel_setup.record_attendance(meeting, platform_user, {m.pk for m in members})
    for user in (members[1], platform_user):
        with pytest.raises(panel.PanelError):
            panel.open_vote(meeting, user)


# ---------------------------------------------------------------- the ⅔ threshold


def test_two_thirds_of_those_present_pass_exactly_two_thirds_included(meeting, members):
    _open(meeting, members)  # 6 present: 4 votes needed
    ballots = [(Y, Y, N), (Y, Y, N), (Y, Y, Y), (Y, N, Y), (N, A, A), (A, N, N)]
    for member, ballot in zip(members, ballots, strict=True):
        _vote(meeting, member, *ballot)
    meeting = panel.close_vote(meeting, meeting.chair)
    result = panel.results(meeting)
    assert result.needed == 4
    rows = [(c.yes_count, c.no_count, c.abstain_count, c.outcome) for c in result.candidates]
    assert rows == [
        (4, 1, 1, CandidateOutcome.APPROVED),  # 4 of 6 is exactly ⅔: passes
        (3, 2, 1, CandidateOutcome.REJECTED),
        (2, 3, 1, CandidateOutcome.REJECTED),
    ]


def test_a_member_who_did_not_vote_counts_as_not_yes(meeting, members):
    _open(meeting, members[:5])  # 5 present: 4 needed (⌈10/3⌉)
    for member in members[:3]:
        _vote(meeting, member, Y, Y, Y)
    meeting = panel.close_vote(meeting, meeting.chair)
    assert {c.outcome for c in panel.results(meeting).candidates} == {CandidateOutcome.REJECTED}


# ---------------------------------------------------------------- one secret vote per member


def test_one_ballot_per_member_and_only_when_present(meeting, members):
    _open(meeting, members[:5])
    _vote(meeting, members[0], Y, N, A)
    with pytest.raises(panel.PanelError) as refused:
        _vote(meeting, members[0], Y, Y, Y)
    assert refused.value.reason == "您已投票，每位专家只能投票一次。"
    with pytest.raises(panel.PanelError) as absent:
        _vote(meeting, members[5], Y, Y, Y)
    assert absent.value.reason == "您未登记出席本次会评，不能投票。"
    assert PanelBallotReceipt.objects.filter(meeting=meeting).count() == 1
    assert PanelVote.objects.filter(candidate__meeting=meeting).count() == 3
    # The page refuses a second ballot with the reason, and nothing more is stored.
    client = _client(members[0])
    posted = {f"c_{c.pk}": "yes" for c in meeting.candidates.all()} | {"confirm": "1"}
    response = client.post(reverse("reviews:panel_vote", args=[meeting.pk]), posted, follow=True)
    assert "您已投票，每位专家只能投票一次。" in response.content.decode()
    assert PanelVote.objects.filter(candidate__meeting=meeting).count() == 3


def test_votes_cannot_be_linked_to_members():
    fields = {f.name for f in PanelVote._meta.get_fields()}
    assert fields == {"id", "candidate", "choice"}  # no member, no time, no ballot number
    assert PanelVote._meta.pk.get_internal_type() == "UUIDField"


def test_a_ballot_must_answer_every_candidate(meeting, members):
    _open(meeting, members[:4])
    client = _client(members[1])
    first = meeting.candidates.order_by("order").first()
    response = client.post(reverse("reviews:panel_vote", args=[meeting.pk]), {f"c_{first.pk}": "yes"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请对“项目1”选择同意、不同意或弃权。" in page or "请对“项目2”选择同意、不同意或弃权。" in page
    assert not PanelBallotReceipt.objects.exists()


def test_the_ballot_is_previewed_before_it_is_cast(meeting, members):
    _open(meeting, members[:4])
    client = _client(members[1])
    posted = {f"c_{c.pk}": "no" for c in meeting.candidates.all()}
    page = client.post(reverse("reviews:panel_vote", args=[meeting.pk]), posted).content.decode()
    assert "确认投票" in page and "不同意" in page
    assert not PanelBallotReceipt.objects.exists()
    client.post(reverse("reviews:panel_vote", args=[meeting.pk]), {**posted, "confirm": "1"})
    assert PanelBallotReceipt.objects.filter(member=members[1]).exists()


# ---------------------------------------------------------------- sealed results


def test_counts_are_sealed_until_the_chair_closes(meeting, members, platform_user, admin_user_):
    _open(meeting, members[:4])
    for member in members[:4]:
        _vote(meeting, member, Y, Y, N)
    with pytest.raises(panel.PanelError) as sealed:
        panel.results(meeting)
    assert sealed.value.reason == "投票结束前不公布表决结果。"
    url = reverse("reviews:panel_meeting", args=[meeting.pk])
    for user in (members[0], members[1], platform_user):
        page = _client(user).get(url).content.decode()
        assert "已投票 4 人 / 实到 4 人" in page and 'data-testid="panel-results"' not in page
    assert _client(members[0]).get(reverse("reviews:panel_minutes", args=[meeting.pk])).status_code == 403
    admin = _client(admin_user_)
    candidate = meeting.candidates.first()
    page = admin.get(reverse("admin:reviews_panelcandidate_change", args=[candidate.pk])).content.decode()
    assert "未揭晓" in page
    listing = admin.get(reverse("admin:reviews_panelcandidate_changelist")).content.decode()
    assert "未揭晓" in listing
    assert not django_admin.site.is_registered(PanelVote)  # single votes have no admin page
    assert (
        admin.get(reverse("admin:reviews_panelmeeting_change", args=[meeting.pk])).content.decode().count("未揭晓")
        == 3 * 4
    )

    meeting = panel.close_vote(meeting, meeting.chair)
    page = _client(members[1]).get(url).content.decode()
    assert 'data-testid="panel-results"' in page and "收回选票 4 张" in page
    listing = admin.get(reverse("admin:reviews_panelcandidate_changelist")).content.decode()
    assert "未揭晓" not in listing


def test_strangers_see_no_meeting(meeting, experts, coordinator):
    url = reverse("reviews:panel_meeting", args=[meeting.pk])
    assert _client(experts[1]).get(url).status_code == 404  # an expert not on the panel
    assert _client(coordinator).get(reverse("reviews:panel_list")).status_code == 403


# ---------------------------------------------------------------- ties at the places' boundary


def test_a_tie_at_the_boundary_goes_to_the_chairs_recorded_decision(reviewed, members, platform_user, campaign, tech):
    meeting = panel_setup.create_meeting(
        platform_user, campaign, name="名额会", ranking_lists=[tech], chair=members[0], members=members[:3], places=1
    )
    panel_setup.add_candidates(meeting, platform_user)
    _open(meeting, members[:3])  # 3 present: 2 votes needed
    for member in members[:3]:
        _vote(meeting, member, Y, Y, N)
    meeting = panel.close_vote(meeting, meeting.chair)
    first, second, third = panel.results(meeting).candidates
    assert [first.outcome, second.outcome, third.outcome] == ["tied", "tied", "rejected"]
    assert first.elected is None
    with pytest.raises(panel.PanelError):
        panel.resolve_tie(first, members[0], True, "")
    panel.resolve_tie(first, members[0], True, "初评排名靠前。")
    with pytest.raises(panel.PanelError) as full:
        panel.resolve_tie(second, members[0], True, "也入选。")
    assert full.value.reason == "已确定入选 1 项，达到拟入选名额 1 项。"
    panel.resolve_tie(second, members[0], False, "名额已满。")
    first.refresh_from_db()
    assert first.elected is True


# ---------------------------------------------------------------- the minutes and the final decision


def test_the_minutes_carry_attendance_and_counts(meeting, members):
    _open(meeting, members[:5])
    for member, ballot in zip(members[:5], [(Y, Y, N), (Y, N, N), (Y, Y, A), (Y, Y, N), (N, Y, N)], strict=True):
        _vote(meeting, member, *ballot)
    meeting = panel.close_vote(meeting, meeting.chair)
    document = Document(io.BytesIO(panel_minutes.minutes_docx(meeting)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert "应到 6 人，实到 5 人" in text and "收回选票 5 张" in text and "至少 4 票" in text
    assert ["Frank", "frank大学", "缺席"] in cells and ["Alice", "alice大学", "出席"] in cells
    results = {row[2]: row[6:] for row in cells if row[0].isdigit()}
    assert results["项目0"] == ["4", "1", "0", "通过"]
    assert results["项目1"] == ["4", "1", "0", "通过"]
    assert results["项目2"] == ["0", "4", "1", "未通过"]
    response = _client(members[0]).get(reverse("reviews:panel_minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_the_final_decision_records_the_vote_it_rests_on(meeting, members, platform_user, reviewed):
    _open(meeting, members[:4])
    for member in members[:4]:
        _vote(meeting, member, Y, Y, N)
    meeting = panel.close_vote(meeting, meeting.chair)
    final.decide(platform_user, [(reviewed[0], final.LISTED, "会评通过。")])
    decision = FinalDecision.objects.get(nomination=reviewed[0])
    assert decision.panel_candidate == meeting.candidates.get(nomination=reviewed[0])
    assert decision.panel_candidate.outcome == CandidateOutcome.APPROVED


# ---------------------------------------------------------------- creating a meeting on its page


def test_the_platform_creates_a_meeting_and_bad_input_is_told_next_to_the_field(
    reviewed, members, platform_user, campaign, tech
):
    from django.contrib.auth.models import Group

    outsider = make_user(Role.PLATFORM, "grace", display_name="Grace")
    outsider.groups.add(Group.objects.get_or_create(name=panel_setup.PANEL_GROUP)[0])  # 会评专家 by group
    assert outsider in panel_setup.eligible_members()
    client = _client(platform_user)
    url = reverse("reviews:panel_list")
    posted = {"name": "终评会", "ranking_lists": [tech.pk], "chair": members[0].pk, "members": [members[1].pk]}
    response = client.post(url, {**posted, "members": ["abc"]})
    assert response.status_code == 400 and "请选择会评专家。" in response.content.decode()
    response = client.post(url, {**posted, "places": "0"})
    assert response.status_code == 400 and "拟入选名额应为 1 至 10000 之间的整数。" in response.content.decode()
    response = client.post(url, {**posted, "members": [members[1].pk, outsider.pk]})
    assert response.status_code == 302
    meeting = PanelMeeting.objects.get(name="终评会")
    assert set(meeting.members.all()) == {members[0], members[1], outsider}  # the chair is a member
    page = client.get(url).content.decode()
    assert "终评会" in page and "筹备" in page


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_the_minutes_pdf_carries_the_counts(meeting, members):
    _open(meeting, members[:4])
    for member in members[:4]:
        _vote(meeting, member, Y, Y, N)
    meeting = panel.close_vote(meeting, meeting.chair)
    response = _client(members[0]).get(reverse("reviews:panel_minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "会评纪要" in text and "实到 4 人" in text.replace("\n", "")
    assert "收回选票 4 张" in text.replace("\n", "")


def test_the_final_page_shows_the_closed_vote_only(meeting, members, platform_user):
    _open(meeting, members[:4])
    for member in members[:4]:
        _vote(meeting, member, Y, N, N)
    client = _client(platform_user)
    page = client.get(reverse("reviews:platform_final")).content.decode()
    assert "同意 4/实到 4" not in page  # sealed while the vote runs
    panel.close_vote(meeting, meeting.chair)
    page = client.get(reverse("reviews:platform_final")).content.decode()
    assert "同意 4/实到 4</a> · 通过" in page and "同意 0/实到 4</a> · 未通过" in page
