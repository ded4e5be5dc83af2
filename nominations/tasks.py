"""Celery tasks: ids in, mail out. Thin wrappers over nominations.notifications and reminders."""

from celery import shared_task

from nominations import formal, notifications, official_pdf, reminders

# Defined next to its service; imported here so that a worker registers it with the others.
from nominations.official_pdf import render_official_versions  # noqa: F401


@shared_task(name="nominations.send_event_mail", autoretry_for=(ConnectionError,), max_retries=3)
def send_event_mail(event_id):
    log = notifications.send_event_mail(event_id)
    return log.pk if log else None


@shared_task(name="nominations.send_invitation", autoretry_for=(ConnectionError,), max_retries=3)
def send_invitation(user_id):
    log = notifications.send_invitation(user_id)
    return log.pk if log else None


@shared_task(name="nominations.send_reminders")
def send_reminders():
    return [log.pk for log in reminders.send_reminders()]


@shared_task(name="nominations.lapse_overdue")
def lapse_overdue():
    return [nomination.pk for nomination in formal.lapse_overdue()]


@shared_task(name="nominations.retry_official_versions")
def retry_official_versions():
    return official_pdf.retry_unfinished()
