"""E-mail notifications: queued after the transaction commits, sent by Celery, logged in SentMail.

The workflow sends ``transitioned`` inside its transaction; the listener here registers a
``transaction.on_commit`` callback that hands the audit event's id to a Celery task, so a
rolled-back change never mails anyone. Confirmation and reopening queue their mail the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import workflow
from nominations.models import (
    AuditEvent,
    MailAudience,
    MailKind,
    MailStatus,
    MemberUnit,
    Nomination,
    Profile,
    RecommendingUnit,
    Role,
    SentMail,
)

# Audit verbs that mail someone, and the kind of mail.
EVENT_MAIL = {
    "return": MailKind.RETURNED,
    "accept": MailKind.ACCEPTED,
    "decline": MailKind.DECLINED,
    "recommend": MailKind.RECOMMENDED,
    "confirm": MailKind.CONFIRMED,
    "reopen": MailKind.REOPENED,
    "not_recommend": MailKind.NOT_RECOMMENDED,
    "exclude": MailKind.EXCLUDED,
    "lapse": MailKind.DECLINED,
    "platform_lapse": MailKind.DECLINED,
}


@receiver(workflow.transitioned)
def on_transition(sender: type, nomination: Nomination, actor: User, event: AuditEvent, **kwargs: Any) -> None:
    queue_event_mail(event)


def queue_event_mail(event: AuditEvent) -> None:
    """After the current transaction commits, mail about ``event`` (if its verb mails anyone)."""
    if event.verb not in EVENT_MAIL:
        return
    event_id = event.pk

    def send() -> None:
        # Inside the function: nominations.tasks imports this module (and reminders, which imports it too).
        from nominations.tasks import send_event_mail

        send_event_mail.delay(event_id)

    transaction.on_commit(send)


def queue_invitation(user_id: int) -> None:
    def send() -> None:
        # Inside the function: nominations.tasks imports this module.
        from nominations.tasks import send_invitation

        send_invitation.delay(user_id)

    transaction.on_commit(send)


# ---------------------------------------------------------------- recipients


def _unique(addresses: Iterable[str | None]) -> list[str]:
    seen: list[str] = []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in {a.lower() for a in seen}:
            seen.append(address)
    return seen


def member_unit_recipients(member_unit: MemberUnit) -> list[str]:
    users = Profile.objects.filter(role=Role.MEMBER, member_unit=member_unit, user__is_active=True)
    return _unique([*users.values_list("user__email", flat=True), member_unit.contact_email])


def unit_staff_recipients(unit: RecommendingUnit) -> list[str]:
    users = Profile.objects.filter(role=Role.SECRETARIAT, recommending_unit=unit, user__is_active=True)
    return _unique([*users.values_list("user__email", flat=True), unit.contact_email])


def platform_staff_recipients() -> list[str]:
    users = Profile.objects.filter(role=Role.PLATFORM, user__is_active=True)
    return _unique(users.values_list("user__email", flat=True))


# ---------------------------------------------------------------- sending


def site_url(path: str = "") -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_mail(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    context = {"site_url": site_url(), "format_datetime": format_datetime, **context}
    subject = render_to_string(f"emails/{kind}_subject.txt", context)
    subject = " ".join(subject.split())
    body = render_to_string(f"emails/{kind}_body.txt", context).strip() + "\n"
    return subject, body


def deliver(
    kind: str,
    to: Iterable[str],
    subject: str,
    body: str,
    *,
    audience: str,
    nomination: Nomination | None = None,
    recommending_unit: RecommendingUnit | None = None,
    member_unit: MemberUnit | None = None,
    dedupe_key: str | None = None,
) -> SentMail | None:
    """Send one mail and log it; with ``dedupe_key`` a mail already logged is not sent again (None).

    ``audience`` (a :class:`MailAudience`) says whom the mail is addressed to: the policy's
    ``visible_sent_mails`` shows the log entry to them and the platform only."""
    to = _unique(to)
    try:
        with transaction.atomic():
            log = SentMail.objects.create(
                to=", ".join(to),
                subject=subject,
                body=body,
                sent_at=clock.now(),
                kind=kind,
                audience=audience,
                status=MailStatus.SENT if to else MailStatus.SKIPPED,
                nomination=nomination,
                recommending_unit=recommending_unit,
                member_unit=member_unit,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    if not to:
        return log
    try:
        EmailMessage(subject=subject, body=body, to=to).send()
    except Exception as exc:  # the log must show a failed delivery; the task may be retried
        log.status = MailStatus.FAILED
        log.error = f"{exc.__class__.__name__}: {exc}"
        log.save(update_fields=["status", "error"])
    return log


def send_event_mail(event_id: int) -> SentMail | None:
    """The mail about one audit event (a transition, a confirmation or a reopening)."""
    event = (
        AuditEvent.objects.select_related(
            "actor",
            "recommending_unit",
            "nomination__ranking_list",
            "nomination__domain",
            "nomination__member_unit",
            "nomination__campaign",
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.verb not in EVENT_MAIL:
        return None
    kind = EVENT_MAIL[event.verb]
    nomination = event.nomination
    unit = event.recommending_unit
    context = {"event": event, "nomination": nomination, "unit": unit, "at": format_datetime(event.at)}
    if nomination is not None:
        member_unit = nomination.member_unit
        if member_unit is None:
            return None
        context["member_unit"] = member_unit
        context["entry_url"] = site_url(reverse("member:dashboard"))
        to = member_unit_recipients(member_unit)
        subject, body = render_mail(kind, context)
        return deliver(
            kind,
            to,
            subject,
            body,
            audience=MailAudience.MEMBER,
            nomination=nomination,
            recommending_unit=unit,
            member_unit=member_unit,
        )
    if unit is None:
        return None
    to = unit_staff_recipients(unit)
    if kind == MailKind.CONFIRMED:
        to += platform_staff_recipients()
    context["dashboard_url"] = site_url(reverse("secretariat:dashboard"))
    subject, body = render_mail(kind, context)
    return deliver(kind, to, subject, body, audience=MailAudience.SECRETARIAT, recommending_unit=unit)


def invitation_link(user: User) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_url(reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token}))


# Who an invited user without a profile is (a partner's staff, registered by the promotion app at
# ready()): ``identity(user) -> (display name, organisation, role label)`` or ``None``.
INVITATION_IDENTITIES: list[Callable[[User], tuple[str, str, str] | None]] = []


def register_invitation_identity(identity: Callable[[User], tuple[str, str, str] | None]) -> None:
    if identity not in INVITATION_IDENTITIES:
        INVITATION_IDENTITIES.append(identity)


def _identity(user: User, profile: Profile | None) -> tuple[str, str, str]:
    if profile is not None:
        return profile.display_name, profile.organisation_label, profile.get_role_display()
    for identity in INVITATION_IDENTITIES:
        found = identity(user)
        if found is not None:
            return found
    return "", "", ""


def send_invitation(user_id: int) -> SentMail | None:
    user = get_user_model().objects.select_related("profile").filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email:
        return None
    profile = getattr(user, "profile", None)
    days = max(int(settings.PASSWORD_RESET_TIMEOUT // 86400), 1)
    display_name, organisation, role_label = _identity(user, profile)
    context = {
        "user": user,
        "profile": profile,
        "display_name": display_name,
        "organisation": organisation,
        "role_label": role_label,
        "link": invitation_link(user),
        "days": days,
        "login_url": site_url(reverse("login")),
    }
    subject, body = render_mail(MailKind.INVITATION, context)
    return deliver(
        MailKind.INVITATION,
        [user.email],
        subject,
        body,
        audience=invitation_audience(profile),
        recommending_unit=profile.recommending_unit if profile else None,
        member_unit=profile.member_unit if profile else None,
    )


def invitation_audience(profile: Profile | None) -> str:
    """An invitation is addressed to one user: a member unit's, a secretariat's, or anyone else's."""
    role = profile.role if profile else None
    if role == Role.MEMBER and profile.member_unit_id:
        return MailAudience.MEMBER
    if role == Role.SECRETARIAT and profile.recommending_unit_id:
        return MailAudience.SECRETARIAT
    return MailAudience.OTHER
