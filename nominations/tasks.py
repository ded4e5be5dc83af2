"""Celery tasks: ids in, mail out. Thin wrappers over nominations.notifications and reminders."""

from celery import shared_task


@shared_task(name="nominations.send_event_mail", autoretry_for=(ConnectionError,), max_retries=3)
def send_event_mail(event_id):
    from nominations.notifications import send_event_mail as send

    log = send(event_id)
    return log.pk if log else None


@shared_task(name="nominations.send_invitation", autoretry_for=(ConnectionError,), max_retries=3)
def send_invitation(user_id):
    from nominations.notifications import send_invitation as send

    log = send(user_id)
    return log.pk if log else None


@shared_task(name="nominations.send_reminders")
def send_reminders():
    from nominations.reminders import send_reminders as send

    return [log.pk for log in send()]
