"""Demo nominations for the demo units (called at the end of ``nominations.demo.load_demo``).

Entries in every list and in several states — draft, submitted, returned with a comment, accepted,
declined, recommended — made through the same services and workflow as the pages use
(``intake.create_nomination``, ``intake.save_draft``, ``opinions.write_opinion``, ``workflow.transition``),
with the one clock held at moments before the member deadline so that every deadline is open and the history reads
like a real campaign. Idempotent: an entry is looked up by its side (member unit or pioneer) and
title, and skipped when it exists. All names are fictional, except one enterprise deliberately
named like a 2022 listed one, so that the secretariat sees an "earlier listed" flag.
"""

from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from kczg_site import clock
from nominations import intake, opinions, workflow
from nominations.forms.samples import complete_data, credit_code
from nominations.models import Domain, Nomination, RankingList

BEIJING = ZoneInfo("Asia/Shanghai")

# (author username, list code, domain code, title, final state, secretariat note, data overrides)
ENTRIES = (
    (
        "member",
        "tech",
        "electronics",
        "面向工业互联网的可信边缘计算平台",
        "draft",
        "",
        {"summary": "", "innovation": "", "application": ""},
    ),
    ("member", "tech", "electronics", "多模态遥感影像智能解译技术", "submitted", "", {}),
    (
        "member",
        "enterprise",
        None,
        "北京星衡智能科技有限公司",
        "returned",
        "请补充上年度营业收入的审计报告，并将“主营业务与核心技术”压缩到 600 字以内后重新提交。",
        {"credit_code": "91110108MA01R2KD7U"},
    ),
    ("member", "organization", None, "京津冀智能制造融通创新联合体", "accepted", "", {}),
    ("member2", "tech", "biomedicine", "新型脂质纳米颗粒核酸药物递送技术", "recommended", "", {}),
    (
        "member2",
        "enterprise",
        None,
        "杭州青禾生物医药有限公司",
        "declined",
        "该企业成立已超过申报条件规定的年限，本年度不予推荐。",
        {"credit_code": "91330106MA2H3T8L50", "founded": "2009-04-20"},
    ),
    ("member2", "enterprise", None, "青岛国数信息科技有限公司", "submitted", "", {}),
    ("member2", "manager", None, "林知远", "submitted", "", {}),
    ("member3", "tech", "materials", "高熵合金激光增材制造技术", "submitted", "", {}),
    ("member3", "manager", None, "许晴", "draft", "", {"cases": [], "achievements": ""}),
    ("pioneer", "manager", None, "陈思源", "draft", "", {}),
    # Recommended in 电子信息, so that after the demo clock moves past the platform deadline the
    # demo review body (中国科协信息科技学会联合体: `coordinator`, `expert`…) has entries to review.
    ("member2", "tech", "electronics", "车路协同毫米波雷达感知芯片", "recommended", "", {}),
    ("member3", "tech", "electronics", "工业视觉缺陷检测预训练模型", "recommended", "", {}),
    # One recommended entry (two for 绿色低碳, which two bodies share) for every other review body, all
    # from 中国技术经济学会's members: whatever the platform decides about 陕西省科协, every body's
    # coordinator and experts (`coord-bio`, `expert-bio1`…, see demo_reviewers.py) have work.
    ("member", "tech", "equipment", "高精度五轴联动数控系统关键技术", "recommended", "", {}),
    ("member", "tech", "materials", "耐高温碳化硅纤维连续制备技术", "recommended", "", {}),
    ("member", "tech", "green", "工业园区源网荷储协同调控技术", "recommended", "", {}),
    ("member2", "tech", "green", "生物基可降解包装材料绿色制备技术", "recommended", "", {}),
    ("member2", "enterprise", None, "苏州澄芯半导体有限公司", "recommended", "", {}),
    ("member2", "organization", None, "长三角生物医药协同创新联合体", "recommended", "", {}),
    ("member", "manager", None, "周明哲", "recommended", "", {}),
    # 电子信息 candidates of member4 (at its cap of 3) and two more of member2: with the submitted one of
    # `member` and the recommended one of member2, 中国技术经济学会 has 7 for its 6 places (8 once `member`
    # submits a new one), so that the secretariat meets the quota's edge.
    ("member4", "tech", "electronics", "硅基氮化镓射频功率放大器芯片", "submitted", "", {}),
    ("member4", "tech", "electronics", "存算一体神经网络推理芯片", "submitted", "", {}),
    ("member4", "tech", "electronics", "高可靠车规级微控制器芯片", "submitted", "", {}),
    ("member2", "tech", "electronics", "医学影像联邦学习分析平台", "accepted", "", {}),
    ("member2", "tech", "electronics", "城市级数字孪生交通仿真平台", "submitted", "", {}),
)

# The path through the workflow to each final state: (action, actor: "author" or "secretariat").
PATHS = {
    "draft": (),
    "submitted": (("submit", "author"),),
    "returned": (("submit", "author"), ("return", "secretariat")),
    "accepted": (("submit", "author"), ("accept", "secretariat"), ("opinion", "secretariat")),
    "declined": (("submit", "author"), ("decline", "secretariat")),
    "recommended": (
        ("submit", "author"),
        ("accept", "secretariat"),
        ("opinion", "secretariat"),
        ("recommend", "secretariat"),
    ),
}
SECRETARIAT_OF = {
    "member": "secretariat",
    "member2": "secretariat",
    "member3": "secretariat2",
    "member4": "secretariat",
}
START = datetime(2023, 11, 6, 9, 0, tzinfo=BEIJING)


def _opinion(title):
    """The demo 推荐意见 of an entry (recommending needs one, ``nominations.opinions``)."""
    return (
        f"经本单位组织专家审核，“{title}”申报材料真实、完整，创新性突出，"
        "已在相关行业形成示范应用，经济和社会效益显著，符合本榜单申报条件，同意推荐。"
    )


@contextmanager
def _clock_at(moment):
    """Hold the one clock at ``moment`` (the demo clock may run anywhere; these rows need the past)."""
    with mock.patch.object(clock, "now", return_value=moment):
        yield


def _users():
    wanted = {*SECRETARIAT_OF, "secretariat", "secretariat2", "pioneer"}
    found = get_user_model().objects.filter(username__in=wanted).select_related("profile")
    return {user.username: user for user in found if hasattr(user, "profile")}


def _exists(campaign, author, title):
    profile = author.profile
    qs = Nomination.objects.filter(campaign=campaign, title=title)
    if profile.pioneer_id:
        return qs.filter(pioneer_id=profile.pioneer_id).exists()
    return qs.filter(member_unit_id=profile.member_unit_id).exists()


def _data(list_code, title, index, overrides):
    data = complete_data(list_code, title=title)
    if "credit_code" in data:
        data["credit_code"] = credit_code(f"9111010{index % 10}MA0{index:02d}DEMX"[:17])
    data.update(overrides)
    return data


def create_demo_nominations(campaign):
    """Create the demo entries of ``campaign`` idempotently; return how many were created."""
    users = _users()
    lists = {lst.code: lst for lst in RankingList.objects.filter(campaign=campaign)}
    created = 0
    for index, (author_name, list_code, domain_code, title, state, note, overrides) in enumerate(ENTRIES):
        author = users.get(author_name)
        ranking_list = lists.get(list_code)
        if author is None or ranking_list is None or _exists(campaign, author, title):
            continue
        domain = Domain.objects.filter(ranking_list=ranking_list, code=domain_code).first() if domain_code else None
        moment = START + timedelta(hours=7 * index)
        with transaction.atomic():
            with _clock_at(moment):
                nomination = intake.create_nomination(author, ranking_list, domain)
            with _clock_at(moment + timedelta(minutes=40)):
                data = _data(list_code, title, index, overrides)
                if domain is not None:
                    data["domain"] = domain.code
                intake.save_draft(nomination, author, data, nomination.version)
            for step, (action, actor) in enumerate(PATHS[state], start=1):
                user = author if actor == "author" else users.get(SECRETARIAT_OF.get(author_name, ""))
                if user is None:
                    break
                with _clock_at(moment + timedelta(days=step, hours=1)):
                    nomination.refresh_from_db()
                    if action == "submit":
                        intake.submit(nomination, user)
                    elif action == "opinion":
                        opinions.write_opinion(nomination, user, _opinion(title))
                    else:
                        workflow.transition(nomination, action, user, note=note)
        created += 1
    return created
