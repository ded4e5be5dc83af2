"""The official (frozen) version of a recommended entry's form (nominations/official*.py): made at the
unit's confirmation, stamped on every page with the entry number, the serial number, 第 N 页 共 M 页
and the verification code; its SHA-256 stored; voided at reopening; checked on the public /verify/.

Tests marked ``pdf`` need ``soffice`` (skipped with the reason elsewhere; ``.ci/run`` requires them).
"""

import hashlib
import io
import re
import shutil
import subprocess
import zipfile
from collections import OrderedDict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from nominations import confirmation, official, official_numbers, official_pdf, official_verify
from nominations.documents import pdf
from nominations.models import AuditEvent, OfficialState, OfficialVersion, State
from tests.factories import NominationFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE_PLATFORM_DEADLINE = datetime(2023, 11, 25, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _in_time_and_fresh():
    """Before the platform deadline (confirming is open); each test converts afresh; no limiter state."""
    cache.clear()
    with time_machine.travel(BEFORE_PLATFORM_DEADLINE, tick=False):
        saved = pdf._recent
        pdf._recent = OrderedDict()
        yield
        pdf._recent = saved
    cache.clear()


@pytest.fixture
def no_engine(monkeypatch):
    monkeypatch.setattr(pdf, "SOFFICE", "/nonexistent/soffice")


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirmation.confirm(secretariat_user, society, campaign)
    return {v.nomination_id: v for v in OfficialVersion.objects.filter(voided_at=None).select_related("campaign")}


@pytest.mark.pdf
def test_confirming_freezes_one_official_pdf_per_recommended_entry(
    client, entries, campaign, society, secretariat_user, member_user, django_capture_on_commit_callbacks
):
    not_recommended = NominationFactory(
        ranking_list=entries["tech"].ranking_list,
        domain=entries["tech"].domain,
        member_unit=entries["tech"].member_unit,
        state=State.ACCEPTED,
        title="未推荐的技术",
    )
    versions = _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks)
    assert set(versions) == {entry.pk for entry in entries.values()}  # not the entry left 未获推荐
    assert not_recommended.pk not in versions
    serials = sorted(v.serial_number for v in versions.values())
    assert serials == [f"KCZG-ZS-2023-{n:06d}" for n in range(1, 5)]
    assert len({v.code for v in versions.values()}) == 4
    event = AuditEvent.objects.get(verb="official_freeze")
    assert "生成正式版申报书 4 份（序列号 KCZG-ZS-2023-000001 至 KCZG-ZS-2023-000004）" in event.note

    version = versions[entries["tech"].pk]
    assert version.state == OfficialState.DONE, version.error
    data = version.file.read()
    assert hashlib.sha256(data).hexdigest() == version.sha256
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", version.printed_code)
    pages = _pages(data)
    assert version.pages == len(pages) >= 1
    for number, text in enumerate(pages, start=1):
        flat = _flat(text)
        assert f"申报编号：{entries['tech'].code}" in flat
        assert f"正式版序列号：{version.serial_number}" in flat
        assert f"验证码：{version.printed_code}" in flat
        assert f"第 {number} 页 共 {len(pages)} 页" in flat
        assert "非正式版" not in flat and "草稿" not in flat  # no watermark
    assert "量子传感芯片关键技术" in "".join(pages).replace(" ", "")
    if shutil.which("pdftoppm"):  # the first page as PNG, for a look at the footer
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "pdf-form-official.pdf").write_bytes(data)
        command = ["pdftoppm", "-png", "-r", "60", "-singlefile", "-f", "1", "-l", "1"]
        target = ARTIFACTS / "pdf-form-official-page1"
        subprocess.run([*command, str(ARTIFACTS / "pdf-form-official.pdf"), str(target)], check=True, timeout=60)

    # The entry page offers the official version: the same file, byte for byte, and its code.
    client.force_login(member_user)
    page = client.get(reverse("member:detail", args=[entries["tech"].pk])).content.decode()
    assert "正式版" in page and version.printed_code in page
    assert "Word 版为非正式版，正式版以带验证码的 PDF 为准。" in page
    response = client.get(reverse("exports:nomination_pdf", args=[entries["tech"].pk]))
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    assert hashlib.sha256(downloaded).hexdigest() == version.sha256
    assert "%E6%AD%A3%E5%BC%8F%E7%89%88.pdf" in response["Content-Disposition"]  # …_正式版.pdf


@pytest.mark.pdf
def test_verify_accepts_the_code_and_the_file_rejects_a_modified_copy_and_says_voided(
    client, entries, campaign, society, secretariat_user, platform_user, django_capture_on_commit_callbacks
):
    versions = _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks)
    version = versions[entries["organization"].pk]
    data = version.file.read()

    # The code, typed with or without dashes (lower case too), or in the address.
    for typed in (version.printed_code, version.code.lower()):
        page = client.post(reverse("verify:form"), {"code": typed}).content.decode()
        assert official_verify.AUTHENTIC in page
        assert entries["organization"].code in page and "融通创新组织榜" in page and "中国技术经济学会" in page
        assert "2023年11月25日 10:00" in page
        assert "长三角融通创新联盟" not in page  # the entry's title is not shown: only the four facts
    response = client.get(reverse("verify:code", args=[version.printed_code]))
    assert response.status_code == 200 and official_verify.AUTHENTIC in response.content.decode()

    # The file itself; then a copy with one byte changed, and one with a byte appended.
    upload = SimpleUploadedFile("正式版.pdf", data, content_type="application/pdf")
    page = client.post(reverse("verify:form"), {"file": upload}).content.decode()
    assert official_verify.AUTHENTIC_FILE in page and entries["organization"].code in page
    index = data.index(b"/Producer") if b"/Producer" in data else len(data) // 2
    tampered = data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]
    for copy in (tampered, data + b"\n"):
        page = client.post(
            reverse("verify:form"), {"file": SimpleUploadedFile("a.pdf", copy, content_type="application/pdf")}
        ).content.decode()
        assert official_verify.MODIFIED in page
        assert entries["organization"].code not in page
    # Not a PDF at all: the message next to the field.
    response = client.post(reverse("verify:form"), {"file": SimpleUploadedFile("a.pdf", b"GIF89a fake")})
    assert response.status_code == 400 and official_verify.NOT_PDF in response.content.decode()
    # A wrong code, and one that cannot be a code.
    response = client.get(reverse("verify:code", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404 and official_verify.NOT_FOUND in response.content.decode()
    response = client.post(reverse("verify:form"), {"code": "0000-1111-OOOO"})
    assert response.status_code == 400 and official_verify.BAD_CODE in response.content.decode()
    response = client.post(reverse("verify:form"), {})
    assert response.status_code == 400 and "请输入验证码，或上传 PDF 文件。" in response.content.decode()

    # Reopening voids the versions (kept, 作废); /verify/ says so; a new confirmation freezes new ones.
    confirmation.reopen(platform_user, society, campaign, "调整推荐")
    version.refresh_from_db()
    assert version.is_void and "推荐单位重新开放" in version.void_reason
    page = client.get(reverse("verify:code", args=[version.printed_code])).content.decode()
    assert official_verify.VOIDED in page and "已作废" in page
    page = client.post(
        reverse("verify:form"), {"file": SimpleUploadedFile("a.pdf", data, content_type="application/pdf")}
    ).content.decode()
    assert "已作废" in page
    again = _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks)
    renewed = again[entries["organization"].pk]
    assert renewed.pk != version.pk and renewed.code != version.code
    assert renewed.serial_number == "KCZG-ZS-2023-000007"  # 3rd of 4 again: numbers never reused
    assert OfficialVersion.objects.filter(nomination=entries["organization"]).count() == 2


def test_a_failed_rendering_never_blocks_confirming_and_shows_on_the_entry_page(
    client, entries, campaign, society, secretariat_user, member_user, no_engine, django_capture_on_commit_callbacks
):
    versions = _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks)
    assert confirmation.is_confirmed(society, campaign)
    version = versions[entries["tech"].pk]
    assert version.state == OfficialState.FAILED and version.error == pdf.UNAVAILABLE
    client.force_login(member_user)
    page = client.get(reverse("member:detail", args=[entries["tech"].pk])).content.decode()
    assert official.FAILED_REASON in page and "正式版" in page
    response = client.get(reverse("exports:nomination_pdf", args=[entries["tech"].pk]))
    assert response.status_code == 503 and official.FAILED_REASON in response.content.decode()
    # The hourly job queues it again (here: eager, still no engine, still failed, tried once more).
    assert entries["tech"].pk in set(
        OfficialVersion.objects.filter(pk__in=official_pdf.retry_unfinished()).values_list("nomination_id", flat=True)
    )
    version.refresh_from_db()
    assert version.attempts == 2


def test_serial_numbers_run_on_across_units_and_codes_are_typed_loosely(campaign, society, other_unit):
    assert official_numbers.take_serials(campaign, 3) == [1, 2, 3]
    assert official_numbers.take_serials(campaign, 2) == [4, 5]
    assert official_numbers.take_serials(campaign, 0) == []
    code = official_numbers.new_code()
    assert len(code) == 12 and not set(code) & set("01OIL")
    assert official_numbers.normalize_code(f" {code[:4].lower()} {code[4:8]}－{code[8:]} ") == code
    assert official_numbers.normalize_code("ABCD-EFGH-JKM") is None
    assert official_numbers.normalize_code("ABCD-EFGH-JKMO") is None


def test_failed_look_ups_are_limited_per_address(client, settings, campaign):
    settings.VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert client.get(reverse("verify:code", args=["ZZZZ-ZZZZ-ZZZZ"])).status_code == 404
    response = client.post(reverse("verify:form"), {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert response.status_code == 429 and "核验失败次数过多，请 10 分钟后再试。" in response.content.decode()
    assert client.get(reverse("verify:form")).status_code == 200  # the empty form still opens


def _official_file(nomination, campaign, content: bytes) -> OfficialVersion:
    version = OfficialVersion(
        nomination=nomination,
        campaign=campaign,
        serial=1,
        code=official_numbers.new_code(),
        state=OfficialState.DONE,
        frozen_at=datetime(2023, 11, 25, 10, 0, tzinfo=SHANGHAI),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    version.file.save("official.pdf", ContentFile(content), save=False)
    version.save()
    return version


@pytest.mark.pdf
def test_export_forms_writes_the_pdfs_many_per_soffice_call(entries, other_nomination, campaign, tmp_path, monkeypatch):
    frozen = b"%PDF-1.4 the official version as stored\n%%EOF\n"
    _official_file(entries["manager"], campaign, frozen)
    calls = []
    run = pdf._run_soffice

    def counted(binary, sources, outdir, watermark, timeout):
        calls.append(len(sources))
        return run(binary, sources, outdir, watermark, timeout)

    monkeypatch.setattr(pdf, "_run_soffice", counted)
    output = tmp_path / "forms.zip"
    out = io.StringIO()
    command = ["export_forms", "--campaign", "2023", "--output", str(output), "--format", "pdf", "--workers", "2"]
    call_command(*command, stdout=out)
    assert "已导出 5 条申报的 PDF 申报表" in out.getvalue()
    assert calls == [2, 2]  # the four drafts in two soffice processes side by side; the official one as stored
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        assert len(names) == 5 and all(name.endswith(".pdf") for name in names)
        manager = next(name for name in names if name.startswith("技术经理人先锋榜/"))
        assert archive.read(manager) == frozen
        tech = next(name for name in names if name.startswith("先导技术榜/电子信息/"))
        pages = _pages(archive.read(tech))
        assert all("非正式版" in page for page in pages)
        assert "量子传感芯片关键技术" in "".join(pages).replace(" ", "")


def test_export_forms_pdf_without_the_engine_says_why(entries, tmp_path, no_engine):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="PDF 暂不可用"):
        call_command("export_forms", "--campaign", "2023", "--output", str(tmp_path / "f.zip"), "--format", "pdf")
    with pytest.raises(CommandError, match="PDF 导出暂不包含附件"):
        call_command(
            "export_forms",
            "--campaign",
            "2023",
            "--output",
            str(tmp_path / "f.zip"),
            "--format",
            "pdf",
            "--with-attachments",
        )


FAKE_SOFFICE = """#!/bin/sh
# Like a soffice that dies on a bad form: any bad*.docx among its files and it writes nothing, else
# <stem>.pdf into --outdir for every .docx argument.
case "$*" in */bad3.docx*) exit 1 ;; esac
out=""; next=""
for arg in "$@"; do
  if [ "$next" = "outdir" ]; then out="$arg"; next=""; continue; fi
  case "$arg" in
    --outdir) next="outdir" ;;
    *.docx) name=$(basename "$arg" .docx); printf '%%PDF-1.4 fake' > "$out/$name.pdf" ;;
  esac
done
"""


def test_a_failing_batch_is_retried_file_by_file_so_one_bad_form_costs_only_itself(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE)
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "SOFFICE", str(fake))
    sources = []
    for name in ("a1", "a2", "bad3", "a4", "a5"):
        sources.append(tmp_path / f"{name}.docx")
        sources[-1].write_bytes(b"docx")
    seen = []
    made = pdf.convert_many(sources, tmp_path / "pdf", workers=1, batch_size=5, done=seen.append)
    assert sorted(path.stem for path in made) == ["a1", "a2", "a4", "a5"]
    assert seen == [4]


def test_no_soffice_call_gets_more_files_than_libreoffice_converts(tmp_path, monkeypatch):
    """LibreOffice 7.4 silently stops after 247 files of one call: batches stay at MAX_FILES_PER_CALL."""
    fake = tmp_path / "soffice"
    fake.write_text(FAKE_SOFFICE)
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "SOFFICE", str(fake))
    calls = []
    run = pdf._run_soffice
    monkeypatch.setattr(
        pdf, "_run_soffice", lambda binary, sources, *rest: calls.append(len(sources)) or run(binary, sources, *rest)
    )
    sources = []
    for index in range(450):
        sources.append(tmp_path / f"f{index:03d}.docx")
        sources[-1].write_bytes(b"docx")
    made = pdf.convert_many(sources, tmp_path / "pdf", workers=1, batch_size=1000)
    assert len(made) == 450
    assert calls == [200, 200, 50]


def test_render_official_retries_what_failed(
    entries, campaign, society, secretariat_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(pdf, "SOFFICE", "/nonexistent/soffice")
    _confirm(secretariat_user, society, campaign, django_capture_on_commit_callbacks)
    assert OfficialVersion.objects.filter(state=OfficialState.FAILED).count() == 4
    out = io.StringIO()
    call_command("render_official", stdout=out)
    assert "已重新提交 4 份正式版申报书的生成，其中 0 份已生成。" in out.getvalue()
