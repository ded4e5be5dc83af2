"""公示 and its cases: opening the notice, filing objections (refused when anonymous or late), the case's
transition table, the objector's mails, the listed parties who never see the objector, corrections,
the overview and the Excel report, and publication waiting for the notice."""

import io

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from nominations.models import AuditEvent, Role, State
from reviews import notice as notices
from reviews import objections, publication
from reviews.models import CaseOutcome, CaseState, ObjectionCase, RejectGround
from tests.factories import make_user
from tests.reviews.notice_setup import (
    AFTER_NOTICE,
    IN_NOTICE,
    LAST_MINUTE,
    OPEN_TIME,
    PUBLICATION,
    listed_entries,
)

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OBJECTOR = {"name": "王实名", "unit": "某研究所", "phone": "13912345678", "email": "wang@example.org"}


@pytest.fixture(autouse=True)
def _captcha_hook(settings):
    settings.NOTICE_CAPTCHA_TEST_ANSWER = "42"
    cache.clear()


@pytest.fixture
def entries(campaign, society, platform_user, member_unit):
    return listed_entries(campaign, society, platform_user, ["甲项目", "乙项目", "丙项目"], member_unit=member_unit)


@pytest.fixture
def opened(entries, campaign, platform_user):
    with time_machine.travel(OPEN_TIME, tick=False):
        return notices.open_notice(campaign, platform_user, OPEN_TIME, 7)


def step(case, action, user, **kwargs):
    """One step of a case, its mails sent (the on-commit callbacks run, as after a real commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return objections.transition_case(case, action, user, **kwargs)


def pdf(name="证据.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file(opened, entry, **extra):
    fields = {**OBJECTOR, "is_unit": False, "grounds": "该项目的核心专利并非申报单位所有。", **extra}
    fields.setdefault("evidence", [pdf()])
    with time_machine.travel(IN_NOTICE, tick=False):
        return objections.file_objection(opened, entry, **fields)


def test_the_period_is_seven_natural_days_and_publication_waits(opened, campaign, entries):
    assert notices.period_text(opened) == "2024年1月20日 10:00 至 2024年1月26日 24:00（7 个自然日）"
    tech = entries[0].ranking_list
    with time_machine.travel(PUBLICATION, tick=False):
        assert publication.check_publish(campaign, tech)
    with time_machine.travel(LAST_MINUTE, tick=False):
        assert notices.check_filing(opened)
        assert notices.publication_checks(campaign, [tech])[tech.pk].reason.startswith("公示期至")
    with time_machine.travel(AFTER_NOTICE, tick=False):
        assert "逾期提出的异议不予受理" in notices.check_filing(opened).reason


def test_opening_needs_every_final_decision_and_happens_once(entries, campaign, platform_user):
    from tests.factories import NominationFactory

    undecided = NominationFactory(ranking_list=entries[0].ranking_list, state=State.IN_REVIEW, title="未决项目")
    with time_machine.travel(OPEN_TIME, tick=False):
        assert "尚有 1 项申报未作出终评结果" in notices.check_open(campaign).reason
        undecided.delete()
        assert notices.check_open(campaign, OPEN_TIME, 6).reason.startswith("公示期不少于 7 个自然日")
        notices.open_notice(campaign, platform_user, OPEN_TIME, 7)
        assert "公示已于" in notices.check_open(campaign).reason
    assert AuditEvent.objects.filter(verb="open_notice").count() == 1


def test_anonymous_late_and_unlisted_objections_are_refused(opened, entries):
    with pytest.raises(objections.CaseError, match="匿名异议"):
        file(opened, entries[0], name="")
    with pytest.raises(objections.CaseError, match="匿名异议"):
        file(opened, entries[0], phone="")
    with pytest.raises(objections.CaseError, match="加盖单位公章"):
        file(opened, entries[0], is_unit=True)
    with time_machine.travel(AFTER_NOTICE, tick=False), pytest.raises(objections.CaseError, match="逾期"):
        objections.file_objection(opened, entries[0], is_unit=False, grounds="迟到", **OBJECTOR)
    with pytest.raises(objections.CaseError, match="不在公示名单"):
        file(opened, None)
    forged = SimpleUploadedFile("证据.pdf", b"MZ\x90\x00not a pdf", content_type="application/pdf")
    with pytest.raises(objections.CaseError, match="不是允许的类型"):
        file(opened, entries[0], evidence=[forged])
    assert not ObjectionCase.objects.exists()


def test_a_non_substantive_objection_upheld_withdraws_the_entry(
    opened, entries, campaign, platform_user, secretariat_user, member_user
):
    case = file(opened, entries[0])
    assert case.receipt.startswith("YY2023-") and case.state == CaseState.RECEIVED
    with time_machine.travel(IN_NOTICE, tick=True):
        step(case, "accept", platform_user, note="材料齐全，予以受理。")
        step(case, "forward", platform_user, note="请推荐单位核实专利权属。")
    assert case.state == CaseState.FORWARDED and case.answer_due is not None
    subjects = [m.subject for m in mail.outbox]
    assert any("已受理" in s and case.receipt in s for s in subjects)
    forward = next(m for m in mail.outbox if "请核实公示异议" in m.subject)
    assert OBJECTOR["name"] not in forward.body and OBJECTOR["phone"] not in forward.body
    with time_machine.travel(IN_NOTICE, tick=True):
        with pytest.raises(objections.CaseError, match="尚未答复"):
            step(case, "investigate", platform_user, note="调查")
        with pytest.raises(objections.CaseError, match="只有该推荐单位的秘书处"):
            step(case, "answer", member_user, note="我们没问题")
        step(case, "answer", secretariat_user, note="经核实，该专利已转让他人。")
        step(case, "investigate", platform_user, note="核实推荐单位答复。")
        with pytest.raises(objections.CaseError, match="请选择处理结果"):
            step(case, "uphold", platform_user, note="成立")
        step(case, "uphold", platform_user, note="异议成立，撤销入榜资格。", outcome=CaseOutcome.WITHDRAWN)
    entries[0].refresh_from_db()
    assert entries[0].state == State.NOT_LISTED
    assert entries[0].final_decision.listed is False
    assert list(case.steps.values_list("action", flat=True)) == [
        "file",
        "accept",
        "forward",
        "answer",
        "investigate",
        "uphold",
    ]
    assert AuditEvent.objects.filter(verb="case_uphold").exists()
    assert any("处理结果" in m.subject for m in mail.outbox)


def test_publication_waits_for_every_accepted_case(opened, entries, campaign, platform_user):
    tech = entries[0].ranking_list
    case = file(opened, entries[1])
    with time_machine.travel(PUBLICATION, tick=True):
        assert "未作出是否受理的决定" in publication.check_publish(campaign, tech).reason
        step(case, "accept", platform_user, note="受理")
        assert "已受理的异议或更正申请未作出处理决定" in publication.check_publish(campaign, tech).reason
        step(case, "substantive", platform_user, note="涉及成果真实性")
        step(case, "investigate", platform_user, note="调取原始材料")
        step(case, "dismiss", platform_user, note="经核实，异议不成立。")
        assert publication.check_publish(campaign, tech)


def test_rejecting_needs_a_fixed_ground(opened, entries, platform_user):
    case = file(opened, entries[1], grounds="我认为评分不公平。")
    with time_machine.travel(IN_NOTICE, tick=True):
        with pytest.raises(objections.CaseError, match="不予受理的理由"):
            step(case, "reject", platform_user, note="不属于异议")
        step(case, "reject", platform_user, note="见理由。", ground=RejectGround.DISAGREEMENT)
    assert case.state == CaseState.REJECTED
    assert case.steps.last().note.startswith("对评审结果有不同意见，不属于异议")


def test_the_parties_never_see_the_objector(opened, entries, platform_user, secretariat_user, member_user):
    case = file(opened, entries[0], is_unit=True, letter=pdf("盖章异议书-王实名.pdf"))
    with time_machine.travel(IN_NOTICE, tick=True):
        step(case, "accept", platform_user, note="受理")
        step(case, "forward", platform_user, note="请核实。")
    letter = case.files.get(kind="letter")
    for user in (secretariat_user, member_user):
        client = Client()
        client.force_login(user)
        with time_machine.travel(IN_NOTICE, tick=True):
            listing = client.get(reverse("reviews:notice_cases")).content.decode()
            page = client.get(reverse("reviews:notice_case", args=[case.pk])).content.decode()
            assert client.get(reverse("reviews:case_file", args=[letter.pk])).status_code == 404
            evidence = case.files.get(kind="evidence")
            response = client.get(reverse("reviews:case_file", args=[evidence.pk]))
            assert response.status_code == 200 and "证据" not in response["Content-Disposition"]
        assert case.receipt in listing and "该项目的核心专利并非申报单位所有" in page
        for secret in ("王实名", "某研究所", "13912345678", "wang@example.org", "盖章异议书"):
            assert secret not in page and secret not in listing
    # The unit's mail log holds the request to verify, not the mails to the objector.
    unit = Client()
    unit.force_login(secretariat_user)
    with time_machine.travel(IN_NOTICE, tick=True):
        log = unit.get(reverse("secretariat:mail_log")).content.decode()
    assert "请核实公示异议" in log and "wang@example.org" not in log and "已受理" not in log
    platform = Client()
    platform.force_login(platform_user)
    with time_machine.travel(IN_NOTICE, tick=True):
        page = platform.get(reverse("reviews:platform_case", args=[case.pk])).content.decode()
    assert "王实名" in page and "13912345678" in page


def test_a_correction_is_asked_by_a_party_and_decided_by_the_platform(opened, entries, member_user, platform_user):
    with time_machine.travel(IN_NOTICE, tick=True):
        case = objections.request_correction(
            entries[0], member_user, field="name", value="甲项目（修订）", grounds="名称漏字。"
        )
        assert case.receipt.startswith("GZ2023-")
        step(case, "accept", platform_user, note="受理")
        with pytest.raises(objections.CaseError, match="不能"):
            step(case, "forward", platform_user, note="转")
        step(case, "substantive", platform_user, note="平台处理")
        step(case, "investigate", platform_user, note="核对原件")
        with pytest.raises(objections.CaseError, match="更正公示信息"):
            step(case, "uphold", platform_user, note="成立", outcome=CaseOutcome.WITHDRAWN)
        step(case, "uphold", platform_user, note="予以更正。", outcome=CaseOutcome.CORRECTED)
    entries[0].refresh_from_db()
    assert entries[0].title == "甲项目（修订）" and entries[0].state == State.LISTED


def test_the_public_pages_the_status_look_up_and_the_rate_limit(opened, entries, campaign, settings):
    client = Client()
    with time_machine.travel(IN_NOTICE, tick=True):
        page = client.get(reverse("publication:notice", args=[campaign.year])).content.decode()
        assert "甲项目" in page and "匿名异议、逾期提出的异议不予受理" in page
        response = client.post(
            reverse("publication:objection", args=[campaign.year]),
            {
                "entry": entries[2].pk,
                "capacity": "person",
                "grounds": "该项目与某公司产品雷同。",
                "evidence": [pdf()],
                "captcha": "42",
                **OBJECTOR,
            },
        )
        assert response.status_code == 302
        receipt = ObjectionCase.objects.get().receipt
        assert receipt in client.get(response["Location"]).content.decode()
        status = client.post(
            reverse("publication:case_status", args=[campaign.year]), {"receipt": receipt, "email": "WANG@example.org"}
        )
        assert "已收到" in status.content.decode()
        wrong = client.post(
            reverse("publication:case_status", args=[campaign.year]), {"receipt": receipt, "email": "x@example.org"}
        )
        assert wrong.status_code == 404 and "王实名" not in wrong.content.decode()
        settings.NOTICE_FILING_LIMIT = 1
        limited = client.post(reverse("publication:objection", args=[campaign.year]), {"captcha": "42"})
        assert limited.status_code == 429 and "提交过于频繁" in limited.content.decode()


def test_a_wrong_captcha_is_refused_next_to_the_field(opened, entries, campaign, settings):
    settings.NOTICE_CAPTCHA_TEST_ANSWER = None
    client = Client()
    with time_machine.travel(IN_NOTICE, tick=True):
        client.get(reverse("publication:objection", args=[campaign.year]))
        response = client.post(
            reverse("publication:objection", args=[campaign.year]),
            {"entry": entries[0].pk, "capacity": "person", "grounds": "理由", "captcha": "9999", **OBJECTOR},
        )
    assert response.status_code == 400 and "验证码不正确或已过期" in response.content.decode()
    assert not ObjectionCase.objects.exists()


def test_the_overview_and_the_excel_report(opened, entries, campaign, platform_user):
    case = file(opened, entries[0])
    with time_machine.travel(IN_NOTICE, tick=True):
        step(case, "accept", platform_user, note="受理")
        step(case, "forward", platform_user, note="请核实。")
    client = Client()
    client.force_login(platform_user)
    due = case.answer_due
    with time_machine.travel(due, tick=True):
        page = client.get(reverse("reviews:platform_notice")).content.decode()
        assert "推荐单位逾期未答复" in page and case.receipt in page
        response = client.get(reverse("reviews:platform_notice_excel"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["公示概况", "公示名单", "异议与更正"]
    rows = list(book["异议与更正"].iter_rows(values_only=True))
    assert rows[1][0] == case.receipt and rows[1][7] == "王实名"


def test_required_notice_blocks_publication_until_opened(entries, campaign, platform_user):
    notice = notices.rules_of(campaign)
    notice.required = True
    notice.save()
    tech = entries[0].ranking_list
    with time_machine.travel(PUBLICATION, tick=False):
        assert "发布前须进行公示" in publication.check_publish(campaign, tech).reason


def test_campaign_data_sets_the_rules(campaign):
    notice = notices.notice_of(campaign)
    assert notice.days == 7 and not notice.is_opened
    assert notice.fields_of(campaign.lists.get(code="enterprise")) == ["name", "recommending_unit"]
    with pytest.raises(ValueError, match="at least 7"):
        notices.load_public_notice(campaign, {"days": 5}, lists={}, domains={})


def test_a_listed_party_only(opened, entries, campaign, other_secretariat_user):
    make_user(Role.EXPERT, "e-notice")
    assert not objections.check_correction(entries[0], other_secretariat_user)


def test_a_filing_that_fails_keeps_no_file(opened, entries, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(objections, "record", broken)
    with pytest.raises(RuntimeError):
        file(opened, entries[0])
    assert not ObjectionCase.objects.exists()
    stored = (
        [p for p in (settings.MEDIA_ROOT / "notice").rglob("*") if p.is_file()]
        if (settings.MEDIA_ROOT / "notice").exists()
        else []
    )
    assert stored == []


def test_only_the_platform_may_see_the_objector(opened, entries, platform_user, secretariat_user, member_user):
    from nominations.policy import may

    case = file(opened, entries[0])
    assert may(platform_user, "view_objector", case)
    for user in (secretariat_user, member_user):
        assert may(user, "view_objector", case).reason == "异议人的身份信息仅平台秘书处可见。"
        assert not may(user, "view_objection_case", case)  # not yet accepted: the platform's alone
