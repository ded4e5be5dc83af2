"""PostgreSQL plans a repeated query once: psycopg prepares it after DATABASE_PREPARE_THRESHOLD runs.

The entry page's eight-table join costs PostgreSQL about ten times more to plan than to run, and it is
the same statement for every member at the deadline; prepared statements need server-side binding.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from nominations import workflow
from nominations.models import Nomination
from nominations.models.nomination import NOMINATION_RELATIONS
from tests.factories import NominationFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_the_entry_query_is_prepared_after_a_few_runs(tech):
    nominations = NominationFactory.create_batch(2, ranking_list=tech)
    options = connection.settings_dict["OPTIONS"]
    assert options["server_side_binding"] is True
    for _ in range(options["prepare_threshold"] + 1):
        for nomination in nominations:
            entry = Nomination.objects.select_related(*NOMINATION_RELATIONS).get(pk=nomination.pk)
            assert entry.ranking_list_id == nomination.ranking_list_id
    joined = [sql for sql in prepared_statements() if '"nominations_nomination"' in sql and "JOIN" in sql]
    assert joined, "the joined entry query was not prepared"
    assert "$1" in joined[0]  # bound on the server, one plan for every entry


def test_a_refused_transition_keeps_the_prepared_statements(enterprise, member_unit, member_user):
    """A rollback makes psycopg deallocate every statement of the connection: a refusal, which wrote
    nothing, ends its transaction normally, so the next requests are not planned again."""
    entry = NominationFactory(ranking_list=enterprise, member_unit=member_unit, created_by=member_user)
    for _ in range(connection.settings_dict["OPTIONS"]["prepare_threshold"] + 1):
        Nomination.objects.select_related(*NOMINATION_RELATIONS).get(pk=entry.pk)
    assert prepared_statements(), "nothing was prepared"
    after_deadline = datetime(2023, 11, 20, 17, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(after_deadline, tick=False), pytest.raises(workflow.WorkflowError) as refused:
        workflow.transition(entry, "submit", member_user)
    assert "会员提交截止时间已过" in str(refused.value)
    entry.refresh_from_db()
    assert entry.state == "draft"
    assert any('"nominations_nomination"' in sql and "JOIN" in sql for sql in prepared_statements())
