# A list's one number per_unit_cap meant two rules: the quota a recommending unit gets per channel
# (stacked over its channels) and the cap of live entries of one member unit. Each now has its own
# field; both start from the old number, so nothing anyone sees changes.

from django.db import migrations, models
from django.db.models import F


def copy_per_unit_cap(apps, schema_editor):
    RankingList = apps.get_model("nominations", "RankingList")
    RankingList.objects.update(channel_quota=F("per_unit_cap"), member_cap=F("per_unit_cap"))


def copy_back(apps, schema_editor):
    RankingList = apps.get_model("nominations", "RankingList")
    RankingList.objects.update(per_unit_cap=F("channel_quota"))


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0006_sentmail_audience"),
    ]

    operations = [
        migrations.AddField(
            model_name="rankinglist",
            name="channel_quota",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="推荐单位每属于一个服务本榜单的推荐渠道，就有这么多名额（可叠加）；按领域计算的榜单为每个领域的名额。",
                verbose_name="每个推荐渠道的推荐名额",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rankinglist",
            name="member_cap",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="一家会员单位在本榜单（按领域计算的榜单为每个领域）最多同时有多少项在办申报。",
                verbose_name="每家会员单位的申报上限",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="rankinglist",
            name="per_unit_cap",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="每单位推荐上限"),
        ),
        migrations.RunPython(copy_per_unit_cap, copy_back),
        migrations.RemoveField(model_name="rankinglist", name="per_unit_cap"),
    ]
