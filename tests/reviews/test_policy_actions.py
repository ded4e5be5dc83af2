"""The review pages' actions in the policy: a role that may, a role that may not (with the Chinese reason)."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from nominations.models import Role
from nominations.policy import NOT_FOUND, may
from reviews.refusal import gate
from tests.factories import make_user
from tests.reviews.conftest import IN_REVIEW_TIME, assign, put_in_review, recommended

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 1), body, platform_user)[0]


@pytest.mark.parametrize(
    ("action", "allowed", "refused", "reason"),
    [
        ("view_review_tasks", "expert", "coordinator", "只有初评专家可以查看评审任务。"),
        ("view_body_reviews", "coordinator", "expert", "只有初评机构联络人可以查看初评管理。"),
        ("run_dispatch", "platform", "coordinator", "只有平台秘书处可以分发初评。"),
        ("run_final_review", "platform", "expert", "只有平台秘书处可以进行终评。"),
        ("grant_review_extension", "platform", "secretariat", "只有平台秘书处可以批准初评延期。"),
    ],
)
def test_page_actions(action, allowed, refused, reason, experts, coordinator, platform_user, secretariat_user):
    users = {
        "expert": experts[0],
        "coordinator": coordinator,
        "platform": platform_user,
        "secretariat": secretariat_user,
    }
    assert may(users[allowed], action)
    decision = may(users[refused], action)
    assert not decision and decision.reason == reason
    with pytest.raises(PermissionDenied, match=reason):
        gate(users[refused], action)


def test_a_coordinator_without_a_body_is_told_so(campaign):
    loose = make_user(Role.COORDINATOR, "loose-coordinator")
    decision = may(loose, "view_body_reviews")
    assert not decision and decision.reason == "您的账号尚未关联初评机构。"


def test_a_coordinator_may_open_only_the_pages_of_their_own_body(coordinator, body, other_body):
    assert may(coordinator, "view_body_reviews", body)
    assert may(coordinator, "view_body_reviews", other_body) == NOT_FOUND


def test_the_word_form_is_for_the_reviewers_who_see_the_entry(entry, experts, coordinator, other_coordinator):
    assign(entry, experts[0], coordinator)
    assert may(experts[0], "download_entry_form", entry)
    assert may(coordinator, "download_entry_form", entry)
    # An expert without an assignment, another body's coordinator: told nothing (404), never a 403.
    for user in (experts[1], other_coordinator):
        assert may(user, "download_entry_form", entry) == NOT_FOUND
        with pytest.raises(Http404):
            gate(user, "download_entry_form", entry)


def test_the_word_form_is_not_for_other_roles(entry, platform_user, member_user):
    for user in (platform_user, member_user):
        assert may(user, "download_entry_form", entry) == NOT_FOUND


def test_scoring_asks_the_deadline_after_the_assignment(entry, experts, coordinator):
    assign(entry, experts[0], coordinator)
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        assert may(experts[0], "score_nomination", entry)
    decision = may(coordinator, "score_nomination", entry)
    assert not decision and decision.reason == "只有初评专家可以进行此操作。"


def test_the_actions_are_rules_permissions_too(experts, coordinator):
    assert experts[0].has_perm("nominations.view_review_tasks")
    assert not coordinator.has_perm("nominations.view_review_tasks")
    assert coordinator.has_perm("nominations.view_body_reviews")
