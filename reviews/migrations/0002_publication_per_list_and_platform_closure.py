"""Publication per list (a campaign-level row becomes one row per list it published) and the platform's
closure of a body's review (``BodySubmission.closed_by_platform`` with its reason)."""

import django.db.models.deletion
from django.db import migrations, models


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
    dependencies = [
        ("nominations", "0001_initial"),
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="bodysubmission",
            name="closed_by_platform",
            field=models.BooleanField(
                default=False,
                help_text="机构逾期未报送，由平台秘书处关闭初评；已提交的评分有效。",
                verbose_name="平台关闭初评",
            ),
        ),
        migrations.AddField(
            model_name="bodysubmission",
            name="close_reason",
            field=models.TextField(blank=True, verbose_name="关闭理由"),
        ),
        migrations.AlterField(
            model_name="publication",
            name="campaign",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="publications",
                to="nominations.campaign",
                verbose_name="年度",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="ranking_list",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="publication",
                to="nominations.rankinglist",
                verbose_name="榜单",
            ),
        ),
        migrations.RunPython(split_publications, join_publications),
        migrations.AlterField(
            model_name="publication",
            name="ranking_list",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="publication",
                to="nominations.rankinglist",
                verbose_name="榜单",
            ),
        ),
        migrations.AlterModelOptions(
            name="publication",
            options={
                "ordering": ["campaign", "ranking_list__order"],
                "verbose_name": "榜单发布",
                "verbose_name_plural": "榜单发布",
            },
        ),
    ]
