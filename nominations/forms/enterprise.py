"""新锐企业榜 application form, 2023.

The real 附件2 (申报样表) is not public: these fields, their order and the 字 limits are the
product's own choice, editable per campaign year by registering a new definition.
"""

from .common import contact_fields
from .types import Definition, Field, Kind

BASIC = "企业基本信息"
OPERATIONS = "经营与研发"
CONTENT = "创新情况"

DEFINITION = Definition(
    list_code="enterprise",
    year=2023,
    title="新锐企业榜申报表",
    intro="培育壮大科技型中小企业队伍。",
    title_key="name",
    credit_code_key="credit_code",
    fields=(
        Field(
            "name", "企业名称", Kind.TEXT, max_length=100, group=BASIC, help_text="与营业执照一致。", publishable=True
        ),
        Field("credit_code", "统一社会信用代码", Kind.CREDIT_CODE, group=BASIC, help_text="18 位，与营业执照一致。"),
        Field("founded", "成立日期", Kind.DATE, group=BASIC, publishable=True),
        Field("registered_capital", "注册资本", Kind.DECIMAL, unit="万元", group=BASIC),
        Field("employees", "员工人数", Kind.INTEGER, unit="人", group=OPERATIONS),
        Field("revenue", "上年度营业收入", Kind.DECIMAL, unit="万元", group=OPERATIONS),
        Field(
            "rd_ratio",
            "研发投入占比",
            Kind.PERCENT,
            unit="%",
            group=OPERATIONS,
            help_text="上年度研发投入占营业收入的百分比，0–100。",
        ),
        Field("business", "主营业务与核心技术", Kind.LONGTEXT, max_chars=1000, group=CONTENT, publishable=True),
        Field("model_innovation", "商业模式创新", Kind.LONGTEXT, max_chars=800, group=CONTENT),
        Field(
            "financing",
            "融资情况",
            Kind.LONGTEXT,
            max_chars=500,
            group=CONTENT,
            help_text="历次融资的时间、轮次、金额和投资方。",
        ),
        *contact_fields(),
    ),
)
