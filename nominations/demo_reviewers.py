"""The demo's review side: a coordinator and three experts for every review body of the 2023 notice.

One row per body, defined once: the short code of its log-ins (``coord-<code>``, ``expert-<code>1..3``;
the 电子信息 body keeps the first names of the demo, ``coordinator`` and ``expert``…), the lists/domains it
covers as the log-in table writes them, and the people. The people and their organisations are
fictional; no expert's organisation is the unit of a demo entry, so the conflict rules never block them.
Read by ``nominations.demo`` (the users and the log-in table).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewTeam:
    code: str  # "" for the first body: its log-ins keep the names ``coordinator``, ``expert``, ``expert2``…
    body: str  # the review body's name as the campaign file has it
    covers: str  # the lists/domains it reviews, as the log-in table says
    coordinator: str  # the coordinator's display name
    experts: tuple[tuple[str, str], ...]  # (display name, organisation)

    @property
    def coordinator_username(self) -> str:
        return f"coord-{self.code}" if self.code else "coordinator"

    @property
    def expert_usernames(self) -> list[str]:
        if not self.code:
            return ["expert", *(f"expert{i}" for i in range(2, len(self.experts) + 1))]
        return [f"expert-{self.code}{i}" for i in range(1, len(self.experts) + 1)]


REVIEW_TEAMS: tuple[ReviewTeam, ...] = (
    ReviewTeam(
        "",
        "中国科协信息科技学会联合体",
        "先导技术榜 · 电子信息",
        "吴静",
        (("孙立新", "北方信息科技大学"), ("陈若溪", "滨海理工大学"), ("杨子墨", "西南电子工程学院")),
    ),
    ReviewTeam(
        "bio",
        "中国科协生命科学学会联合体",
        "先导技术榜 · 生物医药",
        "钱慧敏",
        (("罗启明", "东澜医科大学"), ("唐语桐", "江汉生命科学研究院"), ("冯嘉禾", "南岭药学院")),
    ),
    ReviewTeam(
        "mfg",
        "中国科协智能制造学会联合体",
        "先导技术榜 · 装备制造、产业基础",
        "蒋文博",
        (("韦振东", "中川机械工程大学"), ("邱雅琴", "渤澜装备技术研究院"), ("潘景行", "北原精密制造学院")),
    ),
    ReviewTeam(
        "mat",
        "中国科协先进材料学会联合体",
        "先导技术榜 · 先进材料",
        "曹丽华",
        (("邓子健", "江屿材料科学大学"), ("彭晓岚", "西岭冶金研究院"), ("袁博文", "湘澜化工学院")),
    ),
    ReviewTeam(
        "eco",
        "中国科协生态环境产学联合体",
        "先导技术榜 · 绿色低碳（与清洁能源学会联合体分担）",
        "董佳怡",
        (("谢云帆", "河洲环境科学大学"), ("叶秋实", "青岚生态研究院"), ("程思远", "云江水利学院")),
    ),
    ReviewTeam(
        "energy",
        "中国科协清洁能源学会联合体",
        "先导技术榜 · 绿色低碳（与生态环境产学联合体分担）",
        "苏明远",
        (("吕晨阳", "塞原能源大学"), ("魏书宁", "南澜新能源研究院"), ("蔡卓然", "天屿电力学院")),
    ),
    ReviewTeam(
        "ent",
        "“科创中国”联合体秘书处",
        "新锐企业榜",
        "田雨萱",
        (("姜海涛", "京川财经大学"), ("范一鸣", "东屿创业投资研究院"), ("汪晓彤", "中岚管理学院")),
    ),
    ReviewTeam(
        "org",
        "北京市长城企业战略研究所",
        "融通创新组织榜",
        "石磊",
        (("贺新宇", "燕屿经济管理学院"), ("龚静怡", "海澜产业研究院"), ("毛俊杰", "太岚创新发展研究院")),
    ),
    ReviewTeam(
        "mgr",
        "国际技术转移协作网络",
        "技术经理人先锋榜",
        "万晓光",
        (("熊立群", "珠屿技术转移学院"), ("金诗涵", "东川知识产权研究院"), ("陆志诚", "滇澜科技服务研究院")),
    ),
)


def team_logins(expert_label: str, coordinator_label: str) -> list[tuple[str, str, str]]:
    """The log-in rows ``(username, role label, description)`` of every team: its experts, then its coordinator."""
    rows = []
    for team in REVIEW_TEAMS:
        rows += [(username, expert_label, f"{team.body}（{team.covers}）") for username in team.expert_usernames]
        rows.append((team.coordinator_username, coordinator_label, f"{team.body}联络人（{team.covers}）"))
    return rows
