"""Complete sample data per list, for demo entries and tests (valid under the full validation)."""

from nominations.rules.credit_codes import check_character

from . import get_definition


def credit_code(first17="91110108MA01KCXG0"):
    """A valid credit code from 17 characters (the check character appended)."""
    return first17 + check_character(first17)


_TEXT = "本项目围绕关键核心技术开展攻关，形成了自主知识产权，已在多家单位应用并取得良好效果。"


def _contact(name="王联系"):
    return {"contact_name": name, "contact_phone": "13812345678", "contact_email": "contact@example.org"}


SAMPLES = {
    "tech": lambda title: {
        "name": title,
        "domain": "electronics",
        "units": "示例大学、示例科技有限公司",
        "leader": "李负责",
        "maturity": "trl7",
        "summary": _TEXT,
        "innovation": "一是提出新方法；二是研制新装置；三是形成新标准。",
        "ip": "授权发明专利 5 项，软件著作权 3 项。",
        "application": "已在 10 家企业应用，近三年新增产值 2 亿元。",
        **_contact(),
    },
    "enterprise": lambda title: {
        "name": title,
        "credit_code": credit_code(),
        "founded": "2018-05-01",
        "registered_capital": "1000",
        "employees": 120,
        "revenue": "8600.5",
        "rd_ratio": "12.5",
        "business": _TEXT,
        "model_innovation": "以平台化服务连接上下游企业。",
        "financing": "2021 年完成 A 轮融资 5000 万元。",
        **_contact(),
    },
    "organization": lambda title: {
        "name": title,
        "credit_code": credit_code("51110000MJ0KCXG01"),
        "org_type": "alliance",
        "founded": "2016-03-15",
        "mechanism": "建立会员单位需求对接机制。",
        "operation": "理事会领导下的秘书处负责制。",
        "results": _TEXT,
        **_contact(),
    },
    "manager": lambda title: {
        "name": title,
        "gender": "female",
        "birth": "1985-06",
        "employer": "示例技术转移中心",
        "position": "主任、高级工程师",
        "years": 12,
        "qualification": "技术转移专业人员能力等级证书（高级）",
        "cases": [
            {"case_name": "某新材料技术许可", "method": "license", "amount": "1200", "summary": _TEXT},
        ],
        "achievements": _TEXT,
        **_contact("赵推荐"),
    },
}


def complete_data(list_code, title="示例申报", **overrides):
    """Data that passes the full validation of ``list_code``'s latest definition."""
    get_definition(list_code)  # the list must have a definition
    data = SAMPLES[list_code](title)
    data.update(overrides)
    return data
