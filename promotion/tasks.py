"""Celery tasks of 发布推介: ids in, mail out; the hourly expiry of unanswered requests."""

from celery import shared_task

from promotion import mails, services


@shared_task(name="promotion.send_request_mail", autoretry_for=(ConnectionError,), max_retries=3)
def send_request_mail(request_id, kind):
    log = mails.send_request_mail(request_id, kind)
    return log.pk if log else None


@shared_task(name="promotion.expire_overdue")
def expire_overdue():
    return services.expire_overdue()
