"""先导技术榜 application form, 2023.

The real 附件2 (申报样表) is not public: these fields, their order and the 字 limits are the
product's own choice, editable per campaign year by registering a new definition.
"""

from .common import contact_fields
from .types import Definition, Field, Kind

BASIC = "技术基本信息"
CONTENT = "技术内容"
EFFECT = "应用与效益"

MATURITY_CHOICES = (
    ("trl1", "1级：发现基本原理并形成报告"),
    ("trl2", "2级：形成技术概念或应用设想"),
    ("trl3", "3级：关键功能通过实验验证"),
    ("trl4", "4级：实验室环境中样机验证"),
    ("trl5", "5级：相关环境中样机验证"),
    ("trl6", "6级：相关环境中系统演示"),
    ("trl7", "7级：实际环境中系统样机试用"),
    ("trl8", "8级：定型并具备批量生产条件"),
    ("trl9", "9级：实际应用并规模化推广"),
)

DEFINITION = Definition(
    list_code="tech",
    year=2023,
    title="先导技术榜申报表",
    intro="聚焦新兴前沿领域和产业基础领域核心技术攻关。",
    title_key="name",
    fields=(
        Field(
            "name",
            "技术名称",
            Kind.TEXT,
            max_length=100,
            group=BASIC,
            help_text="不超过 100 个字符。",
            publishable=True,
        ),
        Field("domain", "所属领域", Kind.DOMAIN, group=BASIC, help_text="每个领域分别计算推荐名额。"),
        Field(
            "units",
            "完成单位",
            Kind.TEXT,
            max_length=200,
            group=BASIC,
            help_text="多个单位用顿号分隔，第一完成单位在前。",
        ),
        Field("leader", "技术负责人", Kind.TEXT, max_length=50, group=BASIC),
        Field("maturity", "技术成熟度", Kind.CHOICE, choices=MATURITY_CHOICES, group=BASIC, publishable=True),
        Field(
            "summary",
            "技术简介",
            Kind.LONGTEXT,
            max_chars=800,
            group=CONTENT,
            help_text="技术的背景、原理、主要内容和技术指标。",
        ),
        Field(
            "innovation",
            "主要创新点",
            Kind.LONGTEXT,
            max_chars=1000,
            group=CONTENT,
            help_text="与国内外同类技术相比的创新之处，分条列出。",
        ),
        Field(
            "ip",
            "知识产权情况",
            Kind.LONGTEXT,
            max_chars=500,
            group=CONTENT,
            help_text="专利、软件著作权、标准等，注明授权号或申请号。",
        ),
        Field(
            "application",
            "应用推广情况与经济社会效益",
            Kind.LONGTEXT,
            max_chars=1000,
            group=EFFECT,
            help_text="已应用的单位和规模、近三年产生的经济效益和社会效益。",
        ),
        *contact_fields(),
    ),
)
