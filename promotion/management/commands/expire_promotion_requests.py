from django.core.management.base import BaseCommand

from promotion.services import expire_overdue


class Command(BaseCommand):
    help = "将超过答复期限仍未答复的对接请求设为已过期，并通知提出请求的合作机构（已过期的不再重复处理）。"

    def handle(self, *args, **options):
        count = expire_overdue()
        self.stdout.write(f"已将 {count} 个逾期未答复的对接请求设为已过期。")
