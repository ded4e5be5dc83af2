"""What the core needs from 发布推介, registered from ``PromotionConfig.ready``: its policy actions,
the ``promotion`` section of a campaign file, the audit labels, the navbar entries and the demo's
promotion side (``promotion.demo``)."""

from nominations import campaign_data, context_processors, notifications
from nominations import demo as core_demo
from nominations import policy as core_policy
from nominations.audit import EVENT_LABELS
from promotion import demo, policy, queries, services, staff
from reviews import publication

AUDIT_LABELS = {
    "promotion_consent": "推介授权",
    "promotion_revoke": "撤回推介授权",
    "promotion_partner_apply": "合作机构申请",
    "promotion_partner_approve": "批准合作机构",
    "promotion_partner_suspend": "暂停合作机构",
    "promotion_partner_remove": "移除合作机构",
    "promotion_request": "对接请求",
    "promotion_moderate": "审核对接请求",
    "promotion_release": "提供联系方式",
    "promotion_decline": "拒绝对接请求",
    "promotion_expire": "对接请求过期",
    "promotion_package": "定向推介",
    "promotion_outcome": "报告对接成果",
    "promotion_outcome_confirm": "确认对接成果",
    "promotion_staff_add": "添加合作机构工作人员",
    "promotion_staff_remove": "移除合作机构工作人员",
}


# (label, URL name, policy action or None for everybody): the navbar entries (nominations.context_processors).
# Each is decided without a query (the navbar is on every page): 我的推介 for every member unit and
# pioneer (the page says when none of their entries is published yet), 合作机构 for approved partners' staff.
NAV = [
    ("入榜推介", "promotion:search", None),
    ("我的推介", "promotion:mine", "manage_promotion_consent"),
    ("合作机构", "promotion:partner", "see_partner_menu"),
    ("发布推介", "promotion:platform", "moderate_partners"),
]


def register() -> None:
    policy.register_actions()
    for verb, label in AUDIT_LABELS.items():
        EVENT_LABELS.setdefault(verb, label)
    campaign_data.register_section_loader("promotion", services.load_promotion)
    for label, url_name, action in NAV:
        context_processors.register_nav(label, url_name, action)
    core_policy.register_dashboard("act_as_partner", "promotion:partner")  # where partner staff land
    notifications.register_invitation_identity(staff.invitation_identity)
    publication.register_profile_links(queries.public_profile_links)  # the published lists link to profiles
    core_demo.register_extra(core_demo.DemoExtra(name="promotion", logins=demo.LOGINS, load=demo.load))
