"""The recommendation dossier in Chromium, up to the unit's confirmation: the society's secretariat runs
the 形式审查 (fails one entry on 签字盖章齐全 and another on 材料齐全, each with a fix-by time), the member
fixes the first within its time, the second misses it and becomes 不予受理 (the hourly lapse, run by
its command once the clock is past the time), the secretariat writes the 推荐意见 and recommends, uploads
each entry's stamped pages, downloads the 推荐汇总表 (PDF, draft watermark), finds confirming refused
until the stamped 汇总表 is uploaded, uploads it and confirms. Screenshots: ``test-artifacts/dossier-*``.

Then the official PDF (frozen at confirmation) downloads from the entry page with the entry's fields,
the 推荐意见 and the footer, and the public ``/verify/`` accepts it and rejects a copy changed by one byte.
"""

import io
import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from nominations.models import AuditEvent, Participation, StampedPage, State
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, NominationFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
IN_COLLECTION = datetime(2023, 11, 25, 10, 0, tzinfo=SHANGHAI)
# The fix-by times the secretariat types, and a moment past the shorter one.
FIX_BY_FIXED = "2023-11-28T17:00"
FIX_BY_MISSED = "2023-11-26T17:00"
PAST_MISSED = datetime(2023, 11, 26, 17, 5, tzinfo=SHANGHAI)

SENT = {"state": State.SUBMITTED, "sent_at": IN_COLLECTION, "opinion": ""}
PDF_SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_SCAN = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _switch_user(page, login, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)


def _formal_review(page, entry, failed=None, fix_by=None):
    """On the entry page: every item 通过 but ``failed`` ({label: remark}), then submit."""
    failed = failed or {}
    page.goto(f"/secretariat/entries/{entry.pk}/")
    card = page.get_by_test_id("formal-review")
    for item in card.get_by_test_id("formal-item").all():
        label = item.locator(".fw-semibold").first.inner_text()
        if label in failed:
            item.locator("input[type=radio][value=fail]").check()
            item.locator("textarea").fill(failed[label])
        else:
            item.locator("input[type=radio][value=pass]").check()
    if fix_by:
        card.locator("input[name=fix_by]").fill(fix_by)
    card.get_by_test_id("formal-review-submit").click()
    page.wait_for_load_state("networkidle")


def _recommend_with_opinion(page, entry, opinion):
    page.goto(f"/secretariat/entries/{entry.pk}/")
    page.fill("#opinion", opinion)
    page.get_by_test_id("save-opinion").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("已保存推荐意见")
    page.get_by_test_id("action-recommend").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("entry-state")).to_have_text("已推荐")


def _upload_stamped_pages(page, entry, tmp_path, name):
    page.goto(f"/secretariat/entries/{entry.pk}/")
    card = page.get_by_test_id("stamp-card")
    expect(card).to_contain_text("签字盖章：推荐表签字盖章页")
    expect(card.get_by_test_id("stamp-missing")).to_have_text("尚未上传。")
    scan = tmp_path / name
    scan.write_bytes(PDF_SCAN)
    card.locator("input[type=file]").set_input_files(str(scan))
    card.get_by_test_id("stamp-upload").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("stamp-current")).to_contain_text(name)


def _pdf_first_page_png(data, name):
    """Render the first page of a PDF to ``test-artifacts/<name>.png`` (poppler's pdftoppm), if present."""
    if not shutil.which("pdftoppm"):
        return
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-", str(ARTIFACTS / name)],
        input=data,
        check=True,
        timeout=60,
    )


@pytest.mark.usefixtures("stamps_required")
def test_dossier_from_formal_review_to_verified_official_pdf(
    page, login, screenshot, tmp_path, secretariat_user, member_user, society, member_unit, tech, electronics
):
    from pypdf import PdfReader

    page.on("dialog", lambda dialog: dialog.accept())
    with time_machine.travel(IN_COLLECTION, tick=True):
        chip = NominationFactory(
            member_unit=member_unit, ranking_list=tech, domain=electronics, title="量子传感芯片", **SENT
        )
        sensor = NominationFactory(
            member_unit=member_unit, ranking_list=tech, domain=electronics, title="柔性触觉传感器", **SENT
        )
        late = NominationFactory(
            member_unit=member_unit, ranking_list=tech, domain=electronics, title="氢能储运材料", **SENT
        )

        # 形式审查: the chip fails on 签字盖章, the late one on 材料齐全; the sensor passes (受理).
        login(page, "secretariat", PASSWORD)
        _formal_review(page, chip, {"签字盖章齐全": "推荐表缺少法定代表人签字"}, FIX_BY_FIXED)
        expect(page.get_by_test_id("entry-state")).to_have_text("退回修改")
        expect(page.get_by_test_id("formal-reviews")).to_contain_text("未通过的项目：签字盖章齐全")
        screenshot(page, "dossier-01-formal-review-failed")
        _formal_review(page, late, {"材料齐全": "缺少第三方检测报告"}, FIX_BY_MISSED)
        expect(page.get_by_test_id("entry-state")).to_have_text("退回修改")
        _formal_review(page, sensor)
        expect(page.get_by_test_id("entry-state")).to_have_text("已受理")

        # The member sees the failed item and the fix-by time, and resubmits in time (after its own
        # deadline of 11-20 17:00: the fix-by time is the entry's extension).
        _switch_user(page, login, "member")
        page.goto(f"/member/{chip.pk}/")
        failed = page.get_by_test_id("formal-failed")
        expect(failed).to_contain_text("签字盖章齐全")
        expect(failed).to_contain_text("2023年11月28日 17:00")
        screenshot(page, "dossier-02-member-sees-formal-result")
        page.get_by_role("button", name="重新提交").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#entry-state")).to_have_text("已提交")

    # The other one was not resubmitted: past its fix-by time the hourly lapse makes it 不予受理.
    with time_machine.travel(PAST_MISSED, tick=True):
        call_command("lapse_overdue", verbosity=0)
        late.refresh_from_db()
        assert late.state == State.DECLINED
        _switch_user(page, login, "secretariat")
        page.goto(f"/secretariat/entries/{late.pk}/")
        expect(page.get_by_test_id("entry-state")).to_have_text("未受理")
        expect(page.get_by_test_id("history")).to_contain_text("已过，未重新提交，不予受理")
        screenshot(page, "dossier-03-lapsed")

        # The fixed one passes its second review; both get their 推荐意见 and are recommended.
        _formal_review(page, chip)
        expect(page.get_by_test_id("entry-state")).to_have_text("已受理")
        _recommend_with_opinion(page, chip, "该芯片技术指标国内领先，已在多家整机企业批量应用，同意推荐。")
        _recommend_with_opinion(page, sensor, "该传感器已实现量产，填补国内空白，同意推荐。")

        # Confirming is refused until the stamped 汇总表 and both entries' stamped pages are there.
        page.goto("/secretariat/confirm/")
        expect(page.get_by_test_id("confirm-button")).to_be_disabled()
        expect(page.get_by_test_id("confirm-refused")).to_have_text("请先上传签字盖章的推荐汇总表。")
        expect(page.get_by_test_id("stamp-requirements")).to_contain_text("推荐表签字盖章页")
        expect(page.get_by_test_id("stamp-missing-entries")).to_contain_text("量子传感芯片")
        screenshot(page, "dossier-04-confirm-refused")

        _upload_stamped_pages(page, chip, tmp_path, "量子传感芯片-盖章页.pdf")
        screenshot(page, "dossier-05-stamped-pages")
        _upload_stamped_pages(page, sensor, tmp_path, "柔性触觉传感器-盖章页.pdf")

        # The 推荐汇总表: the PDF carries the draft watermark and lists the recommendations.
        page.goto("/secretariat/confirm/")
        with page.expect_download() as download_info:
            page.get_by_test_id("summary-pdf").click()
        data = download_info.value.path().read_bytes()
        assert data.startswith(b"%PDF")
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        assert "推荐汇总表" in text and society.name in text and "量子传感芯片" in text
        assert "草稿" in text
        _pdf_first_page_png(data, "dossier-06-summary-pdf-page-1")
        with page.expect_download() as download_info:
            page.get_by_test_id("summary-docx").click()
        assert download_info.value.suggested_filename.endswith("推荐汇总表.docx")

        # Stamped pages are in; the 汇总表 is still missing.
        expect(page.get_by_test_id("confirm-refused")).to_have_text("请先上传签字盖章的推荐汇总表。")
        scan = tmp_path / "推荐汇总表-盖章.png"
        scan.write_bytes(PNG_SCAN)
        section = page.get_by_test_id("stamp-section")
        section.locator("input[type=file]").set_input_files(str(scan))
        section.get_by_test_id("summary-upload").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("summary-current")).to_contain_text("推荐汇总表-盖章.png")
        expect(page.get_by_test_id("confirm-button")).to_be_enabled()
        screenshot(page, "dossier-07-ready-to-confirm")
        page.get_by_test_id("confirm-button").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("confirmation")).to_contain_text("已确认")
        screenshot(page, "dossier-08-confirmed")

        assert Participation.objects.get(unit=society, campaign=tech.campaign).confirmed_at is not None
        assert StampedPage.objects.filter(recommending_unit=society).count() == 3
        assert AuditEvent.objects.filter(verb="summary_upload", recommending_unit=society).exists()
        # After confirming, the stamped pages can no longer be replaced.
        page.goto(f"/secretariat/entries/{chip.pk}/")
        expect(page.get_by_test_id("stamp-locked")).to_contain_text("本单位已确认推荐结果")

        # The official version, frozen at confirmation (rendered after commit, eager here): the entry
        # page offers it with its code; its text holds the entry's fields, the 推荐意见 and the footer.
        page.goto(f"/secretariat/entries/{chip.pk}/")
        note = page.get_by_test_id("official-note")
        expect(note).to_contain_text("正式版")
        code = page.get_by_test_id("official-code").inner_text()
        with page.expect_download() as download_info:
            page.get_by_test_id("form-pdf").click()
        official_pdf = download_info.value.path().read_bytes()
        assert download_info.value.suggested_filename.endswith("正式版.pdf")
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(official_pdf)).pages]
        flat = "".join("".join(pages).split())
        chip.refresh_from_db()
        assert "量子传感芯片" in flat and society.name in flat
        assert "该芯片技术指标国内领先" in flat  # the 推荐意见
        assert f"申报编号：{chip.code}" in flat and f"验证码：{code}" in flat
        assert f"第1页共{len(pages)}页" in flat
        assert "草稿" not in flat
        _pdf_first_page_png(official_pdf, "dossier-09-official-pdf-page-1")

        # /verify/ (public, no log-in) accepts the file and rejects a copy changed by one byte.
        page.context.clear_cookies()
        official_file = tmp_path / "量子传感芯片_正式版.pdf"
        official_file.write_bytes(official_pdf)
        page.goto("/verify/")
        page.locator("input[type=file]").set_input_files(str(official_file))
        page.get_by_role("button", name="核验").click()
        page.wait_for_load_state("networkidle")
        result = page.get_by_test_id("verify-result")
        expect(result).to_have_class(re.compile("alert-success"))
        expect(page.get_by_test_id("verify-entry-number")).to_have_text(chip.code)
        expect(result).not_to_contain_text("量子传感芯片")  # the entry number, list, unit and time only
        screenshot(page, "dossier-10-verify-authentic")
        modified = bytearray(official_pdf)
        modified[len(modified) // 2] ^= 0x01
        changed_file = tmp_path / "改动过的正式版.pdf"
        changed_file.write_bytes(bytes(modified))
        page.goto("/verify/")
        page.locator("input[type=file]").set_input_files(str(changed_file))
        page.get_by_role("button", name="核验").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("verify-result")).to_have_class(re.compile("alert-danger"))
        screenshot(page, "dossier-11-verify-modified")
