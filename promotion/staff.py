"""A partner's named staff (经办人员): the applicant is the first, its admin contact; the admin contact of
an approved partner adds staff by e-mail (an invited user, who sets a password through the platform's
account invitation) and removes them. Each staff user acts as the partner (``Partner.staff``, read by
``policy.partner_of``); every addition and removal is audited."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from kczg_site import clock
from nominations.audit import record_event
from nominations.notifications import queue_invitation
from nominations.policy import may
from nominations.rules.decision import require
from promotion.errors import PromotionError
from promotion.models import Partner, PartnerStaff


def live_staff(partner: Partner):
    return partner.named_staff.filter(removed_at__isnull=True).select_related("user")


@transaction.atomic
def add_staff(partner: Partner, by: User, *, name: str, position: str, phone: str, email: str) -> PartnerStaff:
    """A new user for ``email`` (no password until the invitation is used), on the partner's staff."""
    require(may(by, "manage_partner_staff", partner), PromotionError)
    email = email.strip().lower()
    users = get_user_model().objects
    if users.filter(email__iexact=email).exists() or users.filter(username__iexact=email).exists():
        raise PromotionError("该邮箱已有账号，请使用其他邮箱。")
    user = users.model(username=email, email=email, first_name=name[:150])
    user.set_unusable_password()
    user.save()
    partner.staff.add(user)
    row = PartnerStaff.objects.create(
        partner=partner,
        user=user,
        name=name,
        position=position,
        phone=phone,
        email=email,
        added_by=by,
        added_at=clock.now(),
    )
    record_event("promotion_staff_add", by, note=f"{partner.name}添加工作人员：{name}（{email}）")
    queue_invitation(user.pk)
    return row


@transaction.atomic
def remove_staff(partner: Partner, by: User, row: PartnerStaff) -> PartnerStaff:
    """Off the partner's staff (the row stays, with ``removed_at``); the user, who has nothing else on
    the platform, can no longer log in. The admin contact cannot remove itself."""
    require(may(by, "manage_partner_staff", partner), PromotionError)
    row = PartnerStaff.objects.select_for_update().get(pk=row.pk)
    if row.partner_id != partner.pk or row.removed_at is not None:
        raise PromotionError("该人员不在本机构的工作人员名单中。")
    if row.is_admin_contact:
        raise PromotionError("不能移除管理员联系人。")
    row.removed_at = clock.now()
    row.save(update_fields=["removed_at"])
    partner.staff.remove(row.user)
    user = row.user
    if getattr(user, "profile", None) is None and not user.partners.exists() and not user.is_superuser:
        user.is_active = False
        user.save(update_fields=["is_active"])
    record_event("promotion_staff_remove", by, note=f"{partner.name}移除工作人员：{row.name}（{row.email}）")
    return row


def invitation_identity(user: User) -> tuple[str, str, str] | None:
    """How an invitation greets a partner's staff user (who has no platform profile): name, institution,
    role; ``None`` for other users (registered with ``notifications.register_invitation_identity``)."""
    row = PartnerStaff.objects.select_related("partner").filter(user=user, removed_at__isnull=True).first()
    if row is None:
        return None
    return row.name, row.partner.name, "金融合作机构工作人员"
