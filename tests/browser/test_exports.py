"""The secretariat's export page in Chromium: a queued job's row polls itself (htmx) until the file is
ready; the one-click "推荐申报表 ZIP" produces a ZIP of the unit's recommended entries."""

import zipfile

import pytest
from playwright.sync_api import expect

from nominations import exports
from nominations.models import ExportKind
from tests.exports.conftest import RECOMMENDED
from tests.factories import PASSWORD, NominationFactory


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_secretariat_follows_an_export_and_downloads_the_zip(
    fast_hasher, page, login, screenshot, tech, electronics, member_unit, secretariat_user, tmp_path
):
    entry = NominationFactory(
        ranking_list=tech, member_unit=member_unit, title="量子传感芯片关键技术", domain=electronics, **RECOMMENDED
    )
    queued = exports.create_job(secretariat_user, ExportKind.XLSX, exports.Filters(campaign=2023), enqueue_now=False)
    login(page, "secretariat", PASSWORD)
    page.goto("/exports/")
    row = page.locator(f"#export-job-{queued.pk}")
    expect(row).to_contain_text("排队中")
    exports.run_job(queued.pk)  # as a worker would, while the page is open
    expect(row.get_by_role("link", name="下载")).to_be_visible(timeout=10_000)
    expect(row).to_have_attribute("data-state", "done")

    page.get_by_role("button", name="推荐申报表 ZIP").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("已开始导出")).to_be_visible()
    screenshot(page, "exports-secretariat")
    newest = page.locator("[data-testid=export-jobs] tbody tr").first
    with page.expect_download() as info:
        newest.get_by_role("link", name="下载").click()
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    path = tmp_path / "forms.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [f"先导技术榜/电子信息/{entry.pk:06d}_量子传感芯片关键技术.docx"]
