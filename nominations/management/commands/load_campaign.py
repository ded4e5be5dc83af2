from django.core.management.base import BaseCommand

from nominations.campaign_data import load_campaign


class Command(BaseCommand):
    help = "Load (or update) a campaign year from a JSON file, e.g. fixtures/campaign_2023.json."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="fixtures/campaign_2023.json")

    def handle(self, *args, path, **options):
        campaign = load_campaign(path)
        self.stdout.write(self.style.SUCCESS(f"已载入 {campaign}：{campaign.lists.count()} 个榜单。"))
