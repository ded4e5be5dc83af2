"""The commands of 发布推介: profiles, consent, partners, offers, interest requests (each audited)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction

from kczg_site import clock
from nominations.audit import record_event
from nominations.models import Nomination, State
from nominations.policy import may
from nominations.rules.credit_codes import credit_code_error, normalize_credit_code
from nominations.rules.decision import require
from promotion import mails, publishable
from promotion.errors import PromotionError
from promotion.models import (
    Consent,
    InterestRequest,
    ListedProfile,
    Outcome,
    Package,
    PackageDelivery,
    Partner,
    PartnerStaff,
    PartnerState,
    ProfileView,
    PromotionSettings,
    RequestState,
)
from promotion.policy import partner_of
from promotion.request_transitions import OPEN_STATES, transition_request
from reviews.queries.stats import region_of

OPEN_REQUEST_STATES = tuple(OPEN_STATES)


def load_promotion(campaign, data, *, lists, domains) -> PromotionSettings:
    """The ``promotion`` section of a campaign file: answer days, weekly cap, moderated first requests."""
    data = dict(data or {})
    defaults = {key: int(data[key]) for key in ("answer_days", "weekly_cap", "moderated_first") if key in data}
    if defaults.get("answer_days", 14) < 1:
        raise ValueError("promotion.answer_days must be at least 1")
    row, _ = PromotionSettings.objects.update_or_create(campaign=campaign, defaults=defaults)
    return row


def settings_of(campaign) -> PromotionSettings:
    row = PromotionSettings.objects.filter(campaign=campaign).first()
    return row or PromotionSettings(campaign=campaign)


def profile_for(nomination: Nomination) -> ListedProfile:
    """The entry's profile, made from the published entry on first use (a snapshot of its public fields)."""
    if nomination.state != State.PUBLISHED:
        raise PromotionError("只有已发布入榜的项目可以建立推介页。")
    profile, _ = ListedProfile.objects.get_or_create(
        nomination=nomination,
        defaults={
            "summary": publishable.summary_of(nomination),
            "region": region_of(nomination.recommending_unit.name if nomination.recommending_unit else None),
            "published_fields": publishable.publishable_fields(nomination),
            "created_at": clock.now(),
        },
    )
    return profile


# ---------------------------------------------------------------- consent


@transaction.atomic
def grant_consent(profile: ListedProfile, user: User, **fields) -> Consent:
    """Replace the live consent by a new one (the earlier one revoked); audited."""
    require(may(user, "manage_promotion_consent", profile), PromotionError)
    now = clock.now()
    profile.consents.filter(revoked_at__isnull=True).update(revoked_at=now)
    consent = Consent.objects.create(profile=profile, granted_by=user, granted_at=now, **fields)
    record_event("promotion_consent", user, nomination=profile.nomination, note=f"授权：{consent.get_level_display()}")
    return consent


@transaction.atomic
def revoke_consent(profile: ListedProfile, user: User) -> None:
    require(may(user, "manage_promotion_consent", profile), PromotionError)
    now = clock.now()
    if not profile.consents.filter(revoked_at__isnull=True).update(revoked_at=now):
        raise PromotionError("该项目没有有效的推介授权。")
    for item in profile.requests.filter(state__in=OPEN_REQUEST_STATES).order_by("pk"):
        transition_request(item, "withdraw", user, note="入榜单位撤回推介授权", now=now)
    record_event("promotion_revoke", user, nomination=profile.nomination, note="撤回推介授权，推介页不再公开")


# ---------------------------------------------------------------- partners


def check_credit_code(code: str) -> str:
    code = normalize_credit_code(code)
    error = credit_code_error(code)
    if error:
        raise PromotionError(error)
    return code


@transaction.atomic
def apply_partner(
    *, user: User, name: str, institution_type: str, credit_code: str, licence_number: str, staff: dict | None = None
) -> Partner:
    """An institution's application with its pledge signed now (the platform approves it later); the
    applicant is its first named staff member (``staff``: name, position, phone, email) and its admin
    contact."""
    code = check_credit_code(credit_code)
    if Partner.objects.filter(credit_code=code).exists():
        raise PromotionError("该统一社会信用代码的机构已经申请过。")
    now = clock.now()
    partner = Partner.objects.create(
        name=name,
        institution_type=institution_type,
        credit_code=code,
        licence_number=licence_number,
        pledge_signed_at=now,
        applied_at=now,
    )
    partner.staff.add(user)
    staff = {"name": (user.first_name or user.username)[:30], "email": user.email, **(staff or {})}
    PartnerStaff.objects.create(partner=partner, user=user, is_admin_contact=True, added_at=now, **staff)
    record_event("promotion_partner_apply", user, note=f"{name}（{code}）申请成为金融合作机构，已签署保密承诺")
    return partner


PARTNER_STEPS = {
    "approve": ({PartnerState.PENDING, PartnerState.SUSPENDED}, PartnerState.APPROVED, "批准"),
    "suspend": ({PartnerState.APPROVED}, PartnerState.SUSPENDED, "暂停"),
    "remove": ({PartnerState.PENDING, PartnerState.APPROVED, PartnerState.SUSPENDED}, PartnerState.REMOVED, "移除"),
}


@transaction.atomic
def decide_partner(partner: Partner, user: User, step: str) -> Partner:
    require(may(user, "moderate_partners"), PromotionError)
    try:
        sources, target, label = PARTNER_STEPS[step]
    except KeyError:
        raise PromotionError("未知的操作。") from None
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.state not in sources:
        raise PromotionError(f"该机构当前状态为{partner.get_state_display()}，不能{label}。")
    partner.state = target
    partner.decided_at = clock.now()
    partner.save(update_fields=["state", "decided_at"])
    record_event("promotion_partner_" + step, user, note=f"{label}金融合作机构：{partner.name}")
    return partner


# ---------------------------------------------------------------- interest requests


@transaction.atomic
def send_request(profile: ListedProfile, user: User, message: str = "") -> InterestRequest:
    require(may(user, "request_contact", profile), PromotionError)
    partner = Partner.objects.select_for_update().get(pk=partner_of(user).pk)
    rules = settings_of(profile.nomination.campaign)
    now = clock.now()
    if partner.requests.filter(profile=profile, state__in=OPEN_REQUEST_STATES).exists():
        raise PromotionError("您已向该项目提出过对接请求，请等待答复。")
    if partner.requests.filter(created_at__gte=now - timedelta(days=7)).count() >= rules.weekly_cap:
        raise PromotionError(f"每家机构每周最多提出 {rules.weekly_cap} 个对接请求，请下周再试。")
    moderated = partner.requests.count() < rules.moderated_first
    item = InterestRequest.objects.create(
        partner=partner,
        profile=profile,
        message=message,
        requested_by=user,
        state=RequestState.MODERATION if moderated else RequestState.PENDING,
        created_at=now,
        expires_at=now + timedelta(days=rules.answer_days),
    )
    record_event("promotion_request", user, nomination=profile.nomination, note=f"{partner.name}提出对接请求")
    mails.queue_reached(item)
    return item


def expire_overdue(now=None) -> int:
    """Pending requests past their answer period become 已过期 (each partner is mailed, each audited); how
    many. A request answered meanwhile is left as answered (the transition's state check)."""
    now = now or clock.now()
    count = 0
    due = InterestRequest.objects.filter(state=RequestState.PENDING, expires_at__lt=now).order_by("pk")
    for item in due:
        try:
            transition_request(item, "expire", None, note="答复期限已过", now=now)
        except PromotionError:
            continue
        count += 1
    return count


def moderate_request(item, user: User, release: bool) -> None:
    require(may(user, "moderate_partners"), PromotionError)
    transition_request(item, "release" if release else "block", user)


def answer_request(item, user: User, accept: bool) -> None:
    """The listed party's answer; on acceptance this partner (only) may see the contact details. An
    answer after the period finds the request 已过期 (the expiry is kept, the answer refused)."""
    require(may(user, "manage_promotion_consent", item.profile), PromotionError)
    if item.state == RequestState.PENDING and item.expires_at and item.expires_at < clock.now():
        transition_request(item, "expire", None, note="答复期限已过")
    if accept and item.state == RequestState.PENDING and item.profile.live_contact() is None:
        raise PromotionError("请先在推介授权中填写联系人和联系电话或电子邮箱。")
    transition_request(item, "accept" if accept else "decline", user)


def log_view(profile: ListedProfile, user: User, saw_contact: bool, *, downloaded: bool = False) -> None:
    """Every profile a partner sees is logged: on its page, or downloaded (a Word file, alone or in a
    package)."""
    partner = partner_of(user)
    if partner is not None:
        ProfileView.objects.create(
            partner=partner,
            profile=profile,
            user=user,
            viewed_at=clock.now(),
            saw_contact=saw_contact,
            downloaded=downloaded,
        )


# ---------------------------------------------------------------- 定向推介 and outcomes


@transaction.atomic
def create_package(user: User, title: str, profiles, partners) -> Package:
    """A package of partner-visible profiles sent to the chosen approved partners (one delivery each)."""
    require(may(user, "moderate_partners"), PromotionError)
    from promotion import visibility

    chosen = list(visibility.partner_profiles().filter(pk__in=[p.pk for p in profiles]))
    targets = [p for p in partners if p.state == PartnerState.APPROVED]
    if not chosen:
        raise PromotionError("所选条件下没有授权合作机构可见的项目。")
    if not targets:
        raise PromotionError("请至少选择一家已批准的合作机构。")
    now = clock.now()
    package = Package.objects.create(title=title, created_by=user, created_at=now)
    package.profiles.set(chosen)
    PackageDelivery.objects.bulk_create([PackageDelivery(package=package, partner=p, sent_at=now) for p in targets])
    record_event(
        "promotion_package", user, note=f"定向推介“{title}”：{len(chosen)} 个项目，发送给 {len(targets)} 家机构"
    )
    return package


def open_delivery(delivery: PackageDelivery) -> None:
    if delivery.opened_at is None:
        PackageDelivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=clock.now())


@transaction.atomic
def report_outcome(item: InterestRequest, user: User, kind: str, amount_wan) -> Outcome:
    """The partner reports what came of an accepted request; the listed party confirms it later."""
    partner = partner_of(user)
    if partner is None or item.partner_id != partner.pk or item.state != RequestState.ACCEPTED:
        raise PromotionError("只能对已接受的本机构对接请求报告成果。")
    outcome = Outcome.objects.create(
        request=item, kind=kind, amount_wan=amount_wan, reported_by=user, reported_at=clock.now()
    )
    record_event("promotion_outcome", user, nomination=item.profile.nomination, note=f"{partner.name}报告成果")
    return outcome


@transaction.atomic
def confirm_outcome(outcome: Outcome, user: User) -> None:
    require(may(user, "manage_promotion_consent", outcome.request.profile), PromotionError)
    if outcome.confirmed_at is not None:
        raise PromotionError("该成果已确认。")
    outcome.confirmed_at = clock.now()
    outcome.save(update_fields=["confirmed_at"])
    record_event("promotion_outcome_confirm", user, nomination=outcome.request.profile.nomination, note="确认对接成果")
