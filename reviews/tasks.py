"""Celery tasks of the review side: ids in, mail out (thin wrappers over ``reviews.outcomes``)."""

from celery import shared_task

from reviews import outcomes


@shared_task(name="reviews.send_outcomes", autoretry_for=(ConnectionError,), max_retries=3)
def send_outcomes(ranking_list_id):
    return [log.pk for log in outcomes.send_outcomes(ranking_list_id)]


@shared_task(name="reviews.send_case_mail", autoretry_for=(ConnectionError,), max_retries=3)
def send_case_mail(case_id, action):
    """The objector's mail about one step of a case (受理, 不予受理, the decision): ``reviews.objections``."""
    from reviews import objections

    log = objections.send_case_mail(case_id, action)
    return log.pk if log else None


@shared_task(name="reviews.send_forward_mail", autoretry_for=(ConnectionError,), max_retries=3)
def send_forward_mail(case_id):
    """The recommending unit's mail about a case forwarded to it (no objector in it)."""
    from reviews import objections

    log = objections.send_forward_mail(case_id)
    return log.pk if log else None
