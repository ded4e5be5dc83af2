"""技术经理人先锋榜 application form, 2023.

The real 附件2 (申报样表) is not public: these fields, their order and the 字 limits are the
product's own choice, editable per campaign year by registering a new definition.
"""

from .common import contact_fields
from .types import Definition, Field, Kind

BASIC = "个人基本信息"
CASES = "代表性技术转移案例"
EFFECT = "主要成效"

GENDERS = (("male", "男"), ("female", "女"))
TRANSFER_METHODS = (
    ("transfer", "技术转让"),
    ("license", "技术许可"),
    ("equity", "作价投资"),
    ("development", "技术开发"),
    ("service", "技术服务与咨询"),
    ("other", "其他"),
)

CASE_FIELDS = (
    Field("case_name", "案例名称", Kind.TEXT, max_length=100),
    Field("method", "转化方式", Kind.CHOICE, choices=TRANSFER_METHODS),
    Field("amount", "合同金额", Kind.DECIMAL, unit="万元"),
    Field("summary", "案例简介", Kind.LONGTEXT, max_chars=500, help_text="本人承担的工作和取得的成效。"),
)

DEFINITION = Definition(
    list_code="manager",
    year=2023,
    title="技术经理人先锋榜申报表",
    intro="发挥技术经理人在科技成果转化中的重要催化作用。",
    title_key="name",
    fields=(
        Field("name", "姓名", Kind.TEXT, max_length=50, group=BASIC, publishable=True),
        Field("gender", "性别", Kind.CHOICE, choices=GENDERS, group=BASIC),
        Field("birth", "出生年月", Kind.MONTH, group=BASIC),
        Field("employer", "工作单位", Kind.TEXT, max_length=200, group=BASIC),
        Field("position", "职务职称", Kind.TEXT, max_length=100, group=BASIC),
        Field("years", "从业年限", Kind.INTEGER, unit="年", group=BASIC),
        Field(
            "qualification",
            "技术经理人资质",
            Kind.TEXT,
            max_length=200,
            group=BASIC,
            help_text="如：技术经纪人证书、技术转移专业人员能力等级证书，注明等级和发证机构。",
        ),
        Field(
            "cases",
            "代表性技术转移案例",
            Kind.REPEAT,
            group=CASES,
            subfields=CASE_FIELDS,
            min_items=1,
            max_items=3,
            item_label="案例",
            help_text="至少 1 个，至多 3 个。",
        ),
        Field("achievements", "主要成效", Kind.LONGTEXT, max_chars=1000, group=EFFECT),
        *contact_fields(label_prefix="推荐"),
    ),
)
