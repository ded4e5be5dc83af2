"""Deadline reminders: three days and one day before each deadline.

* Member deadline: to member units that still have drafts (or entries returned for revision), unless
  their recommending unit has confirmed (it takes no more entries).
* Platform deadline: to recommending units that have entries but have not confirmed.

:func:`due_reminders` computes who gets what at a given moment (pure reading, testable);
:func:`send_reminders` sends them and logs each in :class:`SentMail` under a key, so running it
again (the management command, the Celery beat entry) sends nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kczg_site import clock
from kczg_site.formats import format_datetime
from nominations import policy
from nominations.models import (
    Campaign,
    MailAudience,
    MailKind,
    MemberUnit,
    Participation,
    RecommendingUnit,
    SentMail,
    State,
)
from nominations.notifications import deliver, member_unit_recipients, render_mail, unit_staff_recipients
from nominations.rules import deadlines

# Days before a deadline at which a reminder falls due (largest first).
REMINDER_DAYS = (3, 1)

MEMBER_PENDING_STATES = State.editable()
UNIT_PENDING_STATES = State.unit_pending()


@dataclass
class Reminder:
    kind: str
    audience: str
    key: str
    to: list[str]
    deadline: datetime
    days: int
    context: dict = field(default_factory=dict)
    member_unit: MemberUnit | None = None
    recommending_unit: RecommendingUnit | None = None


def reminder_window(now: datetime, deadline: datetime) -> int | None:
    """The reminder (3 or 1 days before) whose window contains ``now``, or None.

    The 3-day reminder is due from 72 hours before until 24 hours before; the 1-day reminder from
    24 hours before until the deadline. A run that misses a window simply sends the next one.
    """
    if now >= deadline:
        return None
    windows = sorted(REMINDER_DAYS)
    for index, days in enumerate(windows):
        start = deadline - timedelta(days=days)
        end = deadline - timedelta(days=windows[index - 1]) if index else deadline
        if start <= now < end:
            return days
    return None


def due_reminders(now: datetime | None = None, campaigns: Iterable[Campaign] | None = None) -> list[Reminder]:
    """Every reminder due at ``now`` (already sent ones included; sending skips them by key)."""
    now = now or clock.now()
    campaigns = list(campaigns) if campaigns is not None else list(Campaign.objects.filter(is_active=True))
    due: list[Reminder] = []
    for campaign in campaigns:
        confirmed = Participation.objects.filter(campaign=campaign).exclude(confirmed_at=None).values("unit_id")
        members = (
            MemberUnit.objects.filter(
                is_active=True,
                recommending_unit__is_active=True,
                nominations__campaign=campaign,
                nominations__state__in=MEMBER_PENDING_STATES,
            )
            # A confirmed unit takes no more entries (confirmation.check_accepting_submissions).
            .exclude(recommending_unit__in=confirmed)
            .select_related("recommending_unit")
            .distinct()
        )
        for member in members:
            deadline = deadlines.member_deadline(campaign, member).effective
            days = reminder_window(now, deadline)
            if days is None:
                continue
            pending = member.nominations.filter(campaign=campaign, state__in=MEMBER_PENDING_STATES).count()
            due.append(
                Reminder(
                    kind=MailKind.REMINDER_MEMBER,
                    # It counts the member's own drafts: for the member unit (and the platform) only.
                    audience=MailAudience.MEMBER,
                    key=f"reminder:{campaign.year}:member:{member.pk}:{deadline.isoformat()}:{days}d",
                    to=member_unit_recipients(member),
                    deadline=deadline,
                    days=days,
                    member_unit=member,
                    recommending_unit=member.recommending_unit,
                    context={"campaign": campaign, "member_unit": member, "pending": pending},
                )
            )
        units = (
            RecommendingUnit.objects.filter(
                is_active=True,
                nominations__campaign=campaign,
                nominations__pioneer=None,
                nominations__state__in=UNIT_PENDING_STATES,
            )
            .exclude(pk__in=confirmed)
            .distinct()
        )
        for unit in units:
            deadline = deadlines.platform_deadline(campaign, unit).effective
            days = reminder_window(now, deadline)
            if days is None:
                continue
            # Read by the secretariat: only what the staff may see is counted.
            entries = unit.nominations.filter(policy.sent_to_staff(), campaign=campaign, pioneer=None)
            due.append(
                Reminder(
                    kind=MailKind.REMINDER_PLATFORM,
                    audience=MailAudience.SECRETARIAT,
                    key=f"reminder:{campaign.year}:platform:{unit.pk}:{deadline.isoformat()}:{days}d",
                    to=unit_staff_recipients(unit),
                    deadline=deadline,
                    days=days,
                    recommending_unit=unit,
                    context={
                        "campaign": campaign,
                        "unit": unit,
                        "submitted": entries.filter(state=State.SUBMITTED).count(),
                        "accepted": entries.filter(state=State.ACCEPTED).count(),
                        "recommended": entries.filter(state=State.RECOMMENDED).count(),
                    },
                )
            )
    return due


def send_reminders(now: datetime | None = None) -> list[SentMail]:
    """Send the reminders due at ``now`` that were not sent before; returns the new SentMail rows."""
    sent = []
    for reminder in due_reminders(now):
        context = {**reminder.context, "days": reminder.days, "deadline": format_datetime(reminder.deadline)}
        subject, body = render_mail(reminder.kind, context)
        log = deliver(
            reminder.kind,
            reminder.to,
            subject,
            body,
            audience=reminder.audience,
            recommending_unit=reminder.recommending_unit,
            member_unit=reminder.member_unit,
            dedupe_key=reminder.key,
        )
        if log is not None:
            sent.append(log)
    return sent
