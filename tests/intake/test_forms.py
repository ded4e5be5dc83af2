"""The form definitions: one per list, valid and invalid cases, 字 counts, credit codes, phones, e-mails."""

import pytest

from nominations.forms import get_definition
from nominations.forms.samples import complete_data, credit_code
from nominations.forms.types import Kind
from nominations.rules.credit_codes import credit_code_error
from nominations.rules.phones import is_valid_phone
from nominations.rules.text import count_chars

LISTS = ("tech", "enterprise", "organization", "manager")


@pytest.mark.parametrize("code", LISTS)
def test_complete_sample_is_valid(code):
    definition = get_definition(code, 2023)
    assert definition.validate(complete_data(code), complete=True) == {}


@pytest.mark.parametrize("code", LISTS)
def test_empty_entry_is_a_valid_draft_but_not_complete(code):
    definition = get_definition(code, 2023)
    assert definition.validate({}, complete=False) == {}
    errors = definition.validate({}, complete=True)
    required = {f.key for f in definition.fields if f.required}
    assert set(errors) == required
    assert all(message.startswith("请") for messages in errors.values() for message in messages)


def test_fields_required_by_the_issue_exist():
    expected = {
        "tech": {
            "技术名称",
            "所属领域",
            "完成单位",
            "技术负责人",
            "联系人",
            "联系电话",
            "电子邮箱",
            "技术简介",
            "主要创新点",
            "技术成熟度",
            "知识产权情况",
            "应用推广情况与经济社会效益",
        },
        "enterprise": {
            "企业名称",
            "统一社会信用代码",
            "成立日期",
            "注册资本",
            "员工人数",
            "上年度营业收入",
            "研发投入占比",
            "主营业务与核心技术",
            "商业模式创新",
            "融资情况",
        },
        "organization": {
            "组织名称",
            "统一社会信用代码",
            "组织类型",
            "成立日期",
            "服务机制",
            "运营模式",
            "融通成效与典型案例",
        },
        "manager": {
            "姓名",
            "性别",
            "出生年月",
            "工作单位",
            "职务职称",
            "从业年限",
            "技术经理人资质",
            "代表性技术转移案例",
            "主要成效",
        },
    }
    for code, labels in expected.items():
        definition = get_definition(code)
        assert labels <= {f.label for f in definition.fields}, code
        assert {"contact_name", "contact_phone", "contact_email"} <= {f.key for f in definition.fields}
        assert definition.long_texts and all(f.max_chars for f in definition.long_texts)


def test_registry_falls_back_to_the_latest_definition():
    assert get_definition("tech", 2031) is get_definition("tech", 2023)
    assert get_definition("tech", 2019) is get_definition("tech", 2023)
    with pytest.raises(LookupError):
        get_definition("nothing")


def test_title_and_credit_code_keys():
    enterprise = get_definition("enterprise")
    data = complete_data("enterprise", title="某某公司")
    assert enterprise.title_of(data) == "某某公司"
    assert enterprise.credit_code_of(data) == data["credit_code"]
    assert get_definition("manager").credit_code_key is None


def test_zi_count_ignores_whitespace_only():
    assert count_chars("技术 简介\n第二段\u3000全角空格\t。") == 12
    assert count_chars("") == 0
    assert count_chars("ab c𠀀") == 4  # a character outside the BMP counts once


def test_long_text_limit_in_zi_counts_non_whitespace():
    definition = get_definition("tech")
    limit = definition.field("summary").max_chars
    at_limit = "字" * limit + "\n\n" + " " * 50  # whitespace is free
    assert "summary" not in definition.validate({"summary": at_limit}, complete=False)
    errors = definition.validate({"summary": "字" * (limit + 1)}, complete=False)
    assert errors["summary"] == [f"技术简介不超过 {limit} 字（不计空格和换行），当前 {limit + 1} 字，请精简 1 字。"]


def test_credit_code_check_in_the_form():
    definition = get_definition("enterprise")
    good = credit_code()
    assert credit_code_error(good) is None
    assert "credit_code" not in definition.validate({"credit_code": good.lower()}, complete=False)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in definition.validate({"credit_code": wrong_check}, complete=False)["credit_code"][0]
    assert "18 位" in definition.validate({"credit_code": "9111"}, complete=False)["credit_code"][0]
    assert "无效字符" in definition.validate({"credit_code": "91110108MA01KCZG0I"}, complete=False)["credit_code"][0]


@pytest.mark.parametrize(
    "phone", ["13812345678", "010-68767227", "01068767227", "0571-8888888", "010-68767227-123", "+86 138 1234 5678"]
)
def test_valid_phones(phone):
    assert is_valid_phone(phone)


@pytest.mark.parametrize("phone", ["12345678901", "1381234567", "68767227", "abc", "010-123"])
def test_invalid_phones(phone):
    assert not is_valid_phone(phone)
    errors = get_definition("tech").validate({"contact_phone": phone}, complete=False)
    assert "请输入有效的电话号码" in errors["contact_phone"][0]


def test_email_validated():
    errors = get_definition("organization").validate({"contact_email": "name@"}, complete=False)
    assert errors["contact_email"] == ["请输入有效的电子邮箱地址，如 name@example.com。"]


def test_enterprise_invalid_numbers_and_dates(at_open):
    errors = get_definition("enterprise").validate(
        {
            "employees": "-3",
            "rd_ratio": "120",
            "registered_capital": "abc",
            "founded": "2099-01-01",
            "revenue": "1.234",
        },
        complete=False,
    )
    assert errors["employees"] == ["员工人数不能为负数。"]
    assert errors["rd_ratio"] == ["研发投入占比应在 0–100 之间。"]
    assert errors["registered_capital"] == ["注册资本请填写数字，最多两位小数。"]
    assert errors["founded"] == ["成立日期不能晚于今天。"]
    assert errors["revenue"] == ["上年度营业收入最多保留两位小数。"]


def test_organization_type_must_be_a_choice():
    errors = get_definition("organization").validate({"org_type": "pirates"}, complete=False)
    assert errors["org_type"] == ["请从列表中选择组织类型。"]


def test_manager_cases_formset(at_open):
    definition = get_definition("manager")
    data = complete_data("manager")
    data["cases"] = []
    assert definition.validate(data, complete=True)["cases"] == ["请至少填写 1 个案例。"]
    data["cases"] = [{"case_name": "半个案例"}]
    messages = definition.validate(data, complete=True)["cases"]
    assert "案例1：请选择转化方式。" in messages
    data["cases"] = [
        {"case_name": f"案例{i}", "method": "license", "amount": "10", "summary": "简介"} for i in range(3)
    ]
    assert definition.validate(data, complete=True) == {}
    assert definition.validate({"birth": "1985年6月"}, complete=False) == {}
    assert definition.validate({"birth": "1985-13"}, complete=False)["birth"] == ["月份应在 1–12 之间。"]


def test_display_rows_resolve_choices_and_cases():
    definition = get_definition("manager")
    sections = definition.display_rows(complete_data("manager", title="张三"))
    rows = {row["label"]: row for section in sections for row in section["rows"]}
    assert rows["姓名"]["value"] == "张三"
    assert rows["性别"]["value"] == "女"
    assert rows["出生年月"]["value"] == "1985年6月"
    case = rows["代表性技术转移案例"]["items"][0]
    assert {"label": "转化方式", "value": "技术许可"}.items() <= {k: case[1][k] for k in ("label", "value")}.items()
    assert [f.kind for f in definition.fields].count(Kind.REPEAT) == 1
