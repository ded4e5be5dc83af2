"""Bad input over every form and upload: oversized text, wrong types, impossible and future dates,
invalid credit codes, phones and e-mails, forged and oversized files, duplicate submits, stale
versions, foreign and non-numeric batch ids, nonsense query strings and broken Excel imports.

Each is answered with a Chinese message next to the field (or in the messages) and a 200, 400, 409
or a redirect — never a 5xx — and nothing already saved is lost (the row is read again and compared).
"""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nominations.forms import get_definition
from nominations.models import Attachment, MemberUnit, Nomination, Pioneer, RecommendingUnit, State
from tests.factories import NominationFactory
from tests.intake.conftest import form_post

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
OPEN = datetime(2023, 11, 15, 10, 0, tzinfo=BEIJING)
AFTER_MEMBER_DEADLINE = datetime(2023, 11, 25, 10, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _open():
    with time_machine.travel(OPEN, tick=False):
        yield


def _login(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _snapshot(nomination):
    row = Nomination.objects.get(pk=nomination.pk)
    return {
        "state": row.state,
        "title": row.title,
        "data": row.data,
        "version": row.version,
        "credit_code": row.credit_code,
        "attachments": sorted(row.attachments.values_list("pk", flat=True)),
    }


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def draft(enterprise, member_user):
    return NominationFactory(
        ranking_list=enterprise,
        member_unit=member_user.profile.member_unit,
        created_by=member_user,
        state=State.DRAFT,
        title="原始企业名称",
    )


# ---------------------------------------------------------------- the entry form


BAD_FIELDS = [
    ("name", "企" * 100_000, "企业名称不超过 100 个字符"),
    ("business", "字" * 1001, "主营业务与核心技术不超过 1000 字"),
    ("model_innovation", "新" * 100_000, "商业模式创新不超过 800 字"),
    ("employees", "abc", "员工人数请填写整数"),
    ("employees", "-5", "员工人数不能为负数"),
    ("employees", "9" * 40, "员工人数数值过大"),
    ("registered_capital", "12a", "注册资本请填写数字"),
    ("registered_capital", "1e400", "注册资本"),
    ("registered_capital", "NaN", "注册资本"),
    ("revenue", "1.234", "上年度营业收入最多保留两位小数"),
    ("rd_ratio", "150", "研发投入占比应在 0–100 之间"),
    ("founded", "2023-02-30", "请输入有效的成立日期"),
    ("founded", "abcd", "请输入有效的成立日期"),
    ("founded", "2030-01-01", "成立日期不能晚于今天"),
    ("credit_code", "123", "统一社会信用代码应为 18 位"),
    ("credit_code", "91110108MA01ABCDEO", "统一社会信用代码"),
    ("credit_code", "X" * 10_000, "统一社会信用代码"),
    ("contact_phone", "abc", "请输入有效的电话号码"),
    ("contact_phone", "1" * 5_000, "电话号码"),
    ("contact_email", "not-an-email", "请输入有效的电子邮箱地址"),
    ("contact_email", "a@" + "b" * 300 + ".com", "电子邮箱"),
]


@pytest.mark.parametrize(("key", "value", "message"), BAD_FIELDS, ids=[f"{k}-{m[:6]}" for k, _v, m in BAD_FIELDS])
@pytest.mark.parametrize("action", ["save", "submit"])
def test_bad_field_values_are_refused_with_a_chinese_message_and_lose_nothing(
    draft, member_user, key, value, message, action
):
    before = _snapshot(draft)
    definition = get_definition("enterprise", 2023)
    posted = form_post(definition, draft.data, draft.version, action=action)
    posted[key] = value
    response = _login(member_user).post(reverse("member:edit", args=[draft.pk]), posted)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "草稿未保存" in page
    assert _snapshot(draft) == before


def test_autosave_keeps_the_good_values_and_never_the_bad_ones(draft, member_user):
    definition = get_definition("enterprise", 2023)
    posted = form_post(definition, draft.data, draft.version)
    posted["employees"] = "abc"
    posted["founded"] = "2023-02-30"
    response = _login(member_user).post(reverse("member:autosave", args=[draft.pk]), posted)
    assert response.status_code == 200
    assert "员工人数" in response.content.decode()
    row = Nomination.objects.get(pk=draft.pk)
    assert row.data["employees"] == draft.data["employees"]
    assert row.data["founded"] == draft.data["founded"]


def test_autosave_with_an_empty_body_does_not_wipe_the_draft(draft, member_user):
    before = _snapshot(draft)
    response = _login(member_user).post(reverse("member:autosave", args=[draft.pk]), {})
    assert response.status_code == 200
    after = _snapshot(draft)
    assert after["data"] == before["data"] and after["title"] == before["title"]


def test_a_stale_version_is_a_conflict_and_keeps_the_other_save(draft, member_user):
    definition = get_definition("enterprise", 2023)
    client = _login(member_user)
    first = form_post(definition, {**draft.data, "name": "第一个窗口"}, draft.version)
    assert client.post(reverse("member:edit", args=[draft.pk]), first).status_code == 302
    saved = _snapshot(draft)
    stale = form_post(definition, {**draft.data, "name": "第二个窗口"}, draft.version)
    response = client.post(reverse("member:edit", args=[draft.pk]), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "已在其他窗口或由他人修改" in page
    assert "第二个窗口" in page  # what the user typed is kept on the page
    assert _snapshot(draft) == saved
    for version in ("abc", "", "-1", "9" * 30):
        response = client.post(reverse("member:edit", args=[draft.pk]), {**stale, "version": version})
        assert response.status_code == 409, version
    assert _snapshot(draft) == saved


def test_a_form_opened_in_time_and_posted_after_the_deadline_is_refused(draft, member_user):
    before = _snapshot(draft)
    definition = get_definition("enterprise", 2023)
    posted = form_post(definition, {**draft.data, "name": "截止后修改"}, draft.version)
    with time_machine.travel(AFTER_MEMBER_DEADLINE, tick=False):
        response = _login(member_user).post(reverse("member:edit", args=[draft.pk]), posted)
    assert response.status_code == 403
    assert "本次填写的内容未保存" in response.content.decode()
    assert _snapshot(draft) == before


def test_a_new_entry_with_a_bad_list_or_domain_is_refused(member_user, campaign, tech):
    client = _login(member_user)
    for data, message in (
        ({"ranking_list": "abc"}, "请选择榜单"),
        ({"ranking_list": "999999"}, "请选择榜单"),
        ({"ranking_list": str(tech.pk), "domain": "abc"}, "请选择先导技术榜的领域"),
        ({"ranking_list": str(tech.pk), "domain": "-1"}, "请选择先导技术榜的领域"),
    ):
        response = client.post(reverse("member:new"), data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not Nomination.objects.exists()


# ---------------------------------------------------------------- duplicate submits


def test_submitting_the_same_entry_twice_in_a_row(draft, member_user):
    client = _login(member_user)
    url = reverse("member:act", args=[draft.pk, "submit"])
    assert client.post(url).status_code == 302
    first = _snapshot(draft)
    assert first["state"] == State.SUBMITTED
    response = client.post(url, follow=True)
    assert response.status_code == 403  # refused: the entry page again, with the reason
    assert any("操作未完成" in m for m in _messages(response))
    assert _snapshot(draft) == first
    assert draft.events.filter(verb="submit").count() == 1


def test_double_click_on_recommend(secretariat_user, member_unit, tech, electronics):
    entry = NominationFactory(
        ranking_list=tech, domain=electronics, member_unit=member_unit, state=State.ACCEPTED, submitted_at=OPEN
    )
    client = _login(secretariat_user)
    url = reverse("secretariat:nomination_action", args=[entry.pk])
    assert client.post(url, {"action": "recommend"}).status_code == 302
    first = _snapshot(entry)
    assert first["state"] == State.RECOMMENDED
    response = client.post(url, {"action": "recommend"}, follow=True)
    assert response.status_code == 403  # refused: the entry page again, with the reason
    assert any(m.startswith("不能推荐") for m in _messages(response))
    assert _snapshot(entry) == first
    assert entry.events.filter(verb="recommend").count() == 1


def test_unknown_actions_are_404_not_500(draft, member_user, secretariat_user):
    assert _login(member_user).post(reverse("member:act", args=[draft.pk, "destroy"])).status_code == 404
    draft.state = State.SUBMITTED
    draft.save()
    client = _login(secretariat_user)
    for action in ("", "destroy", "../x"):
        response = client.post(reverse("secretariat:nomination_action", args=[draft.pk]), {"action": action})
        assert response.status_code == 404
    assert Nomination.objects.get(pk=draft.pk).state == State.SUBMITTED


# ---------------------------------------------------------------- batch selections


def test_batch_with_foreign_and_non_numeric_ids_changes_nothing(
    secretariat_user, member_unit, other_member_unit, tech, electronics
):
    own = NominationFactory(
        ranking_list=tech, domain=electronics, member_unit=member_unit, state=State.SUBMITTED, submitted_at=OPEN
    )
    foreign = NominationFactory(
        ranking_list=tech, domain=electronics, member_unit=other_member_unit, state=State.SUBMITTED, submitted_at=OPEN
    )
    before = (_snapshot(own), _snapshot(foreign))
    client = _login(secretariat_user)
    ids = [str(own.pk), str(foreign.pk), "abc", "-1", "1e9", "", "9" * 40]
    response = client.post(reverse("secretariat:batch"), {"action": "accept", "ids": ids})
    assert response.status_code == 200
    page = response.content.decode()
    assert "所选申报中有记录不存在或您无权处理" in page
    assert foreign.title not in page
    response = client.post(reverse("secretariat:batch"), {"action": "accept", "ids": ids, "apply": "1"}, follow=True)
    assert response.status_code == 200
    assert any("本批操作未执行" in m for m in _messages(response))
    assert (_snapshot(own), _snapshot(foreign)) == before
    for data in (
        {"action": "nonsense", "ids": [str(own.pk)]},
        {"action": "accept"},
        {"action": "accept", "ids": ["x"]},
    ):
        response = client.post(reverse("secretariat:batch"), {**data, "apply": "1"})
        assert response.status_code in (200, 302)
    assert (_snapshot(own), _snapshot(foreign)) == before


# ---------------------------------------------------------------- query strings


BAD_QUERIES = (
    "?state=nonsense&page=abc&ordering=;drop",
    "?page=-1&ranking_list=abc&domain=999999&member_unit=x&flagged=maybe",
    "?page=99999&q=%00%27%22<script>alert(1)</script>",
    "?ordering=password&sort=;drop table&q=" + "x" * 5000,
)


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_nonsense_query_strings_never_fail(query, secretariat_user, platform_user, member_user):
    pages = {
        secretariat_user: ["secretariat:inbox", "secretariat:mail_log", "secretariat:dashboard", "exports:list"],
        platform_user: [
            "platform:audit_log",
            "platform:mail_log",
            "platform:dashboard",
            "reviews:platform_final",
            "reviews:platform_dispatch",
            "exports:list",
        ],
        member_user: ["member:dashboard", "exports:list"],
    }
    for user, names in pages.items():
        client = _login(user)
        for name in names:
            response = client.get(reverse(name) + query)
            assert response.status_code in (200, 400), (name, response.status_code)
            assert "<script>alert" not in response.content.decode()


def test_the_inbox_escapes_the_search_query(secretariat_user, campaign):
    response = _login(secretariat_user).get(reverse("secretariat:inbox") + '?q="><img src=x onerror=alert(1)>')
    assert response.status_code == 200
    page = response.content.decode()
    assert "<img src=x onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_published_list_of_a_silly_year_is_404(client, campaign):
    assert client.get("/published/0/").status_code == 404
    assert client.get("/published/99999999999999999999/").status_code == 404


# ---------------------------------------------------------------- uploads


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def _zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


FORGED = [
    ("setup.pdf", EXE, "内容不是允许的类型"),
    ("photo.png", b"just some text, not an image\n" * 10, "内容不是允许的类型"),
    ("form.docx", _zip_bytes(["readme.txt"]), "内容不是允许的类型"),
    ("fake.pdf", b"%PDF" + EXE, "内容不是允许的类型"),
    ("empty.pdf", b"", "文件为空"),
    ("big.pdf", b"%PDF-1.4\n" + b"0" * 4096, "单个附件不得超过"),
]


@pytest.mark.parametrize(("name", "content", "message"), FORGED, ids=[f[0] for f in FORGED])
@pytest.mark.parametrize("htmx", [False, True])
def test_forged_empty_and_oversized_files_are_refused(draft, member_user, settings, name, content, message, htmx):
    settings.ATTACHMENT_MAX_BYTES = 1024
    before = _snapshot(draft)
    client = _login(member_user)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(reverse("member:upload", args=[draft.pk]), {"file": upload}, follow=not htmx, **headers)
    if htmx:
        assert response.status_code == 400
        assert message in response.content.decode()
    else:
        assert response.status_code == 200
        assert any(message in m for m in _messages(response))
    assert _snapshot(draft) == before
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_and_a_total_over_the_limit(draft, member_user, settings):
    client = _login(member_user)
    response = client.post(reverse("member:upload", args=[draft.pk]), {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()
    settings.ATTACHMENT_MAX_TOTAL_BYTES = 100
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"1" * 150, content_type="application/pdf")
    response = client.post(reverse("member:upload", args=[draft.pk]), {"file": pdf}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "附件合计不得超过" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_name_with_markup_and_path_is_shown_escaped(draft, member_user):
    client = _login(member_user)
    name = '../../"><img src=x onerror=alert(1)>.pdf'
    pdf = SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    response = client.post(reverse("member:upload", args=[draft.pk]), {"file": pdf}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<img src=x onerror=alert(1)>" not in response.content.decode()
    attachment = Attachment.objects.get()
    assert "/" not in attachment.original_name and ".." not in attachment.file.name
    page = client.get(reverse("member:edit", args=[draft.pk])).content.decode()
    assert "<img src=x onerror=alert(1)>" not in page


STAMP_URLS = ["secretariat:stamp_upload", "secretariat:summary_upload"]
STAMP_FORGED = [*FORGED, ("scan.docx", _zip_bytes(["word/document.xml"]), "签字盖章页仅接受 PDF、JPEG、PNG 文件")]


def _stamp_url(name, entry):
    return reverse(name, args=[entry.pk]) if name == "secretariat:stamp_upload" else reverse(name)


@pytest.fixture
def recommended(member_unit, tech, electronics):
    return NominationFactory(ranking_list=tech, domain=electronics, member_unit=member_unit, state=State.RECOMMENDED)


@pytest.mark.parametrize(("name", "content", "message"), STAMP_FORGED, ids=[f[0] for f in STAMP_FORGED])
@pytest.mark.parametrize("url", STAMP_URLS)
def test_forged_empty_and_oversized_stamped_scans_are_refused(
    recommended, secretariat_user, settings, url, name, content, message
):
    from nominations.models import StampedPage

    settings.ATTACHMENT_MAX_BYTES = 1024
    client = _login(secretariat_user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(_stamp_url(url, recommended), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'data-testid="field-error"' in html
    assert not StampedPage.objects.exists()


@pytest.mark.parametrize("url", STAMP_URLS)
def test_a_stamped_scan_without_a_file_or_with_a_hostile_name(recommended, secretariat_user, url):
    from nominations.models import StampedPage

    client = _login(secretariat_user)
    response = client.post(_stamp_url(url, recommended), {})
    assert response.status_code == 400 and "请选择要上传的扫描件。" in response.content.decode()
    name = '../../"><img src=x onerror=alert(1)>.pdf'
    pdf = SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    response = client.post(_stamp_url(url, recommended), {"file": pdf}, follow=True)
    assert response.status_code == 200
    assert "<img src=x onerror=alert(1)>" not in response.content.decode()
    page = StampedPage.objects.get()
    assert "/" not in page.original_name and ".." not in page.file.name


# ---------------------------------------------------------------- Excel imports and staff forms


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BAD_IMPORTS = [
    ("members.xlsx", b"this is not a workbook", "无法读取该文件"),
    ("members.xlsx", _zip_bytes(["word/document.xml"]), "无法读取该文件"),
    ("members.xlsx", _xlsx([["名字", "电话"], ["某单位", "123"]]), "缺少列"),
    ("members.xlsx", _xlsx([]), ""),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_IMPORTS, ids=["text", "docx-zip", "columns", "empty"])
def test_broken_member_imports(secretariat_user, campaign, name, content, message):
    before = MemberUnit.objects.count()
    client = _login(secretariat_user)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("secretariat:member_import"), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    response = client.post(reverse("secretariat:member_import"), {"payload": "not json"}, follow=True)
    assert response.status_code == 200
    assert MemberUnit.objects.count() == before


@pytest.mark.parametrize("kind", ["units", "pioneers"])
@pytest.mark.parametrize(("name", "content", "message"), BAD_IMPORTS, ids=["text", "docx-zip", "columns", "empty"])
def test_broken_platform_imports(platform_user, campaign, kind, name, content, message):
    before = (RecommendingUnit.objects.count(), Pioneer.objects.count())
    client = _login(platform_user)
    response = client.post(reverse("platform:import", args=[kind]), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    response = client.post(reverse("platform:import", args=[kind]), {"payload": '{"rows": "x"}'}, follow=True)
    assert response.status_code == 200
    assert (RecommendingUnit.objects.count(), Pioneer.objects.count()) == before


def test_invite_forms_refuse_bad_e_mails_codes_and_years(secretariat_user, platform_user, campaign):
    client = _login(secretariat_user)
    before = MemberUnit.objects.count()
    response = client.post(
        reverse("secretariat:members"),
        {"name": "甲" * 1000, "credit_code": "123", "contact_email": "not-an-email", "contact_phone": "x" * 100},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效的电子邮件" in page or "电子邮箱" in page or "邮箱" in page
    assert MemberUnit.objects.count() == before
    client = _login(platform_user)
    response = client.post(
        reverse("platform:pioneers"), {"name": "张三", "listed_year": "abc", "contact_email": "x@example.org"}
    )
    assert response.status_code == 200
    assert Pioneer.objects.filter(name="张三").count() == 0
    response = client.post(
        reverse("platform:extensions"),
        {"kind": "platform", "recommending_unit": "abc", "until": "2023-02-30T10:00", "reason": "x"},
    )
    assert response.status_code == 200
    assert "请" in response.content.decode()


def test_export_form_with_nonsense_values(secretariat_user, campaign):
    client = _login(secretariat_user)
    for data in (
        {"kind": "exe"},
        {"kind": "xlsx", "list": "nonsense"},
        {"kind": "xlsx", "state": ";drop"},
        {"kind": "xlsx", "unit": "abc"},
    ):
        response = client.post(reverse("exports:create"), data)
        assert response.status_code == 400, data
        assert "导出条件有误" in response.content.decode()
