"""签字盖章 and the 推荐汇总表: the campaign's requirements on the pages, the secretariat's uploads (checked
by content, SHA-256 stored, replaceable until confirming, audited), the 汇总表's Word and PDF, and
confirming refused until every required scan is there."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from nominations import confirmation, stamps
from nominations.models import AuditEvent, Participation, StampedPage, StampRequirement, StampScope, State
from tests.intake.test_attachments import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes

pytestmark = pytest.mark.usefixtures("stamps_required")


def _upload_entry(client, entry, name="签字盖章页.pdf", content=PDF_BYTES, follow=True):
    url = reverse("secretariat:stamp_upload", args=[entry.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=follow)


def _upload_summary(client, name="推荐汇总表.png", content=PNG_BYTES, follow=True):
    return client.post(
        reverse("secretariat:summary_upload"), {"file": SimpleUploadedFile(name, content)}, follow=follow
    )


def _confirm_page(client):
    return client.get(reverse("secretariat:confirm")).content.decode()


def test_the_campaign_file_says_what_must_be_stamped(campaign):
    rows = {r.scope: r for r in StampRequirement.objects.filter(campaign=campaign)}
    assert rows[StampScope.ENTRY].label == "推荐表签字盖章页" and rows[StampScope.ENTRY].required
    assert rows[StampScope.SUMMARY].label == "推荐汇总表" and rows[StampScope.SUMMARY].required
    # Loading twice changes nothing (one row per scope).
    stamps.load_stamp_requirements(campaign, [{"scope": "entry", "label": "推荐表签字盖章页", "required": False}])
    assert StampRequirement.objects.filter(campaign=campaign).count() == 2
    assert not StampRequirement.objects.get(campaign=campaign, scope="entry").required
    with pytest.raises(ValueError):
        stamps.load_stamp_requirements(campaign, [{"scope": "page", "label": "x"}])


def test_the_secretariat_uploads_and_replaces_an_entrys_stamped_pages(client, secretariat_user, make_nomination):
    entry = make_nomination(state=State.RECOMMENDED, title="量子传感芯片")
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    assert "签字盖章：推荐表签字盖章页" in page and "确认推荐前必须上传" in page and "尚未上传。" in page
    html = _upload_entry(client, entry).content.decode()
    assert "已上传签字盖章页" in html
    stored = StampedPage.objects.get(nomination=entry)
    assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert stored.content_type == "application/pdf" and stored.original_name == "签字盖章页.pdf"
    assert stored.sha256 in html
    # Replaced: one current scan, the old file gone; both uploads audited with their digests.
    _upload_entry(client, entry, "重新盖章.png", PNG_BYTES)
    assert StampedPage.objects.filter(nomination=entry).get().original_name == "重新盖章.png"
    notes = list(
        AuditEvent.objects.filter(verb="stamp_upload", nomination=entry).order_by("pk").values_list("note", flat=True)
    )
    assert (
        notes[0].startswith("上传推荐表签字盖章页：签字盖章页.pdf")
        and hashlib.sha256(PDF_BYTES).hexdigest() in notes[0]
    )
    assert notes[1].startswith("更换推荐表签字盖章页：重新盖章.png")
    # The download gives the bytes back to the unit; another unit's secretariat gets 404.
    download = client.get(reverse("stamped_page", args=[StampedPage.objects.get(nomination=entry).pk]))
    assert b"".join(download.streaming_content) == PNG_BYTES


def test_a_scan_is_checked_by_content(client, secretariat_user, make_nomination):
    entry = make_nomination(state=State.RECOMMENDED)
    client.force_login(secretariat_user)
    response = _upload_entry(client, entry, "盖章页.pdf", EXE_BYTES, follow=False)
    assert response.status_code == 400
    assert "的内容不是允许的类型" in response.content.decode()
    response = _upload_entry(client, entry, "盖章页.docx", docx_bytes(), follow=False)
    assert response.status_code == 400 and "签字盖章页仅接受 PDF、JPEG、PNG 文件" in response.content.decode()
    response = client.post(reverse("secretariat:stamp_upload", args=[entry.pk]), {})
    assert response.status_code == 400 and "请选择要上传的扫描件。" in response.content.decode()
    assert not StampedPage.objects.exists()


def test_only_a_recommended_entry_takes_stamped_pages_and_only_from_its_unit(
    client, secretariat_user, other_secretariat_user, make_nomination
):
    accepted = make_nomination(state=State.ACCEPTED)
    client.force_login(secretariat_user)
    response = _upload_entry(client, accepted, follow=False)
    assert response.status_code == 403 and "只有已推荐的申报需要上传推荐表签字盖章页" in response.content.decode()
    recommended = make_nomination(state=State.RECOMMENDED)
    client.force_login(other_secretariat_user)
    assert _upload_entry(client, recommended, follow=False).status_code == 404
    assert not StampedPage.objects.exists()


def test_the_summary_lists_the_quota_used_as_word_and_says_draft(
    client, secretariat_user, make_nomination, society, campaign
):
    make_nomination(state=State.RECOMMENDED, title="量子传感芯片")
    client.force_login(secretariat_user)
    page = _confirm_page(client)
    assert "推荐汇总表与签字盖章" in page and "下载推荐汇总表（Word）" in page
    response = client.get(reverse("secretariat:summary_docx"))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2023年“科创中国”系列榜单推荐汇总表" in text and f"推荐单位：{society.name}" in text
    assert document.sections[0].header.paragraphs[0].text == "草稿 · 非正式版"
    quota_table, entry_table = document.tables
    electronics = next([c.text for c in row.cells] for row in quota_table.rows if row.cells[1].text == "电子信息")
    assert electronics == ["先导技术榜", "电子信息", "6", "1"]  # 3 × 2 channels (可叠加)
    assert [c.text for c in entry_table.rows[1].cells][3] == "量子传感芯片"


def test_the_summary_pdf_is_watermarked_until_confirmed(client, secretariat_user, make_nomination, monkeypatch):
    from nominations.documents import pdf

    calls = []
    monkeypatch.setattr(pdf, "soffice_binary", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(pdf, "_convert", lambda binary, data, watermark: calls.append(watermark) or b"%PDF-1.4 x")
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:summary_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert calls == ["草稿 · 非正式版"]


def test_the_summary_pdf_without_the_engine_says_why(client, secretariat_user, monkeypatch):
    from nominations.documents import pdf

    monkeypatch.setattr(pdf, "soffice_binary", lambda: None)
    client.force_login(secretariat_user)
    response = client.get(reverse("secretariat:summary_pdf"))
    assert response.status_code == 503 and "服务器未安装 LibreOffice" in response.content.decode()


def test_confirming_waits_for_every_stamped_scan(client, secretariat_user, make_nomination, society, campaign):
    first = make_nomination(state=State.RECOMMENDED, title="量子传感芯片")
    second = make_nomination(state=State.RECOMMENDED, title="氢能储运材料")
    client.force_login(secretariat_user)
    page = _confirm_page(client)
    assert "请先上传签字盖章的推荐汇总表。" in page
    assert 'data-testid="confirm-button" disabled' in page
    _upload_summary(client)
    decision = confirmation.check_confirm(secretariat_user, society, campaign)
    assert decision.reason == f"以下已推荐的申报尚未上传推荐表签字盖章页：{first.code}、{second.code}。"
    page = _confirm_page(client)
    assert decision.reason in page and "已上传 0 / 2 项" in page
    _upload_entry(client, first)
    _upload_entry(client, second)
    # A POST refused on the way too (the same rule): not confirmed until everything is there.
    assert confirmation.check_confirm(secretariat_user, society, campaign)
    response = client.post(reverse("secretariat:confirm"), {"confirm": "1"}, follow=True)
    assert "已向平台确认本单位的推荐结果" in response.content.decode()
    assert Participation.objects.get(unit=society, campaign=campaign).confirmed_at is not None
    # After confirming nothing may be replaced.
    response = _upload_entry(client, first, follow=False)
    assert (
        response.status_code == 403 and "本单位已确认推荐结果，推荐表签字盖章页不能再更换" in response.content.decode()
    )
    response = _upload_summary(client, follow=False)
    assert response.status_code == 403 and "推荐汇总表不能再更换" in response.content.decode()


def test_a_summary_stamped_before_a_change_must_be_stamped_again(
    client, secretariat_user, make_nomination, society, campaign
):
    entry = make_nomination(state=State.RECOMMENDED)
    client.force_login(secretariat_user)
    _upload_summary(client)
    _upload_entry(client, entry)
    assert confirmation.check_confirm(secretariat_user, society, campaign)
    make_nomination(state=State.RECOMMENDED)
    reason = confirmation.check_confirm(secretariat_user, society, campaign).reason
    assert reason.startswith("上传推荐汇总表之后推荐结果有变化，请重新下载推荐汇总表")
    with pytest.raises(confirmation.ConfirmationError):
        confirmation.confirm(secretariat_user, society, campaign)


def test_optional_scans_do_not_hold_confirmation(secretariat_user, make_nomination, society, campaign):
    make_nomination(state=State.RECOMMENDED)
    StampRequirement.objects.filter(campaign=campaign).update(required=False)
    assert confirmation.check_confirm(secretariat_user, society, campaign)
