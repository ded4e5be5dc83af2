"""Automatic assignment respects k, balance and conflicts; by-hand assignment, overrides, reassignment."""

from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from nominations.models import AuditEvent, Role, SentMail
from reviews import assignment, conflicts, scoring
from reviews.assignment import AssignmentError, plan_automatic
from reviews.models import Assignment
from tests.factories import PASSWORD
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, expert_of, put_in_review, recommended

pytestmark = pytest.mark.django_db


def _loads(pairs, experts):
    counts = Counter(expert for _, expert in pairs)
    return [counts[e] for e in experts]


@pytest.mark.parametrize(("n_entries", "n_experts", "k"), [(1, 3, 2), (5, 3, 2), (7, 4, 3), (10, 6, 3), (9, 5, 1)])
def test_plan_gives_k_each_and_balances(n_entries, n_experts, k):
    entries, experts = list(range(1, n_entries + 1)), list(range(100, 100 + n_experts))
    pairs, shortfall = plan_automatic(entries, experts, k)
    assert shortfall == {}
    per_entry = Counter(entry for entry, _ in pairs)
    assert all(per_entry[e] == k for e in entries)
    assert len(set(pairs)) == len(pairs)
    loads = _loads(pairs, experts)
    assert max(loads) - min(loads) <= 1


def test_plan_never_pairs_a_conflict_and_reports_shortfall():
    conflicted = {(1, 100), (2, 101), (3, 100), (3, 101)}
    pairs, shortfall = plan_automatic([1, 2, 3], [100, 101, 102], 2, conflicted=conflicted)
    assert not set(pairs) & conflicted
    assert shortfall == {3: 1}
    assert sorted(e for n, e in pairs if n == 3) == [102]


def test_plan_keeps_existing_assignments_and_balances_around_them():
    pairs, _ = plan_automatic([1, 2, 3], [100, 101, 102], 1, existing={1: {100}})
    assert (1, 100) not in pairs and len(pairs) == 2
    assert sorted(e for _, e in pairs) == [101, 102]


@pytest.fixture
def entries(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 5), body, platform_user)


def test_auto_assign_in_the_database(entries, body, experts, coordinator, society):
    # expert3 works at the society (the recommending unit of every entry): automatic conflict.
    conflicted = expert_of(body, "expert-society", organization=" 中国技术经济学会 ")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        result = assignment.auto_assign(body, 2, coordinator)
    assert result.shortfall == {}
    active = Assignment.objects.filter(body=body, active=True)
    assert active.count() == 10
    assert not active.filter(expert=conflicted).exists()
    per_entry = Counter(active.values_list("nomination_id", flat=True))
    assert set(per_entry.values()) == {2}
    loads = Counter(active.values_list("expert_id", flat=True))
    assert max(loads[e.pk] for e in experts) - min(loads[e.pk] for e in experts) <= 1
    assert AuditEvent.objects.filter(verb="assign").count() == 5
    # Running it again changes nothing.
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        again = assignment.auto_assign(body, 2, coordinator)
    assert again.created == [] and active.count() == 10


def test_auto_assign_excludes_declared_conflicts(entries, body, experts, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        Assignment.objects.create(
            nomination=entries[0], expert=experts[0], body=body, assigned_at=IN_REVIEW_TIME, assigned_by=coordinator
        )
        conflicts.declare(experts[0], entries[0], "mentorship", "")
        assignment.auto_assign(body, 3, coordinator)
    assert not Assignment.objects.filter(nomination=entries[0], expert=experts[0], active=True).exists()
    assert Assignment.objects.filter(nomination=entries[0], active=True).count() == 2


def test_manual_assignment_needs_a_reason_to_override_an_automatic_conflict(entries, body, coordinator):
    member_name = entries[0].member_unit.name
    colleague = expert_of(body, "colleague", organization=f"{member_name}")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        with pytest.raises(AssignmentError, match="回避冲突"):
            assignment.assign(entries[0], colleague, coordinator)
        item = assignment.assign(entries[0], colleague, coordinator, override_reason="该领域专家不足,经机构负责人同意")
    assert item.override_reason == "该领域专家不足,经机构负责人同意"
    event = AuditEvent.objects.get(verb="conflict_override")
    assert "经机构负责人同意" in event.note and event.nomination_id == entries[0].pk


def test_declared_conflict_cannot_be_overridden(entries, body, experts, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assignment.assign(entries[0], experts[0], coordinator)
        conflicts.declare(experts[0], entries[0], "same_unit", "")
        with pytest.raises(AssignmentError, match="已申报回避"):
            assignment.assign(entries[0], experts[0], coordinator, override_reason="仍要")


def test_reassignment_and_no_removal_after_submission(entries, body, experts, coordinator):
    a, b, _c = experts
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        first = assignment.assign(entries[0], a, coordinator)
        assignment.unassign(first, coordinator, "专家出差")
        assignment.assign(entries[0], b, coordinator)
        second = Assignment.objects.get(nomination=entries[0], expert=b, active=True)
        scoring.save_score(second, b, FULL, "意见", submit=True)
        with pytest.raises(AssignmentError, match="已提交评分"):
            assignment.unassign(second, coordinator)
    first.refresh_from_db()
    assert not first.active and first.removed_reason == "专家出差"


def test_another_bodys_expert_cannot_be_assigned(entries, other_expert, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True), pytest.raises(AssignmentError, match="本机构"):
        assignment.assign(entries[0], other_expert, coordinator)


def test_invitation_creates_an_expert_with_a_one_time_link(client, body, coordinator, campaign):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        client.login(username="coordinator", password=PASSWORD)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
            response = client.post(
                reverse("reviews:invite"),
                {"name": "林教授", "email": "Lin@Example.org", "organization": "东方大学"},
            )
        assert response.status_code == 302
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(email="lin@example.org")
        assert user.profile.role == Role.EXPERT and user.profile.review_body == body
        assert not user.has_usable_password()
        assert assignment.invitation_status(user) == "待接受"
        assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
        assert SentMail.objects.filter(kind="invitation", to="lin@example.org").exists()
        link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
        path = link[link.index("/accounts/") :]
        client.logout()
        response = client.get(path, follow=True)
        assert response.status_code == 200
        form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
        response = client.post(form_url, {"new_password1": "Kczg-Expert-2023!", "new_password2": "Kczg-Expert-2023!"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.has_usable_password()
        assert assignment.invitation_status(user) == "已接受"
        # The link is one-time.
        assert client.get(path, follow=True).context["validlink"] is False
