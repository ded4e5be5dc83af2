from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from nominations.demo import CAMPAIGN_FILE, demo_logins_table, load_demo


def _width(text):
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text, width):
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = "Load the 2023 campaign and the demo units, users and entries (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign-file", default=CAMPAIGN_FILE)

    def handle(self, *args, campaign_file, **options):
        # The demo entries walk through real transitions; their notification mails are logged in
        # SentMail (readable in the mail log) but not printed to the console over the log-in table.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            summary = load_demo(campaign_file)
        write_summary(self, summary)


def write_summary(command: BaseCommand, summary: dict) -> None:
    """What was loaded, then the table of demo log-ins (also printed by ``reset_demo``)."""
    campaign = summary["campaign"]
    units, members, users = summary["recommending_units"], summary["member_units"], summary["users"]
    command.stdout.write(
        command.style.SUCCESS(
            f"已载入 {campaign} 与演示数据：推荐单位新建 {units['created']}、更新 {units['updated']}；"
            f"会员单位新建 {members['created']}、更新 {members['updated']}；"
            f"用户新建 {users['created']}、更新 {users['updated']}；演示申报新建 {summary['entries_created']}。"
        )
    )
    header = ("用户名", "角色", "单位", "密码")
    rows = demo_logins_table()
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(4)]
    command.stdout.write("")
    command.stdout.write("演示账号：")
    for row in [header, *rows]:
        command.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
