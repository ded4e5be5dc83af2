"""Fixtures of the review tests: the 2023 bodies, experts, a coordinator and recommended entries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nominations.models import Domain, Role, State
from reviews.criteria import load_review_criteria
from reviews.models import Assignment, Dispatch, ReviewBody
from tests.factories import MemberUnitFactory, NominationFactory, make_user

BEIJING = ZoneInfo("Asia/Shanghai")
IN_REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=BEIJING)
LAST_SECOND = datetime(2023, 12, 30, 23, 59, 59, tzinfo=BEIJING)
DEADLINE = datetime(2023, 12, 31, 0, 0, tzinfo=BEIJING)
PUBLICATION_TIME = datetime(2024, 2, 5, 10, 0, tzinfo=BEIJING)

ELECTRONICS_BODY = "中国科协信息科技学会联合体"
BIOMEDICINE_BODY = "中国科协生命科学学会联合体"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Test users only: a fast hasher (the factories hash a password for every user they create)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def criteria(campaign):
    load_review_criteria(campaign)
    return campaign


@pytest.fixture
def body(campaign):
    return ReviewBody.objects.get(campaign=campaign, name=ELECTRONICS_BODY)


@pytest.fixture
def other_body(campaign):
    return ReviewBody.objects.get(campaign=campaign, name=BIOMEDICINE_BODY)


@pytest.fixture
def biomedicine(tech):
    return Domain.objects.get(ranking_list=tech, code="biomedicine")


def expert_of(body, username, organization="某大学"):
    return make_user(Role.EXPERT, username, review_body=body, organization=organization, display_name=username)


@pytest.fixture
def experts(body):
    return [expert_of(body, f"expert{i}", organization=f"第{i}大学") for i in (1, 2, 3)]


@pytest.fixture
def other_expert(other_body):
    return expert_of(other_body, "bio-expert", organization="生物大学")


@pytest.fixture
def coordinator(body):
    return make_user(Role.COORDINATOR, "coordinator", review_body=body)


@pytest.fixture
def other_coordinator(other_body):
    return make_user(Role.COORDINATOR, "bio-coordinator", review_body=other_body)


def recommended(ranking_list, domain, society, n, *, member_name=None, title="申报"):
    """``n`` recommended entries of one list/domain from member units of ``society``."""
    entries = []
    for i in range(n):
        member = MemberUnitFactory(name=member_name or f"{title}单位{i}", recommending_unit=society)
        entries.append(
            NominationFactory(
                ranking_list=ranking_list,
                domain=domain,
                member_unit=member,
                state=State.RECOMMENDED,
                title=f"{title}{i}",
            )
        )
    return entries


def put_in_review(entries, body, platform_user):
    """Shortcut for tests that start after dispatch (dispatch itself is tested in test_dispatch)."""
    from nominations.models import Nomination

    for entry in entries:
        Dispatch.objects.create(nomination=entry, body=body, dispatched_at=IN_REVIEW_TIME, dispatched_by=platform_user)
    Nomination.objects.filter(pk__in=[e.pk for e in entries]).update(state=State.IN_REVIEW)
    for entry in entries:
        entry.refresh_from_db()
    return entries


def assign(entry, expert, by):
    return Assignment.objects.create(
        nomination=entry, expert=expert, body=entry.dispatch.body, assigned_at=IN_REVIEW_TIME, assigned_by=by
    )


FULL = {"innovation": "8", "advancement": "8", "value": "8", "transfer": "8"}
