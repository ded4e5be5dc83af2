"""融通创新组织榜 application form, 2023.

The real 附件2 (申报样表) is not public: these fields, their order and the 字 limits are the
product's own choice, editable per campaign year by registering a new definition.
"""

from .common import contact_fields
from .types import Definition, Field, Kind

BASIC = "组织基本信息"
CONTENT = "融通创新情况"

ORGANIZATION_TYPES = (
    ("alliance", "产业技术创新联盟"),
    ("consortium", "创新联合体"),
    ("institute", "新型研发机构"),
    ("platform", "科技服务平台"),
    ("incubator", "孵化器、众创空间"),
    ("association", "学会、协会、研究会"),
    ("other", "其他"),
)

DEFINITION = Definition(
    list_code="organization",
    year=2023,
    title="融通创新组织榜申报表",
    intro="促进创新链产业链资金链人才链深度融合。",
    title_key="name",
    credit_code_key="credit_code",
    fields=(
        Field("name", "组织名称", Kind.TEXT, max_length=100, group=BASIC, publishable=True),
        Field(
            "credit_code",
            "统一社会信用代码",
            Kind.CREDIT_CODE,
            group=BASIC,
            help_text="18 位；组织为依托单位运营的，填写依托单位的代码。",
        ),
        Field("org_type", "组织类型", Kind.CHOICE, choices=ORGANIZATION_TYPES, group=BASIC, publishable=True),
        Field("founded", "成立日期", Kind.DATE, group=BASIC),
        Field("mechanism", "服务机制", Kind.LONGTEXT, max_chars=800, group=CONTENT, publishable=True),
        Field("operation", "运营模式", Kind.LONGTEXT, max_chars=800, group=CONTENT),
        Field(
            "results",
            "融通成效与典型案例",
            Kind.LONGTEXT,
            max_chars=1500,
            group=CONTENT,
            help_text="促进大中小企业融通、产学研协同的成效，附 1–3 个典型案例。",
        ),
        *contact_fields(),
    ),
)
