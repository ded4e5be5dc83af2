from django.core.management.base import BaseCommand, CommandError

from nominations.models import Campaign
from reviews.criteria import load_review_criteria


class Command(BaseCommand):
    help = "Load the default review criteria and target counts (idempotent; edited values are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="Campaign year (default: every campaign).")

    def handle(self, *args, year=None, **options):
        campaigns = Campaign.objects.all()
        if year is not None:
            campaigns = campaigns.filter(year=year)
            if not campaigns.exists():
                raise CommandError(f"No campaign for {year}.")
        for campaign in campaigns:
            criteria, targets = load_review_criteria(campaign)
            self.stdout.write(f"{campaign.year}: {criteria} criteria and {targets} target counts created.")
