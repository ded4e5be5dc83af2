"""The state groups are defined once, on ``State``; the modules that name them refer to those groups."""

from nominations import policy, reminders, workflow
from nominations.models import State
from nominations.models import nomination as nomination_models
from reviews import final, publication
from reviews import states as review_states
from reviews.management.commands import seed_scale

S = State


def test_each_group_has_its_members():
    assert State.editable() == {S.DRAFT, S.RETURNED}
    assert State.staff_hidden() == {S.DRAFT}
    assert State.unit_pending() == {S.SUBMITTED, S.ACCEPTED, S.RECOMMENDED}
    assert State.undecided() == {S.IN_REVIEW, S.REVIEW_PASSED}
    assert State.decidable() == {S.IN_REVIEW, S.REVIEW_PASSED, S.REVIEW_FAILED, S.LISTED, S.NOT_LISTED}
    assert State.in_review() == State.decidable() | {S.PUBLISHED}
    assert State.recommended() == State.in_review() | {S.RECOMMENDED}
    assert State.live() == State.recommended() | {S.SUBMITTED, S.ACCEPTED, S.NOT_RECOMMENDED}


def test_not_recommended_is_seen_holds_no_quota_and_waits_for_nobody():
    # 未获推荐 (set at the unit's confirmation): the staff see it, it uses no quota, nobody is reminded of
    # it, the review side never sees it; it keeps its place in the member unit's cap.
    assert S.NOT_RECOMMENDED not in State.staff_hidden()
    assert S.NOT_RECOMMENDED not in State.recommended()
    assert S.NOT_RECOMMENDED not in State.unit_pending() | State.editable()
    assert S.NOT_RECOMMENDED not in State.in_review()
    assert S.NOT_RECOMMENDED in State.live()


def test_groups_are_frozensets_of_states_and_not_choices():
    for group in (State.editable, State.live, State.recommended, State.in_review, State.decidable, State.listed):
        assert isinstance(group(), frozenset)
        assert group() <= set(State)
    # The groups are methods of the enum, not members: the choices are the 14 states only.
    assert len(State.choices) == 14


def test_the_modules_refer_to_the_groups():
    assert workflow.EDITABLE_STATES is State.editable()
    assert policy.STAFF_HIDDEN_STATES is State.staff_hidden()
    assert reminders.MEMBER_PENDING_STATES is State.editable()
    assert reminders.UNIT_PENDING_STATES is State.unit_pending()
    assert final.DECIDABLE_STATES is State.decidable()
    assert publication.UNDECIDED_STATES is State.undecided()
    assert review_states.LISTED_STATES is State.listed() == {State.LISTED, State.PUBLISHED}
    assert review_states.REVIEW_STATES is State.in_review()
    assert seed_scale.REVIEW_STATES is State.decidable()
    assert nomination_models.LIVE_STATES is State.live()
    assert nomination_models.RECOMMENDED_STATES is State.recommended()
