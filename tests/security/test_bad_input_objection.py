"""Bad input over the 公示's forms (the bad-input suite of tests/security/test_bad_input.py, for the notice):
the public objection form (oversized grounds, control characters, bad phones and e-mails, foreign and
non-numeric entries, forged, empty, oversized and too many files, a unit without its stamped letter, no
or a silly captcha), the status look-up, and the platform's opening and case-step forms.

Each is answered with the Chinese message next to the field and a 400 (never a 5xx), and nothing is saved.
"""

import html

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nominations.models import State
from reviews import notice as notices
from reviews.models import CaseState, ObjectionCase
from tests.factories import NominationFactory
from tests.reviews.notice_setup import IN_NOTICE, OPEN_TIME, listed_entries

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GOOD = {
    "capacity": "person",
    "name": "王实名",
    "unit": "某研究所",
    "phone": "13912345678",
    "email": "wang@example.org",
    "grounds": "该项目的核心专利并非申报单位所有。",
    "captcha": "42",
}


@pytest.fixture(autouse=True)
def _hook(settings):
    settings.NOTICE_CAPTCHA_TEST_ANSWER = "42"
    cache.clear()


@pytest.fixture
def opened(campaign, society, platform_user):
    entries = listed_entries(campaign, society, platform_user, ["甲项目", "乙项目"])
    with time_machine.travel(OPEN_TIME, tick=False):
        notices.open_notice(campaign, platform_user, OPEN_TIME, 7)
    return entries


def pdf(name="证据.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _post(campaign, data):
    with time_machine.travel(IN_NOTICE, tick=True):
        return Client(raise_request_exception=False).post(reverse("publication:objection", args=[campaign.year]), data)


BAD_VALUES = [
    ("grounds", "异" * 2001, "异议理由及事实依据不超过 2000 字"),
    ("grounds", "", "请填写异议理由"),
    ("name", "王\x00实名", "空字符"),
    ("name", "王\x07实名", "控制字符"),
    ("name", "王" * 51, "不超过 50 个字符"),
    ("phone", "12345", "电话"),
    ("email", "not-an-email", "请填写有效的电子邮箱地址"),
    ("capacity", "robot", "请选择提出方式"),
    ("captcha", "", "请填写验证码"),
    ("captcha", "9" * 40, "不超过 8 个字符"),
    ("entry", "abc", "请从公示名单中选择异议对象"),
    ("entry", "99999999999999999999999", "请从公示名单中选择异议对象"),
    ("entry", "²", "请从公示名单中选择异议对象"),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_bad_values_are_refused_next_to_the_field(opened, campaign, field, value, message):
    data = {**GOOD, "entry": opened[0].pk, field: value}
    response = _post(campaign, data)
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not ObjectionCase.objects.exists()


def test_an_entry_not_on_the_notice_is_refused(opened, campaign, tech):
    draft = NominationFactory(ranking_list=tech, state=State.DRAFT, title="草稿")
    response = _post(campaign, {**GOOD, "entry": draft.pk})
    assert response.status_code == 400 and "请从公示名单中选择异议对象" in response.content.decode()


FILES = [
    ("forged", lambda: [pdf("证据.pdf", b"MZ\x90\x00\x03 a program")], "不是允许的类型"),
    ("empty", lambda: [pdf("空.pdf", b"")], "文件为空"),
    ("too many", lambda: [pdf(f"证据{i}.pdf") for i in range(6)], "最多 5 个文件"),
]


@pytest.mark.parametrize(("label", "files", "message"), FILES, ids=[f[0] for f in FILES])
def test_bad_evidence_files_are_refused(opened, campaign, label, files, message):
    response = _post(campaign, {**GOOD, "entry": opened[0].pk, "evidence": files()})
    assert response.status_code == 400 and message in response.content.decode()
    assert not ObjectionCase.objects.exists()


def test_an_oversized_file_and_a_unit_without_its_letter(opened, campaign, settings):
    settings.ATTACHMENT_MAX_BYTES = 20
    response = _post(campaign, {**GOOD, "entry": opened[0].pk, "evidence": [pdf()]})
    assert response.status_code == 400 and "单个附件不得超过" in response.content.decode()
    settings.ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    response = _post(campaign, {**GOOD, "entry": opened[0].pk, "capacity": "unit", "unit": ""})
    text = response.content.decode()
    assert response.status_code == 400 and "请填写单位名称" in text and "须上传加盖单位公章的异议书" in text
    assert not ObjectionCase.objects.exists()


def test_a_file_name_with_markup_is_stored_plain_and_shown_escaped(opened, campaign, platform_user):
    markup = pdf("../<img src=x onerror=alert(1)>.pdf")
    response = _post(campaign, {**GOOD, "entry": opened[0].pk, "evidence": [markup]})
    assert response.status_code == 302
    case = ObjectionCase.objects.get()
    assert case.files.get().original_name == "<img src=x onerror=alert(1)>.pdf"
    client = Client()
    client.force_login(platform_user)
    with time_machine.travel(IN_NOTICE, tick=True):
        page = client.get(reverse("reviews:platform_case", args=[case.pk])).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in page


@pytest.mark.parametrize(
    ("receipt", "email", "message"),
    [
        ("'; DROP TABLE x;--", "a@example.org", "受理编号格式有误"),
        ("YY2023-0000\x000001", "a@example.org", "受理编号格式有误"),
        ("YY2023-00000001", "nope", "请填写有效的电子邮箱地址"),
        ("", "", "请填写受理编号"),
    ],
)
def test_bad_status_look_ups(opened, campaign, receipt, email, message):
    with time_machine.travel(IN_NOTICE, tick=True):
        response = Client(raise_request_exception=False).post(
            reverse("publication:case_status", args=[campaign.year]), {"receipt": receipt, "email": email}
        )
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "2024-13-45", "days": "7"}, "请填写有效的日期"),
        ({"start": "2024-01-20", "days": "abc"}, "请填写整数天数"),
        ({"start": "2024-01-20", "days": "3"}, "公示期不少于 7 个自然日"),
        ({"start": "2024-01-20", "days": "100000000000000000000"}, "公示期不超过 60 天"),
        ({"start": "99999-01-01", "days": "7"}, "请填写有效的日期"),
    ],
)
def test_bad_opening_values(campaign, society, platform_user, data, message):
    listed_entries(campaign, society, platform_user, ["甲项目"])
    client = Client(raise_request_exception=False)
    client.force_login(platform_user)
    with time_machine.travel(OPEN_TIME, tick=True):
        response = client.post(reverse("reviews:platform_notice_open"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not notices.notice_of(campaign).is_opened


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "bogus", "note": "x"}, "不支持的操作"),
        ({"action": "reject", "note": "x", "ground": "because"}, "请选择不予受理的理由"),
        ({"action": "uphold", "note": "x", "outcome": "\x00"}, "请选择处理结果"),
        ({"action": "accept", "note": "x" * 5000}, "说明不超过"),
    ],
)
def test_bad_case_steps(opened, campaign, platform_user, data, message):
    _post(campaign, {**GOOD, "entry": opened[0].pk})
    case = ObjectionCase.objects.get()
    client = Client(raise_request_exception=False)
    client.force_login(platform_user)
    with time_machine.travel(IN_NOTICE, tick=True):
        response = client.post(reverse("reviews:platform_case_step", args=[case.pk]), data)
    assert response.status_code == 400 and message in html.unescape(response.content.decode())
    case.refresh_from_db()
    assert case.state == CaseState.RECEIVED
