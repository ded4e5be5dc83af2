from django.core.management.base import BaseCommand

from nominations.formal import lapse_overdue, overdue


class Command(BaseCommand):
    help = "将限期修改截止时间已过、未重新提交的申报设为不予受理（已处理的不再重复处理）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只列出将不予受理的申报，不修改。")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for nomination in overdue():
                self.stdout.write(f"{nomination.pk}\t{nomination}")
            return
        lapsed = lapse_overdue()
        self.stdout.write(f"已将 {len(lapsed)} 项逾期未修改的申报设为不予受理。")
