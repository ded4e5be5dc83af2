"""The deadline rush (issue 18, bench/rush.py): fewer indexes on the entry table, HOT autosaves, and the
version counter of the cached campaign data (nominations/campaign_cache.py).

Checked with EXPLAIN and pg_stat_user_indexes after a rush run (12,090 entries): the single-column
indexes of campaign, member_unit and recommending_unit were never used (the composite indexes starting
with them were); (recommending_unit, state, -updated_at) was the only index holding a column every
autosave changes, so no autosave could be a HOT update (0 of 4,377); the inbox now uses
(recommending_unit, state) and sorts the unit's rows. Fillfactor 85 leaves room on each page for the
new row version of a HOT update (PostgreSQL only).
"""

import django.db.models.deletion
from django.db import migrations, models


def first_version(apps, schema_editor):
    apps.get_model("nominations", "CampaignDataVersion").objects.get_or_create(pk=1, defaults={"value": 1})


def fillfactor(value):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE nominations_nomination SET (fillfactor = {int(value)})")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0013_stamped_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="CampaignDataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0, verbose_name="版本")),
            ],
            options={
                "verbose_name": "征集数据版本",
                "verbose_name_plural": "征集数据版本",
            },
        ),
        migrations.RemoveIndex(
            model_name="nomination",
            name="nomination_unit_state_updated",
        ),
        migrations.AlterField(
            model_name="nomination",
            name="campaign",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nominations",
                to="nominations.campaign",
                verbose_name="年度",
            ),
        ),
        migrations.AlterField(
            model_name="nomination",
            name="member_unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nominations",
                to="nominations.memberunit",
                verbose_name="会员单位",
            ),
        ),
        migrations.AlterField(
            model_name="nomination",
            name="recommending_unit",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nominations",
                to="nominations.recommendingunit",
                verbose_name="推荐单位",
            ),
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(fillfactor(85), fillfactor(100)),
    ]
