"""The review pages' data (``reviews.queries``), without a client: from the user, the body or the campaign."""

import ast
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from nominations.models import State
from reviews import assignment, final, publication, scoring
from reviews.queries import coordinator as body_pages
from reviews.queries import expert, platform, reviewers
from tests.reviews.conftest import (
    BEIJING,
    DEADLINE,
    FULL,
    IN_REVIEW_TIME,
    LAST_SECOND,
    PUBLICATION_TIME,
    assign,
    put_in_review,
    recommended,
)
from tests.reviews.units import confirm

pytestmark = pytest.mark.django_db

BEFORE_DISPATCH = datetime(2023, 11, 30, 12, 0, tzinfo=BEIJING)


@pytest.fixture
def entries(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 3, title="项目"), body, platform_user)


def test_the_reviewers_body_and_the_review_period(campaign, body, experts, platform_user):
    found = reviewers.reviewer_body(experts[0])
    assert found == body and found.campaign == campaign
    assert reviewers.reviewer_body(platform_user) is None
    deadline = scoring.scoring_deadline(body)
    assert reviewers.review_period(campaign, deadline, BEFORE_DISPATCH).before
    assert reviewers.review_period(campaign, deadline, LAST_SECOND).open
    assert reviewers.review_period(campaign, deadline, DEADLINE).closed
    assert reviewers.review_period(None, None, DEADLINE) is None
    context = reviewers.review_context(campaign, body, IN_REVIEW_TIME)
    assert context["review_period"].open and context["deadline"] == deadline and context["submission"] is None


def test_an_extension_keeps_the_period_open(campaign, body, platform_user):
    with time_machine.travel(IN_REVIEW_TIME, tick=False):
        scoring.grant_extension(body, datetime(2024, 1, 5, tzinfo=BEIJING), platform_user, "评审会顺延")
    assert reviewers.review_period(campaign, scoring.scoring_deadline(body), DEADLINE).open


def test_the_experts_tasks_and_review_sheet(entries, body, experts, coordinator):
    first, second, _third = entries
    for entry in (first, second):
        assign(entry, experts[0], coordinator)
    item = first.assignments.get(expert=experts[0])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        page = expert.dashboard(experts[0], body)
    assert [(row.nomination, row.status, row.submitted) for row in page["rows"]] == [
        (first, "已提交", True),
        (second, "未评分", False),
    ]
    assert page["done"] == 1
    assert expert.tasks(experts[1], body) == [] and expert.tasks(experts[0], None) == []

    nomination, found = expert.assigned_entry(experts[0], first.pk)
    assert nomination == first and found == item
    assert expert.assigned_entry(experts[1], first.pk) is None
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        sheet = expert.review_sheet(
            experts[0], nomination, found, criteria=list(first.ranking_list.criteria.all()), score=item.score
        )
    assert sheet["can_score"] and sheet["others_visible"] and sheet["others"] == []
    assert sheet["definition"] is not None and sheet["entry_rows"] == []


def test_the_bodys_overview_pages_and_ranks(entries, body, experts, coordinator):
    first, second, third = entries
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry, value in ((first, "7"), (second, "9")):
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], dict.fromkeys(FULL, value), "意见", submit=True)
        assignment.assign(third, experts[1], coordinator)
    page = body_pages.body_overview(body)
    assert page["progress"] == {"entries": 3, "assigned": 3, "complete": 2, "reviews": 3, "submitted": 2}
    assert [entry.pk for entry in page["entries"]] == [first.pk, second.pk, third.pk]
    ((_coverage, ranked),) = [(c, rows) for c, rows in page["ranking"] if rows]
    assert [(row.nomination, row.rank) for row in ranked] == [(second, 1), (first, 2), (third, None)]
    (group,) = [g for g in page["groups"] if g["total"]]
    assert (group["assigned"], group["complete"]) == (3, 2)
    assert body_pages.body_overview(body, group="999")["entries"].paginator.count == 0


def test_the_coordinators_dashboard_and_entry(entries, body, experts, coordinator, other_coordinator):
    page = body_pages.dashboard(body)
    assert [row["user"] for row in page["experts"]] == experts
    assert all(row["pending"] is False and row["load"] == 0 for row in page["experts"])  # they have a password
    assert not page["locked"] and not page["submit_decision"]
    assert body_pages.body_entry(coordinator, entries[0].pk) == entries[0]
    assert body_pages.body_entry(other_coordinator, entries[0].pk) is None
    assign(entries[0], experts[0], coordinator)
    entry = body_pages.entry_page(body, entries[0])
    assert [a.expert for a in entry["assignments"]] == [experts[0]]
    assert [c["user"] for c in entry["candidates"]] == experts[1:]
    invited = assignment.invite_expert(body, coordinator, name="新专家", email="new@example.com", organization="某大学")
    (row,) = [row for row in body_pages.experts(body) if row["user"] == invited]
    assert row["pending"] and row["status"] == "待接受"


def test_the_dispatch_page(criteria, tech, electronics, society, body, campaign, platform_user, entries):
    waiting = recommended(tech, electronics, society, 2, title="待分发")
    confirm(society, campaign)
    page = platform.dispatch_page(platform_user, campaign, now=IN_REVIEW_TIME)
    assert [row.nomination for row in page["rows"]] == waiting
    assert all(row.body == body for row in page["rows"])
    assert page["pending_total"] == 2 and page["dispatched_total"] == 3 and page["waiting"] == []
    assert [n.pk for n in page["dispatched"]] == [e.pk for e in entries]
    assert {b.name: b.n_entries for b in page["bodies"]}[body.name] == 3
    (summary,) = page["summaries"]
    assert (summary["pending"], summary["dispatched"]) == (2, 3)
    assert list(platform.in_review(platform_user, campaign)) == entries


def test_the_progress_and_final_pages(entries, body, campaign, experts, coordinator, platform_user):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry in entries:
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], FULL, "意见", submit=True)
        scoring.submit_results(body, coordinator)
    (row,) = [b for b in platform.progress_page(campaign)["bodies"] if b == body]
    assert row.deadline == scoring.scoring_deadline(body) and row.n_entries == 3

    with time_machine.travel(PUBLICATION_TIME, tick=True):
        final.decide(platform_user, [(e, "listed", "") for e in entries])
        publication.publish(campaign, platform_user)
    page = platform.final_page(campaign)
    assert page["summary_total"] == {"total": 3, "ranked": 3, "listed": 3, "undecided": 0}
    shown = [entry for _, entry in page["page"]]
    assert all(entry.nomination.state == State.PUBLISHED and not entry.decidable for entry in shown)
    (tech_state,) = [s for s in page["list_states"] if s.ranking_list == entries[0].ranking_list]
    assert tech_state.publication is not None and not tech_state.decision


def _state_literals(path: Path) -> list[str]:
    """State strings compared with, or passed as ``state…=``, in a module; any quoted state in a template."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return [f"{q}{state}{q}" for state in State.values for q in "\"'" if f"{q}{state}{q}" in text]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Compare):
            values = [node.left, *node.comparators]
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith("state"):
            values = [node.value]
        else:
            continue
        for value in values:
            for const in ast.walk(value):
                if isinstance(const, ast.Constant) and const.value in State.values:
                    found.append(f"line {node.lineno}: {const.value!r}")
    return found


def test_no_state_literals_in_review_views_queries_or_templates():
    root = Path(__file__).resolve().parents[2]
    paths = [
        *(root / "reviews").glob("*views.py"),
        *(root / "reviews" / "queries").glob("*.py"),
        *(root / "templates" / "reviews").rglob("*.html"),
    ]
    found = {str(path.relative_to(root)): hits for path in paths if (hits := _state_literals(path))}
    assert len(paths) > 10 and found == {}
