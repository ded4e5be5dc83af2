"""Publication per list, the platform's closure of a body that never reports, the preview, the outcome
notices and the links to the public lists."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from nominations.models import AuditEvent, MailAudience, MailKind, SentMail, State
from reviews import assignment, closure, final, outcomes, publication, scoring
from reviews.models import BodySubmission, Publication, ReviewCoverage
from tests.reviews.conftest import BEIJING, FULL, IN_REVIEW_TIME, PUBLICATION_TIME, put_in_review, recommended

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = datetime(2024, 1, 5, 10, 0, tzinfo=BEIJING)
REASON = "该机构逾期未报送，经秘书处研究关闭初评"


@pytest.fixture
def year(
    criteria, tech, enterprise, electronics, biomedicine, society, body, other_body, experts, coordinator, platform_user
):
    """Two 电子信息 entries (body reported), one 生物医药 entry (other body, never reports, one score
    submitted), one 企业 entry in review."""
    elec = put_in_review(recommended(tech, electronics, society, 2, title="电子项目"), body, platform_user)
    bio = put_in_review(recommended(tech, biomedicine, society, 1, title="生物项目"), other_body, platform_user)
    enterprise_body = ReviewCoverage.objects.filter(ranking_list=enterprise).first().body
    firm = put_in_review(recommended(enterprise, None, society, 1, title="企业项目"), enterprise_body, platform_user)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        for entry, value in zip(elec, ("9", "7"), strict=True):
            item = assignment.assign(entry, experts[0], coordinator)
            scoring.save_score(item, experts[0], dict.fromkeys(FULL, value), "意见", submit=True)
        scoring.submit_results(body, coordinator)
    return {"elec": elec, "bio": bio, "firm": firm}


def _close(other_body, platform_user):
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        return closure.close_review(other_body, platform_user, REASON)


def test_a_list_waits_for_its_bodies_and_its_decisions(year, campaign, tech, other_body, platform_user):
    elec, bio = year["elec"], year["bio"]
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        decision = publication.check_publish(campaign, tech)
        assert decision.reason == "先导技术榜尚有 1 个初评机构未报送初评结果：中国科协生命科学学会联合体。"
        with pytest.raises(final.FinalReviewError, match="尚未报送"):
            final.decide(platform_user, [(bio[0], "listed", "")])
    _close(other_body, platform_user)
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        assert (
            publication.check_publish(campaign, tech).reason == "先导技术榜尚有 3 项申报未作出终评结果，请先完成终评。"
        )
        final.decide(platform_user, [(elec[0], "listed", ""), (elec[1], "not_listed", "名额所限")])
        final.decide(platform_user, [(bio[0], "failed", "缺少评分")])  # accepted after the closure
        assert publication.check_publish(campaign, tech)
    with time_machine.travel(datetime(2024, 1, 31, 23, 0, tzinfo=BEIJING), tick=False):
        assert "榜单发布时间未到" in publication.check_publish(campaign, tech).reason
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        publication.publish(campaign, platform_user, tech)
        assert publication.check_publish(campaign, tech).reason == "先导技术榜已发布。"
    elec[0].refresh_from_db()
    bio[0].refresh_from_db()
    assert elec[0].state == State.PUBLISHED and bio[0].state == State.REVIEW_FAILED
    assert Publication.objects.filter(campaign=campaign).count() == 1


def test_a_list_without_listed_entries_cannot_be_published(year, campaign, enterprise, platform_user):
    firm = year["firm"][0]
    body = firm.dispatch.body
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        closure.close_review(body, platform_user, REASON)
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        final.decide(platform_user, [(firm, "not_listed", "")])
        assert publication.check_publish(campaign, enterprise).reason == "新锐企业榜没有拟入榜的申报，无法发布。"


def test_the_final_page_shows_each_list_and_disables_what_cannot_succeed(client, year, tech, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        page = client.get(reverse("reviews:platform_final")).content.decode()
    row = page[page.index('data-list="tech"') :]
    row = row[: row.index("</tr>")]
    assert "1 / 2" in row  # bodies reported
    assert 'disabled title="先导技术榜尚有 1 个初评机构未报送初评结果：中国科协生命科学学会联合体。"' in row
    assert "发布先导技术榜" in row and "未发布" in row


def test_closure_on_the_progress_page(client, year, campaign, other_body, experts, platform_user):
    client.force_login(platform_user)
    url = reverse("reviews:platform_close_review", args=[other_body.pk])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(reverse("reviews:platform_progress")).content.decode()
        assert "的初评截止时间（北京时间 2023年12月30日 24:00）未到，不能关闭初评。" in page
        response = client.post(url, {"reason": REASON}, follow=True)
        assert "未到，不能关闭初评" in response.content.decode()
        assert not BodySubmission.objects.filter(body=other_body).exists()
    with time_machine.travel(AFTER_DEADLINE, tick=True):
        response = client.post(url, {"reason": "  "})
        assert response.status_code == 400 or "请填写关闭初评的理由" in response.content.decode()
        response = client.post(url, {"reason": "长" * 501})
        assert "不超过 500 字" in response.content.decode()
        response = client.post(url, {"reason": REASON}, follow=True)
    page = response.content.decode()
    assert f"平台秘书处已关闭初评：理由：{REASON}" in page
    assert "已关闭初评" in page
    submission = BodySubmission.objects.get(body=other_body)
    assert submission.closed_by_platform and submission.close_reason == REASON
    assert AuditEvent.objects.filter(verb="close_review", actor=platform_user, note__contains=REASON).exists()
    assert not scoring.check_scoring_open(other_body)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        final_page = client.get(reverse("reviews:platform_final")).content.decode()
    assert f"平台秘书处已关闭初评：理由：{REASON}" in final_page


def _decide_tech(year, other_body, platform_user):
    _close(other_body, platform_user)
    elec, bio = year["elec"], year["bio"]
    with time_machine.travel(PUBLICATION_TIME, tick=False):
        final.decide(
            platform_user,
            [(elec[0], "listed", ""), (elec[1], "not_listed", "名额所限"), (bio[0], "failed", "缺少评分")],
        )


def test_the_preview_then_confirm(
    client, year, campaign, tech, other_body, platform_user, django_capture_on_commit_callbacks
):
    _decide_tech(year, other_body, platform_user)
    final.set_target(tech, 2, platform_user)
    client.force_login(platform_user)
    url = reverse("reviews:platform_publish")
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        preview = client.post(url, {"ranking_list": tech.pk})
        page = preview.content.decode()
        assert preview.status_code == 200
        assert "发布后不能撤回" in page and "确认发布" in page
        rows = page[page.index('data-testid="publish-rows"') :]
        assert year["elec"][0].title in rows and year["elec"][1].title not in rows.split("将发出的结果通知")[0]
        assert "拟入榜数量 2" in page and "与拟入榜数量不一致" in page
        assert "会员单位 3 封，推荐单位秘书处 1 封" in page
        assert f"“{year['bio'][0].title}”：未通过初评" in page
        assert not Publication.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"ranking_list": tech.pk, "confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("publication:lists", args=[2023])
    assert Publication.objects.filter(ranking_list=tech).exists()


def test_bad_publish_posts_get_a_message(client, year, platform_user):
    client.force_login(platform_user)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        response = client.post(reverse("reviews:platform_publish"), {"ranking_list": "abc"})
    assert response.status_code == 400 and "请选择要发布的榜单" in response.content.decode()


def test_outcome_mails_once_per_unit(
    year, campaign, tech, society, other_body, platform_user, django_capture_on_commit_callbacks
):
    _decide_tech(year, other_body, platform_user)
    mail.outbox.clear()
    with time_machine.travel(PUBLICATION_TIME, tick=True), django_capture_on_commit_callbacks(execute=True):
        publication.publish(campaign, platform_user, tech)
    outcome = SentMail.objects.filter(kind=MailKind.OUTCOME)
    assert outcome.filter(audience=MailAudience.MEMBER).count() == 3
    (summary,) = outcome.filter(audience=MailAudience.SECRETARIAT)
    assert summary.recommending_unit == society
    assert "3 项申报中，1 项入榜" in summary.body
    elec, bio = year["elec"], year["bio"]
    member_mail = outcome.get(member_unit=elec[0].member_unit)
    assert f"“{elec[0].title}”（先导技术榜 · 电子信息）：入榜" in member_mail.body
    assert "：未入榜" in outcome.get(member_unit=elec[1].member_unit).body
    assert "：未通过初评" in outcome.get(member_unit=bio[0].member_unit).body
    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject.startswith("【科创中国榜单】2023年先导技术榜已发布")
    # A retry sends nothing twice.
    assert outcomes.send_outcomes(tech.pk) == []
    assert len(mail.outbox) == 4 and outcome.count() == 4


def test_the_public_page_shows_the_published_list_only(client, year, campaign, tech, other_body, platform_user):
    url = reverse("publication:lists", args=[2023])
    assert client.get(url).status_code == 404
    _decide_tech(year, other_body, platform_user)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        publication.publish(campaign, platform_user, tech)
    page = client.get(url).content.decode()
    assert year["elec"][0].title in page and year["elec"][1].title not in page
    assert year["firm"][0].title not in page
    enterprise = page[page.index('id="list-enterprise"') :]
    assert "尚未发布" in enterprise[: enterprise.index("</section>")]


def test_home_and_dashboards_link_the_published_lists(client, year, campaign, tech, other_body, platform_user):
    assert "榜单已发布" not in client.get(reverse("home")).content.decode()
    _decide_tech(year, other_body, platform_user)
    with time_machine.travel(PUBLICATION_TIME, tick=True):
        publication.publish(campaign, platform_user, tech)
        home = client.get(reverse("home")).content.decode()
        client.force_login(platform_user)
        dashboard = client.get(reverse("platform:dashboard")).content.decode()
    link = f'href="{reverse("publication:lists", args=[2023])}"'
    for page in (home, dashboard):
        assert link in page and "2023年榜单已发布：先导技术榜" in page


def test_a_closed_bodys_experts_read_that_the_platform_closed_it(year, other_body, experts, platform_user):
    _close(other_body, platform_user)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        assert scoring.check_scoring_open(other_body).reason == "平台秘书处已关闭本机构的初评，评分已锁定。"
        assert scoring.check_results_submittable(other_body).reason == "平台秘书处已关闭本机构的初评。"
