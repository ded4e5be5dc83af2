"""The member cap under parallel submissions on PostgreSQL: the row lock on the member unit serialises them."""

import threading

import pytest
import time_machine
from django.db import connection, connections

from nominations import intake, workflow
from nominations.models import Nomination, State
from tests.intake.conftest import OPEN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_never_exceed_the_cap(transactional_db, member_user, make_nomination):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    make_nomination(state=State.SUBMITTED, title="已提交")  # cap 3 per domain: 2 places left
    drafts = [make_nomination(title=f"并发草稿{i}") for i in range(6)]
    barrier = threading.Barrier(len(drafts))
    results = {}

    def submit(nomination):
        try:
            with time_machine.travel(OPEN, tick=False):
                barrier.wait(timeout=10)
                intake.submit(Nomination.objects.get(pk=nomination.pk), member_user)
            results[nomination.pk] = "ok"
        except workflow.WorkflowError as exc:
            results[nomination.pk] = str(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(results.values()).count("ok") == 2, results
    refused = [message for message in results.values() if message != "ok"]
    assert len(refused) == 4 and all("上限" in message for message in refused)
    live = Nomination.objects.filter(member_unit=member_user.profile.member_unit, state=State.SUBMITTED)
    assert live.count() == 3
