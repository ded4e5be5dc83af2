"""The promotion side of the demo (``nominations.demo.register_extra``, registered by ``promotion.hooks``).

The 2023 demo starts while entries are collected, so none of its entries is published. What a newcomer
can use at once is the year before: the 2022 campaign (``fixtures/campaign_2022.json``, marked not
current, so ``Campaign.objects.active()`` stays 2023 and nothing of the 2023 walk-through changes)
with four 先导技术榜 entries of the demo member units ``member`` and ``member2``.

That campaign ran before this platform: its entries are imported with the final review's result
(拟入榜, as an archive holds it) and published through the one home of publishing
(``reviews.publication.publish``, hence ``workflow.transition("publish")``) at a moment of February
2023, so that ``/published/2022/`` and the entries' profiles exist. Then, through the services:

* the members' consents: a public summary, a partner-level one with financing need, amount band, stage
  and contact details, a contact-level one, and an entry without consent (not shown anywhere);
* two approved financial partners with log-ins (``partner`` a bank, ``partner2`` a VC), each with
  offers, so that ``partner`` sees suggested matches with their reasons;
* one request of ``partner2`` waiting for the platform's moderation (a new partner's first requests).

Idempotent like ``load_demo``: every row is looked up by its natural key and left alone when present.
All names, codes and numbers are fictional.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from kczg_site import clock
from nominations import demo
from nominations.campaign_data import load_campaign
from nominations.forms.samples import complete_data
from nominations.models import Domain, MemberUnit, Nomination, RankingList, State
from promotion import services
from promotion.models import ConsentLevel, InterestRequest, Offer, Partner
from reviews import publication

ARCHIVE_FILE = "fixtures/campaign_2022.json"
BEIJING = ZoneInfo("Asia/Shanghai")
ENTERED = datetime(2022, 11, 10, 9, 0, tzinfo=BEIJING)
PUBLISHED = datetime(2023, 2, 10, 10, 0, tzinfo=BEIJING)
CONSENTED = datetime(2023, 3, 1, 9, 30, tzinfo=BEIJING)
PARTNERS_JOINED = datetime(2023, 5, 8, 14, 0, tzinfo=BEIJING)

# (member username, domain code, title, summary, consent fields or None)
ENTRIES = (
    (
        "member",
        "electronics",
        "工业设备预测性维护边缘智能系统",
        "在设备侧部署轻量化故障预测模型，实现旋转机械早期故障识别，已在多家制造企业的产线应用。",
        {
            "level": ConsentLevel.PARTNERS,
            "financing_need": "loan",
            "amount_band": "5m-20m",
            "use_of_funds": "扩建边缘计算模组产线",
            "stage": "growth",
            "contact_name": "周宁",
            "contact_phone": "010-00000001",
            "contact_email": "xingheng-demo@example.org",
        },
    ),
    (
        "member2",
        "biomedicine",
        "mRNA疫苗冻干制剂稳定化技术",
        "通过冻干保护剂配方与工艺优化，使核酸疫苗可在 2—8℃ 条件下长期储存和运输。",
        {"level": ConsentLevel.PUBLIC},
    ),
    (
        "member",
        "equipment",
        "协作机器人高精度力控关节模组",
        "集成力矩传感与柔顺控制算法的一体化关节模组，用于精密装配和人机协作场景。",
        None,
    ),
    (
        "member2",
        "green",
        "农林废弃物制备生物基材料技术",
        "以秸秆等农林废弃物为原料，低能耗制备可降解生物基材料，已建成中试线。",
        {
            "level": ConsentLevel.CONTACT,
            "financing_need": "equity",
            "amount_band": "20m-100m",
            "use_of_funds": "建设千吨级示范生产线",
            "stage": "startup",
            "contact_name": "沈悦",
            "contact_phone": "0571-00000002",
            "contact_email": "qinghe-demo@example.org",
        },
    ),
)

# username -> (staff name, partner fields, offers); the credit codes carry a correct check character.
PARTNERS = {
    "partner": (
        "陈立",
        {
            "name": "京华科创银行股份有限公司",
            "institution_type": "bank",
            "credit_code": "91110105MA01JHKC00",
            "licence_number": "B0001H211000001",
        },
        (
            {
                "product": "科创积分贷",
                "product_kind": "loan",
                "domains": ["electronics", "equipment"],
                "stages": ["startup", "growth"],
                "ticket_band": "5m-20m",
            },
            {"product": "知识产权质押融资", "product_kind": "loan", "ticket_band": "lt5m"},
        ),
    ),
    "partner2": (
        "林晓",
        {
            "name": "苏州恒岳创业投资管理有限公司",
            "institution_type": "vc",
            "credit_code": "91320505MA1HYQT30K",
            "licence_number": "P1001234",
        },
        (
            {
                "product": "硬科技成长基金",
                "product_kind": "equity",
                "domains": ["biomedicine", "green", "materials"],
                "stages": ["startup", "growth"],
                "ticket_band": "20m-100m",
            },
        ),
    ),
}
REQUEST = ("partner2", "农林废弃物制备生物基材料技术", "我们关注生物基材料赛道，希望了解示范线的融资安排。")

PARTNER_LABEL = "金融合作机构"
LOGINS = (
    ("partner", PARTNER_LABEL, f"{PARTNERS['partner'][1]['name']}（银行，已批准，2 个资源产品，可查看推荐匹配）"),
    (
        "partner2",
        PARTNER_LABEL,
        f"{PARTNERS['partner2'][1]['name']}（创投，已批准，1 个资源产品，1 个对接请求待平台审核）",
    ),
)


@contextmanager
def _at(moment: datetime):
    """Hold the one clock at ``moment`` (these rows belong to 2022 and 2023, wherever the demo clock is)."""
    with mock.patch.object(clock, "now", return_value=moment):
        yield


def load(campaign, summary: dict) -> None:
    """The promotion side of the demo (after the 2023 demo is loaded); idempotent."""
    path = settings.BASE_DIR / ARCHIVE_FILE
    archive = load_campaign(path)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["platform", "member", "member2"])}
    platform = users["platform"]
    entries = _archive_entries(archive, users)
    _publish(archive, platform)
    for username, _, title, _, consent in ENTRIES:
        if consent is not None:
            _consent(entries[title], users[username], consent)
    partners = {
        username: _partner(username, staff, fields, offers, platform, summary["users"])
        for username, (staff, fields, offers) in PARTNERS.items()
    }
    username, title, message = REQUEST
    partner, staff = partners[username]
    profile = entries[title].listed_profile
    if not InterestRequest.objects.filter(partner=partner, profile=profile).exists():
        # Refused when the demo changed since (the consent revoked, the partner suspended): leave it so.
        with suppress(services.PromotionError):
            services.send_request(profile, staff, message)


def _archive_entries(archive, users) -> dict[str, Nomination]:
    tech = RankingList.objects.get(campaign=archive, code="tech")
    found = {}
    for username, domain_code, title, text, _ in ENTRIES:
        member_unit = MemberUnit.objects.get(pk=users[username].profile.member_unit_id)
        entry = Nomination.objects.filter(campaign=archive, member_unit=member_unit, title=title).first()
        if entry is None:
            entry = Nomination.objects.create(
                campaign=archive,
                ranking_list=tech,
                domain=Domain.objects.get(ranking_list=tech, code=domain_code),
                member_unit=member_unit,
                recommending_unit=member_unit.recommending_unit,
                state=State.LISTED,  # the archive's final result; published below through the workflow
                title=title,
                data=complete_data("tech", title=title, summary=text, domain=domain_code),
                created_by=users[username],
                created_at=ENTERED,
                updated_at=ENTERED,
                submitted_at=ENTERED,
                recommended_at=ENTERED,
            )
        found[title] = entry
    return found


def _publish(archive, platform) -> None:
    if Nomination.objects.filter(campaign=archive, state=State.LISTED).exists():
        with _at(PUBLISHED):
            publication.publish(archive, platform)


def _consent(entry: Nomination, user, fields: dict) -> None:
    entry.refresh_from_db()
    with _at(CONSENTED):
        profile = services.profile_for(entry)
        if not profile.consents.exists():
            services.grant_consent(profile, user, **fields)


def _partner(username, staff_name, fields, offers, platform, counts):
    user = demo.demo_account(username, counts, first_name=staff_name)
    partner = Partner.objects.filter(credit_code=fields["credit_code"]).first()
    with _at(PARTNERS_JOINED):
        if partner is None:
            partner = services.apply_partner(user=user, **fields)
            services.decide_partner(partner, platform, "approve")
        partner.staff.add(user)
        for offer in offers:
            if not Offer.objects.filter(partner=partner, product=offer["product"]).exists():
                Offer.objects.create(partner=partner, created_at=clock.now(), **offer)
    return partner, user
