from django.core.management.base import BaseCommand

from nominations.reminders import due_reminders, send_reminders


class Command(BaseCommand):
    help = "发送截止前 3 天和 1 天的提醒邮件（已发送的不再重复发送）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出应发送的提醒，不发送。")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for reminder in due_reminders():
                self.stdout.write(f"{reminder.key}\t{', '.join(reminder.to)}")
            return
        sent = send_reminders()
        self.stdout.write(f"已发送 {len(sent)} 封提醒邮件。")
