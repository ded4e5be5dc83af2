"""Publication per list: a campaign-level row becomes one row per list it published."""

from django.db import migrations


def split_publications(apps, schema_editor):
    """One row per list of each published campaign: the lists with published entries, or every list."""
    Publication = apps.get_model("reviews", "Publication")
    Nomination = apps.get_model("nominations", "Nomination")
    RankingList = apps.get_model("nominations", "RankingList")
    for old in list(Publication.objects.filter(ranking_list__isnull=True)):
        published = set(
            Nomination.objects.filter(campaign_id=old.campaign_id, state="published").values_list(
                "ranking_list_id", flat=True
            )
        )
        lists = RankingList.objects.filter(campaign_id=old.campaign_id).order_by("order", "pk")
        if published:
            lists = lists.filter(pk__in=published)
        list_ids = list(lists.values_list("pk", flat=True))
        if not list_ids:
            old.delete()
            continue
        first, *rest = list_ids
        old.ranking_list_id = first
        old.save(update_fields=["ranking_list"])
        for list_id in rest:
            Publication.objects.create(
                campaign_id=old.campaign_id,
                ranking_list_id=list_id,
                published_at=old.published_at,
                published_by_id=old.published_by_id,
            )


def join_publications(apps, schema_editor):
    """Back to one row per campaign: keep the earliest row of each campaign."""
    Publication = apps.get_model("reviews", "Publication")
    seen = set()
    for row in Publication.objects.order_by("campaign_id", "published_at", "pk"):
        if row.campaign_id in seen:
            row.delete()
        seen.add(row.campaign_id)


class Migration(migrations.Migration):
    """The data step alone: on PostgreSQL a migration that changes rows and then alters the same table
    in one transaction fails ("pending trigger events"), so the schema steps are 0002 and 0004."""

    dependencies = [("reviews", "0002_publication_per_list_and_platform_closure")]

    operations = [migrations.RunPython(split_publications, join_publications)]
