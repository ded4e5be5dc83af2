"""Who may do what in 发布推介 (registered with ``nominations.policy.register`` at ready()).

Partners are users on the staff of a ``Partner`` (no platform role): an approved partner's staff may
see the extended profiles consented for partners and ask for contact; only a partner whose request
the listed party accepted sees the contact details.
"""

from __future__ import annotations

from typing import Any

from nominations.models import Role
from nominations.policy import NOT_FOUND, profile_of, register, role_of
from nominations.rules.decision import ALLOW, Decision

NOT_PARTNER = Decision.deny("只有已批准的金融合作机构可以进行此操作。")


def partner_of(user: Any):
    """The approved partner ``user`` works for, else ``None``."""
    from promotion.models import Partner, PartnerState

    if user is None or not user.is_authenticated:
        return None
    return Partner.objects.filter(staff=user, state=PartnerState.APPROVED).first()


def any_partner_of(user: Any):
    from promotion.models import Partner

    if user is None or not user.is_authenticated:
        return None
    return Partner.objects.filter(staff=user).first()


def _is_platform(user: Any) -> bool:
    return role_of(user) in (Role.PLATFORM, Role.ADMIN)


def owns_profile(user: Any, profile: Any) -> bool:
    """The listed party: the entry's member unit's users, or its pioneer."""
    own = profile_of(user)
    if own is None or profile is None:
        return False
    entry = profile.nomination
    if entry.member_unit_id and own.role == Role.MEMBER and own.member_unit_id == entry.member_unit_id:
        return True
    return bool(entry.pioneer_id and own.role == Role.PIONEER and own.pioneer_id == entry.pioneer_id)


def _manage_consent(user: Any, profile: Any = None) -> Decision:
    if profile is None:
        return (
            ALLOW if role_of(user) in (Role.MEMBER, Role.PIONEER) else Decision.deny("只有入榜单位可以管理推介授权。")
        )
    return ALLOW if owns_profile(user, profile) else NOT_FOUND


def _partner_menu(user: Any, obj: Any = None) -> Decision:
    """The navbar entry 合作机构: partner staff sign up through 合作机构申请 and hold no platform role,
    so a user with a role is refused without a query (every page of every role draws the navbar);
    anyone else is asked ``act_as_partner``."""
    if role_of(user) is not None:
        return NOT_PARTNER
    return _partner(user, obj)


def _partner(user: Any, obj: Any = None) -> Decision:
    return ALLOW if partner_of(user) is not None else NOT_PARTNER


def _request_contact(user: Any, profile: Any = None) -> Decision:
    from promotion import visibility

    partner = partner_of(user)
    if partner is None:
        return NOT_PARTNER
    if profile is None:
        return ALLOW
    if not visibility.partner_profiles().filter(pk=profile.pk).exists():
        return NOT_FOUND
    return ALLOW


def _view_contact(user: Any, profile: Any = None) -> Decision:
    from promotion.models import RequestState

    partner = partner_of(user)
    if partner is None or profile is None:
        return NOT_PARTNER
    if partner.requests.filter(profile=profile, state=RequestState.ACCEPTED).exists() and profile.live_contact():
        return ALLOW
    return Decision.deny("入榜单位接受您的对接请求后，才能查看联系方式。")


def _manage_staff(user: Any, partner: Any = None) -> Decision:
    """The approved partner's admin contact adds and removes its staff (of its own partner only)."""
    from promotion.models import PartnerStaff

    own = partner_of(user)
    if own is None:
        return NOT_PARTNER
    if partner is not None and partner.pk != own.pk:
        return NOT_FOUND
    if not PartnerStaff.objects.filter(partner=own, user=user, is_admin_contact=True, removed_at__isnull=True).exists():
        return Decision.deny("只有本机构的管理员联系人可以管理工作人员。")
    return ALLOW


def _see_consent_contact(user: Any, obj: Any = None) -> Decision:
    """The listed party's contact in the Django admin: the system administrator (superuser) only, for a
    complaint or a correction; the platform secretariat's pages never show it (``view_contact`` is the
    partner's, after an accepted request), so neither does its admin."""
    if role_of(user) == Role.ADMIN:
        return ALLOW
    return Decision.deny("联系方式只向入榜单位接受其请求的合作机构提供。")


def _moderate(user: Any, obj: Any = None) -> Decision:
    return ALLOW if _is_platform(user) else Decision.deny("只有平台秘书处可以审核金融合作机构。")


ACTIONS = {
    "manage_promotion_consent": _manage_consent,
    "act_as_partner": _partner,
    "see_partner_menu": _partner_menu,
    "request_contact": _request_contact,
    "view_contact": _view_contact,
    "moderate_partners": _moderate,
    "manage_partner_staff": _manage_staff,
    "see_consent_contact": _see_consent_contact,
}


def register_actions() -> None:
    for action, check in ACTIONS.items():
        register(action, check)
