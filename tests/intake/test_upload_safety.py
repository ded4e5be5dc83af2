"""ZIP bombs and lying ZIP headers are refused before anything is stored or opened by openpyxl; a
double click on 开始填写 or 上传 creates one draft and one attachment; a description with a NUL byte
gets a Chinese message and stores nothing.
"""

import hashlib
import importlib
import io
import re
import struct
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nominations import intake
from nominations.models import Attachment, MemberUnit, Nomination
from nominations.rules import uploads
from tests.intake.test_attachments import PDF_BYTES, docx_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
ZEROS = b"\0" * MB


def _bomb(parts: dict[str, bytes], inner: str, megabytes: int) -> bytes:
    """A ZIP with the small ``parts`` and one member ``inner`` of ``megabytes`` MB of NUL bytes, streamed."""
    buffer = io.BytesIO()
    # Level 1: the fastest deflate, still well over 100 to one on NUL bytes.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open(inner, "w") as member:
            for _ in range(megabytes):
                member.write(ZEROS)
    return buffer.getvalue()


def _lie_about_sizes(content: bytes, inner: str, declared: int) -> bytes:
    """``content`` with the central directory claiming that ``inner`` expands to ``declared`` bytes."""
    data = bytearray(content)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == inner.encode():
            struct.pack_into("<I", data, position + 24, declared)
        position += 4
    return bytes(data)


@cache
def docx_bomb() -> bytes:
    """1 MB of ZIP whose ``word/document.xml`` expands to 200 MB."""
    return _bomb({"[Content_Types].xml": "<Types/>"}, "word/document.xml", 200)


@cache
def xlsx_bomb() -> bytes:
    """A real workbook plus a 200 MB ``xl/sharedStrings.xml`` compressed to a few hundred KB."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes())) as real:
        parts = {info.filename: real.read(info) for info in real.infolist()}
    parts.pop("xl/sharedStrings.xml", None)
    return _bomb(parts, "xl/sharedStrings.xml", 200)


@cache
def high_ratio_docx() -> bytes:
    """A DOCX whose 10 MB member (under the total cap) is compressed about 1000 to one."""
    return _bomb({"[Content_Types].xml": "<Types/>"}, "word/document.xml", 10)


@cache
def lying_docx() -> bytes:
    """The 200 MB member declared as 1 MB: the total and the ratio look sane, the content does not."""
    return _lie_about_sizes(docx_bomb(), "word/document.xml", MB)


def _login(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _upload(client, nomination, name, content, htmx=True, **fields):
    url = reverse("member:upload", kwargs={"pk": nomination.pk})
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(url, {"file": SimpleUploadedFile(name, content), **fields}, **headers)


# ---------------------------------------------------------------- the rule


def test_the_bombs_are_small_and_really_expand():
    assert len(docx_bomb()) < 1 * MB
    with zipfile.ZipFile(io.BytesIO(docx_bomb())) as archive:
        assert archive.getinfo("word/document.xml").file_size == 200 * MB
    with zipfile.ZipFile(io.BytesIO(lying_docx())) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size == MB and info.file_size < 100 * info.compress_size


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (docx_bomb, "解压后共 200 MB，超过上限 50 MB"),
        (xlsx_bomb, "解压后共 200 MB，超过上限 50 MB"),
        (high_ratio_docx, "压缩比异常"),
        (lying_docx, "声明的大小与实际内容不符"),
    ],
    ids=["total", "xlsx-total", "ratio", "lying-header"],
)
def test_check_zip_refuses_bombs_and_lies(content, message):
    decision = uploads.check_zip(io.BytesIO(content()), "申报书.docx")
    assert not decision
    assert message in decision.reason and "“申报书.docx”" in decision.reason


def test_check_zip_refuses_too_many_members():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        for index in range(uploads.ZIP_MAX_MEMBERS):
            archive.writestr(f"word/media/{index}.txt", "")
    decision = uploads.check_zip(buffer, "多.docx")
    assert not decision and f"超过上限 {uploads.ZIP_MAX_MEMBERS} 个" in decision.reason


def test_the_total_cap_is_a_setting(settings):
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = 5 * MB
    decision = uploads.check_zip(io.BytesIO(high_ratio_docx()), "a.docx")
    assert not decision and "超过上限 5 MB" in decision.reason


def test_real_office_files_pass():
    assert uploads.check_zip(io.BytesIO(docx_bytes()), "a.docx")
    assert uploads.check_zip(io.BytesIO(xlsx_bytes()), "a.xlsx")


# ---------------------------------------------------------------- attachments


@pytest.mark.parametrize(
    ("content", "message"),
    [(docx_bomb, "超过上限 50 MB"), (high_ratio_docx, "压缩比异常"), (lying_docx, "声明的大小与实际内容不符")],
    ids=["total", "ratio", "lying-header"],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_a_zip_bomb_attachment_is_refused_and_nothing_stored(
    member_user, at_open, make_nomination, content, message, htmx
):
    nomination = make_nomination()
    client = _login(member_user)
    url = reverse("member:upload", kwargs={"pk": nomination.pk})
    posted = {"file": SimpleUploadedFile("申报书.docx", content()), "description": "申报书"}
    if htmx:
        response = client.post(url, posted, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
    else:
        response = client.post(url, posted, follow=True)
        assert response.status_code == 200
    assert "文件“申报书.docx”" in response.content.decode()
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


# ---------------------------------------------------------------- Excel imports


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened an unchecked file")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.mark.parametrize(
    ("user", "url_name", "args"),
    [
        ("secretariat_user", "secretariat:member_import", []),
        ("platform_user", "platform:import", ["units"]),
        ("platform_user", "platform:import", ["pioneers"]),
    ],
    ids=["member-import", "unit-import", "pioneer-import"],
)
def test_an_xlsx_bomb_is_refused_next_to_the_import_field(
    request, user, url_name, args, campaign, openpyxl_never_opens
):
    client = _login(request.getfixturevalue(user))
    target = reverse(url_name, args=args)
    before = MemberUnit.objects.count()
    response = client.post(target, {"file": SimpleUploadedFile("会员单位.xlsx", xlsx_bomb())})
    assert response.status_code == 200
    page = response.content.decode()
    feedback = re.search(r'<div class="invalid-feedback d-block">(.*?)</div>', page)
    assert feedback and "文件“会员单位.xlsx”解压后共 200 MB，超过上限 50 MB" in feedback.group(1)
    assert MemberUnit.objects.count() == before


def test_the_sheet_reader_checks_the_file_itself(openpyxl_never_opens):
    from nominations.membership import MEMBER_COLUMNS, read_sheet

    rows, errors = read_sheet(io.BytesIO(xlsx_bomb()), MEMBER_COLUMNS)
    assert rows == [] and len(errors) == 1 and "解压后共 200 MB" in errors[0]


# ---------------------------------------------------------------- double clicks


def _new_entry_token(client) -> str:
    page = client.get(reverse("member:new")).content.decode()
    match = re.search(r'name="token" value="([0-9a-f]{32})"', page)
    assert match, "the new-entry form carries a one-time token"
    return match.group(1)


def test_two_clicks_on_start_create_one_draft(member_user, at_open, tech, electronics):
    client = _login(member_user)
    token = _new_entry_token(client)
    posted = {"ranking_list": str(tech.pk), "domain": str(electronics.pk), "token": token}
    first = client.post(reverse("member:new"), posted)
    second = client.post(reverse("member:new"), posted)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    draft = Nomination.objects.get()
    assert first.url == reverse("member:edit", args=[draft.pk])
    assert draft.domain == electronics


def test_each_new_form_creates_its_own_draft(member_user, at_open, tech, electronics):
    client = _login(member_user)
    for _ in range(2):
        token = _new_entry_token(client)
        posted = {"ranking_list": str(tech.pk), "domain": str(electronics.pk), "token": token}
        assert client.post(reverse("member:new"), posted).status_code == 302
    assert Nomination.objects.count() == 2


def test_a_used_form_with_another_list_is_refused(member_user, at_open, tech, electronics, enterprise):
    client = _login(member_user)
    token = _new_entry_token(client)
    client.post(reverse("member:new"), {"ranking_list": str(tech.pk), "domain": str(electronics.pk), "token": token})
    response = client.post(reverse("member:new"), {"ranking_list": str(enterprise.pk), "token": token})
    assert response.status_code == 400
    assert "此页面已用于创建一份申报草稿，请刷新页面后重新选择榜单。" in response.content.decode()
    assert Nomination.objects.count() == 1
    assert _new_entry_token(client) != token


def test_a_tampered_token_is_a_chinese_message(member_user, at_open, tech, electronics):
    response = _login(member_user).post(
        reverse("member:new"), {"ranking_list": str(tech.pk), "domain": str(electronics.pk), "token": "x\x00"}
    )
    assert response.status_code == 400
    assert "页面已失效，请刷新后重试。" in response.content.decode()
    assert not Nomination.objects.exists()


def _upload_token(client, nomination) -> str:
    page = client.get(reverse("member:edit", args=[nomination.pk])).content.decode()
    match = re.search(r'name="token" value="([0-9a-f]{32})"', page)
    assert match, "the upload form carries a one-time token"
    return match.group(1)


def test_two_clicks_on_upload_store_one_attachment(member_user, at_open, make_nomination):
    nomination = make_nomination()
    client = _login(member_user)
    token = _upload_token(client, nomination)
    for _ in range(2):
        response = _upload(client, nomination, "专利证书.pdf", PDF_BYTES, token=token, description="证明")
        assert response.status_code == 200
        assert "已上传“专利证书.pdf”" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert response.content.decode().count("专利证书.pdf</a>") == 1


def test_the_same_file_under_the_same_name_is_the_existing_attachment(member_user, at_open, make_nomination):
    nomination = make_nomination()
    client = _login(member_user)
    _upload(client, nomination, "专利证书.pdf", PDF_BYTES)
    _upload(client, nomination, "专利证书.pdf", PDF_BYTES)
    assert Attachment.objects.count() == 1
    _upload(client, nomination, "专利证书（副本）.pdf", PDF_BYTES)
    assert Attachment.objects.count() == 2  # another name is the author's choice


def test_a_used_upload_form_with_another_file_is_refused(member_user, at_open, make_nomination):
    nomination = make_nomination()
    client = _login(member_user)
    token = _upload_token(client, nomination)
    _upload(client, nomination, "a.pdf", PDF_BYTES, token=token)
    response = _upload(client, nomination, "b.pdf", PDF_BYTES + b"%other\n", token=token)
    assert response.status_code == 400
    assert "此上传表单已使用过，请刷新页面后重新选择文件。" in response.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["a.pdf"]


def test_the_migration_backfills_sha256(member_user, at_open, make_nomination):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.pdf", PDF_BYTES))
    Attachment.objects.update(sha256="")
    path = next(Path(__file__).parents[2].glob("nominations/migrations/*_creation_tokens_and_attachment_sha256.py"))
    migration = importlib.import_module(f"nominations.migrations.{path.stem}")
    migration.backfill_sha256(apps, None)
    attachment.refresh_from_db()
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


# ---------------------------------------------------------------- the description


@pytest.mark.parametrize("htmx", [True, False])
def test_a_nul_in_the_description_is_a_chinese_message_and_stores_nothing(member_user, at_open, make_nomination, htmx):
    nomination = make_nomination()
    client = _login(member_user)
    url = reverse("member:upload", kwargs={"pk": nomination.pk})
    posted = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "description": "证明\x00材料"}
    if htmx:
        response = client.post(url, posted, HTTP_HX_REQUEST="true")
        assert response.status_code == 400
    else:
        response = client.post(url, posted, follow=True)
        assert response.status_code == 200
    assert "附件说明：内容含有空字符（NUL，第 3 个字符），请删除后再提交。" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_too_long_description_is_refused(member_user, at_open, make_nomination):
    nomination = make_nomination()
    response = _upload(_login(member_user), nomination, "a.pdf", PDF_BYTES, description="说" * 201)
    assert response.status_code == 400
    assert "附件说明：不超过 200 个字符" in response.content.decode()
    assert not Attachment.objects.exists()
