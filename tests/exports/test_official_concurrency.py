"""Serial numbers of official versions under parallel confirmations on PostgreSQL: the campaign's
counter row is locked while numbers are taken, so no two versions ever share one."""

import threading

import pytest
from django.db import connection, connections, transaction

from nominations import official_numbers
from nominations.models import OfficialSerial


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_serial_numbers_never_collide(transactional_db, campaign):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    workers, each = 6, 20
    barrier = threading.Barrier(workers)
    taken, errors = [], []

    def take():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                numbers = official_numbers.take_serials(campaign, each)
            taken.extend(numbers)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(taken) == list(range(1, workers * each + 1))
    assert OfficialSerial.objects.get(campaign=campaign).last == workers * each
