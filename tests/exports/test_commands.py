"""export_nominations and export_forms, called as an admin would on the command line."""

import zipfile
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from nominations.models import State
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def _call(name, *args):
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_export_nominations_writes_the_workbook(entries, other_nomination, tmp_path):
    path = tmp_path / "all.xlsx"
    out = _call("export_nominations", "--campaign", "2023", "--format", "xlsx", "--output", str(path))
    assert "已导出 5 条申报" in out
    book = openpyxl.load_workbook(path)
    assert book["新锐企业榜"].max_row == 3
    assert book["先导技术榜"].max_row == 2

    path = tmp_path / "society.xlsx"
    out = _call(
        "export_nominations",
        "--campaign",
        "2023",
        "--output",
        str(path),
        "--unit",
        "中国技术经济学会",
        "--list",
        "enterprise",
    )
    assert "已导出 1 条申报" in out and "中国技术经济学会" in out
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["新锐企业榜", "名额使用"]
    assert [c.value for c in book["新锐企业榜"][2]][1].startswith("=HYPERLINK")


def test_export_forms_writes_the_zip(entries, other_nomination, tech, member_unit, electronics, other_unit, tmp_path):
    NominationFactory(
        ranking_list=tech, member_unit=member_unit, title="已提交未推荐", state=State.SUBMITTED, domain=electronics
    )
    path = tmp_path / "forms.zip"
    out = _call(
        "export_forms",
        "--campaign",
        "2023",
        "--output",
        str(path),
        "--state",
        "recommended",
        "--list",
        "tech",
        "--domain",
        "electronics",
    )
    assert "已导出 1 条申报的 Word 申报表" in out
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == [f"先导技术榜/电子信息/{entries['tech'].pk:06d}_量子传感芯片关键技术.docx"]

    path = tmp_path / "unit.zip"
    out = _call("export_forms", "--campaign", "2023", "--output", str(path), "--unit", str(other_unit.pk))
    assert "已导出 1 条申报" in out
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == 1


def test_bad_filters_are_clear_errors(campaign, tmp_path):
    with pytest.raises(CommandError, match="没有找到推荐单位"):
        _call("export_forms", "--campaign", "2023", "--output", str(tmp_path / "x.zip"), "--unit", "不存在的学会")
    with pytest.raises(CommandError, match="没有 1999 年度"):
        _call("export_nominations", "--campaign", "1999", "--output", str(tmp_path / "x.xlsx"))
