"""Celery tasks of the review side: ids in, mail out (thin wrappers over ``reviews.outcomes``)."""

from celery import shared_task

from reviews import outcomes


@shared_task(name="reviews.send_outcomes", autoretry_for=(ConnectionError,), max_retries=3)
def send_outcomes(ranking_list_id):
    return [log.pk for log in outcomes.send_outcomes(ranking_list_id)]
