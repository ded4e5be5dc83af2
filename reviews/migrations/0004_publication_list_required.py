"""Publication per list: every publication names its list (after 0003 filled it in)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_split_publications_per_list")]

    operations = [
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
