"""Dispatch by list and domain, the final review, publication and the public lists."""

from datetime import datetime
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from nominations.models import AuditEvent, Domain, Extension, ExtensionKind, Participation, State
from reviews import assignment, dispatch, final, publication, scoring
from reviews.models import Dispatch, Publication, ReviewBody
from tests.factories import PASSWORD
from tests.reviews.conftest import BEIJING, FULL, IN_REVIEW_TIME, PUBLICATION_TIME, put_in_review, recommended
from tests.reviews.units import confirm

pytestmark = pytest.mark.django_db

BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 30, 23, 59, 59, tzinfo=BEIJING)
BEFORE_PUBLICATION = datetime(2024, 1, 31, 23, 59, 59, tzinfo=BEIJING)


@pytest.fixture
def pending(criteria, tech, enterprise, society, campaign):
    """Nine recommended entries of ``society``, which has confirmed its recommendations."""
    confirm(society, campaign)
    domain = {d.code: d for d in Domain.objects.filter(ranking_list=tech)}
    return {
        "electronics": recommended(tech, domain["electronics"], society, 2, title="电子"),
        "green": recommended(tech, domain["green"], society, 4, title="绿色"),
        "equipment": recommended(tech, domain["equipment"], society, 1, title="装备"),
        "foundation": recommended(tech, domain["foundation"], society, 1, title="基础"),
        "enterprise": recommended(enterprise, None, society, 1, title="企业"),
    }


def _body(campaign, name):
    return ReviewBody.objects.get(campaign=campaign, name=name)


def test_dispatch_by_list_and_domain(pending, campaign, platform_user):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        rows = dispatch.dispatch(campaign, platform_user)
    assert len(rows) == 9
    bodies = {d.nomination_id: d.body.name for d in Dispatch.objects.select_related("body")}
    green = [bodies[e.pk] for e in sorted(pending["green"], key=lambda e: e.pk)]
    assert green == ["中国科协生态环境产学联合体", "中国科协清洁能源学会联合体"] * 2
    assert bodies[pending["equipment"][0].pk] == bodies[pending["foundation"][0].pk] == "中国科协智能制造学会联合体"
    assert {bodies[e.pk] for e in pending["electronics"]} == {"中国科协信息科技学会联合体"}
    assert bodies[pending["enterprise"][0].pk] == "“科创中国”联合体秘书处"
    for group in pending.values():
        for entry in group:
            entry.refresh_from_db()
            assert entry.state == State.IN_REVIEW
    assert AuditEvent.objects.filter(verb="dispatch").count() == 9


def test_staff_may_move_green_entries_and_the_rest_stays_even(pending, campaign, platform_user):
    green = sorted(pending["green"], key=lambda e: e.pk)
    clean = _body(campaign, "中国科协清洁能源学会联合体")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        dispatch.dispatch(campaign, platform_user, overrides={str(green[0].pk): str(clean.pk)})
    names = [Dispatch.objects.get(nomination=e).body.name for e in green]
    assert names.count("中国科协清洁能源学会联合体") == 2 and names[0] == "中国科协清洁能源学会联合体"
    assert Dispatch.objects.get(nomination=green[0]).moved
    # Moving after dispatch (no assignments yet) is audited.
    eco = _body(campaign, "中国科协生态环境产学联合体")
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        dispatch.move(green[0], eco, platform_user, "平衡工作量")
    assert Dispatch.objects.get(nomination=green[0]).body == eco
    assert AuditEvent.objects.filter(verb="move_dispatch", note__contains="平衡工作量").exists()


def test_dispatch_of_an_unconfirmed_unit_before_the_platform_deadline_is_refused(pending, campaign, platform_user):
    Participation.objects.update(confirmed_at=None)
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user)
    assert "2023年11月30日 24:00" in str(refused.value)
    assert not Dispatch.objects.exists()


def test_dispatch_is_all_or_nothing(pending, campaign, platform_user, other_unit):
    late = recommended(pending["electronics"][0].ranking_list, pending["electronics"][0].domain, other_unit, 1)[0]
    Extension.objects.create(
        campaign=campaign, kind=ExtensionKind.PLATFORM, recommending_unit=other_unit,
        until=datetime(2023, 12, 10, tzinfo=BEIJING), reason="系统故障", granted_at=IN_REVIEW_TIME,
    )  # fmt: skip
    with time_machine.travel(IN_REVIEW_TIME, tick=True), pytest.raises(dispatch.DispatchError) as refused:
        dispatch.dispatch(campaign, platform_user)
    assert any(late.title in problem for problem in refused.value.problems)
    assert not Dispatch.objects.exists()
    assert not AuditEvent.objects.filter(verb="dispatch").exists()


def test_non_platform_users_cannot_dispatch(client, pending, coordinator):
    client.login(username="coordinator", password=PASSWORD)
    assert client.get(reverse("reviews:platform_dispatch")).status_code == 403


@pytest.fixture
def reviewed(criteria, tech, electronics, society, body, experts, coordinator, platform_user):
    """Three electronics entries scored 90, 80 and 70 by one expert; the body has submitted."""
    entries = put_in_review(recommended(tech, electronics, society, 3, title="项目"), body, platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry, value in zip(entries, ("9", "8", "7"), strict=True):
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], dict.fromkeys(FULL, value), "意见", submit=True)
        scoring.submit_results(body, coordinator)
    return entries


def test_final_review_proposes_the_target_and_publishes(client, reviewed, campaign, platform_user, tech):
    final.set_target(tech, 2, platform_user)
    groups, _targets = final.ranked_groups(campaign)
    (group,) = groups
    assert [e.proposal for e in group.entries] == ["listed", "listed", "not_listed"]
    assert [e.rank for e in group.entries] == [1, 2, 3]
    first, second, third = reviewed
    with time_machine.travel(BEFORE_PUBLICATION, tick=False):
        final.decide(
            platform_user,
            [(first, "listed", ""), (second, "listed", "初评第二"), (third, "not_listed", "名额所限")],
        )
        with pytest.raises(final.FinalReviewError) as refused:
            publication.publish(campaign, platform_user)
    assert "榜单发布时间未到：最早可于北京时间 2024年2月1日 00:00 发布" in str(refused.value)
    third.refresh_from_db()
    assert third.state == State.NOT_LISTED and third.final_decision.reason == "名额所限"
    assert AuditEvent.objects.filter(verb="unlist", nomination=third, note="名额所限").exists()

    url = reverse("publication:lists", args=[2023])
    assert client.get(url).status_code == 404
    assert client.get(reverse("publication:excel", args=[2023])).status_code == 404
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        publication.publish(campaign, platform_user)
    assert Publication.objects.filter(campaign=campaign).exists()
    page = client.get(url).content.decode()
    assert first.title in page and second.title in page and third.title not in page
    first.refresh_from_db()
    assert first.state == State.PUBLISHED


def test_decisions_need_the_body_results(criteria, tech, electronics, society, body, platform_user):
    entry = put_in_review(recommended(tech, electronics, society, 1), body, platform_user)[0]
    with pytest.raises(final.FinalReviewError, match="尚未报送"):
        final.decide(platform_user, [(entry, "listed", "")])
    entry.refresh_from_db()
    assert entry.state == State.IN_REVIEW


def test_published_excel_escapes_formulas(client, reviewed, campaign, platform_user):
    first = reviewed[0]
    first.title = '=HYPERLINK("http://evil.example","点击")'
    first.save(update_fields=["title"])
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        final.decide(platform_user, [(e, "listed", "") for e in reviewed])
        publication.publish(campaign, platform_user)
    response = client.get(reverse("publication:excel", args=[2023]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["先导技术榜"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == first.title]
    assert cells and cells[0].data_type == "s"


def test_criteria_are_loaded_idempotently_and_kept_when_edited(campaign, tech):
    from django.core.management import call_command

    from reviews.criteria import load_review_criteria
    from reviews.models import ListTarget, ReviewCriterion

    call_command("load_review_criteria", "--year", "2023")
    assert ReviewCriterion.objects.filter(ranking_list__campaign=campaign).count() == 16
    assert list(ReviewCriterion.objects.filter(ranking_list=tech).values_list("name", flat=True)) == [
        "创新性",
        "先进性",
        "应用价值与经济效益",
        "转化与推广前景",
    ]
    assert dict(ListTarget.objects.values_list("ranking_list__code", "count")) == {
        "tech": 150,
        "enterprise": 50,
        "organization": 10,
        "manager": 20,
    }
    ReviewCriterion.objects.filter(ranking_list=tech, code="innovation").update(weight=40)
    assert load_review_criteria(campaign) == (0, 0)
    assert ReviewCriterion.objects.get(ranking_list=tech, code="innovation").weight == 40


def test_dispatch_loads_criteria_for_lists_without_any(pending, campaign, platform_user):
    from reviews.models import ReviewCriterion

    ReviewCriterion.objects.all().delete()
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        dispatch.dispatch(campaign, platform_user)
    assert ReviewCriterion.objects.filter(ranking_list__campaign=campaign).count() == 16
