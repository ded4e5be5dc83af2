"""The expert pool in Chromium: the coordinator imports experts from Excel (a bad sheet first, refused
with its row numbers), draws experts at random with a seed, and an expert signs the pledge."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from playwright.sync_api import expect

from nominations.models import Role
from reviews import pool
from reviews.models import ExpertDraw, ExpertPledge, ExpertProfile, ReviewBody
from tests.factories import PASSWORD, make_user

REVIEW_TIME = datetime(2023, 12, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ROWS = [
    ["张研究", "zhang@example.org", "中国科学院示例研究所", "中国科学院", "一室", "研究员", "", "集成电路", "电子信息"],
    ["李教授", "li@example.org", "北方示例大学", "", "", "教授", "", "通信", "电子信息"],
    ["王副高", "wang@example.org", "南方示例大学", "", "", "副教授", "", "软件", "电子信息"],
]


def _sheet(path, rows):
    book = openpyxl.Workbook()
    book.active.append(list(pool.COLUMNS))
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    path.write_bytes(data.getvalue())
    return str(path)


@pytest.fixture
def team(settings, transactional_db, campaign):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    body = ReviewBody.objects.get(campaign=campaign, name="中国科协信息科技学会联合体")
    make_user(Role.COORDINATOR, "coordinator", review_body=body, display_name="吴静")
    other = ReviewBody.objects.get(campaign=campaign, name="中国科协生命科学学会联合体")
    make_user(Role.COORDINATOR, "bio-coordinator", review_body=other, display_name="钱慧敏")
    make_user(Role.EXPERT, "expert", review_body=body, display_name="孙立新", organization="北方信息科技大学")
    return body


def test_import_draw_and_pledge(page, login, screenshot, team, tmp_path, settings):
    with time_machine.travel(REVIEW_TIME, tick=True):
        login(page, "coordinator", PASSWORD)
        page.goto("/reviews/coordinator/experts/import/")
        bad = [*ROWS[:1], ["", "not-mail", "某大学", "", "", "教授", "", "", ""]]
        page.set_input_files("#id_file", _sheet(tmp_path / "bad.xlsx", bad))
        page.get_by_role("button", name="上传并检查").click()
        expect(page.get_by_test_id("import-refused")).to_contain_text("有 1 行存在问题，本次未导入任何数据")
        expect(page.locator("#import-preview")).to_contain_text("缺少姓名。")
        screenshot(page, "pool-1-import-refused")
        page.set_input_files("#id_file", _sheet(tmp_path / "good.xlsx", ROWS))
        page.get_by_role("button", name="上传并检查").click()
        page.get_by_test_id("import-confirm").click()
        expect(page.get_by_text("已导入专家 3 名。")).to_be_visible()
        assert ExpertProfile.objects.count() == 3
        expect(page.locator("#pool-table")).to_contain_text("中国科学院示例研究所（上级：中国科学院）")

        # The other body draws two experts of 副高 or above from the shared pool, with a seed.
        page.context.clear_cookies()
        login(page, "bio-coordinator", PASSWORD)
        page.goto("/reviews/coordinator/experts/")
        page.fill("#id_count", "2")
        page.fill("#id_seed", "7")
        page.get_by_role("button", name="抽取", exact=True).click()
        expect(page.get_by_text("已随机抽取专家 2 名（种子 7）")).to_be_visible()
        draw = ExpertDraw.objects.get()
        assert pool.replay(draw) == draw.drawn and len(draw.pool) == 3
        expect(page.locator("#draw-table")).to_contain_text("职称不低于副高")
        screenshot(page, "pool-2-draw")
        # On a phone (390 px) the pool page and the plan's preview do not scroll sideways.
        page.set_viewport_size({"width": 390, "height": 844})
        for url in ("/reviews/coordinator/experts/", "/reviews/coordinator/assignment-plan/?k=3"):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{url} scrolls sideways at 390 px ({width} px wide)"
        # The drawn experts serve the drawing body from the draw on (reviews/serving.py): the plan has experts.
        expect(page.get_by_test_id("plan-summary")).to_be_visible()
        expect(page.get_by_test_id("plan-no-experts")).to_have_count(0)
        screenshot(page, "pool-2-plan-phone")
        page.set_viewport_size({"width": 1280, "height": 800})

        # An expert signs the pledge before the first entry.
        settings.REVIEW_PLEDGE_REQUIRED = True
        page.context.clear_cookies()
        login(page, "expert", PASSWORD)
        page.goto("/reviews/expert/pledge/")
        page.fill("#id_declared_units", "北方示例大学")
        page.check("#id_accept")
        page.get_by_test_id("pledge-submit").click()
        expect(page.get_by_text("保密承诺与回避声明已记录")).to_be_visible()
        assert ExpertPledge.objects.get().declared_units == ["北方示例大学"]
        page.goto("/reviews/expert/pledge/")
        expect(page.get_by_test_id("pledge-done")).to_contain_text("申报关联单位：北方示例大学")
        screenshot(page, "pool-3-pledge")
