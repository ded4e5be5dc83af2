"""The row locks that serialise a rule: a quota, a member cap, a unit's confirmation, an entry's uploads.

Every such lock is PostgreSQL's ``FOR NO KEY UPDATE`` (``select_for_update(no_key=True)``), not
``FOR UPDATE``. Both make two lockers of the same row wait for each other, which is all a rule needs.
``FOR UPDATE`` also blocks the ``FOR KEY SHARE`` lock that PostgreSQL takes on a parent row whenever
another transaction inserts or updates a row referencing it: the audit row of a transition references
the recommending unit, so a secretariat's 受理 of entry A (entry A locked, then its audit row waiting for
the unit) and a 推荐 of entry A (the unit locked for the quota, then waiting for entry A) deadlocked
(bench/rush.py saw it as a 500 at the deadline). No rule here deletes a locked row or changes its key,
so the weaker lock is the right one. SQLite has no row locks: these are no-ops there.
"""

from __future__ import annotations

from django.db import models


def serialize_on(model: type[models.Model], pk: object) -> None:
    """Lock the row ``pk`` of ``model`` until the end of the transaction (it must exist or not: no error)."""
    # Only the key is read: the lock is the point, not the row's columns (nor an ORDER BY).
    list(model.objects.select_for_update(no_key=True).filter(pk=pk).order_by().values_list("pk", flat=True))
