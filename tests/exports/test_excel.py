"""The Excel workbook: headers from the form definition, one row per entry, formula payloads kept as
plain text, the quota sheet."""

import io

import openpyxl
import pytest
from openpyxl import Workbook

from nominations import exports
from nominations.documents.safety import cell_value, is_formula_like
from nominations.forms import get_definition
from nominations.models import ExportKind, State
from tests.exports.conftest import FORMULA_PAYLOADS, RECOMMENDED
from tests.factories import NominationFactory


@pytest.mark.parametrize("payload", [*FORMULA_PAYLOADS, "\r=1"])
def test_formula_payload_reads_back_as_text(payload):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append([cell_value(sheet, payload), cell_value(sheet, "普通文本"), cell_value(sheet, 3)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active[1]
    assert is_formula_like(payload)
    assert row[0].value == payload
    assert row[0].data_type == "s"
    assert row[0].quotePrefix
    assert row[1].value == "普通文本" and row[2].value == 3


def _export(tmp_path, filters, user=None):
    path = tmp_path / "out.xlsx"
    count = exports.export_to_path(ExportKind.XLSX, path, filters, user=user)
    return count, openpyxl.load_workbook(path)


@pytest.mark.django_db
def test_workbook_has_a_sheet_per_list_with_the_definition_columns(entries, campaign, tmp_path):
    count, book = _export(tmp_path, exports.Filters(campaign=2023))
    assert count == 4
    assert book.sheetnames == ["先导技术榜", "新锐企业榜", "融通创新组织榜", "技术经理人先锋榜", "名额使用"]
    for code, name in [("tech", "先导技术榜"), ("enterprise", "新锐企业榜"), ("manager", "技术经理人先锋榜")]:
        sheet = book[name]
        headers = [c.value for c in sheet[1]]
        for field in get_definition(code, 2023).fields:
            assert any(h.startswith(field.label) for h in headers), field.label
        for header in ("状态", "会员单位", "推荐单位", "疑似历年入榜", "提交时间", "推荐时间"):
            assert header in headers
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 2  # header + one entry
        row = {h: c.value for h, c in zip(headers, sheet[2], strict=True)}
        assert row["状态"] == "已推荐"
        assert row["会员单位"] == entries[code].member_unit.name
        assert row["推荐单位"] == "中国技术经济学会"
    tech_row = dict(
        zip([c.value for c in book["先导技术榜"][1]], [c.value for c in book["先导技术榜"][2]], strict=True)
    )
    assert tech_row["所属领域"] == "电子信息"
    assert tech_row["技术名称"] == "量子传感芯片关键技术"
    manager_row = [c.value for c in book["技术经理人先锋榜"][2]]
    assert any(isinstance(v, str) and v.startswith("案例1：案例名称：某新材料技术许可") for v in manager_row)


@pytest.mark.django_db
def test_formula_payloads_in_entries_are_stored_as_text(enterprise, member_unit, campaign, tmp_path):
    for index, payload in enumerate(FORMULA_PAYLOADS):
        NominationFactory(
            ranking_list=enterprise,
            member_unit=member_unit,
            title=payload,
            content={"business": payload, "financing": f"{payload}{index}"},
            **RECOMMENDED,
        )
    count, book = _export(tmp_path, exports.Filters(campaign=2023, list="enterprise"))
    assert count == len(FORMULA_PAYLOADS)
    sheet = book["新锐企业榜"]
    assert book.sheetnames == ["新锐企业榜", "名额使用"]
    headers = [c.value for c in sheet[1]]
    name_col = headers.index("企业名称")
    business_col = headers.index("主营业务与核心技术")
    titles = []
    for row in sheet.iter_rows(min_row=2):
        for col in (name_col, business_col):
            assert row[col].data_type == "s"
            assert row[col].value in FORMULA_PAYLOADS
        titles.append(row[name_col].value)
    assert sorted(titles) == sorted(FORMULA_PAYLOADS)


@pytest.mark.django_db
def test_filters_and_quota_sheet(entries, other_nomination, campaign, society, tmp_path):
    count, book = _export(tmp_path, exports.Filters(campaign=2023, unit=society.pk, list="enterprise"))
    assert count == 1
    quota = book["名额使用"]
    assert [c.value for c in quota[1]][:6] == ["推荐单位", "榜单", "领域", "已推荐", "名额", "剩余"]
    rows = [[c.value for c in row] for row in quota.iter_rows(min_row=2)]
    assert rows == [["中国技术经济学会", "新锐企业榜", None, 1, 10, 9, rows[0][6]]]
    assert "2 个渠道" in rows[0][6]

    count, book = _export(tmp_path, exports.Filters(campaign=2023, state=State.SUBMITTED))
    assert count == 0
    count, book = _export(tmp_path, exports.Filters(campaign=2023, list="tech", domain="electronics"))
    assert count == 1


@pytest.mark.django_db
def test_a_user_only_exports_what_the_policy_shows(entries, other_nomination, campaign, secretariat_user, tmp_path):
    count, book = _export(tmp_path, exports.Filters(campaign=2023), user=secretariat_user)
    assert count == 4
    names = {row[0].value for row in book["名额使用"].iter_rows(min_row=2)}
    assert names == {"中国技术经济学会"}


@pytest.mark.django_db
def test_the_quota_sheet_shows_the_quota_rule_s_figures(
    entries, other_nomination, campaign, tech, member_unit, tmp_path
):
    NominationFactory(
        ranking_list=tech, member_unit=member_unit, title="第二项", domain=entries["tech"].domain, state=State.IN_REVIEW
    )
    NominationFactory(
        ranking_list=tech, member_unit=member_unit, title="未推荐", domain=entries["tech"].domain, state=State.ACCEPTED
    )
    _count, book = _export(tmp_path, exports.Filters(campaign=2023))
    rows = [[c.value for c in row] for row in book["名额使用"].iter_rows(min_row=2)]
    by_key = {(row[0], row[1], row[2] or ""): row for row in rows}
    # Recommended and in review count, accepted does not; 3 × 2 channels per domain.
    electronics = by_key[("中国技术经济学会", "先导技术榜", "电子信息")]
    assert electronics[3:6] == [2, 6, 4]
    assert "3 × 2 个渠道" in electronics[6]
    assert by_key[("中国技术经济学会", "先导技术榜", "生物医药")][3:6] == [0, 6, 6]
    assert by_key[("中国技术经济学会", "新锐企业榜", "")][3:6] == [1, 10, 9]
    # Every active unit has a row per list and domain: six domains of 先导技术榜 and three lists.
    units = {row[0] for row in rows}
    assert len(rows) == 9 * len(units)


@pytest.mark.django_db
def test_earlier_listed_flag_and_control_characters(enterprise, member_unit, campaign, tmp_path):
    from nominations.models import EarlierListedItem

    item = EarlierListedItem.objects.get(year=2022, list_code="enterprise", name="青岛国数信息科技有限公司")
    entry = NominationFactory(
        ranking_list=enterprise,
        member_unit=member_unit,
        title="青岛国数信息科技有限公司",
        content={"financing": "A轮\x0b融资\x01"},
        **RECOMMENDED,
    )
    entry.earlier_listed = item
    entry.override_reason = "=理由"
    entry.save()
    _count, book = _export(tmp_path, exports.Filters(campaign=2023, list="enterprise"))
    sheet = book["新锐企业榜"]
    row = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    assert row["疑似历年入榜"].value == "2022年新锐企业榜：青岛国数信息科技有限公司"
    assert row["历年入榜仍推荐理由"].value == "=理由" and row["历年入榜仍推荐理由"].data_type == "s"
    assert row["融资情况"].value == "A轮融资"


@pytest.mark.django_db
def test_rows_keep_the_export_order_across_read_chunks(
    tech, member_unit, other_member_unit, campaign, tmp_path, monkeypatch
):
    """The ids are sorted alone and the rows read by key in chunks: the sheet still lists the entries by
    domain, then recommending unit, then number, with the year in the number and each row's domain name."""
    from nominations.exports import files
    from nominations.models import Domain

    monkeypatch.setattr(files, "CHUNK_SIZE", 2)
    first, second = Domain.objects.filter(ranking_list=tech).order_by("order")[:2]
    made = [
        NominationFactory(
            ranking_list=tech, member_unit=unit, domain=domain, title=f"{domain.name}-{unit.name}-{n}", **RECOMMENDED
        )
        for n in range(2)
        for domain in (second, first)
        for unit in (member_unit, other_member_unit)
    ]
    count, book = _export(tmp_path, exports.Filters(campaign=2023, list="tech"))
    assert count == len(made)
    sheet = book["先导技术榜"]
    headers = [c.value for c in sheet[1]]
    rows = [dict(zip(headers, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    expected = sorted(made, key=lambda e: (e.domain.order, e.member_unit.recommending_unit.name, e.pk))
    assert [r["申报编号"] for r in rows] == [f"KCZG-2023-{e.pk:06d}" for e in expected]
    assert [r["所属领域"] for r in rows] == [e.domain.name for e in expected]
    assert [r["推荐单位"] for r in rows] == [e.member_unit.recommending_unit.name for e in expected]
