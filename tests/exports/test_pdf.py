"""The PDF of an entry's form (``exports:nomination_pdf``): LibreOffice converts the Word form; every page
of the draft carries the watermark; the same users as for the Word form; without the engine the link is
disabled with the reason and the URL answers 503 with it (the Word form still works).

Tests marked ``pdf`` need ``soffice``: they skip with a reason where it is absent, and ``.ci/run``
(``KCZG_REQUIRE_ALL=1``) fails if they were skipped there.
"""

import io
import shutil
import subprocess
from collections import OrderedDict
from pathlib import Path
from unittest.mock import patch

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from nominations.documents import pdf
from tests.reviews.conftest import IN_REVIEW_TIME, assign, body, criteria, experts, put_in_review, recommended

__all__ = ["body", "criteria", "experts"]  # the review fixtures, used by the reviewers' test

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
REASON = "PDF 暂不可用：服务器未安装 LibreOffice（soffice），请下载 Word 版本。"


def _text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def _fonts(data: bytes) -> dict[str, bool]:
    """Every font of the PDF's pages: its name and whether its glyphs are embedded."""
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"].get_object().get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


@pytest.fixture(autouse=True)
def _no_recent_pdfs(monkeypatch):
    """Each test converts afresh (the process keeps its last PDFs by the docx's hash)."""
    monkeypatch.setattr(pdf, "_recent", OrderedDict())


@pytest.fixture
def no_engine(monkeypatch):
    monkeypatch.setattr(pdf, "SOFFICE", "/nonexistent/soffice")


@pytest.mark.pdf
def test_member_downloads_the_watermarked_pdf_of_its_entry(client, entries, member_user):
    client.force_login(member_user)
    response = client.get(reverse("exports:nomination_pdf", args=[entries["tech"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"form.pdf\"; filename*=UTF-8''")
    assert disposition.endswith(f"_{entries['tech'].pk:06d}.pdf")
    assert "%E7%94%B3%E6%8A%A5%E6%A0%B7%E8%A1%A8" in disposition  # 申报样表, like the Word form's name
    pages, texts = _text(response.content)
    assert pages >= 1
    text = "".join(texts).replace(" ", "").replace("\n", "")
    assert "量子传感芯片关键技术" in text
    assert "李负责" in text and "13812345678" in text
    for page in texts:  # the draft watermark on every page
        assert "草稿" in page and "非正式版" in page
    fonts = _fonts(response.content)
    assert any("CJK" in name for name in fonts), fonts  # 宋体/黑体 → Noto CJK (pdf_fonts.conf)
    assert all(fonts.values()), fonts  # every font embedded
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        source = ARTIFACTS / "pdf-form-draft.pdf"
        source.write_bytes(response.content)
        command = ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1", str(source)]
        subprocess.run([*command, str(ARTIFACTS / "pdf-form-draft-page1")], check=True, timeout=60)


@pytest.mark.pdf
def test_the_clean_pdf_has_no_watermark_and_an_unchanged_form_is_not_converted_twice(entries, monkeypatch):
    from nominations import exports

    _name, data = exports.nomination_docx(entries["organization"])
    clean = pdf.docx_to_pdf(data, watermark=None)
    pages, texts = _text(clean)
    assert pages >= 1
    assert "长三角融通创新联盟" in "".join(texts).replace(" ", "")
    assert not any("非正式版" in page for page in texts)
    monkeypatch.setattr(pdf, "_convert", lambda *args: pytest.fail("converted again"))
    assert pdf.docx_to_pdf(data, watermark=None) == clean


@pytest.mark.pdf
def test_the_pdf_follows_the_word_forms_policy(
    client, entries, other_nomination, secretariat_user, other_secretariat_user, member_user
):
    url = reverse("exports:nomination_pdf", args=[entries["tech"].pk])
    assert client.get(url).status_code == 302  # log in first
    client.force_login(other_secretariat_user)
    assert client.get(reverse("exports:nomination_docx", args=[entries["tech"].pk])).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(member_user)
    assert client.get(reverse("exports:nomination_pdf", args=[other_nomination.pk])).status_code == 404
    assert client.get(reverse("exports:nomination_pdf", args=[999999])).status_code == 404
    client.force_login(secretariat_user)
    assert client.get(url).status_code == 200


def test_entry_pages_offer_the_pdf_next_to_the_word_form(client, entries, member_user, secretariat_user):
    entry = entries["tech"]
    pdf_url = reverse("exports:nomination_pdf", args=[entry.pk])
    client.force_login(member_user)
    for page_url in (reverse("member:detail", args=[entry.pk]), reverse("exports:list")):
        page = client.get(page_url).content.decode()
        assert "下载申报书（PDF）" in page and f'href="{pdf_url}"' in page, page_url
    client.force_login(secretariat_user)
    page = client.get(reverse("secretariat:nomination", args=[entry.pk])).content.decode()
    assert "下载申报书（Word）" in page and "下载申报书（PDF）" in page and f'href="{pdf_url}"' in page


def test_without_the_engine_the_link_is_disabled_and_the_url_answers_503(
    client, entries, member_user, other_secretariat_user, no_engine
):
    entry = entries["tech"]
    assert pdf.pdf_available().reason == REASON
    client.force_login(member_user)
    page = client.get(reverse("member:detail", args=[entry.pk])).content.decode()
    assert f'title="{REASON}"' in page and "disabled" in page
    assert reverse("exports:nomination_pdf", args=[entry.pk]) not in page
    response = client.get(reverse("exports:nomination_pdf", args=[entry.pk]))
    assert response.status_code == 503
    body = response.content.decode()
    assert REASON in body and "下载申报书（Word）" in body
    # The Word form still works.
    assert client.get(reverse("exports:nomination_docx", args=[entry.pk])).status_code == 200
    # The policy comes first: who may not see the entry gets 404, not the engine's reason.
    client.force_login(other_secretariat_user)
    assert client.get(reverse("exports:nomination_pdf", args=[entry.pk])).status_code == 404


def test_a_failed_conversion_answers_503_not_500(client, entries, member_user, monkeypatch, tmp_path):
    broken = tmp_path / "soffice"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(pdf, "SOFFICE", str(broken))
    client.force_login(member_user)
    response = client.get(reverse("exports:nomination_pdf", args=[entries["tech"].pk]))
    assert response.status_code == 503
    assert pdf.FAILED in response.content.decode()


def test_reviewers_get_the_pdf_of_the_entries_they_see_only(
    client, criteria, tech, electronics, society, body, experts, platform_user
):
    """The reviewers' entry page offers the PDF next to its Word form; the PDF URL's gate (the entry
    visible to the user) lets an assigned expert in and keeps an unassigned one out."""
    entry = put_in_review(recommended(tech, electronics, society, 1, title="评审项目"), body, platform_user)[0]
    assign(entry, experts[0], platform_user)
    url = reverse("exports:nomination_pdf", args=[entry.pk])
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        client.force_login(experts[0])
        page = client.get(reverse("reviews:expert_nomination", args=[entry.pk])).content.decode()
        assert "下载申报书（Word）" in page and "下载申报书（PDF）" in page and f'href="{url}"' in page
        with patch.object(pdf, "docx_to_pdf", return_value=b"%PDF-1.4 stub"):
            response = client.get(url)
            assert response.status_code == (200 if pdf.pdf_available() else 503)
            client.force_login(experts[1])
            assert client.get(url).status_code == 404
