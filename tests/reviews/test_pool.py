"""The expert pool: the Excel import's row errors, the seeded draw, the experts' changes; the optimal
assignment against greedy, re-runs that keep scored assignments, and the coordinator's preview page."""

import io

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations.models import AuditEvent
from reviews import assignment_plan, pool, scoring
from reviews.assignment import plan_automatic
from reviews.models import Assignment, ExpertDraw, ExpertProfile, ExpertService, Organisation, TitleLevel
from reviews.optimal import plan_optimal
from tests.factories import PASSWORD
from tests.reviews.conftest import FULL, IN_REVIEW_TIME, assign, expert_of, put_in_review, recommended

pytestmark = pytest.mark.django_db


def _workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(pool.COLUMNS))
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return SimpleUploadedFile("专家.xlsx", data.getvalue())


GOOD = [
    "张三",
    "zhang@example.org",
    "中国科学院计算技术研究所",
    "中国科学院",
    "网络中心",
    "研究员",
    "",
    "计算机",
    "电子信息",
]


# ---------------------------------------------------------------- import


def test_import_reports_each_bad_row_in_chinese_and_saves_nothing(criteria, body, coordinator, client):
    bad = [
        GOOD,
        ["李四", "not-an-email", "某大学", "", "", "副教授", "", "", ""],
        ["王五", "zhang@example.org", "", "", "", "讲师", "特级", "", "量子领域"],
    ]
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.post(reverse("reviews:import_experts"), {"file": _workbook(bad)})
    text = page.content.decode()
    assert page.status_code == 200
    assert "有 2 行存在问题，本次未导入任何数据" in text
    assert "第 3 行" in text and "邮箱格式不正确：not-an-email。" in text
    assert "第 4 行" in text and "缺少所在单位。" in text and "邮箱与第 2 行重复。" in text
    assert "职称级别“特级”无法识别" in text and "领域“量子领域”不存在" in text
    assert "确认导入" not in text
    assert not ExpertProfile.objects.exists()


def test_import_creates_experts_with_organisations_and_parents(criteria, body, coordinator, client, electronics):
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        preview = client.post(reverse("reviews:import_experts"), {"file": _workbook([GOOD])})
        assert "确认导入 1 名专家" in preview.content.decode()
        payload = preview.context["preview"].payload()
        done = client.post(reverse("reviews:import_experts"), {"payload": payload})
    assert done.status_code == 302
    profile = ExpertProfile.objects.get(user__email="zhang@example.org")
    assert profile.title_level == TitleLevel.SENIOR
    assert profile.organisation.parent == Organisation.objects.get(name="中国科学院")
    assert list(profile.domains.all()) == [electronics]
    assert ExpertService.objects.filter(expert=profile, body=body, year=2023).exists()
    assert profile.user.profile.review_body == body


def test_import_refuses_a_file_that_is_not_excel(criteria, body, coordinator, client):
    client.login(username="coordinator", password=PASSWORD)
    fake = SimpleUploadedFile("专家.xlsx", b"%PDF-1.4 not a workbook")
    page = client.post(reverse("reviews:import_experts"), {"file": fake})
    assert page.status_code == 400 and "请上传 Excel（.xlsx）文件" in page.content.decode()


# ---------------------------------------------------------------- draw


def _pool_expert(username, level, domain, organisation="某研究院"):
    user = expert_of(None, username, organization=organisation)
    profile = ExpertProfile.objects.create(user=user, title="研究员", title_level=level)
    profile.domains.add(domain)
    return user


def test_the_draw_is_reproducible_with_its_seed_and_keeps_to_the_constraints(criteria, body, coordinator, electronics):
    seniors = [_pool_expert(f"senior{i}", TitleLevel.SENIOR, electronics) for i in range(8)]
    junior = _pool_expert("junior", TitleLevel.INTERMEDIATE, electronics)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        first = pool.draw(coordinator, body, count=3, domain=electronics, seed=42)
    assert junior.pk not in first.pool and set(first.pool) == {u.pk for u in seniors}
    assert len(first.drawn) == 3 and pool.replay(first) == first.drawn
    assert pool.pick(first.pool, 3, 42) == first.drawn
    assert first.constraints["min_level_label"] == "副高"
    assert ExpertService.objects.filter(body=body).count() == 3
    assert AuditEvent.objects.filter(verb="draw_experts", note__contains="种子 42").exists()
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        second = pool.draw(coordinator, body, count=3, domain=electronics, seed=42)
    # The first three now serve the body: the pool is smaller, and recorded as such.
    assert set(second.drawn).isdisjoint(first.drawn) and pool.replay(second) == second.drawn
    assert ExpertDraw.objects.count() == 2


def test_a_draw_with_too_few_candidates_is_refused(criteria, body, coordinator, electronics, client):
    _pool_expert("only", TitleLevel.SENIOR, electronics)
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.post(reverse("reviews:draw_experts"), {"domain": electronics.pk, "count": 2, "min_level": 3})
        follow = client.get(page.url)
    assert "满足条件的专家只有 1 名，不足 2 名" in follow.content.decode()
    assert not ExpertDraw.objects.exists()


def test_an_experts_change_waits_for_the_coordinator(criteria, body, coordinator, experts, client):
    client.login(username="expert1", password=PASSWORD)
    values = {"title": "教授", "title_level": 4, "organisation": "新单位大学", "sub_unit": "", "disciplines": "材料"}
    client.post(reverse("reviews:expert_profile"), values)
    profile = ExpertProfile.objects.get(user=experts[0])
    assert profile.pending["organisation"] == "新单位大学" and profile.organisation is None
    client.login(username="coordinator", password=PASSWORD)
    assert "新单位大学" in client.get(reverse("reviews:expert_pool")).content.decode()
    client.post(reverse("reviews:decide_profile_change", args=[profile.pk]), {"decision": "accept"})
    profile.refresh_from_db()
    assert profile.organisation.name == "新单位大学" and profile.pending == {} and profile.title == "教授"
    experts[0].profile.refresh_from_db()
    assert experts[0].profile.organization == "新单位大学"


# ---------------------------------------------------------------- optimal against greedy


def test_the_optimum_fills_every_entry_where_greedy_leaves_one_short():
    # Entry 1 may take either expert, entry 2 only expert 100; one entry per expert.
    conflicted = {(2, 101)}
    _pairs, shortfall = plan_automatic([1, 2], [100, 101], 1, conflicted=conflicted, cap=1)
    assert shortfall == {2: 1}  # greedy gave expert 100 to entry 1
    plan = plan_optimal([1, 2], [100, 101], 1, conflicted=conflicted, cap=1)
    assert plan.shortfall == {} and sorted(plan.pairs) == [(1, 101), (2, 100)]


def test_the_optimum_balances_loads_and_prefers_expertise_within_the_cap():
    entries, experts = list(range(1, 7)), [100, 101, 102]
    even = plan_optimal(entries, experts, 2)
    assert not even.shortfall and sorted(even.loads.values()) == [4, 4, 4]
    match = {(e, 100): 2 for e in entries}
    keen = plan_optimal(entries, experts, 2, match=match, cap=5)
    assert not keen.shortfall and keen.loads[100] == 5 and keen.match == 10


# ---------------------------------------------------------------- the body's plan


@pytest.fixture
def entries(criteria, tech, electronics, society, body, platform_user):
    return put_in_review(recommended(tech, electronics, society, 4), body, platform_user)


def test_a_rerun_never_removes_a_scored_assignment(entries, body, experts, coordinator):
    a = experts[0]
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assignment_plan.apply_plan(body, 2, coordinator)
        scored = Assignment.objects.filter(body=body, active=True, expert=a).order_by("pk")
        draft, submitted = scored[0], scored[1]
        scoring.save_score(draft, a, {"innovation": "6"}, "", submit=False)
        scoring.save_score(submitted, a, FULL, "意见", submit=True)
        # A's other entries are unscored; a new colleague and a new conflict change the optimum.
        expert_of(body, "expert4", organization="第4大学")
        again = assignment_plan.apply_plan(body, 3, coordinator)
        assert Assignment.objects.get(pk=draft.pk).active and Assignment.objects.get(pk=submitted.pk).active
        assignment_plan.apply_plan(body, 1, coordinator)
    assert Assignment.objects.get(pk=draft.pk).active and Assignment.objects.get(pk=submitted.pk).active
    assert again.shortfall == {}
    # With one expert per entry the unscored automatic pairs beyond the scored one were let go.
    assert Assignment.objects.filter(body=body, active=True, nomination=draft.nomination).count() == 1


def test_a_rerun_replaces_an_unscored_assignment_that_now_conflicts(entries, body, experts, coordinator):
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        assignment_plan.apply_plan(body, 2, coordinator)
        item = Assignment.objects.filter(body=body, active=True, nomination=entries[0]).first()
        item.expert.profile.organization = entries[0].member_unit.name
        item.expert.profile.save()
        plan = assignment_plan.preview(coordinator, body, 2)
        row = next(r for r in plan.rows if r.entry.pk == entries[0].pk)
        assert [u.pk for u in row.removed] == [item.expert_id] and len(row.added) == 1
        assignment_plan.apply_plan(body, 2, coordinator)
    item.refresh_from_db()
    assert not item.active and item.removed_reason == "重新自动分配"


def test_the_preview_page_shows_the_plan_shortfalls_and_the_diff(entries, body, experts, coordinator, client):
    a, b, c = experts
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        kept = assign(entries[0], a, coordinator)
        scoring.save_score(kept, a, {"innovation": "6"}, "", submit=False)
    client.login(username="coordinator", password=PASSWORD)
    with time_machine.travel(IN_REVIEW_TIME, tick=True):
        page = client.get(reverse("reviews:assignment_plan"), {"k": 4})
        text = page.content.decode()
        assert page.status_code == 200
        assert "可回避后的专家不足 4 名（无冲突的专家 3 名）" in text
        assert "确认前不会保存任何分配" in text
        assert Assignment.objects.filter(body=body, active=True).count() == 1
        row = next(r for r in page.context["plan"].rows if r.entry.pk == entries[0].pk)
        assert [u.pk for u in row.kept] == [a.pk] and {u.pk for u in row.added} == {b.pk, c.pk}
        done = client.post(reverse("reviews:assignment_plan"), {"k": 3, "confirm": "1"})
        assert done.status_code == 302
        assert Assignment.objects.filter(body=body, active=True).count() == 12
        bad = client.get(reverse("reviews:assignment_plan"), {"k": 0})
    assert bad.status_code == 400 and "每项申报的专家人数应为 1 至 20 之间的整数。" in bad.content.decode()


def test_the_demo_experts_have_pool_profiles(db):
    from nominations.demo import load_demo

    load_demo()
    profile = ExpertProfile.objects.get(user__username="expert")
    assert profile.organisation.name == "北方信息科技大学" and profile.title == "研究员"
    assert [d.name for d in profile.domains.all()] == ["电子信息"]
    assert ExpertService.objects.filter(expert=profile, body__name="中国科协信息科技学会联合体").exists()
    assert Organisation.objects.get(name="中国科学院示范技术研究所").parent.name == "中国科学院"
    load_demo()  # again: nothing doubles
    assert ExpertProfile.objects.filter(user__username="expert").count() == 1


def test_the_import_command_reports_row_errors_and_imports_good_sheets(criteria, body, coordinator, tmp_path):
    from django.core.management import CommandError, call_command

    bad, good = tmp_path / "bad.xlsx", tmp_path / "good.xlsx"
    bad.write_bytes(_workbook([GOOD, ["", "x@example.org", "某大学", "", "", "教授", "", "", ""]]).read())
    good.write_bytes(_workbook([GOOD]).read())
    errors = io.StringIO()
    with pytest.raises(CommandError, match="本次未导入任何数据"):
        call_command("import_experts", str(bad), "--as", "coordinator", stderr=errors)
    assert "第 3 行：缺少姓名。" in errors.getvalue() and not ExpertProfile.objects.exists()
    out = io.StringIO()
    call_command("import_experts", str(good), "--as", "coordinator", stdout=out)
    assert "已导入专家 1 名" in out.getvalue() and ExpertProfile.objects.count() == 1
