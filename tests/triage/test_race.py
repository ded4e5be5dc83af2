"""Recommending in parallel never passes the quota (PostgreSQL row locks; skipped on SQLite)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from nominations.models import Nomination, State


def _run_in_parallel(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _recommend_job(user, pk):
    def job():
        client = Client()
        client.force_login(user)
        return client.post(reverse("secretariat:nomination_action", args=[pk]), {"action": "recommend"}).status_code

    return job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_recommendations_stay_within_quota(unit_with_channels, make_nomination):
    unit, staff, member = unit_with_channels(["society"])  # 3 per domain
    entries = [make_nomination(state=State.ACCEPTED, member_unit=member) for _ in range(8)]
    statuses = _run_in_parallel([_recommend_job(staff, e.pk) for e in entries])
    # Three recommended (redirect to the entry page), five refused with the quota's reason (403).
    assert sorted(statuses) == [302] * 3 + [403] * 5
    recommended = Nomination.objects.filter(recommending_unit=unit, state=State.RECOMMENDED).count()
    assert recommended == 3
    assert Nomination.objects.filter(recommending_unit=unit, state=State.ACCEPTED).count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_unrecommend_and_recommend_keep_the_count_right(unit_with_channels, make_nomination):
    unit, staff, member = unit_with_channels(["society"])
    recommended = [make_nomination(state=State.RECOMMENDED, member_unit=member) for _ in range(3)]
    waiting = [make_nomination(state=State.ACCEPTED, member_unit=member) for _ in range(4)]

    def unrecommend(pk):
        def job():
            client = Client()
            client.force_login(staff)
            return client.post(
                reverse("secretariat:nomination_action", args=[pk]), {"action": "unrecommend"}
            ).status_code

        return job

    jobs = [unrecommend(recommended[0].pk)] + [_recommend_job(staff, e.pk) for e in waiting]
    _run_in_parallel(jobs)
    count = Nomination.objects.filter(recommending_unit=unit, state=State.RECOMMENDED).count()
    assert count <= 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_accept_goes_through_while_a_recommendation_of_the_same_unit_holds_its_quota_lock(
    unit_with_channels, make_nomination
):
    """The deadlock bench/rush.py met at the deadline (a 500): a 推荐 holds the unit's quota lock; a 受理
    of another entry of the unit must not wait for it (its audit row references the unit), or the two
    wait for each other as soon as the 推荐 needs the entry the 受理 holds (nominations/locks.py)."""
    from nominations import workflow

    _unit, staff, member = unit_with_channels(["society"])
    held = make_nomination(state=State.ACCEPTED, member_unit=member)
    arriving = make_nomination(state=State.SUBMITTED, member_unit=member)
    inside, release = threading.Event(), threading.Event()

    def hold_the_locks(sender, nomination, **kwargs):
        if nomination.pk == held.pk:
            inside.set()
            release.wait(timeout=20)

    workflow.transitioned.connect(hold_the_locks, dispatch_uid="test-hold-quota-lock")
    outcome = {}

    def recommend():
        try:
            outcome["recommend"] = workflow.transition(held, "recommend", staff).state
        finally:
            connection.close()

    thread = threading.Thread(target=recommend)
    try:
        thread.start()
        assert inside.wait(timeout=20), "the recommendation never reached its locks"
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        try:
            accepted = workflow.transition(arriving, "accept", staff)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
            release.set()
            thread.join(timeout=30)
    finally:
        workflow.transitioned.disconnect(dispatch_uid="test-hold-quota-lock")
    assert accepted.state == State.ACCEPTED
    assert outcome["recommend"] == State.RECOMMENDED
    assert Nomination.objects.get(pk=arriving.pk).state == State.ACCEPTED
    assert Nomination.objects.get(pk=held.pk).state == State.RECOMMENDED
