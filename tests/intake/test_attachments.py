"""Attachments: recognised by content, limited in size, served only through the policy."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations import intake
from nominations.models import Attachment, State
from nominations.rules.uploads import DOCX, JPEG, PDF, PNG, XLSX, sniff
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def docx_bytes():
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def xlsx_bytes():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def zip_bytes(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [(PDF_BYTES, PDF), (PNG_BYTES, PNG), (JPEG_BYTES, JPEG), (docx_bytes(), DOCX), (xlsx_bytes(), XLSX)],
)
def test_sniff_recognises_allowed_kinds(content, kind):
    assert sniff(io.BytesIO(content)) is kind


@pytest.mark.parametrize(
    "content",
    [b"just text pretending to be a PDF", EXE_BYTES, zip_bytes(["readme.txt"]), b"PK\x03\x04broken", b""],
)
def test_sniff_refuses_everything_else(content):
    assert sniff(io.BytesIO(content)) is None


@pytest.fixture
def logged_in(client, member_user):
    client.login(username=member_user.username, password=PASSWORD)
    return client


def upload(client, nomination, name, content, **extra):
    url = reverse("member:upload", kwargs={"pk": nomination.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content), "description": "证明材料"}, **extra)


def test_upload_and_download_with_chinese_name(logged_in, at_open, make_nomination):
    nomination = make_nomination()
    response = upload(logged_in, nomination, "专利证书.pdf", PDF_BYTES, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已上传“专利证书.pdf”" in response.content.decode()
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF_BYTES)
    assert "专利证书" not in attachment.file.name and not attachment.file.name.endswith(".pdf")
    download = logged_in.get(reverse("attachment", kwargs={"pk": attachment.pk}))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=utf-8''{quote('专利证书.pdf')}" in disposition


def test_forged_pdf_is_refused(logged_in, at_open, make_nomination):
    nomination = make_nomination()
    response = upload(logged_in, nomination, "报告.pdf", b"this is plain text, not a PDF", follow=True)
    assert "文件“报告.pdf”的内容不是允许的类型" in response.content.decode()
    assert not Attachment.objects.exists()


def test_exe_renamed_png_is_refused(logged_in, at_open, make_nomination):
    nomination = make_nomination()
    response = upload(logged_in, nomination, "photo.png", EXE_BYTES, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "内容识别为 EXE" in response.content.decode()
    assert not Attachment.objects.exists()


def test_oversized_file_is_refused(logged_in, at_open, make_nomination, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    nomination = make_nomination()
    response = upload(logged_in, nomination, "big.pdf", PDF_BYTES + b"0" * 200, HTTP_HX_REQUEST="true")
    assert "单个附件不得超过 100 字节" in response.content.decode()
    assert not Attachment.objects.exists()


def test_total_per_entry_is_limited(member_user, at_open, make_nomination, settings):
    settings.ATTACHMENT_MAX_TOTAL_BYTES = len(PDF_BYTES) * 2 + 10
    nomination = make_nomination()
    for index in range(2):
        intake.add_attachment(nomination, member_user, SimpleUploadedFile(f"{index}.pdf", PDF_BYTES))
    with pytest.raises(intake.IntakeError, match="每项申报的附件合计不得超过"):
        intake.add_attachment(nomination, member_user, SimpleUploadedFile("2.pdf", PDF_BYTES))
    assert Attachment.objects.count() == 2


def test_upload_and_delete_only_while_editable(member_user, at_open, make_nomination):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.png", PNG_BYTES))
    nomination.state = State.SUBMITTED
    nomination.save()
    with pytest.raises(intake.IntakeError, match="不能修改"):
        intake.add_attachment(nomination, member_user, SimpleUploadedFile("b.png", PNG_BYTES))
    with pytest.raises(intake.IntakeError, match="不能修改"):
        intake.delete_attachment(attachment, member_user)


def test_delete_removes_the_file(logged_in, member_user, at_open, make_nomination, django_capture_on_commit_callbacks):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.docx", docx_bytes()))
    storage, name = attachment.file.storage, attachment.file.name
    url = reverse("member:delete_attachment", kwargs={"pk": nomination.pk, "attachment_pk": attachment.pk})
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(url)
    assert not Attachment.objects.exists() and not storage.exists(name)


def test_another_member_gets_404_for_the_attachment(client, member_user, other_member_user, at_open, make_nomination):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.pdf", PDF_BYTES))
    client.login(username=other_member_user.username, password=PASSWORD)
    assert client.get(reverse("attachment", kwargs={"pk": attachment.pk})).status_code == 404
    assert upload(client, nomination, "x.pdf", PDF_BYTES).status_code == 404
    url = reverse("member:delete_attachment", kwargs={"pk": nomination.pk, "attachment_pk": attachment.pk})
    assert client.post(url).status_code == 404
    assert Attachment.objects.count() == 1


def test_secretariat_sees_submitted_attachments_only(client, member_user, secretariat_user, at_open, make_nomination):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.pdf", PDF_BYTES))
    client.login(username=secretariat_user.username, password=PASSWORD)
    url = reverse("attachment", kwargs={"pk": attachment.pk})
    assert client.get(url).status_code == 404  # drafts are the member's own
    nomination.state = State.SUBMITTED
    nomination.save()
    assert client.get(url).status_code == 200


def test_anonymous_is_sent_to_log_in(client, member_user, at_open, make_nomination):
    nomination = make_nomination()
    attachment = intake.add_attachment(nomination, member_user, SimpleUploadedFile("a.pdf", PDF_BYTES))
    response = client.get(reverse("attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 302 and "/accounts/login/" in response.url
