import sys

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from nominations import demo_reset
from nominations.demo import CAMPAIGN_FILE
from nominations.management.commands.load_demo import write_summary

QUESTION = "将删除全部申报、评审、邮件记录、操作记录、导出与账号，重新载入演示数据，时钟回到起点。输入 yes 继续："


class Command(BaseCommand):
    help = (
        "Start the demo over: delete every entry, review, mail, audit record, export, user and unit, load the "
        "demo again and put the demo clock back at DEMO_CLOCK_START (only with DEMO_CLOCK on, never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument("--campaign-file", default=CAMPAIGN_FILE)

    def handle(self, *args, yes, campaign_file, **options):
        reason = demo_reset.refusal()
        if reason:
            raise CommandError(reason)
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("重置会删除全部数据：请在终端中确认，或加上 --yes。")
            if input(QUESTION).strip().lower() != "yes":
                self.stdout.write("已取消，数据未改动。")
                return
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            summary = demo_reset.reset_demo(campaign_file)
        self.stdout.write(
            self.style.SUCCESS(f"已清空原有数据（删除文件 {summary['files_deleted']} 个），演示时钟已回到起点。")
        )
        write_summary(self, summary)
