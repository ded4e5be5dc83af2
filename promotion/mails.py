"""The mails of 发布推介, through the core's mail machinery (``nominations.notifications``, logged in SentMail).

* a partner's request reaches the listed party (待回复: sent without moderation, or released by the
  platform): the listed party is told who asks and why, with the link to 我的推介;
* the request is accepted, not accepted (by the listed party or stopped by the platform's moderation)
  or expired (no answer in time, or the consent was revoked): the partner's staff are told.

The acceptance mail carries no contact details: it says the partner may now see them on the
profile page. The page shows them to the accepted partner only, with its name as a watermark, and
logs each view (``ProfileView.saw_contact``); a mail would escape both and would sit in the mail log.

Each mail is queued after the transaction commits (a Celery task, ids only) and sent once per
request and kind (the dedupe key).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from nominations import notifications
from nominations.models import MailAudience, MailKind, Profile, Role, SentMail
from promotion.models import InterestRequest, RequestState

# The request's state -> the kind of the partner's mail.
PARTNER_MAIL = {
    RequestState.ACCEPTED: MailKind.PROMOTION_ACCEPTED,
    RequestState.DECLINED: MailKind.PROMOTION_DECLINED,
    RequestState.EXPIRED: MailKind.PROMOTION_EXPIRED,
}


def queue(item: InterestRequest, kind: str) -> None:
    """After the current transaction commits, send the ``kind`` mail about ``item``."""
    request_id = item.pk

    def send() -> None:
        # Inside the function: promotion.tasks imports this module.
        from promotion.tasks import send_request_mail

        send_request_mail.delay(request_id, kind)

    transaction.on_commit(send)


def queue_reached(item: InterestRequest) -> None:
    """The request now waits for the listed party's answer: tell the listed party."""
    if item.state == RequestState.PENDING:
        queue(item, MailKind.PROMOTION_REQUEST)


def queue_answer(item: InterestRequest) -> None:
    """The request is closed (accepted, declined or expired): tell the partner."""
    if item.state in PARTNER_MAIL:
        queue(item, PARTNER_MAIL[item.state])


def _listed_party(entry) -> tuple[list[str], dict]:
    """The listed party's addresses and the log fields (a member unit's mail is read by it and the platform)."""
    if entry.member_unit_id:
        return notifications.member_unit_recipients(entry.member_unit), {
            "audience": MailAudience.MEMBER,
            "member_unit": entry.member_unit,
        }
    users = Profile.objects.filter(role=Role.PIONEER, pioneer_id=entry.pioneer_id, user__is_active=True)
    return list(users.values_list("user__email", flat=True)), {"audience": MailAudience.OTHER}


def send_request_mail(request_id: int, kind: str) -> SentMail | None:
    item = (
        InterestRequest.objects.select_related(
            "partner",
            "profile__nomination__member_unit",
            "profile__nomination__ranking_list",
            "profile__nomination__campaign",
        )
        .filter(pk=request_id)
        .first()
    )
    if item is None:
        return None
    entry = item.profile.nomination
    context = {
        "item": item,
        "partner": item.partner,
        "entry": entry,
        "expires_at": notifications.format_datetime(item.expires_at),
        "mine_url": notifications.site_url(reverse("promotion:mine")),
        "profile_url": notifications.site_url(reverse("promotion:profile", args=[item.profile_id])),
        "partner_url": notifications.site_url(reverse("promotion:partner")),
    }
    if kind == MailKind.PROMOTION_REQUEST:
        to, fields = _listed_party(entry)
    else:
        to = list(item.partner.staff.filter(is_active=True).values_list("email", flat=True))
        fields = {"audience": MailAudience.OTHER}
    subject, body = notifications.render_mail(kind, context)
    return notifications.deliver(kind, to, subject, body, nomination=entry, dedupe_key=f"{kind}:{item.pk}", **fields)
