"""PostgreSQL plans a repeated query once: psycopg prepares it after DATABASE_PREPARE_THRESHOLD runs.

The entry page's eight-table join costs PostgreSQL about ten times more to plan than to run, and it is
the same statement for every member at the deadline; prepared statements need server-side binding.
"""

import pytest
from django.db import connection

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
