# Each logged mail records whom it was addressed to; the policy lets only them and the platform read it.

from django.db import migrations, models

# The kinds as they were when the audience was added: to a member unit, to a recommending unit's staff.
MEMBER_KINDS = ("returned", "accepted", "declined", "recommended", "reminder_member")
SECRETARIAT_KINDS = ("confirmed", "reopened", "reminder_platform")


def backfill_audience(apps, schema_editor):
    SentMail = apps.get_model("nominations", "SentMail")
    SentMail.objects.filter(kind__in=MEMBER_KINDS).update(audience="member")
    SentMail.objects.filter(kind__in=SECRETARIAT_KINDS).update(audience="secretariat")
    # An invitation went to one user: a member unit's, a secretariat's, or anyone else's (platform only).
    invitations = SentMail.objects.filter(kind="invitation")
    invitations.exclude(member_unit=None).update(audience="member")
    invitations.filter(member_unit=None).exclude(recommending_unit=None).update(audience="secretariat")


class Migration(migrations.Migration):
    dependencies = [
        ("nominations", "0005_creation_tokens_and_attachment_sha256"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentmail",
            name="audience",
            field=models.CharField(
                choices=[("member", "会员单位"), ("secretariat", "推荐单位秘书处"), ("other", "其他收件人")],
                default="other",
                help_text="会员单位的邮件只有该会员单位和平台可见；推荐单位秘书处的邮件只有该秘书处和平台可见；其他邮件仅平台可见。",
                max_length=20,
                verbose_name="收件对象",
            ),
        ),
        migrations.RunPython(backfill_audience, migrations.RunPython.noop),
    ]
