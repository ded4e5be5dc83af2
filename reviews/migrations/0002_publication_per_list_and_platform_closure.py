"""Publication per list (a campaign-level row becomes one row per list it published) and the platform's
closure of a body's review (``BodySubmission.closed_by_platform`` with its reason)."""

import django.db.models.deletion
from django.db import migrations, models


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
    ]
