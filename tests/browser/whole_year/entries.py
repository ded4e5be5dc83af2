"""The entries the walk follows and the names it meets (the demo's own from nominations/demo_nominations.py)."""

# The entry the walk follows: filled in by `member` (北京星衡智能科技有限公司) in 先导技术榜 · 电子信息.
NEW_TITLE = "低轨卫星星间激光通信终端技术"
RETURN_NOTE = "请补充第三方检测报告，并写明近三年的应用单位。"
# The demo's own entries (nominations/demo_nominations.py) the walk meets.
MEMBER_SUBMITTED = "多模态遥感影像智能解译技术"  # member, 电子信息, submitted
MEMBER_DRAFT = "面向工业互联网的可信边缘计算平台"  # member, 电子信息, draft
MEMBER_ACCEPTED = "京津冀智能制造融通创新联合体"  # member, 融通创新组织榜, accepted (not recommended)
SOCIETY_RECOMMENDED = "车路协同毫米波雷达感知芯片"  # member2, 电子信息, recommended
MEMBER4_ELECTRONICS = (  # member4 (the society's third member), 电子信息, submitted
    "硅基氮化镓射频功率放大器芯片",
    "存算一体神经网络推理芯片",
    "高可靠车规级微控制器芯片",
)
OVER_QUOTA = "医学影像联邦学习分析平台"  # member2, 电子信息, accepted: the society's 7th candidate for 6 places
UNCONFIRMED_ENTRY = "工业视觉缺陷检测预训练模型"  # member3 of 陕西省科学技术协会 (never confirms), recommended
UNCONFIRMED_DRAFT = "许晴"  # member3, 技术经理人先锋榜, draft
SOCIETY = "中国技术经济学会"
ELECTRONICS_BODY = "中国科协信息科技学会联合体"  # reviews 先导技术榜 · 电子信息
UNCONFIRMED_UNIT = "陕西省科学技术协会"

# What the 电子信息 body reviews: the society's 6 places and the unconfirmed unit's entry.
ELECTRONICS = (NEW_TITLE, MEMBER_SUBMITTED, SOCIETY_RECOMMENDED, *MEMBER4_ELECTRONICS, UNCONFIRMED_ENTRY)
NOT_LISTED = UNCONFIRMED_ENTRY  # the final review lists the others
