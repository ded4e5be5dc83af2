"""Migrations 0002–0004 keep the publications: a campaign-level row becomes one row per list it published."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from nominations.models import State
from reviews.models import Publication
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("reviews", "0001_initial")]


def _latest():
    """Every app's newest migration: the test must leave the database as it found it."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def test_a_campaign_publication_becomes_one_row_per_published_list(campaign, tech, enterprise, platform_user):
    NominationFactory(ranking_list=tech, domain=tech.domains.first(), state=State.PUBLISHED, title="已发布技术")
    NominationFactory(ranking_list=enterprise, domain=None, state=State.PUBLISHED, title="已发布企业")
    Publication.objects.create(
        campaign=campaign, ranking_list=tech, published_at=campaign.publication_start, published_by=platform_user
    )
    after = _latest()
    try:
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT campaign_id FROM reviews_publication")
            assert cursor.fetchall() == [(campaign.pk,)]
    finally:
        _migrate(after)
    rows = Publication.objects.filter(campaign=campaign).order_by("ranking_list__order")
    assert [row.ranking_list.code for row in rows] == ["tech", "enterprise"]
    assert {row.published_by for row in rows} == {platform_user}
